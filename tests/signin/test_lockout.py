"""Lockout (django-axes): LOGIN_ATTEMPTS wrong passwords for one account from one address lock it for
LOGIN_LOCKOUT_MINUTES, on the sign-in page, the admin's login and the API token endpoint alike."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

LOCKED = "Too many sign-in attempts"


def sign_in_page(client, username, password, **headers):
    return client.post("/", {"username": username, "password": password}, **headers)


def admin_login(client, username, password, **headers):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"}, **headers)


def token_sign_in(client, username, password, **headers):
    api = client if isinstance(client, APIClient) else APIClient()
    return api.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json", **headers)


def signed_in(surface, response, client) -> bool:
    if surface is token_sign_in:
        return response.status_code == 200 and "token" in response.json()
    return "_auth_user_id" in client.session


SURFACES = [sign_in_page, admin_login, token_sign_in]


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("who", ["patient", "admin"])
def test_six_wrong_passwords_lock_the_account_even_against_the_right_one(clinic, surface, who):
    username = getattr(clinic, who).username
    client = APIClient() if surface is token_sign_in else Client()
    answers = [surface(client, username, f"guess-{n}").status_code for n in range(6)]
    assert answers[:4] == [400 if surface is token_sign_in else 200] * 4
    assert answers[4:] == [429, 429]  # the fifth wrong password locks
    right = surface(client, username, TEST_PASSWORD)
    assert right.status_code == 429 and not signed_in(surface, right, client)
    assert LOCKED in right.content.decode()


@pytest.mark.parametrize("surface", SURFACES)
def test_the_lockout_says_when_to_try_again(clinic, surface, settings):
    client = APIClient() if surface is token_sign_in else Client()
    for n in range(5):
        response = surface(client, clinic.patient.username, f"guess-{n}")
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert "try again in 15 minutes" in response.content.decode()


@pytest.mark.parametrize("surface", SURFACES)
def test_an_unknown_username_gets_the_same_answers(clinic, surface):
    def answers(username):
        cache.clear()  # the API's per-address throttle would otherwise count both runs together
        client = APIClient() if surface is token_sign_in else Client()
        responses = [surface(client, username, f"guess-{n}") for n in range(6)]
        return [(response.status_code, visible_message(response)) for response in responses]

    assert answers(clinic.patient.username) == answers("nobody-by-this-name")


def visible_message(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return str(response.json())
    html = response.content.decode()
    start = html.find('class="error-summary"')
    return html[start:html.find("</div>", start)] if start >= 0 else ""


def test_an_unknown_username_costs_the_same_password_hashing(clinic, monkeypatch):
    """Same time within noise: Django hashes the guess for an unknown account too; we count the hashing
    rather than time it, so the check holds on a loaded machine."""
    calls = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(MD5PasswordHasher, "encode", lambda self, *args: calls.append(1) or original(self, *args))
    sign_in_page(Client(), clinic.patient.username, "wrong")
    known = len(calls)
    calls.clear()
    sign_in_page(Client(), "nobody-by-this-name", "wrong")
    assert known == len(calls) == 1


def time_passes(how_long: timedelta) -> None:
    """As if the last failed attempt was `how_long` ago."""
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - how_long)


def test_after_the_lockout_time_the_right_password_works(clinic):
    client = Client()
    for n in range(6):
        sign_in_page(client, clinic.patient.username, f"guess-{n}")
    assert sign_in_page(client, clinic.patient.username, TEST_PASSWORD).status_code == 429
    time_passes(timedelta(minutes=15, seconds=1))
    response = sign_in_page(client, clinic.patient.username, TEST_PASSWORD)
    assert response.status_code == 302 and response.url == "/log/"


def test_a_shorter_lockout_time_is_honoured(clinic, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=2)
    for n in range(5):
        sign_in_page(Client(), clinic.patient.username, f"guess-{n}")
    time_passes(timedelta(minutes=2, seconds=1))
    assert sign_in_page(Client(), clinic.patient.username, TEST_PASSWORD).status_code == 302


def test_an_admin_sees_the_lockout_and_unlocks_it(clinic):
    for n in range(5):
        sign_in_page(Client(), clinic.patient.username, f"guess-{n}")
    admin = Client()
    admin.force_login(clinic.admin)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and clinic.patient.username in listing.content.decode()
    attempt = AccessAttempt.objects.get()
    response = admin.post("/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [attempt.pk],
                                                          "post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert sign_in_page(Client(), clinic.patient.username, TEST_PASSWORD).status_code == 302


def test_two_processes_sharing_the_count_lock_after_five_not_ten(clinic):
    """Two clients (as two gunicorn workers would) take turns guessing: the fifth guess in all locks."""
    first, second = Client(), APIClient()
    answers = []
    for n in range(6):
        if n % 2:
            answers.append(token_sign_in(second, clinic.patient.username, f"guess-{n}").status_code)
        else:
            answers.append(sign_in_page(first, clinic.patient.username, f"guess-{n}").status_code)
    assert answers == [200, 400, 200, 400, 429, 429]


def test_a_rotating_forwarded_for_does_not_reset_the_count_without_trusted_proxies(clinic):
    client = Client()
    answers = [sign_in_page(client, clinic.patient.username, f"guess-{n}",
                            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(6)]
    assert answers[4:] == [429, 429]
    api = [token_sign_in(APIClient(), clinic.other_patient.username, f"guess-{n}",
                         HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(6)]
    assert api[4:] == [429, 429]


def trust_one_proxy(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def test_behind_one_trusted_proxy_the_address_it_saw_is_counted(clinic, settings):
    trust_one_proxy(settings)
    # A client that makes up addresses of its own: the proxy appends the real one, which is what counts.
    answers = [sign_in_page(Client(), clinic.patient.username, f"guess-{n}", REMOTE_ADDR="10.0.0.2",
                            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9").status_code for n in range(5)]
    assert answers[-1] == 429
    # The same account from another real address is not locked.
    elsewhere = sign_in_page(Client(), clinic.patient.username, TEST_PASSWORD, REMOTE_ADDR="10.0.0.2",
                             HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert elsewhere.status_code == 302


def test_a_forwarded_for_that_is_not_an_address_falls_back_to_the_connection(clinic, settings):
    trust_one_proxy(settings)
    answers = [sign_in_page(Client(), clinic.patient.username, f"guess-{n}",
                            HTTP_X_FORWARDED_FOR="not-an-address").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_the_username_counts_ignoring_case(clinic):
    name = clinic.patient.username
    variants = [name.upper(), name.title(), name, name.swapcase(), " " + name.upper()]
    answers = [sign_in_page(Client(), variant, "guess").status_code for variant in variants]
    assert answers[-1] == 429


def test_the_right_password_clears_earlier_failures(clinic):
    client = Client()
    for n in range(4):
        sign_in_page(client, clinic.patient.username, f"guess-{n}")
    assert sign_in_page(client, clinic.patient.username, TEST_PASSWORD).status_code == 302
    client.post("/sign-out/")
    answers = [sign_in_page(client, clinic.patient.username, f"guess-{n}").status_code for n in range(4)]
    assert answers == [200] * 4


def test_trying_again_during_the_lockout_does_not_extend_it(clinic):
    client = Client()
    for n in range(5):
        sign_in_page(client, clinic.patient.username, f"guess-{n}")
    time_passes(timedelta(minutes=10))
    retry = sign_in_page(client, clinic.patient.username, TEST_PASSWORD)
    assert retry.status_code == 429 and "try again in 5 minutes" in retry.content.decode()
    time_passes(timedelta(minutes=5, seconds=1))
    assert sign_in_page(client, clinic.patient.username, TEST_PASSWORD).status_code == 302


def test_old_password_guesses_when_changing_it_are_locked_out_and_end_the_session(clinic):
    client = Client()
    client.force_login(clinic.patient)
    new = "a-new-and-long-passphrase-2026"
    answers = [client.post("/password-change/", {"old_password": f"guess-{n}", "new_password1": new,
                                                 "new_password2": new}).status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    assert client.get("/log/").status_code == 302  # signed out
    clinic.patient.refresh_from_db()
    assert clinic.patient.check_password(TEST_PASSWORD)
    assert sign_in_page(Client(), clinic.patient.username, TEST_PASSWORD).status_code == 429


def test_the_admins_own_password_change_is_the_one_with_the_lockout(clinic):
    client = Client()
    client.force_login(clinic.admin)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response.url == "/password-change/"


def test_addresses_in_one_ipv6_network_count_as_one(clinic):
    answers = [sign_in_page(Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"), clinic.patient.username,
                            f"guess-{n}").status_code for n in range(5)]
    assert answers[-1] == 429
    elsewhere = sign_in_page(Client(REMOTE_ADDR="2001:db8:1:3::1"), clinic.patient.username, TEST_PASSWORD)
    assert elsewhere.status_code == 302


def test_a_code_sent_with_a_wrong_password_is_not_kept(clinic):
    APIClient().post("/api/v1/auth/token/", {"username": clinic.patient.username, "password": "wrong",
                                             "code": "kvhcnjjc"})
    assert "kvhcnjjc" not in AccessAttempt.objects.get().post_data


def test_every_spelling_the_database_matches_counts_against_the_one_account(clinic, requires_postgres):
    """PostgreSQL matches "admın" (dotless i) to "admin" when signing in, so the lockout must too."""
    clinic.admin.username = "admin"
    clinic.admin.save()
    client = APIClient()
    answers = [token_sign_in(client, name, f"guess-{n}").status_code
               for n, name in enumerate(["admin", "adm\u0131n", "ADMIN", "adm\u0131n", "admin"])]
    assert answers[-1] == 429


def test_a_username_that_grows_when_lower_cased_is_an_ordinary_wrong_sign_in(db):
    assert sign_in_page(Client(), "\u0130" * 150, "guess").status_code == 200
