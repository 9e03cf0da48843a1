"""Alerts: what a care team should look at, from opening to closing.

An alert opens when a patient enters `refer` or an urgent signal appears (a fall,
a severe score, a rapid worsening): at most one open alert per patient and kind,
later signals of the same kind join it. Urgent alerts close when a clinician
acknowledges them; a referral alert closes itself after 7 days with the 7-day
average at or below threshold. A review before the next dose (`dose_review`) opens once per
planned dose that needs it (`cycles.needs_review`) and closes when acknowledged or once that
day has passed. The care team hears of each new alert (`notices`).
A new alert kind goes here: its kind in `AlertKind`, the rule in `rules.py`, and
whether acknowledging closes it in the two sets below.
"""

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from notifications import services as outbox
from notifications.models import Kind, Notification
from symptoms import access_log, notices, rules
from symptoms.entry_fields import NOTES_MAX_LENGTH, UNSTORABLE_TEXT_MESSAGE, is_storable_text, text_too_long_message
from symptoms.models import Alert, AlertKind, RecordAccessAction

# Which kinds close when a clinician acknowledges them, and which close themselves once things settle.
CLOSED_BY_ACKNOWLEDGING = frozenset({AlertKind.FALL, AlertKind.SEVERE_SCORE, AlertKind.WORSENING,
                                     AlertKind.DOSE_REVIEW})
RESOLVE_THEMSELVES = frozenset({AlertKind.REFER})
REFER_RESOLVES_AFTER_DAYS = 7
# A signal older than this cannot be in an assessment's 7-day window any more.
SIGNAL_MEMORY_DAYS = 8
ALERT_STATES = ("open", "resolved")


def sync_alerts(assessments: Mapping[int, rules.Assessment], now: datetime,
                open_referrals: Collection[int] | None = None) -> None:
    """Open, extend or resolve each patient's alerts from their new assessment (in the caller's transaction).

    `open_referrals`, when the caller knows them: the patients with an open referral alert; the others
    have none to resolve. Nothing is read or written for a patient without a signal or one to resolve.
    """
    _resolve_refer_alerts([pk for pk, a in assessments.items() if a.days_at_or_below >= REFER_RESOLVES_AFTER_DAYS
                           and (open_referrals is None or pk in open_referrals)], now)
    with_signals = {pk: a for pk, a in assessments.items() if a.signals}
    if not with_signals:
        return
    earliest = min(a.as_of for a in with_signals.values()) - timedelta(days=SIGNAL_MEMORY_DAYS)
    known: dict[tuple[int, str], list[Alert]] = defaultdict(list)
    for alert in Alert.objects.filter(patient_id__in=with_signals).filter(
            Q(resolved_at__isnull=True) | Q(last_signal_day__gte=earliest)).order_by("-last_signal_day", "-pk"):
        known[(alert.patient_id, alert.kind)].append(alert)
    changes = _AlertChanges()
    for pk, assessment in with_signals.items():
        for signal in assessment.signals:
            _record_signal(pk, signal, known[(pk, signal.kind)], changes)
    changes.save()


def sync_dose_reviews(reviews: Mapping[int, list[int]], as_of: Mapping[int, date], now: datetime) -> None:
    """Open a `dose_review` for each planned administration (id) that needs review first, unless one was
    ever opened for it; close those whose dose day has passed (before the patient's today, `as_of`) or
    whose dose was removed. In the caller's transaction, with the patients' rows locked."""
    if not reviews:
        return
    wanted = {administration for ids in reviews.values() for administration in ids}
    known = Alert.objects.filter(patient_id__in=reviews, kind=AlertKind.DOSE_REVIEW).filter(
        Q(resolved_at__isnull=True) | Q(administration_id__in=wanted)).values_list(
        "pk", "patient_id", "administration_id", "administration__date", "resolved_at")
    passed = [pk for pk, patient_id, administration, day, resolved in known
              if resolved is None and (administration is None or day < as_of[patient_id])]
    if passed:
        Alert.objects.filter(pk__in=passed).update(resolved_at=now)
    opened = {administration for _pk, _patient, administration, _day, _resolved in known}
    new = [Alert(patient_id=patient_id, kind=AlertKind.DOSE_REVIEW, administration_id=administration,
                 signal_days=[as_of[patient_id].isoformat()], last_signal_day=as_of[patient_id])
           for patient_id, ids in reviews.items() for administration in ids if administration not in opened]
    if new:
        Alert.objects.bulk_create(new)
        notices.notify_alerts_opened(new)


class _AlertChanges:
    """New and updated alerts of one batch, written with one statement each."""

    def __init__(self) -> None:
        self.new: list[Alert] = []
        self.updated: dict[int, Alert] = {}

    def save(self) -> None:
        Alert.objects.bulk_create(self.new)
        Alert.objects.bulk_update(self.updated.values(), ["signal_days", "last_signal_day"])
        if self.new:  # the care team hears of each new alert; recorded in this same transaction
            notices.notify_alerts_opened(self.new)


def _resolve_refer_alerts(patient_ids: list[int], now: datetime) -> None:
    """A referral alert closes itself after 7 days with the 7-day average at or below threshold."""
    if patient_ids:
        Alert.objects.filter(patient_id__in=patient_ids, kind__in=RESOLVE_THEMSELVES, resolved_at__isnull=True) \
            .update(resolved_at=now)


def _record_signal(patient_id: int, signal: rules.Signal, alerts: list[Alert], changes: _AlertChanges) -> None:
    """Add a signal to the patient's open alert of its kind, or open one; never twice for one signal.

    A worsening that simply continues from yesterday belongs to the alert that
    already carries yesterday, even when a clinician has acknowledged it.
    """
    day = signal.day.isoformat()
    if any(day in alert.signal_days for alert in alerts):
        return
    open_alert = next((alert for alert in alerts if alert.is_open), None)
    latest = alerts[0] if alerts else None
    continuing = (signal.kind == rules.WORSENING and latest is not None
                  and (signal.day - timedelta(days=1)).isoformat() in latest.signal_days)
    target = open_alert or (latest if continuing else None)
    if target is not None:
        target.signal_days = [*target.signal_days, day]
        target.last_signal_day = max(target.last_signal_day, signal.day)
        if target.pk is not None:
            changes.updated[target.pk] = target
        return
    alert = Alert(patient_id=patient_id, kind=signal.kind, signal_days=[day], last_signal_day=signal.day)
    alerts.insert(0, alert)
    changes.new.append(alert)


def acknowledge_alert(clinician: User, alert_id: int, note: str = "", now: datetime | None = None,
                      patient_id: int | None = None) -> Alert:
    """A clinician on the patient's care team acknowledges an alert, optionally with a note.

    Who and when are kept. An urgent alert (fall, severe score, worsening) is closed by
    it; a referral alert stays open until the patient's average settles. Raises
    Alert.DoesNotExist for an alert outside the clinician's own patients (or not `patient_id`'s),
    and ValidationError on `note` when the note is too long.
    """
    if len(note) > NOTES_MAX_LENGTH:
        raise ValidationError({"note": text_too_long_message()})
    if not is_storable_text(note):
        raise ValidationError({"note": UNSTORABLE_TEXT_MESSAGE})
    if not clinician.is_clinician:
        raise Alert.DoesNotExist
    now = now or timezone.now()
    with transaction.atomic():
        alerts = Alert.objects.select_for_update().filter(patient__care_team_memberships__clinician=clinician)
        if patient_id is not None:
            alerts = alerts.filter(patient_id=patient_id)
        alert = alerts.get(pk=alert_id)
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, clinician
        if note:
            alert.note = note
        if alert.kind in CLOSED_BY_ACKNOWLEDGING and alert.resolved_at is None:
            alert.resolved_at = now
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "note", "resolved_at"])
        access_log.log_record_access(clinician, alert.patient, RecordAccessAction.ACKNOWLEDGED_ALERT, now)
    return alert


def visible_alerts(user: User, status: str | None = None) -> QuerySet[Alert]:
    """Alerts a user may see: a patient their own, a clinician those of their own patients;
    `status` "open" or "resolved" narrows them."""
    if user.is_patient:
        alerts = Alert.objects.filter(patient=user)
    elif user.is_clinician:
        alerts = Alert.objects.filter(patient__care_team_memberships__clinician=user)
    else:
        alerts = Alert.objects.none()
    if status == "open":
        alerts = alerts.filter(resolved_at__isnull=True)
    elif status == "resolved":
        alerts = alerts.filter(resolved_at__isnull=False)
    return alerts.select_related("patient", "acknowledged_by").order_by("-opened_at")


# How long a patient is told that their care team saw an alert.
SEEN_SHOWN_DAYS = 14


@dataclass(frozen=True)
class Seen:
    """That the care team saw one of the patient's alerts, and when (never who wrote what in the note)."""

    kind_label: str
    acknowledged_at: datetime


def seen_by_care_team(patient: User, now: datetime | None = None) -> list[Seen]:
    """The patient's alerts a clinician acknowledged in the last SEEN_SHOWN_DAYS days, newest first: the
    loop closed for the patient. A review before a dose is the care team's own and is not shown."""
    since = (now or timezone.now()) - timedelta(days=SEEN_SHOWN_DAYS)
    alerts = (Alert.objects.filter(patient=patient, acknowledged_at__gte=since)
              .exclude(kind__in=notices.CARE_TEAM_ONLY).order_by("-acknowledged_at"))
    return [Seen(str(AlertKind(alert.kind).label), alert.acknowledged_at) for alert in alerts
            if alert.acknowledged_at is not None]


@dataclass(frozen=True)
class AlertNotice:
    notice: Notification
    alert: Alert


def unread_alert_notices(user: User) -> list[AlertNotice]:
    """A person's unread in-app notices of new alerts, newest first, each with its alert; only alerts
    the person may still see (a clinician who left the care team loses them) and nobody has acknowledged
    yet (a colleague on the care team has handled those)."""
    notices_ = outbox.unread_notices(user, Kind.ALERT)
    alerts = visible_alerts(user).in_bulk([notice.subject["alert_id"] for notice in notices_])
    return [AlertNotice(notice, alerts[notice.subject["alert_id"]]) for notice in notices_
            if notice.subject["alert_id"] in alerts and alerts[notice.subject["alert_id"]].acknowledged_at is None]
