"""The outbox: recording notifications in the caller's transaction, and handing them to a worker after commit.

Knows nothing of what a notification is about: the caller records it with a
kind, a recipient, a unique key and a `subject` of ids and dates, and the email's
content comes from the builder registered for its kind (`emails.py`). A request
never waits on the broker: publishing happens after commit with a short timeout
and no retries; if the broker is away, the rows stay pending and the sweep sends
them when it is back.
"""

import logging
from collections.abc import Iterable

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from notifications.models import Channel, Kind, Notification, Preferences, State, default_choices

logger = logging.getLogger(__name__)

# The worker's task, by name: the outbox publishes to it without importing the task module above it.
DELIVER_TASK = "notifications.deliver"
# How many notifications one broker message carries when many go out at once.
DELIVERY_CHUNK = 100

EMAIL_PREFERENCE = {
    Kind.ALERT: "email_alerts",
    Kind.WEEKLY_SUMMARY: "email_weekly_summary",
    Kind.CLINICIAN_DIGEST: "email_weekly_summary",
    Kind.REMINDER: "email_reminders",
}


def preferences_for(user: User) -> Preferences:
    """A person's email choices (stored with the defaults the first time they are asked for)."""
    preferences, _created = Preferences.objects.get_or_create(user=user, defaults=default_choices(user.role))
    return preferences


def wants_email(users: Iterable[User], kind: str) -> set[int]:
    """Ids of the users with an address who want `kind` by email (without a stored choice, the default)."""
    users = list(users)
    stored = {p.user_id: p for p in Preferences.objects.filter(user__in=users)}
    field = EMAIL_PREFERENCE[Kind(kind)]
    wanted = set()
    for user in users:
        preference = stored.get(user.pk)
        chosen = getattr(preference, field) if preference else default_choices(user.role)[field]
        if chosen and user.email:
            wanted.add(user.pk)
    return wanted


def record(notifications: list[Notification]) -> list[int]:
    """Store new notifications (one already stored under the same key is left as it is).

    Returns the ids of the pending emails among them, which are handed to a worker
    once the caller's transaction commits.
    """
    known = set(Notification.objects.filter(key__in=[n.key for n in notifications]).values_list("key", flat=True))
    new = [n for n in notifications if n.key not in known]
    now = timezone.now()
    for notification in new:
        if notification.channel == Channel.IN_APP:  # nothing to deliver: it is on the page now
            notification.state, notification.sent_at = State.SENT, now
    # The unique key is the last word if another process records the same one meanwhile. On SQLite,
    # "ignore conflicts" would also swallow a broken check constraint, so there it is an upsert.
    if connection.vendor == "postgresql":
        Notification.objects.bulk_create(new, ignore_conflicts=True)
    else:
        Notification.objects.bulk_create(new, update_conflicts=True, unique_fields=["key"], update_fields=["key"])
    emails = [n.key for n in new if n.channel == Channel.EMAIL]
    pending = list(Notification.objects.filter(key__in=emails, state=State.PENDING).values_list("pk", flat=True))
    if pending:
        transaction.on_commit(lambda: dispatch(pending))
    return pending


def record_in_batches(notifications: list[Notification], size: int = 1000) -> int:
    """Record many notifications, a transaction per `size`; returns how many emails were new."""
    recorded = 0
    for start in range(0, len(notifications), size):
        with transaction.atomic():
            recorded += len(record(notifications[start:start + size]))
    return recorded


def dispatch(notification_ids: list[int]) -> bool:
    """Hand notifications to a worker, a chunk per broker message. False if the broker is away."""
    try:
        for start in range(0, len(notification_ids), DELIVERY_CHUNK):
            current_app.send_task(DELIVER_TASK, (notification_ids[start:start + DELIVERY_CHUNK],), retry=False,
                                  queue=settings.CELERY_NOTIFICATIONS_QUEUE)
    except Exception:  # any broker failure: the rows stay pending and the sweep sends them later
        logger.warning("task queue unreachable: %d notifications wait for the sweep", len(notification_ids))
        return False
    return True


def unread_notices(user: User, kind: str) -> list[Notification]:
    """A person's unread in-app notices of one kind, newest first (the latest 50)."""
    return list(Notification.objects.filter(recipient=user, channel=Channel.IN_APP, kind=kind,
                                            read_at__isnull=True).order_by("-created_at")[:50])


def mark_notices_read(user: User) -> int:
    """Every unread in-app notice of this person is now read; returns how many."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True) \
        .update(read_at=timezone.now())
