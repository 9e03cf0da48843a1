"""Which notifications the symptom diary records: who hears of a new alert, who gets the Monday
summary or digest, and which patients are reminded to log. The outbox (`notifications`) delivers
them; their content is built in `symptoms/emails.py`.

Every notification has a key that names the person and the event (the alert, the ISO week, the
day), so recording it twice is a no-op and hourly tasks are safe to re-run.
"""

from datetime import date, datetime

from accounts.models import CareTeamMember, Role, User
from notifications import services as outbox
from notifications.models import Channel, Kind, Notification
from symptoms.models import Alert, AlertKind, SymptomEntry

SUMMARY_HOUR = 7  # Monday morning, each person's own time
# Alerts only the care team hears of.
CARE_TEAM_ONLY = frozenset({AlertKind.DOSE_REVIEW})


def notify_alerts_opened(alerts: list[Alert]) -> None:
    """Each new alert: an in-app notice and (by preference) an email to every clinician on the care
    team, and the patient the same if they chose alert emails (not for a review before a dose: that is
    the care team's to do). Runs in the alert's transaction."""
    patient_ids = {alert.patient_id for alert in alerts}
    people = User.objects.filter(pk__in=patient_ids).only("id", "role", "email").in_bulk()
    teams: dict[int, list[User]] = {pk: [] for pk in patient_ids}
    for member in CareTeamMember.objects.filter(patient_id__in=patient_ids, clinician__is_active=True) \
            .select_related("clinician").only("patient_id", "clinician__id", "clinician__role", "clinician__email"):
        teams[member.patient_id].append(member.clinician)
    audiences = {alert.pk: [*teams[alert.patient_id],
                            *([] if alert.kind in CARE_TEAM_ONLY else [people[alert.patient_id]])] for alert in alerts}
    emailed = outbox.wants_email({p.pk: p for people in audiences.values() for p in people}.values(), Kind.ALERT)
    outbox.record([notification for alert in alerts for person in audiences[alert.pk]
                   for notification in _alert_notifications(person, alert, emailed)])


def _alert_notifications(person: User, alert: Alert, emailed: set[int]) -> list[Notification]:
    channels = [Channel.IN_APP, *([Channel.EMAIL] if person.pk in emailed else [])]
    return [Notification(recipient=person, kind=Kind.ALERT, channel=channel, subject={"alert_id": alert.pk},
                         key=f"alert:{alert.pk}:{person.pk}:{channel}") for channel in channels]


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
    wanted = outbox.wants_email([user for user, _day in due], Kind.WEEKLY_SUMMARY)
    return outbox.record_in_batches([
        Notification(recipient=user, channel=Channel.EMAIL, subject={"today": day.isoformat()},
                     kind=Kind.WEEKLY_SUMMARY if user.is_patient else Kind.CLINICIAN_DIGEST,
                     key=f"weekly:{user.pk}:{_iso_week(day)}")
        for user, day in due if user.pk in wanted
    ])


def _iso_week(day: date) -> str:
    return f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"


def queue_reminders(now: datetime) -> int:
    """From each patient's reminder hour, one reminder a day, only to those who have not logged today."""
    due = []
    for patient in User.objects.filter(is_active=True, role=Role.PATIENT).only(
            "pk", "role", "time_zone", "reminder_hour", "email"):
        local = now.astimezone(patient.zone)
        if local.hour >= patient.reminder_hour:
            due.append((patient, local.date()))
    logged = set(SymptomEntry.objects.filter(
        patient__in=[p for p, _day in due], date__in={day for _p, day in due}).values_list("patient_id", "date"))
    wanted = outbox.wants_email([patient for patient, day in due if (patient.pk, day) not in logged], Kind.REMINDER)
    return outbox.record_in_batches([
        Notification(recipient=patient, kind=Kind.REMINDER, channel=Channel.EMAIL,
                     subject={"day": day.isoformat()}, key=f"reminder:{patient.pk}:{day.isoformat()}")
        for patient, day in due if patient.pk in wanted
    ])
