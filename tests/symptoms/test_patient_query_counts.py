"""A patient's entry save and diary page cost a fixed number of statements, however long the diary."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import User
from symptoms import evaluation
from symptoms.models import Alert, ClinicPolicy, PatientStatus, SymptomEntry
from tests.factories import PatientFactory
from treatment.models import Administration, Course

# A PUT with a token: the token (1), then in one transaction the patient's row locked (1), what the
# evaluation needs read with it — zone, own threshold, stored status, an open referral, whether the day
# has an entry, the clinic policy — (1), the entry upserted with INSERT … ON CONFLICT (1), six weeks of
# entries (1), and the status written only when it changed (0 or 1). Savepoints are the test's own
# transaction (BEGIN/COMMIT outside tests) and are not counted.
PUT_UNCHANGED = 5
PUT_CHANGED = 6
# Every save also writes who changed which answers (1); saving a day again first reads its answers (1).
CHANGE_ROW, ANSWERS_BEFORE = 1, 1
# A patient on treatment: their courses' dose days (1), and their reviews before a dose (1).
TREATED = 2
# Signed in (the session, the user, the authenticator check, the idle-timeout update: 6 with its savepoint
# pair), then the stored status, the clinic policy, own threshold, the chart's entries (from six weeks
# before the period), the period's entries, the last week's daily-life flags for the suggestions, the
# courses with their dose days for the chart's dose lines (2), the alerts the care team saw lately, and
# how to reach the care team (the clinic's contact, the patient's clinicians: 2).
HISTORY_QUERIES = 17


def long_diary(days: int, treated: bool = False) -> User:
    patient = PatientFactory()
    today = patient.local_today()
    SymptomEntry.objects.bulk_create([
        SymptomEntry(patient=patient, date=today - timedelta(days=ago), numbness=2 + ago % 2, pain=ago % 3,
                     feet=True, notes="tingling" if ago % 4 == 0 else "")
        for ago in range(1, days + 1)])
    if treated:  # weekly doses all along, the next in 3 days
        course = Course.objects.create(patient=patient, agent="paclitaxel", cycle_length_days=7)
        Administration.objects.bulk_create([Administration(course=course, date=today - timedelta(days=ago))
                                            for ago in range(-3, days, 7)])
    ClinicPolicy.current()
    evaluation.evaluate_patient(patient)
    return patient


def statements(queries) -> list[str]:
    return [query["sql"] for query in queries
            if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def put(patient: User, token: str, values: dict) -> tuple[int, list[str]]:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as queries:
        response = client.put(f"/api/v1/entries/{patient.local_today()}/", values, format="json")
    assert response.status_code in (200, 201), response.content
    return response.status_code, statements(queries)


@pytest.mark.parametrize("days", [30, 365])
def test_a_put_on_treatment_costs_two_statements_more_whatever_the_treatments_length(db, days):
    patient = long_diary(days, treated=True)
    _instance, token = AuthToken.objects.create(user=patient)
    code, created = put(patient, token, {"numbness": 3, "pain": 1, "locations": ["feet"]})
    assert code == 201 and len(created) == PUT_CHANGED + CHANGE_ROW + TREATED, "\n".join(created)
    assert PatientStatus.objects.get(patient=patient).cycle["number"] == len(range(3, days, 7))
    code, again = put(patient, token, {"numbness": 3, "pain": 1, "locations": ["feet"]})
    assert code == 200 and len(again) == PUT_UNCHANGED + CHANGE_ROW + ANSWERS_BEFORE + TREATED, "\n".join(again)


@pytest.mark.parametrize("days", [30, 365])
def test_a_put_costs_the_same_few_statements_whatever_the_diarys_length(db, days):
    patient = long_diary(days)
    _instance, token = AuthToken.objects.create(user=patient)
    stored = PatientStatus.objects.get(patient=patient)
    code, created = put(patient, token, {"numbness": 6, "pain": 1, "locations": ["feet"]})
    # last_entry_date moves to today
    assert code == 201 and len(created) == PUT_CHANGED + CHANGE_ROW, "\n".join(created)
    assert PatientStatus.objects.get(patient=patient).last_entry_date == patient.local_today() != (
        stored.last_entry_date)
    code, again = put(patient, token, {"numbness": 6, "pain": 1, "locations": ["feet"]})
    assert code == 200 and len(again) == PUT_UNCHANGED + CHANGE_ROW + ANSWERS_BEFORE, "\n".join(again)
    assert not any("symptoms_patientstatus" in sql and sql.startswith(("INSERT", "UPDATE")) for sql in again)
    assert not any("symptoms_alert" in sql and sql.startswith(("INSERT", "UPDATE")) for sql in again)
    code, raised = put(patient, token, {"numbness": 10, "pain": 9, "locations": ["feet", "hands"]})
    # The rare save that opens an alert also reads the open alerts, inserts one and queues its notices in the
    # same transaction (recipients, care team, their email choices, keys already queued, the insert).
    assert code == 200 and len(raised) == PUT_CHANGED + CHANGE_ROW + ANSWERS_BEFORE + 7, "\n".join(raised)
    assert Alert.objects.get(patient=patient).kind == "severe_score"
    assert SymptomEntry.objects.filter(patient=patient, date=patient.local_today()).get().numbness == 10


@pytest.mark.parametrize("period", ["", "1y", "all"])
def test_the_history_page_costs_the_same_for_60_and_1000_days(db, period):
    counts = {}
    for days in (60, 1000):
        patient = long_diary(days, treated=True)
        client = Client()
        client.force_login(patient)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/history/", {"period": period} if period else {})
        assert response.status_code == 200
        shown = {"": 84, "1y": 365, "all": days + 1}[period] - 1  # the period ends today, not logged yet
        assert len(response.context["entries"]) == min(days, shown)
        counts[days] = len(queries)
    assert counts == {60: HISTORY_QUERIES, 1000: HISTORY_QUERIES}
