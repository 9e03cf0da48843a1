"""Every API error is JSON, whatever the method and whether or not the path names an operation, with a
session (and its CSRF check) or without; a server error under /api/ is JSON too; pages keep their own."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from symptoms import api
from tests.conftest import api_as

NOT_FOUND = {"detail": "Not found."}
UNKNOWN_PATHS = ["/api/v1/no-such-thing/", "/api/v1/alerts/-1/acknowledge/", "/api/v1/entries/2026-01-01/x/",
                 "/api/v1/patients/abc/entries/", "/api/v2/entries/", "/api/"]


def session_client(user, enforce_csrf: bool = True) -> APIClient:
    client = APIClient(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_an_unknown_api_path_is_a_json_404_for_every_method_with_or_without_a_session(clinic, method, path):
    for client in (session_client(clinic.clinician), api_as(clinic.clinician), APIClient()):
        response = getattr(client, method)(path, {"note": "x"}, format="json")
        assert response.status_code == 404, (client, response.content[:200])
        assert response["Content-Type"] == "application/json" and response.json() == NOT_FOUND


def test_a_session_write_to_an_operation_without_its_csrf_token_is_a_json_403(clinic):
    today = clinic.patient.local_today().isoformat()
    response = session_client(clinic.patient).put(f"/api/v1/entries/{today}/", {"numbness": 0, "pain": 0},
                                                  format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


def test_a_server_error_under_the_api_is_json_and_a_page_keeps_its_html(clinic, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "visible_alerts", broken)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(clinic.patient)
    response = client.get("/api/v1/alerts/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json" and response.json() == {"detail": "A server error occurred."}
    assert "a bug" not in response.content.decode()

    monkeypatch.setattr("symptoms.views.diary.recent_days", broken)
    page = Client(raise_request_exception=False)
    page.force_login(clinic.patient)
    response = page.get("/log/")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")


def test_an_unknown_page_keeps_the_sites_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/patients/{patient}/entries/", "/api/v1/patients/{patient}/assessment/"])
@pytest.mark.parametrize("who", ["patient", "other_patient", "other_clinician", "admin"])
def test_a_patient_the_caller_may_not_see_is_a_404_never_a_403(clinic, path, who):
    response = api_as(getattr(clinic, who)).get(path.format(patient=clinic.patient.pk))
    assert response.status_code == 404 and response.json() == NOT_FOUND
    assert api_as(clinic.clinician).get(path.format(patient=clinic.patient.pk)).status_code == 200


def test_an_id_too_large_to_be_stored_is_a_404_not_a_server_error(clinic):
    too_large = 2**64
    client = api_as(clinic.clinician)
    assert client.get(f"/api/v1/patients/{too_large}/entries/").status_code == 404
    assert client.post(f"/api/v1/alerts/{too_large}/acknowledge/", {}, format="json").status_code == 404
