"""GET /api/v1/alerts/?status= and POST /api/v1/alerts/{id}/acknowledge/, scoped to the caller."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from symptoms import evaluation
from symptoms.models import Alert, RecordAccess, RecordAccessAction
from tests.conftest import api_as
from tests.factories import CareTeamMemberFactory, EntryFactory, PatientFactory


def ack_url(alert) -> str:
    return f"/api/v1/alerts/{alert.pk}/acknowledge/"


def test_the_care_team_clinician_and_the_patient_see_the_alert(clinic, fall_alert):
    for who in ("clinician", "patient"):
        body = api_as(getattr(clinic, who)).get("/api/v1/alerts/").json()
        assert [(a["id"], a["kind"], a["state"]) for a in body] == [(fall_alert.pk, "fall", "open")]
        assert body[0]["patient"] == {"id": clinic.patient.pk, "name": clinic.patient.display_name()}


@pytest.mark.parametrize("who", ["other_clinician", "other_patient"])
def test_others_see_nothing(clinic, fall_alert, who):
    assert api_as(getattr(clinic, who)).get("/api/v1/alerts/").json() == []


def test_acknowledging_keeps_who_when_and_the_note(clinic, fall_alert):
    response = api_as(clinic.clinician).post(ack_url(fall_alert), {"note": "Phoned: bruised knee only."},
                                             format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["acknowledged_by"], body["note"]) == (
        "resolved", clinic.clinician.display_name(), "Phoned: bruised knee only.")
    assert body["acknowledged_at"] and body["resolved_at"]
    client = api_as(clinic.clinician)
    assert client.get("/api/v1/alerts/", {"status": "open"}).json() == []
    assert len(client.get("/api/v1/alerts/", {"status": "resolved"}).json()) == 1


def test_a_clinician_off_the_care_team_gets_404_and_nothing_changes(clinic, fall_alert):
    assert api_as(clinic.other_clinician).post(ack_url(fall_alert), {}, format="json").status_code == 404
    assert api_as(clinic.clinician).post("/api/v1/alerts/999999/acknowledge/", {}, format="json").status_code == 404
    fall_alert.refresh_from_db()
    assert fall_alert.acknowledged_at is None


def test_patients_and_admins_cannot_acknowledge_and_are_not_told_the_alert_exists(clinic, fall_alert):
    assert api_as(clinic.patient).post(ack_url(fall_alert), {}, format="json").status_code == 404
    assert api_as(clinic.admin).post(ack_url(fall_alert), {}, format="json").status_code == 404
    assert api_as(clinic.admin).get("/api/v1/alerts/").status_code == 403
    fall_alert.refresh_from_db()
    assert fall_alert.acknowledged_at is None


def test_anonymous_gets_401(api_client, fall_alert):
    assert api_client.get("/api/v1/alerts/").status_code == 401
    assert api_client.post(ack_url(fall_alert), {}, format="json").status_code == 401


@pytest.mark.parametrize("body,field", [({"note": "x" * 2001}, "note"), ({"note": 5}, "note")])
def test_a_bad_note_is_400_naming_it_and_nothing_changes(clinic, fall_alert, body, field):
    response = api_as(clinic.clinician).post(ack_url(fall_alert), body, format="json")
    assert response.status_code == 400 and field in response.json()
    fall_alert.refresh_from_db()
    assert fall_alert.acknowledged_at is None


def test_an_unknown_status_filter_is_400_naming_it(clinic):
    response = api_as(clinic.clinician).get("/api/v1/alerts/", {"status": "pending"})
    assert response.status_code == 400 and "status" in response.json()


def test_a_refer_alert_stays_open_once_acknowledged(clinic):
    today = clinic.patient.local_today()
    for days_ago in range(20):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=7)
    evaluation.evaluate_patient(clinic.patient)
    refer = Alert.objects.get(patient=clinic.patient, kind="refer")
    body = api_as(clinic.clinician).post(ack_url(refer), {}, format="json").json()
    assert body["state"] == "acknowledged" and body["resolved_at"] is None


def test_a_clinicians_alert_list_is_logged_one_row_per_patient_in_one_statement(clinic, fall_alert):
    second = PatientFactory()
    CareTeamMemberFactory(patient=second, clinician=clinic.clinician)
    today = second.local_today()
    for days_ago in range(20):  # a fall and a referral: two alerts, still one row for the patient
        EntryFactory(patient=second, date=today - timedelta(days=days_ago), numbness=7, fell=days_ago == 1)
    evaluation.evaluate_patient(second)
    assert Alert.objects.filter(patient=second).count() == 2
    with CaptureQueriesContext(connection) as queries:
        body = api_as(clinic.clinician).get("/api/v1/alerts/").json()
    assert len(body) == 3
    writes = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("INSERT")]
    assert len(writes) == 1 and "symptoms_recordaccess" in writes[0]
    logged = RecordAccess.objects.values_list("actor", "patient", "action")
    assert sorted(logged) == sorted([(clinic.clinician.pk, patient.pk, RecordAccessAction.VIEWED_ALERTS_API)
                                     for patient in (clinic.patient, second)])


def test_an_alert_list_with_nothing_in_it_or_a_patients_own_is_not_logged(clinic, fall_alert):
    assert api_as(clinic.clinician).get("/api/v1/alerts/", {"status": "resolved"}).json() == []
    assert api_as(clinic.other_clinician).get("/api/v1/alerts/").json() == []
    assert len(api_as(clinic.patient).get("/api/v1/alerts/").json()) == 1
    assert not RecordAccess.objects.exists()


@pytest.mark.parametrize("query", ["status=", "status=OPEN", "status=open&status="])
def test_an_empty_or_unknown_status_is_400_naming_it(clinic, query):
    response = api_as(clinic.clinician).get(f"/api/v1/alerts/?{query}")
    assert response.status_code == 400 and response.json() == {"status": ["Use open or resolved."]}
