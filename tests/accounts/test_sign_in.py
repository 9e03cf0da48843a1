"""`/`: the sign-in page, and each role's home after signing in."""

import pytest
from django.db import IntegrityError, transaction

from tests.factories import TEST_PASSWORD, PatientFactory


def test_anonymous_sees_the_sign_in_form(client, db):
    html = client.get("/").content.decode()
    assert 'name="username"' in html and 'name="password"' in html


@pytest.mark.parametrize("who,home", [("patient", "/log/"), ("clinician", "/clinician/"), ("admin", "/admin/")])
def test_signing_in_sends_each_role_home(client, clinic, who, home):
    user = getattr(clinic, who)
    response = client.post("/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == home
    assert client.get("/").url == home


def test_wrong_password_shows_a_clear_message(client, clinic):
    response = client.post("/", {"username": clinic.patient.username, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_next_parameter_returns_the_patient_where_they_were(client, clinic):
    response = client.post("/?next=/history/", {"username": clinic.patient.username, "password": TEST_PASSWORD,
                                                "next": "/history/"})
    assert response.url == "/history/"


def test_sign_out_ends_the_session(client, clinic):
    client.force_login(clinic.patient)
    client.post("/sign-out/")
    assert client.get("/log/").status_code == 302


def test_only_admins_reach_the_django_admin(client, clinic):
    for who, allowed in [("admin", True), ("clinician", False), ("patient", False)]:
        client.force_login(getattr(clinic, who))
        response = client.get("/admin/")
        assert (response.status_code == 200) is allowed, who


def test_the_role_decides_admin_access(clinic):
    admin = clinic.admin
    admin.role = "clinician"
    admin.save()
    admin.refresh_from_db()
    assert not admin.is_staff and not admin.is_superuser


def test_usernames_are_unique_ignoring_case(clinic):
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientFactory(username=clinic.patient.username.upper())


def test_usernames_sign_in_ignoring_case(client, clinic):
    response = client.post("/", {"username": clinic.patient.username.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url == "/log/"


def test_making_someone_an_admin_gives_full_admin_rights(clinic):
    clinician = clinic.clinician
    clinician.role = "admin"
    clinician.save()
    clinician.refresh_from_db()
    assert clinician.is_staff and clinician.is_superuser


def test_api_tokens_are_not_readable_in_the_admin(client, clinic):
    client.force_login(clinic.admin)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404
