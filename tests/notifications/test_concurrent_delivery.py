"""Delivery claims only the outbox's rows: two workers sending to one clinician at once, or a save
holding that person's row, delay nothing (PostgreSQL, real transactions)."""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.db import transaction

from accounts.models import User
from notifications import tasks
from notifications.models import Channel, Kind, Notification, State
from tests.conftest import at_once

pytestmark = pytest.mark.django_db(transaction=True)
EMAILS = 120


@pytest.fixture
def outbox(requires_postgres, fall_alert, clinic) -> list[int]:
    """Many alert emails waiting for one clinician (as after a busy night), none of them sent yet."""
    clinic.clinician.email = "clinician@example.org"
    clinic.clinician.save()
    Notification.objects.filter(channel=Channel.EMAIL).delete()
    rows = Notification.objects.bulk_create([
        Notification(recipient=clinic.clinician, kind=Kind.ALERT, channel=Channel.EMAIL,
                     subject={"alert_id": fall_alert.pk}, key=f"test-delivery-{n}") for n in range(EMAILS)])
    mail.outbox.clear()
    return [row.pk for row in rows]




def test_two_workers_delivering_to_the_same_clinician_send_everything_at_the_first_attempt(outbox):
    """Both go through the same ids at once (the sweep handed a chunk out again while it was under way)."""
    sent: list[int] = []
    at_once(lambda: sent.append(tasks.deliver(outbox)), lambda: sent.append(tasks.deliver(list(reversed(outbox)))))
    rows = Notification.objects.filter(pk__in=outbox)
    assert Counter(rows.values_list("state", flat=True)) == {State.SENT: EMAILS}
    assert set(rows.values_list("attempts", flat=True)) == {1}
    assert sum(sent) == EMAILS and len(mail.outbox) == EMAILS  # each sent once, by one of the two


def test_a_save_holding_the_recipients_row_does_not_hold_up_their_email(outbox, clinic):
    """The recipient's own row is locked (a diary save, a threshold change) while a worker sends."""
    locked, done = threading.Event(), threading.Event()
    results: list[int] = []

    def hold_the_row() -> None:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=clinic.clinician.pk).values_list("pk", flat=True).first()
            locked.set()
            done.wait(timeout=60)

    def deliver() -> None:
        locked.wait(timeout=60)
        try:
            results.append(tasks.deliver(outbox))
        finally:
            done.set()

    at_once(hold_the_row, deliver)
    assert results == [EMAILS]
    assert Notification.objects.filter(pk__in=outbox, state=State.SENT, attempts=1).count() == EMAILS
