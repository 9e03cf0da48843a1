"""The headers every answer carries: a Content-Security-Policy that lets nothing in or out but this site,
a Permissions-Policy, and `no-store` on everything a signed-in person sees and on the API."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from signin.tokens import issue_token
from tests.factories import EntryFactory

POLICY_MUSTS = ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "form-action 'self'",
                "frame-ancestors 'none'", "object-src 'none'"]


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/password-reset/", "/api/v1/schema/", "/admin/login/", "/no-such-page/"])
def test_every_answer_has_the_policy_without_inline_or_eval_script(client, db, path):
    response = client.get(path)
    found = directives(response)
    for must in POLICY_MUSTS:
        assert found[must.split(" ", 1)[0]] == must, (path, found)
    assert "unsafe" not in found["script-src"] and "unsafe" not in found["default-src"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_private(response) -> None:
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("path", ["/log/", "/history/", "/report/", "/settings/", "/learn/"])
def test_a_patients_pages_are_never_stored(clinic, path):
    EntryFactory(patient=clinic.patient)
    assert_private(signed_in(clinic.patient).get(path))


def test_a_clinicians_pages_and_the_admin_are_never_stored(clinic):
    assert_private(signed_in(clinic.clinician).get("/clinician/"))
    assert_private(signed_in(clinic.clinician).get(f"/clinician/patients/{clinic.patient.pk}/"))
    assert_private(signed_in(clinic.admin).get("/admin/symptoms/symptomentry/"))


def test_api_answers_are_never_stored_with_a_token_or_a_session(clinic):
    token_client = APIClient()
    token, _expiry = issue_token(clinic.clinician)
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert_private(token_client.get(f"/api/v1/patients/{clinic.patient.pk}/entries/"))
    session_client = APIClient()
    session_client.force_login(clinic.patient)
    assert_private(session_client.get("/api/v1/entries/"))
    assert "no-store" in APIClient().get("/api/v1/entries/")["Cache-Control"]  # even a 401


def test_static_files_stay_cacheable(client, clinic):
    client.force_login(clinic.patient)
    response = client.get("/static/js/charts.js")
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_api_answers_json_not_its_html_browser_pages(clinic):
    client = APIClient()
    client.force_login(clinic.patient)
    response = client.get("/api/v1/entries/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"] == "application/json"


def test_every_cookie_is_secure_and_same_site_lax(client, clinic):
    response = client.get("/")  # the sign-in page sets the CSRF cookie
    signed = client.post("/", {"username": clinic.patient.username, "password": "correct-horse-battery-staple"})
    language = client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
    cookies = {**response.cookies, **signed.cookies, **language.cookies}
    assert {"csrftoken", "sessionid", "django_language"} <= set(cookies)
    for name, cookie in cookies.items():
        assert cookie["secure"] is True, name
        assert cookie["samesite"] == "Lax", name


@pytest.mark.parametrize("path,status", [("/history", 301), ("/no-such-page/", 404), ("/clinician/", 403)])
def test_a_signed_in_persons_redirects_and_errors_are_never_stored_either(clinic, path, status):
    response = signed_in(clinic.patient).get(path)
    assert response.status_code == status
    assert "no-store" in response["Cache-Control"]


def test_the_api_docs_link_to_no_validator_elsewhere(client, db):
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "validator.swagger.io" not in script.content.decode()
    assert '"validatorUrl": null' in script.content.decode()
