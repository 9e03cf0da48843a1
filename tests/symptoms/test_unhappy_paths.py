"""Paths a clinic hits rarely, each with what must hold: an admin's bulk threshold delete re-assesses
every patient, a care team only joins a patient and a clinician, an over-long acknowledgement note is
refused (page, API and service) with the alert left as it was."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import CareTeamMember
from symptoms import alerts, patient_record
from symptoms.entry_fields import NOTES_MAX_LENGTH
from symptoms.models import Alert, PatientStatus, PatientThreshold, RecordAccess
from tests.conftest import api_as
from tests.factories import EntryFactory

TOO_LONG = "x" * (NOTES_MAX_LENGTH + 1)
TOO_LONG_MESSAGE = f"Keep it to {NOTES_MAX_LENGTH} characters or fewer."


def three_weeks_at(patient, score: int) -> None:
    today = patient.local_today()
    for days_ago in range(21):
        EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=score, pain=0)


def test_an_admins_bulk_delete_of_thresholds_re_assesses_each_patient(client, clinic):
    for patient in (clinic.patient, clinic.other_patient):
        three_weeks_at(patient, 5)  # above the clinic's 4.0 for three weeks: refer under the clinic's policy
        patient_record.set_patient_threshold(clinic.admin, patient, "5.00")  # 5.0 is not above 5.0
        assert PatientStatus.objects.get(patient=patient).status == "ok"
    client.force_login(clinic.admin)
    response = client.post("/admin/symptoms/patientthreshold/", {
        "action": "delete_selected", "post": "yes",
        "_selected_action": [clinic.patient.pk, clinic.other_patient.pk]})
    assert response.status_code == 302
    assert not PatientThreshold.objects.exists()
    for patient in (clinic.patient, clinic.other_patient):
        status = PatientStatus.objects.get(patient=patient)
        assert (status.status, str(status.threshold)) == ("refer", "4.00"), "back on the clinic's threshold"
        assert Alert.objects.filter(patient=patient, kind="refer", resolved_at__isnull=True).exists()


@pytest.mark.parametrize(("side", "wrong_role", "message"), [
    ("patient", "clinician", "Only a patient can have a care team."),
    ("clinician", "patient", "Only a clinician can be on a care team."),
])
def test_a_care_team_joins_a_patient_and_a_clinician_only(clinic, side, wrong_role, message):
    people = {"patient": clinic.patient, "clinician": clinic.clinician}
    people[side] = clinic.other_clinician if wrong_role == "clinician" else clinic.other_patient
    with pytest.raises(ValidationError) as error:
        CareTeamMember(**people).clean()
    assert error.value.message_dict == {side: [message]}
    CareTeamMember(patient=clinic.other_patient, clinician=clinic.clinician).clean()  # the right roles pass


def assert_untouched(alert: Alert) -> None:
    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.note, alert.resolved_at) == (None, "", None)
    assert not RecordAccess.objects.filter(action="acknowledged_alert").exists()


def test_an_over_long_note_is_refused_by_the_api_naming_the_field(clinic, fall_alert):
    response = api_as(clinic.clinician).post(f"/api/v1/alerts/{fall_alert.pk}/acknowledge/", {"note": TOO_LONG},
                                             format="json")
    assert response.status_code == 400 and response.json() == {"note": [TOO_LONG_MESSAGE]}
    assert_untouched(fall_alert)


def test_a_note_the_database_cannot_store_is_refused_by_the_api_and_the_page(client, clinic, fall_alert):
    response = api_as(clinic.clinician).post(f"/api/v1/alerts/{fall_alert.pk}/acknowledge/", {"note": "ok\x00"},
                                             format="json")
    assert response.status_code == 400 and list(response.json()) == ["note"]
    client.force_login(clinic.clinician)
    page = client.post(f"/clinician/patients/{clinic.patient.pk}/alerts/{fall_alert.pk}/acknowledge/",
                       {f"alert-{fall_alert.pk}-note": "ok\x00"})
    assert page.status_code == 400
    assert_untouched(fall_alert)


def test_an_over_long_note_is_refused_on_the_record_page_next_to_the_field(client, clinic, fall_alert):
    client.force_login(clinic.clinician)
    response = client.post(f"/clinician/patients/{clinic.patient.pk}/alerts/{fall_alert.pk}/acknowledge/",
                           {f"alert-{fall_alert.pk}-note": TOO_LONG})
    assert response.status_code == 400
    assert TOO_LONG_MESSAGE in response.content.decode()
    assert_untouched(fall_alert)


def test_an_over_long_note_is_refused_by_the_service(clinic, fall_alert):
    with pytest.raises(ValidationError) as error:
        alerts.acknowledge_alert(clinic.clinician, fall_alert.pk, TOO_LONG, now=timezone.now())
    assert error.value.message_dict == {"note": [TOO_LONG_MESSAGE]}
    assert_untouched(fall_alert)
    acknowledged = alerts.acknowledge_alert(clinic.clinician, fall_alert.pk, "x" * NOTES_MAX_LENGTH)
    assert acknowledged.resolved_at is not None, "a note of exactly the limit is kept and a fall alert closes"
