"""Erasing a patient: everything the app holds about them goes in one transaction; the access log keeps
its rows, marked erased; the account can no longer sign in."""

import html
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, OneToOneField
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import CareTeamMember, User
from notifications.models import Channel, Kind, Notification, Preferences
from symptoms import evaluation
from symptoms.access_log import log_record_access
from symptoms.erasure import REFERENCES, erase_patient, erased_name
from symptoms.models import PatientThreshold, RecordAccess, RecordAccessAction, SymptomEntry
from tests.factories import EntryFactory
from treatment.models import Administration, ClinicianGrade, Course


def user_references():
    """Every column in the database that points at a user: "app_label.model.field"."""
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if isinstance(field, ForeignKey | OneToOneField) and field.related_model is User and field.concrete:
                found.add(f"{model._meta.app_label}.{model._meta.model_name}.{field.name}")
    return found


def test_every_reference_to_a_user_is_covered_by_erasure():
    assert user_references() == set(REFERENCES), "say in symptoms/erasure.py what erasure does with it"


@pytest.fixture
def everything(clinic):
    """clinic.patient with something in every table that can hold them."""
    patient = clinic.patient
    today = patient.local_today()
    for ago in range(10):
        EntryFactory(patient=patient, date=today - timedelta(days=ago), numbness=5, pain=2, fell=ago == 1)
    PatientThreshold.objects.create(patient=patient, threshold="4.50", set_by=clinic.clinician)
    course = Course.objects.create(patient=patient, agent="paclitaxel", cycle_length_days=7,
                                   created_by=clinic.clinician)
    Administration.objects.create(course=course, date=today - timedelta(days=3))
    ClinicianGrade.objects.create(patient=patient, date=today, grade=1, recorded_by=clinic.clinician)
    evaluation.evaluate_patients([patient.pk])  # a status, a fall alert, notices to the clinician and patient
    Notification.objects.create(recipient=patient, kind=Kind.REMINDER, channel=Channel.EMAIL,
                                subject={"day": today.isoformat()}, key=f"reminder:{patient.pk}:x")
    Preferences.objects.create(user=patient)
    TOTPDevice.objects.create(user=patient, name="phone", confirmed=True)
    log_record_access(clinic.clinician, patient, RecordAccessAction.VIEWED_RECORD)
    AccessLog.objects.create(username=patient.username, ip_address="127.0.0.1", user_agent="test")
    LogEntry.objects.log_actions(clinic.admin.pk, [patient], CHANGE, change_message="[]", single_object=True)
    return patient


def test_an_admin_erases_a_patient_and_nothing_is_left_but_the_marked_access_log(clinic, everything):
    patient, pk, username = everything, everything.pk, everything.username
    _token_row, token = AuthToken.objects.create(user=patient)
    signed_in = Client()
    signed_in.force_login(patient)
    assert signed_in.get("/log/")["Location"].startswith("/two-factor/verify/")  # signed in, asked for the code
    notices_about_them = Notification.objects.filter(subject__alert_id__isnull=False).count()
    assert notices_about_them >= 2 and Session.objects.count() == 1
    other = SymptomEntry.objects.create(patient=clinic.other_patient, date=clinic.other_patient.local_today(),
                                        numbness=1, pain=0, hands=True)

    admin = Client()
    admin.force_login(clinic.admin)
    account = admin.get(f"/admin/accounts/user/{pk}/change/").content.decode()
    assert f'href="/admin/accounts/user/{pk}/erase/"' in account  # the way there, on the patient's page
    page = admin.get(f"/admin/accounts/user/{pk}/erase/")
    assert page.status_code == 200 and username in page.content.decode()
    response = admin.post(f"/admin/accounts/user/{pk}/erase/", {"username": username})
    assert response.status_code == 302

    assert not User.objects.filter(pk=pk).exists()
    for reference in REFERENCES:
        app_label, model_name, field = reference.split(".")
        model = apps.get_model(app_label, model_name)
        assert not model.objects.filter(**{f"{field}_id": pk}).exists(), reference
    assert not Notification.objects.filter(subject__alert_id__isnull=False).exists()
    assert not Administration.objects.exists() and not AccessLog.objects.filter(username=username).exists()
    assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(pk)).exists()
    assert not [session for session in Session.objects.all() if session.get_decoded().get("_auth_user_id") == str(pk)]
    marked = RecordAccess.objects.filter(patient_erased=True)
    assert set(marked.values_list("patient_username", flat=True)) == {erased_name(pk)}
    assert set(marked.values_list("action", flat=True)) == {"viewed_record", "erased_patient"}
    erasure = marked.get(action="erased_patient")
    assert erasure.actor == clinic.admin and not RecordAccess.objects.filter(patient_username=username).exists()
    # Their token and their session no longer work; nobody else's data moved.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/entries/").status_code == 401
    assert signed_in.get("/log/")["Location"].startswith("/?next=")  # signed out: the sign-in page
    assert SymptomEntry.objects.filter(pk=other.pk).exists()


def test_the_wrong_username_erases_nothing(clinic, everything):
    admin = Client()
    admin.force_login(clinic.admin)
    response = admin.post(f"/admin/accounts/user/{everything.pk}/erase/", {"username": "someone-else"})
    assert response.status_code == 400
    assert "That is not this patient's username; nothing was erased." in html.unescape(response.content.decode())
    assert User.objects.filter(pk=everything.pk).exists()
    assert SymptomEntry.objects.filter(patient=everything).count() == 10


def test_only_an_admin_can_erase_and_only_a_patient(client, clinic, everything):
    client.force_login(clinic.clinician)
    response = client.post(f"/admin/accounts/user/{everything.pk}/erase/", {"username": everything.username})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert User.objects.filter(pk=everything.pk).exists()
    client.force_login(clinic.admin)
    assert client.get(f"/admin/accounts/user/{clinic.clinician.pk}/erase/").status_code == 404


def test_lockouts_in_any_case_and_the_admin_history_of_every_row_go_too(clinic, everything):
    everything.username = "Mei.Lin"
    everything.save()
    AccessAttempt.objects.create(username="mei.lin", ip_address="127.0.0.1", user_agent="test", failures_since_start=2)
    membership = CareTeamMember.objects.get(patient=everything)
    LogEntry.objects.log_actions(clinic.admin.pk, [membership], CHANGE, change_message="[]", single_object=True)
    kept = LogEntry.objects.log_actions(clinic.admin.pk, [clinic.clinician], CHANGE, change_message="[]",
                                        single_object=True)
    admin = Client()
    admin.force_login(clinic.admin)
    assert admin.post(f"/admin/accounts/user/{everything.pk}/erase/", {"username": "Mei.Lin"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [kept.pk]  # only the clinician's


def test_a_patient_is_never_deleted_the_ordinary_way(clinic, everything):
    admin = Client()
    admin.force_login(clinic.admin)
    assert admin.get(f"/admin/accounts/user/{everything.pk}/delete/").status_code == 403
    page = admin.get("/admin/accounts/user/").content.decode()
    assert 'value="delete_selected"' not in page
    assert User.objects.filter(pk=everything.pk).exists()


def test_erase_patient_refuses_anyone_but_an_admin_a_non_patient_or_the_wrong_name(clinic, everything):
    with pytest.raises(PermissionDenied):
        erase_patient(clinic.clinician, everything, everything.username)
    with pytest.raises(ValueError, match="only a patient"):
        erase_patient(clinic.admin, clinic.clinician, clinic.clinician.username)
    with pytest.raises(ValueError, match="not the patient's"):
        erase_patient(clinic.admin, everything, everything.username.upper())
    assert SymptomEntry.objects.filter(patient=everything).count() == 10
    assert not RecordAccess.objects.filter(action="erased_patient").exists()
