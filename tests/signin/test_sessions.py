"""Sessions end after SESSION_IDLE_MINUTES without a request; signing out ends the session everywhere."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.factories import TEST_PASSWORD


def signed_in_client(user) -> Client:
    client = Client()
    response = client.post("/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def stored_session(client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def test_the_cookie_lives_no_longer_than_the_idle_time(clinic):
    client = Client()
    response = client.post("/", {"username": clinic.patient.username, "password": TEST_PASSWORD})
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    assert timezone.now() + timedelta(minutes=29) < stored_session(client).expire_date <= timezone.now() + timedelta(
        minutes=30)


def test_a_session_idle_longer_than_the_limit_is_signed_out(clinic):
    client = signed_in_client(clinic.patient)
    # 30 minutes and a second since the last request.
    Session.objects.filter(pk=stored_session(client).pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/history/")
    assert response.status_code == 302 and response.url.startswith("/?next=")


def test_an_active_session_moves_its_end_on_with_each_request(clinic):
    client = signed_in_client(clinic.patient)
    # 29 minutes since the last request: one minute left.
    Session.objects.filter(pk=stored_session(client).pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/history/").status_code == 200
    assert stored_session(client).expire_date > timezone.now() + timedelta(minutes=29)
    assert client.get("/log/").status_code == 200


def test_a_shorter_idle_time_is_honoured(clinic, settings):
    settings.SESSION_COOKIE_AGE = 5 * 60
    client = Client()
    response = client.post("/", {"username": clinic.patient.username, "password": TEST_PASSWORD})
    assert response.cookies["sessionid"]["max-age"] == 5 * 60


def test_signing_out_ends_the_session_wherever_its_cookie_is_used(clinic):
    here = signed_in_client(clinic.patient)
    copy = Client()
    copy.cookies["sessionid"] = here.cookies["sessionid"].value
    assert copy.get("/log/").status_code == 200
    here.post("/sign-out/")
    assert copy.get("/log/").status_code == 302
    assert not Session.objects.filter(session_key=copy.cookies["sessionid"].value).exists()
