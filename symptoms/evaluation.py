"""Keeping every patient's status and alerts current: the referral rules applied to stored entries.

`rules.py` decides; this module loads the entries, stores the result and opens or
resolves alerts, in one transaction per batch of patients. Each patient's row is
locked while they are evaluated, so two evaluations at once (a save and the daily
task, say) run one after the other and never open the same alert twice; the
database's unique "one open alert per patient and kind" is the last word.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from accounts.models import Role, User
from notifications import services as notifications
from symptoms import rules
from symptoms.models import Alert, ClinicPolicy, PatientStatus, PatientThreshold, SymptomEntry

BATCH_SIZE = 500
# The daily re-evaluation reads this many days back; see assess_from_recent.
RECENT_DAYS = 42
ENTRY_COLUMNS = ("date", "numbness", "pain", "dropped_objects", "balance_problems", "fine_motor_difficulty", "fell")
STATUS_FIELDS = ("as_of", "status", "weekly_average", "previous_weekly_average", "days_logged", "threshold",
                 "streak_days", "streak_start", "urgent", "functional_impact", "reasons", "last_entry_date")
REFER_RESOLVES_AFTER_DAYS = 7
# A signal older than this cannot be in an assessment's 7-day window any more.
SIGNAL_MEMORY_DAYS = 8


def two_places(value: Fraction | None) -> Decimal | None:
    """An exact average rounded half-up to two decimals, for storage and the API."""
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def policy_for(clinic: ClinicPolicy, own_threshold: Decimal | None = None) -> rules.Policy:
    threshold = own_threshold if own_threshold is not None else clinic.threshold
    return rules.Policy(
        threshold=Fraction(threshold), min_days_per_week=clinic.min_days_per_week,
        persist_days=clinic.persist_days, functional_days=clinic.functional_days,
    )


def patient_policy(patient: User) -> rules.Policy:
    own = PatientThreshold.objects.filter(patient=patient).values_list("threshold", flat=True).first()
    return policy_for(ClinicPolicy.current(), own)


def day_entries(patient_ids: Iterable[int], since: date | None = None) -> dict[int, list[rules.DayEntry]]:
    """These patients' entries (from `since` on, or all), as the plain values the rules take; one query.

    Read with a plain cursor: the ORM's per-row work would cost three times the fetch.
    """
    ids = list(patient_ids)
    diaries: dict[int, list[rules.DayEntry]] = defaultdict(list)
    if not ids:
        return diaries
    table, columns = SymptomEntry._meta.db_table, ", ".join(ENTRY_COLUMNS)
    sql = f"SELECT patient_id, {columns} FROM {table} WHERE patient_id IN ({', '.join(['%s'] * len(ids))})"
    params: list = list(ids)
    if since is not None:
        sql, params = sql + " AND date >= %s", [*params, since]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    make_entry = rules.DayEntry._make
    if rows and isinstance(rows[0][1], str):  # SQLite: dates as text, booleans as 0/1
        rows = [(row[0], date.fromisoformat(row[1]), row[2], row[3], *map(bool, row[4:])) for row in rows]
    for row in rows:
        diaries[row[0]].append(make_entry(row[1:]))
    return diaries


def assess_from_recent(
    recent: Mapping[int, list[rules.DayEntry]], since: date, as_of: Mapping[int, date],
    policies: Mapping[int, rules.Policy], whole_diaries: Callable[[list[int]], Mapping[int, list[rules.DayEntry]]],
) -> dict[int, rules.Assessment]:
    """Assess each patient from their entries since `since`, exactly as from their whole diary.

    Every figure looks back at most 13 days, except the streak. A streak that
    starts a week or more after `since` was ended by a complete 7-day window, so
    the older entries cannot change it; only the others are assessed again from
    their whole diary, fetched by `whole_diaries`.
    """
    assessments = {pk: rules.assess(recent.get(pk, []), as_of[pk], policies[pk]) for pk in as_of}
    edge = since + timedelta(days=rules.WEEK_DAYS)
    reaching_back = [pk for pk, a in assessments.items() if a.streak_start is not None and a.streak_start < edge]
    if reaching_back:
        whole = whole_diaries(reaching_back)
        for pk in reaching_back:
            assessments[pk] = rules.assess(whole.get(pk, []), as_of[pk], policies[pk])
    return assessments


def assess_patient(patient: User, as_of: date | None = None) -> rules.Assessment:
    """A patient's assessment on any day (today in their own zone by default); stores nothing."""
    entries = day_entries([patient.pk])[patient.pk]
    return rules.assess(entries, as_of or patient.local_today(), patient_policy(patient))


def evaluate_patient(patient: User, now: datetime | None = None) -> None:
    """Re-assess one patient now and update their status and alerts (joins the caller's transaction)."""
    evaluate_patients([patient.pk], now=now)


def evaluate_patients(patient_ids: Iterable[int], now: datetime | None = None) -> int:
    """Re-assess these patients as of their own today; returns how many statuses changed."""
    now = now or timezone.now()
    changed = 0
    for batch in _batches(sorted(set(patient_ids)), BATCH_SIZE):
        with transaction.atomic():
            changed += _evaluate_batch(batch, now)
    return changed


def evaluate_all_patients(now: datetime | None = None) -> int:
    """The daily re-evaluation: every active patient, so those who stop logging move on too."""
    ids = User.objects.filter(role=Role.PATIENT, is_active=True).values_list("pk", flat=True)
    return evaluate_patients(list(ids), now=now)


def evaluate_due_patients(now: datetime | None = None) -> int:
    """Patients whose local date has moved past their stored assessment (or who have none)."""
    now = now or timezone.now()
    rows = User.objects.filter(role=Role.PATIENT, is_active=True).values_list(
        "pk", "time_zone", "current_status__as_of")
    due = [pk for pk, zone, as_of in rows if as_of is None or as_of < _local_today(now, zone)]
    return evaluate_patients(due, now=now)


def _last_entry_days(recent: Mapping[int, list[rules.DayEntry]], patient_ids: list[int]) -> dict[int, date | None]:
    last = {pk: max(entry.date for entry in entries) for pk, entries in recent.items() if entries}
    quiet = [pk for pk in patient_ids if pk not in last]
    if quiet:  # nothing logged lately: their last day, if any, is older
        last.update(SymptomEntry.objects.filter(patient_id__in=quiet).values("patient_id")
                    .annotate(last=Max("date")).values_list("patient_id", "last"))
    return {pk: last.get(pk) for pk in patient_ids}


def _batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _evaluate_batch(patient_ids: list[int], now: datetime) -> int:
    # Lock the patients (in id order, so concurrent batches cannot deadlock).
    zones = dict(User.objects.select_for_update().filter(pk__in=patient_ids).order_by("pk")
                 .values_list("pk", "time_zone"))
    as_of = {pk: _local_today(now, zone) for pk, zone in zones.items()}
    since = min(as_of.values()) - timedelta(days=RECENT_DAYS - 1)
    recent = day_entries(zones, since)
    clinic = ClinicPolicy.current()
    own = dict(PatientThreshold.objects.filter(patient_id__in=zones).values_list("patient_id", "threshold"))
    policies = {pk: policy_for(clinic, own.get(pk)) for pk in zones}
    assessments = assess_from_recent(recent, since, as_of, policies, day_entries)
    changed = _store_statuses(assessments, _last_entry_days(recent, list(zones)))
    _sync_alerts(assessments, now)
    return changed


_ZONES: dict[str, ZoneInfo] = {}


def _local_today(now: datetime, zone_name: str) -> date:
    zone = _ZONES.get(zone_name) or _ZONES.setdefault(zone_name, ZoneInfo(zone_name))
    return now.astimezone(zone).date()


def status_values(assessment: rules.Assessment, last_entry_date: date | None) -> dict:
    return {
        "as_of": assessment.as_of,
        "status": assessment.status,
        "weekly_average": two_places(assessment.weekly_average),
        "previous_weekly_average": two_places(assessment.previous_weekly_average),
        "days_logged": assessment.days_logged,
        "threshold": two_places(assessment.threshold),
        "streak_days": assessment.streak_days,
        "streak_start": assessment.streak_start,
        "urgent": list(assessment.urgent),
        "functional_impact": assessment.functional_impact,
        "reasons": [reason_json(reason) for reason in assessment.reasons],
        "last_entry_date": last_entry_date,
    }


def _store_statuses(assessments: dict[int, rules.Assessment], last_days: dict[int, date | None]) -> int:
    """Write only the statuses that changed, in one statement."""
    stored = {row["patient_id"]: row for row in
              PatientStatus.objects.filter(patient_id__in=assessments).values("patient_id", *STATUS_FIELDS)}
    rows = []
    for pk, assessment in assessments.items():
        values = status_values(assessment, last_days[pk])
        previous = stored.get(pk)
        if previous is None or any(previous[name] != values[name] for name in STATUS_FIELDS):
            rows.append(PatientStatus(patient_id=pk, **values))
    PatientStatus.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["patient"], update_fields=[*STATUS_FIELDS, "updated_at"]
    )
    return len(rows)


def reason_json(reason: rules.Reason) -> dict:
    """A reason as stored: its English template and its values made plain (numbers as shown)."""
    return {"code": reason.code, "message": reason.message,
            "params": {name: _plain(value) for name, value in reason.params.items()}}


def format_number(value: Fraction | Decimal | int) -> str:
    """5.33, 4.5, 4.0: two decimals at most, one at least."""
    text = f"{two_places(Fraction(value)):.2f}"
    return text[:-1] if text.endswith("0") else text


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction | Decimal):
        return format_number(value)
    return value


# --- Alerts -------------------------------------------------------------------

def _sync_alerts(assessments: dict[int, rules.Assessment], now: datetime) -> None:
    _resolve_refer_alerts([pk for pk, a in assessments.items()
                           if a.days_at_or_below >= REFER_RESOLVES_AFTER_DAYS], now)
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


class _AlertChanges:
    """New and updated alerts of one batch, written with one statement each."""

    def __init__(self) -> None:
        self.new: list[Alert] = []
        self.updated: dict[int, Alert] = {}

    def save(self) -> None:
        Alert.objects.bulk_create(self.new)
        Alert.objects.bulk_update(self.updated.values(), ["signal_days", "last_signal_day"])
        if self.new:  # the care team hears of each new alert; recorded in this same transaction
            notifications.notify_alerts_opened(self.new)


def _resolve_refer_alerts(patient_ids: list[int], now: datetime) -> None:
    """A referral alert closes itself after 7 days with the 7-day average at or below threshold."""
    if patient_ids:
        Alert.objects.filter(patient_id__in=patient_ids, kind=rules.REFER, resolved_at__isnull=True) \
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
