"""Every API write refuses a field it does not take, naming it, and changes nothing; the schema says so
(`additionalProperties: false` on every request body)."""

from datetime import timedelta
from urllib.parse import urlencode

from axes.models import AccessAttempt
from knox.models import AuthToken
from rest_framework.test import APIClient

from symptoms.models import RecordAccess, SymptomEntry
from tests.conftest import api_as
from tests.factories import TEST_PASSWORD, EntryFactory

UNKNOWN = {"colour": ["Unknown field."]}
ENTRY = {"numbness": 6, "pain": 4, "locations": ["hands"]}




def test_an_entry_with_an_unknown_field_is_refused_and_the_day_is_unchanged(clinic):
    day = clinic.patient.local_today()
    EntryFactory(patient=clinic.patient, date=day, numbness=7, pain=1, notes="kept")
    client = api_as(clinic.patient)
    response = client.put(f"/api/v1/entries/{day.isoformat()}/", {**ENTRY, "colour": "red"}, format="json")
    assert response.status_code == 400 and response.json() == UNKNOWN
    # what the API shows but does not take is refused the same way
    response = client.put(f"/api/v1/entries/{day.isoformat()}/", {**ENTRY, "updated_at": "2026-01-01T00:00:00Z"},
                          format="json")
    assert response.status_code == 400 and response.json() == {"updated_at": ["Unknown field."]}
    entry = SymptomEntry.objects.get(patient=clinic.patient)
    assert (entry.numbness, entry.pain, entry.notes) == (7, 1, "kept")


def test_an_entry_may_name_its_own_day_and_no_other(clinic):
    day = clinic.patient.local_today()
    client = api_as(clinic.patient)
    url = f"/api/v1/entries/{day.isoformat()}/"
    other_day = (day - timedelta(days=1)).isoformat()
    assert client.put(url, {**ENTRY, "date": other_day}, format="json").json() == {
        "date": ["Does not match the date in the URL."]}
    assert not SymptomEntry.objects.exists()
    assert client.put(url, {**ENTRY, "date": day.isoformat()}, format="json").status_code == 201


def test_an_acknowledgement_is_json_or_a_plain_form(clinic, fall_alert):
    # A multipart body that cannot be read would count as an empty form: acknowledged without its note.
    response = api_as(clinic.clinician).post(f"/api/v1/alerts/{fall_alert.pk}/acknowledge/", {"note": "Phoned."},
                                             format="multipart")
    assert response.status_code == 415
    fall_alert.refresh_from_db()
    assert fall_alert.acknowledged_at is None


def test_an_entry_is_json_only(clinic):
    day = clinic.patient.local_today()
    response = api_as(clinic.patient).put(f"/api/v1/entries/{day.isoformat()}/", {"numbness": "6", "pain": "4"})
    assert response.status_code == 415 and "detail" in response.json()
    assert not SymptomEntry.objects.exists()


def test_an_acknowledgement_with_an_unknown_field_is_refused_and_the_alert_is_unchanged(clinic, fall_alert):
    client = api_as(clinic.clinician)
    response = client.post(f"/api/v1/alerts/{fall_alert.pk}/acknowledge/", {"note": "Phoned.", "colour": "red"},
                           format="json")
    assert response.status_code == 400 and response.json() == UNKNOWN
    # every wrong field is named at once
    response = client.post(f"/api/v1/alerts/{fall_alert.pk}/acknowledge/", {"note": 5, "colour": "red"},
                           format="json")
    assert set(response.json()) == {"note", "colour"}
    fall_alert.refresh_from_db()
    assert (fall_alert.acknowledged_at, fall_alert.note) == (None, "")
    assert not RecordAccess.objects.filter(action="acknowledged_alert").exists()


def test_a_form_with_empty_or_unprintable_field_names_is_refused_naming_them(clinic, fall_alert):
    odd = "\u00c0D2\x88\x03\U000d6169"
    body = urlencode([(odd, "x"), ("note", ""), ("", "{")])
    response = api_as(clinic.clinician).generic("POST", f"/api/v1/alerts/{fall_alert.pk}/acknowledge/", body,
                                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and set(response.json()) == {odd, ""}
    fall_alert.refresh_from_db()
    assert fall_alert.acknowledged_at is None


def test_a_browser_form_may_carry_its_csrf_token_in_the_body(clinic, fall_alert):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(clinic.clinician)
    token = "x" * 32  # the secret a page would have set in the cookie
    client.cookies["csrftoken"] = token
    url = f"/api/v1/alerts/{fall_alert.pk}/acknowledge/"
    form = "application/x-www-form-urlencoded"
    refused = client.post(url, urlencode({"note": "Phoned."}), content_type=form)
    assert refused.status_code == 403, "the CSRF check is on"
    response = client.post(url, urlencode({"note": "Phoned.", "csrfmiddlewaretoken": token}), content_type=form)
    assert response.status_code == 200 and response.json()["note"] == "Phoned."


def test_a_sign_in_with_an_unknown_field_is_refused_and_gives_no_token(clinic):
    response = APIClient().post("/api/v1/auth/token/", {"username": clinic.patient.username, "password": TEST_PASSWORD,
                                                        "colour": "red"}, format="json")
    assert response.status_code == 400 and response.json() == UNKNOWN
    assert not AuthToken.objects.exists()
    assert not AccessAttempt.objects.exists(), "refused before the password was tried"


def test_a_username_no_account_could_have_is_a_400_naming_it_not_a_server_error(clinic):
    # Found by schemathesis on PostgreSQL: the lockout's record of the attempt could not hold it (a 500).
    response = APIClient().post("/api/v1/auth/token/", {"username": "x" * 300, "password": "guess"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["username"]
    assert not AccessAttempt.objects.exists()


def test_the_schema_says_every_request_body_takes_only_its_own_fields(client, db):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    bodies = {(path, method): operation["requestBody"]["content"]
              for path, methods in schema["paths"].items() for method, operation in methods.items()
              if "requestBody" in operation}
    assert set(bodies) == {("/api/v1/entries/{date}/", "put"),
                           ("/api/v1/patients/{patient_id}/entries/{date}/", "put"),
                           ("/api/v1/alerts/{alert_id}/acknowledge/", "post"),
                           ("/api/v1/auth/token/", "post"), ("/api/v1/patients/{patient_id}/courses/", "post"),
                           ("/api/v1/courses/{course_id}/", "patch"),
                           ("/api/v1/courses/{course_id}/administrations/{date}/", "put"),
                           ("/api/v1/patients/{patient_id}/grades/", "post")}
    components = schema["components"]["schemas"]
    for content in bodies.values():
        for media in content.values():
            assert components[media["schema"]["$ref"].rsplit("/", 1)[1]]["additionalProperties"] is False
    assert set(components["EntryRequest"]["properties"]) >= {"date", "numbness", "pain", "locations", "notes", "fell"}
    assert set(components["SignInRequest"]["properties"]) == {"username", "password", "code"}
