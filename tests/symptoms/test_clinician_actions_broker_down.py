"""A clinician's change that opens an alert is saved even when the task queue is down; the email waits."""

from datetime import timedelta

import pytest
from kombu.exceptions import OperationalError

from cipn_tracker.celery import app as celery_app
from notifications.models import Notification, State
from symptoms import patient_record
from symptoms.models import Alert, PatientThreshold
from tests.factories import EntryFactory

pytestmark = pytest.mark.real_broker  # the real dispatch, with a broker that refuses every message


def test_lowering_a_threshold_with_the_broker_down_still_saves_and_leaves_the_email_pending(
        client, clinic, monkeypatch, django_capture_on_commit_callbacks):
    clinic.clinician.email = "nurse@example.org"
    clinic.clinician.save()
    today = clinic.patient.local_today()
    for days_ago in range(20):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=5, pain=0)
    patient_record.set_patient_threshold(clinic.clinician, clinic.patient, "5.00")  # 5.0 is not above 5.0: no referral
    assert not Alert.objects.filter(patient=clinic.patient).exists()

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(celery_app, "send_task", broker_down)
    client.force_login(clinic.clinician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/clinician/patients/{clinic.patient.pk}/threshold/", {"threshold": "4.5"})
    assert response.status_code == 302
    assert PatientThreshold.objects.get(patient=clinic.patient).threshold == 4.5
    assert Alert.objects.get(patient=clinic.patient, resolved_at__isnull=True).kind == "refer"
    email = Notification.objects.get(recipient=clinic.clinician, channel="email")
    assert email.state == State.PENDING, "the sweep sends it once the broker is back"
