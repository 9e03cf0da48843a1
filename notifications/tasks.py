"""Sending what the outbox holds. Tasks take ids, are safe to run twice, and retry with backoff."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.emails import build_email
from notifications.models import Notification, State
from notifications.services import DELIVERY_CHUNK, queue_reminders, queue_weekly_summaries

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Pending this long means the hand-off to a worker was lost (broker down, worker killed).
SWEEP_AFTER = timedelta(minutes=2)


@shared_task(name="notifications.deliver", acks_late=True, autoretry_for=(SMTPException, OSError),
             retry_backoff=10, retry_backoff_max=600, max_retries=MAX_ATTEMPTS)
def deliver(notification_ids: list[int]) -> int:
    """Send each pending notification once; one already sent, or being sent by another worker, is skipped.

    A failed send does not stop the others; the task then retries with backoff.
    """
    sent, failures = 0, []
    # One mail-server connection for the whole chunk, not a connection (and TLS handshake) per email.
    with get_connection() as mail_connection:
        for pk in notification_ids:
            try:
                sent += deliver_one(pk, mail_connection)
            except (SMTPException, OSError) as error:
                failures.append(error)
    if failures:
        raise failures[0]
    return sent


def deliver_one(notification_id: int, mail_connection=None) -> bool:
    failure = None
    with transaction.atomic():
        notification = (Notification.objects.select_for_update(skip_locked=True)
                        .filter(pk=notification_id, state=State.PENDING).select_related("recipient").first())
        if notification is None:
            return False
        notification.attempts += 1
        message = build_email(notification)
        if message is None:  # e.g. a reminder for a day the patient has logged since
            notification.state = State.CANCELLED
        else:
            try:
                message.connection = mail_connection
                message.send()
            except (SMTPException, OSError) as error:
                failure = error
                notification.last_error = type(error).__name__  # never the text: it may hold addresses
                if notification.attempts >= MAX_ATTEMPTS:
                    notification.state = State.FAILED
            else:
                notification.state, notification.sent_at = State.SENT, timezone.now()
        notification.save(update_fields=["state", "sent_at", "attempts", "last_error"])
    if failure is not None:
        logger.warning("notification %d not sent (attempt %d): %s", notification.pk, notification.attempts,
                       type(failure).__name__)
        raise failure
    return notification.state == State.SENT


@shared_task(name="notifications.sweep", acks_late=True)
def sweep() -> int:
    """Every minute: hand to a worker again what has waited too long (broker outage, lost task)."""
    now = timezone.now()
    ids = list(Notification.objects.filter(state=State.PENDING, created_at__lt=now - SWEEP_AFTER)
               .order_by("created_at").values_list("pk", flat=True)[:DELIVERY_CHUNK * 50])
    if ids:
        services.dispatch(ids)
        logger.info("sweep: %d pending notifications handed to workers", len(ids))
    return len(ids)


@shared_task(name="notifications.queue_weekly_summaries", acks_late=True)
def weekly_summaries() -> int:
    """Hourly: Monday-morning summaries and digests for those whose Monday 7 a.m. has come."""
    return queue_weekly_summaries(timezone.now())


@shared_task(name="notifications.queue_reminders", acks_late=True)
def reminders() -> int:
    """Hourly: reminders for patients past their reminder hour who have not logged today."""
    return queue_reminders(timezone.now())
