"""`/password-reset/`: a one-time link by email, through the outbox, without revealing whether an
account uses the address; a new password ends the other sessions and every API token."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from notifications import tasks
from notifications.models import Kind, Notification, State
from tests.factories import TEST_PASSWORD, PatientFactory

NEW_PASSWORD = "a-new-and-long-passphrase-2026"
LINK = re.compile(r"https?://[^/\s]+(/password-reset/[^\s\"<]+)")


@pytest.fixture
def patient(db):
    return PatientFactory(email="mei@example.org")


def ask_for_reset(client, email: str):
    return client.post("/password-reset/", {"email": email})


def deliver_all() -> None:
    tasks.deliver(list(Notification.objects.filter(state=State.PENDING).values_list("pk", flat=True)))


def reset_link() -> str:
    (message,) = mail.outbox
    links = set(LINK.findall(message.body))
    assert len(links) == 1, message.body
    return links.pop()


def test_reset_end_to_end_through_the_outbox_and_the_link(patient, dispatched, django_capture_on_commit_callbacks):
    token_client = APIClient()
    token = token_client.post("/api/v1/auth/token/", {"username": patient.username, "password": TEST_PASSWORD},
                              format="json").json()["token"]
    elsewhere = Client()
    elsewhere.force_login(patient)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_reset(Client(), "MEI@example.org")
    assert response.status_code == 302 and response.url == "/password-reset/sent/"
    # Queued for a worker, not sent during the request.
    assert not mail.outbox and dispatched == [[Notification.objects.get(kind=Kind.PASSWORD_RESET).pk]]
    deliver_all()
    message = mail.outbox[0]
    assert message.to == ["mei@example.org"] and message.subject == "Reset your CIPN Tracker password"
    assert message.alternatives and reset_link() in message.alternatives[0][0]

    browser = Client()
    form_page = browser.get(reset_link(), follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    done = browser.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                                          "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == "/password-reset/done/"

    assert Client().post("/", {"username": patient.username, "password": TEST_PASSWORD}).status_code == 200
    assert Client().post("/", {"username": patient.username, "password": NEW_PASSWORD}).status_code == 302
    assert elsewhere.get("/log/").status_code == 302  # the other session ended
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert token_client.get("/api/v1/entries/").status_code == 401
    # The link worked once.
    again = Client().get(reset_link(), follow=True)
    assert "no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_page_and_no_email(patient, dispatched):
    known, unknown = ask_for_reset(Client(), patient.email), ask_for_reset(Client(), "nobody@example.org")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert Notification.objects.filter(kind=Kind.PASSWORD_RESET).count() == 1
    sent = Client().get(unknown.url)
    assert "If an account uses that address" in sent.content.decode()


def test_an_inactive_account_gets_no_email(patient):
    patient.is_active = False
    patient.save()
    ask_for_reset(Client(), patient.email)
    assert not Notification.objects.filter(kind=Kind.PASSWORD_RESET).exists()


def test_a_malformed_address_is_refused_naming_the_field(patient):
    response = ask_for_reset(Client(), "not an address")
    assert response.status_code == 200 and "Email address: Enter a valid email address." in response.content.decode()
    assert not Notification.objects.exists()


def test_reset_requests_are_limited_per_address_and_per_email(patient):
    client = Client()
    answers = [ask_for_reset(client, patient.email).status_code for _ in range(7)]
    assert answers == [302] * 7  # the same answer past the limit...
    assert Notification.objects.filter(kind=Kind.PASSWORD_RESET).count() == 5  # ...but no more emails
    from_elsewhere = Client(REMOTE_ADDR="192.0.2.77")
    ask_for_reset(from_elsewhere, patient.email)
    assert Notification.objects.filter(kind=Kind.PASSWORD_RESET).count() == 5  # the email's own limit


def test_the_reset_does_not_lift_a_lockout(patient):
    for n in range(5):
        Client().post("/", {"username": patient.username, "password": f"guess-{n}"})
    ask_for_reset(Client(), patient.email)
    deliver_all()
    browser = Client()
    form_page = browser.get(reset_link(), follow=True)
    browser.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert Client().post("/", {"username": patient.username, "password": NEW_PASSWORD}).status_code == 429


def test_a_reset_email_the_outbox_could_not_send_within_an_hour_is_dropped(patient):
    ask_for_reset(Client(), patient.email)
    notification = Notification.objects.get(kind=Kind.PASSWORD_RESET)
    notification.subject = {"requested_at": (timezone.now() - timedelta(hours=1, seconds=1)).isoformat()}
    notification.save()
    deliver_all()
    assert not mail.outbox
    notification.refresh_from_db()
    assert notification.state == State.CANCELLED


def test_the_link_is_not_stored_anywhere(patient):
    ask_for_reset(Client(), patient.email)
    deliver_all()
    token = reset_link().rstrip("/").rsplit("/", 1)[-1]
    assert token not in str(list(Notification.objects.values()))


def test_the_email_speaks_the_patients_language(patient):
    patient.language = "zh-hant"
    patient.save()
    ask_for_reset(Client(), patient.email)
    deliver_all()
    (message,) = mail.outbox
    assert "密碼" in message.subject and "密碼" in message.body


@pytest.mark.real_broker
def test_with_the_broker_down_the_page_answers_the_same_and_the_sweep_sends_it_later(
        patient, monkeypatch, django_capture_on_commit_callbacks):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("no broker")

    monkeypatch.setattr("notifications.services.current_app.send_task", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_for_reset(Client(), patient.email)
    assert (response.status_code, response.url) == (302, "/password-reset/sent/")
    assert Notification.objects.get(kind=Kind.PASSWORD_RESET).state == State.PENDING
    deliver_all()  # what the sweep hands a worker once the broker is back
    assert reset_link().startswith("/password-reset/")
