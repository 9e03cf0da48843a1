"""API v1 diary endpoints: create/replace/read/delete one day, list, errors that name the field."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from symptoms.models import SymptomEntry
from tests.conftest import api_as
from tests.factories import TEST_PASSWORD, EntryFactory

BODY = {
    "numbness": 6, "pain": 4, "locations": ["hands", "feet"], "dropped_objects": True,
    "balance_problems": False, "fine_motor_difficulty": True, "sleep_disturbed": False,
    "fell": False, "cold_sensitivity": True, "notes": "<b>cold</b> morning",
}


def url(day) -> str:
    return f"/api/v1/entries/{day.isoformat() if hasattr(day, 'isoformat') else day}/"


def test_put_creates_then_replaces_the_same_day(clinic):
    client, today = api_as(clinic.patient), clinic.patient.local_today()
    created = client.put(url(today), BODY, format="json")
    assert created.status_code == 201, created.content
    assert {key: created.json()[key] for key in BODY} == BODY
    replaced = client.put(url(today), {"numbness": 0, "pain": 0}, format="json")
    assert replaced.status_code == 200
    body = replaced.json()
    assert (body["numbness"], body["locations"], body["dropped_objects"], body["notes"]) == (0, [], False, "")
    assert SymptomEntry.objects.filter(patient=clinic.patient).count() == 1


def test_get_one_entry_and_the_list_newest_first_between_dates(clinic):
    patient = clinic.patient
    today = patient.local_today()
    for offset in range(5):
        EntryFactory(patient=patient, date=today - timedelta(days=offset), numbness=offset)
    client = api_as(patient)
    one = client.get(url(today - timedelta(days=2)))
    assert one.status_code == 200 and one.json()["numbness"] == 2
    listed = client.get("/api/v1/entries/", {"from": (today - timedelta(days=3)).isoformat(),
                                             "to": (today - timedelta(days=1)).isoformat()})
    assert [item["numbness"] for item in listed.json()] == [1, 2, 3]
    assert len(client.get("/api/v1/entries/").json()) == 5


def test_delete_removes_the_entry_then_404(clinic):
    entry = EntryFactory(patient=clinic.patient)
    client = api_as(clinic.patient)
    assert client.delete(url(entry.date)).status_code == 204
    assert client.delete(url(entry.date)).status_code == 404
    assert client.get(url(entry.date)).status_code == 404


BAD_BODIES = [
    ("numbness", {"numbness": 11}), ("numbness", {"numbness": -1}), ("numbness", {"numbness": "5"}),
    ("numbness", {"numbness": 5.5}), ("numbness", {"numbness": True}), ("numbness", {"numbness": None}),
    ("pain", {"pain": 42}), ("pain", {"pain": "a lot"}),
    ("locations", {"locations": ["knees"]}), ("locations", {"locations": "hands"}),
    ("locations", {"locations": []}),
    ("fell", {"fell": "maybe"}), ("dropped_objects", {"dropped_objects": None}),
    ("notes", {"notes": "x" * 2001}), ("notes", {"notes": 12}),
    ("numbnes", {"numbnes": 3}),
    ("date", {"date": "2001-01-01"}),
]


@pytest.mark.parametrize("field,change", BAD_BODIES, ids=[f"{f}-{i}" for i, (f, _c) in enumerate(BAD_BODIES)])
def test_bad_input_is_400_naming_the_field_and_the_stored_entry_is_unchanged(clinic, field, change):
    entry = EntryFactory(patient=clinic.patient, numbness=7, pain=1, notes="kept")
    response = api_as(clinic.patient).put(url(entry.date), {**BODY, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    entry.refresh_from_db()
    assert (entry.numbness, entry.pain, entry.notes) == (7, 1, "kept")


@pytest.mark.parametrize("missing", ["numbness", "pain"])
def test_missing_score_is_400_naming_it(clinic, missing):
    body = {key: value for key, value in BODY.items() if key != missing}
    response = api_as(clinic.patient).put(url(clinic.patient.local_today()), body, format="json")
    assert response.status_code == 400 and missing in response.json()
    assert not SymptomEntry.objects.exists()


def test_future_and_too_old_days_are_400_naming_date(clinic, settings):
    today, client = clinic.patient.local_today(), api_as(clinic.patient)
    for day in (today + timedelta(days=1), today - timedelta(days=settings.SYMPTOM_BACKFILL_DAYS + 1)):
        response = client.put(url(day), BODY, format="json")
        assert response.status_code == 400 and "date" in response.json()
    assert not SymptomEntry.objects.exists()


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "20260101"])
def test_malformed_date_in_url_is_400_naming_date(clinic, bad):
    response = api_as(clinic.patient).put(url(bad), BODY, format="json")
    assert response.status_code == 400 and "date" in response.json()


@pytest.mark.parametrize("params,field", [({"from": "soon"}, "from"), ({"to": "2026-13-01"}, "to"),
                                          ({"from": "2026-03-02", "to": "2026-03-01"}, "from")])
def test_bad_list_filters_are_400_naming_the_parameter(clinic, params, field):
    response = api_as(clinic.patient).get("/api/v1/entries/", params)
    assert response.status_code == 400 and field in response.json()


def test_malformed_json_is_400_not_500(clinic):
    response = api_as(clinic.patient).generic("PUT", url(clinic.patient.local_today()), "{not json",
                                               content_type="application/json")
    assert response.status_code == 400


def test_another_patients_entry_is_404_and_untouched(clinic):
    theirs = EntryFactory(patient=clinic.other_patient, numbness=9, pain=9)
    client = api_as(clinic.patient)
    assert client.get(url(theirs.date)).status_code == 404
    assert client.delete(url(theirs.date)).status_code == 404
    assert client.get("/api/v1/entries/").json() == []
    # Writing "their" day only ever creates the caller's own entry.
    assert client.put(url(theirs.date), BODY, format="json").status_code == 201
    theirs.refresh_from_db()
    assert (theirs.numbness, theirs.pain) == (9, 9)
    assert SymptomEntry.objects.filter(patient=clinic.other_patient).count() == 1


@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_non_patients_cannot_use_the_diary_endpoints(clinic, who):
    entry = EntryFactory(patient=clinic.patient)
    client = api_as(getattr(clinic, who))
    assert client.get("/api/v1/entries/").status_code == 403
    assert client.get(url(entry.date)).status_code == 403
    assert client.put(url(entry.date), BODY, format="json").status_code == 403
    assert client.delete(url(entry.date)).status_code == 403
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_anonymous_gets_401(api_client, clinic):
    entry = EntryFactory(patient=clinic.patient)
    assert api_client.get("/api/v1/entries/").status_code == 401
    assert api_client.put(url(entry.date), BODY, format="json").status_code == 401
    assert api_client.delete(url(entry.date)).status_code == 401
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_token_sign_in_then_log_a_day(api_client, clinic):
    response = api_client.post("/api/v1/auth/token/", {"username": clinic.patient.username,
                                                       "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.put(url(clinic.patient.local_today()), BODY, format="json").status_code == 201


def test_token_with_wrong_password_is_400_and_gives_no_token(api_client, clinic):
    response = api_client.post("/api/v1/auth/token/", {"username": clinic.patient.username, "password": "nope"},
                               format="json")
    assert response.status_code == 400 and "token" not in response.json()


def test_session_writes_need_csrf(clinic):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(clinic.patient)
    assert client.put(url(clinic.patient.local_today()), BODY, format="json").status_code == 403
    assert not SymptomEntry.objects.exists()


def test_schema_and_docs_are_served_without_a_cdn(client, db):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/entries/{date}/" in text and "/api/v1/auth/token/" in text
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


@pytest.mark.parametrize("form", ["compact", "week"])
def test_only_yyyy_mm_dd_names_a_day(clinic, form):
    # Python would read 20261119 or 2026-W47-4 as a date: a client's slip must not touch a real day.
    entry = EntryFactory(patient=clinic.patient, date=clinic.patient.local_today() - timedelta(days=1), numbness=7)
    year, week, weekday = entry.date.isocalendar()
    other_spelling = entry.date.strftime("%Y%m%d") if form == "compact" else f"{year}-W{week:02d}-{weekday}"
    client = api_as(clinic.patient)
    assert client.put(url(other_spelling), BODY, format="json").status_code == 400
    assert client.delete(url(other_spelling)).status_code == 400
    assert client.get("/api/v1/entries/", {"from": other_spelling}).status_code == 400
    entry.refresh_from_db()
    assert entry.numbness == 7


def test_deeply_nested_json_is_400_not_500(clinic):
    body = '{"numbness": ' + "[" * 100_000 + "]" * 100_000 + "}"
    client = api_as(clinic.patient)
    response = client.generic("PUT", url(clinic.patient.local_today()), body, content_type="application/json")
    assert response.status_code == 400
    anonymous = APIClient().generic("POST", "/api/v1/auth/token/", "[" * 100_000 + "]" * 100_000,
                                    content_type="application/json")
    assert anonymous.status_code == 400


def test_oversized_body_is_a_json_400(clinic, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = {**BODY, "notes": "x" * 20_000}
    response = api_as(clinic.patient).put(url(clinic.patient.local_today()), body, format="json")
    assert response.status_code == 400 and "too large" in response.json()["detail"]


def test_unknown_api_path_is_a_json_404(clinic):
    response = api_as(clinic.patient).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


def test_anonymous_cannot_read_one_entry(api_client, clinic):
    entry = EntryFactory(patient=clinic.patient)
    assert api_client.get(url(entry.date)).status_code == 401


def test_repeated_wrong_passwords_are_throttled_whatever_the_username(api_client, clinic, settings):
    # Each guess names another account, so no lockout: the per-address throttle alone stops the 11th.
    cache.clear()
    statuses = [api_client.post("/api/v1/auth/token/", {"username": f"someone{attempt}", "password": "guess"},
                                format="json").status_code for attempt in range(11)]
    cache.clear()
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


@pytest.mark.parametrize("query,field", [("from=", "from"), ("to=", "to"), ("from=&to=2026-01-01", "from")])
def test_an_empty_date_filter_is_400_naming_it_as_the_schema_says(clinic, query, field):
    response = api_as(clinic.patient).get(f"/api/v1/entries/?{query}")
    assert response.status_code == 400 and response.json() == {field: ["Use a date in the form YYYY-MM-DD."]}
    patients = api_as(clinic.clinician).get(f"/api/v1/patients/{clinic.patient.pk}/entries/?{query}")
    assert patients.status_code == 400 and field in patients.json()
