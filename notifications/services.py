"""Recording notifications in the caller's transaction, and handing them to a worker after commit.

A request never waits on the broker: publishing happens after commit with a short
timeout and no retries; if the broker is away, the rows stay pending and the
sweep sends them when it is back.
"""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import CareTeamMember, Role, User
from notifications.models import Channel, Kind, Notification, Preferences, State

logger = logging.getLogger(__name__)

# How many notifications one broker message carries when many go out at once.
DELIVERY_CHUNK = 100

EMAIL_PREFERENCE = {
    Kind.ALERT: "email_alerts",
    Kind.WEEKLY_SUMMARY: "email_weekly_summary",
    Kind.CLINICIAN_DIGEST: "email_weekly_summary",
    Kind.REMINDER: "email_reminders",
}


def preferences_for(user: User) -> Preferences:
    """A person's email choices; patients opt in to alert emails, clinicians get them by default."""
    defaults = {"email_alerts": user.role == Role.CLINICIAN}
    preferences, _created = Preferences.objects.get_or_create(user=user, defaults=defaults)
    return preferences


def wants_email(users: Iterable[User], kind: str) -> set[int]:
    """Ids of the users who want `kind` by email (without a stored choice, the defaults above)."""
    users = list(users)
    stored = {p.user_id: p for p in Preferences.objects.filter(user__in=users)}
    field = EMAIL_PREFERENCE[kind]
    wanted = set()
    for user in users:
        preference = stored.get(user.pk)
        default = user.role == Role.CLINICIAN if kind == Kind.ALERT else True
        if (getattr(preference, field) if preference else default) and user.email:
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


def dispatch(notification_ids: list[int]) -> bool:
    """Hand notifications to a worker, a chunk per broker message. False if the broker is away."""
    from notifications.tasks import deliver

    try:
        for start in range(0, len(notification_ids), DELIVERY_CHUNK):
            deliver.apply_async((notification_ids[start:start + DELIVERY_CHUNK],), retry=False,
                                queue=settings.CELERY_NOTIFICATIONS_QUEUE)
    except Exception:  # any broker failure: the rows stay pending and the sweep sends them later
        logger.warning("task queue unreachable: %d notifications wait for the sweep", len(notification_ids))
        return False
    return True


def notify_alerts_opened(alerts: list) -> None:
    """Each new alert: an in-app notice and (by preference) an email to every clinician on the care
    team, and the patient the same if they chose alert emails. Runs in the alert's transaction."""
    patient_ids = {alert.patient_id for alert in alerts}
    people = User.objects.filter(pk__in=patient_ids).only("id", "role", "email").in_bulk()
    teams: dict[int, list[User]] = {pk: [] for pk in patient_ids}
    for member in CareTeamMember.objects.filter(patient_id__in=patient_ids, clinician__is_active=True) \
            .select_related("clinician").only("patient_id", "clinician__id", "clinician__role", "clinician__email"):
        teams[member.patient_id].append(member.clinician)
    audiences = {alert.pk: [*teams[alert.patient_id], people[alert.patient_id]] for alert in alerts}
    emailed = wants_email({p.pk: p for people in audiences.values() for p in people}.values(), Kind.ALERT)
    record([notification for alert in alerts for person in audiences[alert.pk]
            for notification in _both_channels(person, alert, emailed)])


def _both_channels(person: User, alert, emailed: set[int]) -> list[Notification]:
    channels = [Channel.IN_APP, *([Channel.EMAIL] if person.pk in emailed else [])]
    return [Notification(recipient=person, kind=Kind.ALERT, channel=channel, subject={"alert_id": alert.pk},
                         key=f"alert:{alert.pk}:{person.pk}:{channel}") for channel in channels]


SUMMARY_HOUR = 7  # Monday morning, each person's own time


def queue_weekly_summaries(now: datetime) -> int:
    """From 7 a.m. on Monday in each person's zone: a summary to each patient, a digest to each clinician.

    Hourly and idempotent: the key (person and ISO week) makes later runs that Monday no-ops.
    Returns how many were recorded now.
    """
    due = []
    for user in User.objects.filter(is_active=True, role__in=[Role.PATIENT, Role.CLINICIAN]).only(
            "pk", "role", "time_zone", "email"):
        local = now.astimezone(user.zone)
        if local.weekday() == 0 and local.hour >= SUMMARY_HOUR:
            due.append((user, local.date()))
    wanted = wants_email([user for user, _day in due], Kind.WEEKLY_SUMMARY)
    notifications = [
        Notification(recipient=user, channel=Channel.EMAIL, subject={"today": day.isoformat()},
                     kind=Kind.WEEKLY_SUMMARY if user.is_patient else Kind.CLINICIAN_DIGEST,
                     key=f"weekly:{user.pk}:{day.isocalendar().year}-W{day.isocalendar().week:02d}")
        for user, day in due if user.pk in wanted
    ]
    return _record_in_batches(notifications)


def queue_reminders(now: datetime) -> int:
    """From each patient's reminder hour, one reminder a day, only to those who have not logged today."""
    from symptoms.models import SymptomEntry

    due = []
    for patient in User.objects.filter(is_active=True, role=Role.PATIENT).only(
            "pk", "role", "time_zone", "reminder_hour", "email"):
        local = now.astimezone(patient.zone)
        if local.hour >= patient.reminder_hour:
            due.append((patient, local.date()))
    logged = set(SymptomEntry.objects.filter(
        patient__in=[p for p, _day in due], date__in={day for _p, day in due}).values_list("patient_id", "date"))
    wanted = wants_email([patient for patient, day in due if (patient.pk, day) not in logged], Kind.REMINDER)
    return _record_in_batches([
        Notification(recipient=patient, kind=Kind.REMINDER, channel=Channel.EMAIL,
                     subject={"day": day.isoformat()}, key=f"reminder:{patient.pk}:{day.isoformat()}")
        for patient, day in due if patient.pk in wanted
    ])


def _record_in_batches(notifications: list[Notification], size: int = 1000) -> int:
    recorded = 0
    for start in range(0, len(notifications), size):
        with transaction.atomic():
            recorded += len(record(notifications[start:start + size]))
    return recorded


def unread_notices(user: User) -> list[dict]:
    """A person's unread in-app notices about alerts, newest first, ready to show."""
    from symptoms.services import visible_alerts

    notices = list(Notification.objects.filter(recipient=user, channel=Channel.IN_APP, kind=Kind.ALERT,
                                               read_at__isnull=True).order_by("-created_at")[:50])
    # Only alerts the person may still see: a clinician who left the care team loses them.
    alerts = visible_alerts(user).in_bulk([n.subject["alert_id"] for n in notices])
    return [{"notice": notice, "alert": alerts[notice.subject["alert_id"]]} for notice in notices
            if notice.subject["alert_id"] in alerts]


def mark_notices_read(user: User) -> int:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True) \
        .update(read_at=timezone.now())
