"""Sending what the outbox holds. Tasks take ids, are safe to run twice, and retry with backoff."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications import services
from notifications.emails import build_email
from notifications.models import Notification, State
from notifications.services import DELIVER_TASK, DELIVERY_CHUNK

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Waits after the 1st, 2nd, ... failed attempt: about a day in all before giving up.
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 30, 60, 120, 240, 480, 720)]
# Pending this long means the hand-off to a worker was lost (broker down, worker killed).
SWEEP_AFTER = timedelta(minutes=2)
# Claimed but never finished (the worker died): longer than the task time limit.
STALE_CLAIM = timedelta(minutes=10)


@shared_task(name=DELIVER_TASK, acks_late=True)
def deliver(notification_ids: list[int]) -> int:
    """Send each pending notification once; one already sent, or claimed by another worker, is skipped.

    A failed send does not stop the others; it is tried again by the sweep, with backoff.
    """
    sent = 0
    # One mail-server connection for the whole chunk, not a connection (and TLS handshake) per email.
    with get_connection() as mail_connection:
        for pk in notification_ids:
            sent += deliver_one(pk, mail_connection)
    return sent


def deliver_one(notification_id: int, mail_connection: BaseEmailBackend | None = None) -> bool:
    """Claim (committed), send, then mark sent: a crash can only repeat a send that was under way,
    and the repeat carries the same Message-ID, so mail systems treat it as the same message."""
    notification = _claim(notification_id)
    if notification is None:
        return False
    message = build_email(notification)
    if message is None:  # e.g. a reminder for a day the patient has logged since
        _finish(notification, State.CANCELLED)
        return False
    message.extra_headers["Message-ID"] = f"<notification-{notification.pk}@{settings.EMAIL_MESSAGE_DOMAIN}>"
    message.connection = mail_connection
    try:
        message.send()
    except (SMTPException, OSError) as error:
        _failed(notification, error)
        return False
    _finish(notification, State.SENT)
    return True


def _claim(notification_id: int) -> Notification | None:
    with transaction.atomic():
        # Only the outbox row is locked (`of`): the recipient's row, read with it, may be held by their own
        # save or by another worker claiming their next email, and neither is a reason to skip this one.
        notification = (Notification.objects.select_for_update(skip_locked=True, of=("self",))
                        .filter(pk=notification_id, state=State.PENDING).select_related("recipient").first())
        if notification is None:
            return None
        notification.state, notification.claimed_at = State.SENDING, timezone.now()
        notification.attempts += 1
        notification.save(update_fields=["state", "claimed_at", "attempts"])
    return notification


def _finish(notification: Notification, state: str) -> None:
    sent_at = timezone.now() if state == State.SENT else None
    Notification.objects.filter(pk=notification.pk).update(state=state, sent_at=sent_at)


def _failed(notification: Notification, error: Exception) -> None:
    gave_up = notification.attempts >= MAX_ATTEMPTS
    wait = BACKOFF[min(notification.attempts, len(BACKOFF)) - 1]
    Notification.objects.filter(pk=notification.pk).update(
        state=State.FAILED if gave_up else State.PENDING, next_attempt_at=timezone.now() + wait,
        last_error=type(error).__name__)  # never the text: it may hold addresses
    logger.warning("notification %d not sent (attempt %d%s): %s", notification.pk, notification.attempts,
                   ", giving up" if gave_up else "", type(error).__name__)


@shared_task(name="notifications.sweep", acks_late=True)
def sweep() -> int:
    """Every minute: hand to a worker again what has waited too long (broker outage, lost task, a dead
    worker's unfinished claim) and what is due for another attempt after a failure."""
    now = timezone.now()
    stale = Notification.objects.filter(state=State.SENDING, claimed_at__lt=now - STALE_CLAIM)
    revived = stale.update(state=State.PENDING)
    if revived:
        logger.warning("sweep: %d notifications were claimed by a worker that stopped; sending again", revived)
    due = Notification.objects.filter(state=State.PENDING, created_at__lt=now - SWEEP_AFTER).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ids = list(due.order_by("created_at").values_list("pk", flat=True)[:DELIVERY_CHUNK * 50])
    if ids:
        services.dispatch(ids)
        logger.info("sweep: %d pending notifications handed to workers", len(ids))
    return len(ids)
