"""API tokens (django-rest-knox): hashed, expiring, one per sign-in, ended by DELETE, by any password
change and by deactivation."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "a-new-and-long-passphrase-2026"


def sign_in(user, password=TEST_PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": password},
                                format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def reads_with(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/entries/").status_code


def test_signing_in_twice_gives_two_different_working_tokens(clinic):
    first, second = sign_in(clinic.patient), sign_in(clinic.patient)
    assert first != second
    assert reads_with(first) == reads_with(second) == 200


def test_the_token_expires_after_api_token_days_and_says_when(clinic):
    response = APIClient().post("/api/v1/auth/token/", {"username": clinic.patient.username,
                                                        "password": TEST_PASSWORD}, format="json")
    expiry = AuthToken.objects.get().expiry
    assert timedelta(days=29, hours=23) < expiry - timezone.now() <= timedelta(days=30)
    assert response.json()["expiry"].startswith(expiry.date().isoformat())


def test_an_expired_token_is_refused(clinic):
    token = sign_in(clinic.patient)
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert reads_with(token) == 401
    assert not AuthToken.objects.exists()


def test_an_api_call_reads_only_the_token_presented_and_old_expired_tokens_go_at_the_next_sign_in(clinic):
    old, current = sign_in(clinic.patient), sign_in(clinic.patient)
    AuthToken.objects.filter(pk=AuthToken.objects.order_by("created").first().pk).update(
        expiry=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {current}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/entries/").status_code == 200
    token_reads = [query for query in queries if "knox_authtoken" in query["sql"]]
    assert len(token_reads) == 1  # knox alone would read all of the person's tokens too
    assert AuthToken.objects.count() == 2  # the expired one is not read, so not yet deleted
    assert reads_with(old) == 401  # presented, it is refused and deleted
    newest = sign_in(clinic.patient)
    assert AuthToken.objects.count() == 2 and reads_with(current) == reads_with(newest) == 200
    sign_in(clinic.other_patient)
    AuthToken.objects.filter(user=clinic.patient).update(expiry=timezone.now() - timedelta(seconds=1))
    sign_in(clinic.patient)
    assert AuthToken.objects.filter(user=clinic.patient).count() == 1  # only the new one
    assert AuthToken.objects.filter(user=clinic.other_patient).count() == 1  # nobody else's


def test_the_database_holds_no_usable_token(clinic):
    token = sign_in(clinic.patient)
    stored = AuthToken.objects.values().get()
    assert token not in " ".join(str(value) for value in stored.values())
    assert len(stored["digest"]) == 128  # a SHA-512 hash
    # The short key kept to find the row is not enough to sign in.
    assert reads_with(stored["token_key"]) == 401


def test_delete_ends_the_token_used_and_no_other(clinic):
    kept, ended = sign_in(clinic.patient), sign_in(clinic.patient)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ended}")
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert reads_with(ended) == 401 and reads_with(kept) == 200


def test_delete_without_a_token_is_401_and_ends_nothing(clinic):
    sign_in(clinic.patient)
    session = APIClient()
    session.force_login(clinic.patient)
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401
    assert session.delete("/api/v1/auth/token/").status_code == 401
    assert AuthToken.objects.count() == 1


def test_a_wrong_password_gives_no_token(clinic):
    response = APIClient().post("/api/v1/auth/token/", {"username": clinic.patient.username, "password": "no"},
                                format="json")
    assert response.status_code == 400 and "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_the_users_own_password_change_ends_their_tokens_but_not_this_session(clinic):
    token = sign_in(clinic.patient)
    browser, elsewhere = Client(), Client()
    browser.force_login(clinic.patient)
    elsewhere.force_login(clinic.patient)
    response = browser.post("/password-change/", {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD,
                                                  "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == "/settings/"
    assert reads_with(token) == 401
    assert browser.get("/log/").status_code == 200
    assert elsewhere.get("/log/").status_code == 302  # signed out there
    assert reads_with(sign_in(clinic.patient, NEW_PASSWORD)) == 200


def test_a_wrong_old_password_changes_nothing(clinic):
    token = sign_in(clinic.patient)
    browser = Client()
    browser.force_login(clinic.patient)
    response = browser.post("/password-change/", {"old_password": "wrong", "new_password1": NEW_PASSWORD,
                                                  "new_password2": NEW_PASSWORD})
    assert response.status_code == 200 and "old password" in response.content.decode().lower()
    assert reads_with(token) == 200
    clinic.patient.refresh_from_db()
    assert clinic.patient.check_password(TEST_PASSWORD)


def test_an_admin_setting_a_new_password_ends_the_users_tokens(clinic):
    token = sign_in(clinic.patient)
    admin = Client()
    admin.force_login(clinic.admin)
    response = admin.post(f"/admin/accounts/user/{clinic.patient.pk}/password/",
                          {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    assert reads_with(token) == 401


def test_deactivating_the_account_ends_its_tokens_and_sessions(clinic):
    token = sign_in(clinic.patient)
    browser = Client()
    browser.force_login(clinic.patient)
    clinic.patient.is_active = False
    clinic.patient.save()
    assert reads_with(token) == 401
    assert browser.get("/log/").status_code == 302
    assert not AuthToken.objects.exists()


def test_saving_other_account_details_keeps_the_tokens(clinic):
    token = sign_in(clinic.patient)
    clinic.patient.first_name = "Renamed"
    clinic.patient.save()
    browser = Client()
    browser.force_login(clinic.patient)  # a sign-in saves last_login only
    assert reads_with(token) == 200


@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_admins_list_and_end_tokens_without_seeing_them(clinic, who):
    token = sign_in(getattr(clinic, who))
    admin = Client()
    admin.force_login(clinic.admin)
    listing = admin.get("/admin/knox/authtoken/")
    assert listing.status_code == 200 and getattr(clinic, who).username in listing.content.decode()
    assert token not in listing.content.decode()  # only the hash (the row's key) is ever on a page
    assert admin.get("/admin/knox/authtoken/add/").status_code == 403
    pk = AuthToken.objects.get().pk  # the hash
    admin.post("/admin/knox/authtoken/", {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})
    assert reads_with(token) == 401


def test_an_admin_ends_every_token_of_a_user_from_the_user_list(clinic):
    tokens = [sign_in(clinic.patient), sign_in(clinic.patient)]
    other = sign_in(clinic.other_patient)
    admin = Client()
    admin.force_login(clinic.admin)
    page = admin.get(f"/admin/accounts/user/{clinic.patient.pk}/change/")
    assert "API tokens" in page.content.decode()
    admin.post("/admin/accounts/user/", {"action": "end_api_tokens", "_selected_action": [clinic.patient.pk]})
    assert [reads_with(token) for token in tokens] == [401, 401]
    assert reads_with(other) == 200
