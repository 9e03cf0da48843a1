"""Keeping every patient's stored status current: the referral rules applied to stored entries, in batches.

`rules.py` decides; this module loads the entries, stores each patient's
assessment and hands the result to `alerts`, in one transaction per batch of
patients. Each patient's row is locked while they are evaluated, so two
evaluations at once (a save and the hourly task, say) run one after the other
and never open the same alert twice; the database's unique "one open alert per
patient and kind" is the last word.
"""

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from celery import current_app
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Role, User
from symptoms import alerts, rules
from symptoms.assessments import STATUS_FIELDS, PatientAssessment, day_entries, policy_for
from symptoms.models import ClinicPolicy, PatientStatus, PatientThreshold, SymptomEntry

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# The daily re-evaluation reads this many days back; see assess_from_recent.
RECENT_DAYS = 42
# The task beat runs nightly, and after a policy change; named here so this module need not import tasks.
EVALUATE_ALL_TASK = "symptoms.evaluate_all_patients"


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
    alerts.sync_alerts(assessments, now)
    return changed


_ZONES: dict[str, ZoneInfo] = {}


def _local_today(now: datetime, zone_name: str) -> date:
    zone = _ZONES.get(zone_name) or _ZONES.setdefault(zone_name, ZoneInfo(zone_name))
    return now.astimezone(zone).date()


def _store_statuses(assessments: dict[int, rules.Assessment], last_days: dict[int, date | None]) -> int:
    """Write only the statuses that changed, in one statement."""
    stored = {row["patient_id"]: PatientAssessment.from_stored(row) for row in
              PatientStatus.objects.filter(patient_id__in=assessments).values("patient_id", *STATUS_FIELDS)}
    rows = []
    for pk, assessment in assessments.items():
        current = PatientAssessment.from_rules(assessment, last_days[pk])
        if stored.get(pk) != current:
            rows.append(PatientStatus(patient_id=pk, **current.stored_values()))
    PatientStatus.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["patient"], update_fields=[*STATUS_FIELDS, "updated_at"]
    )
    return len(rows)


def schedule_full_reevaluation() -> bool:
    """Ask a worker to re-assess every patient (after a policy change). False if the broker is unreachable."""
    try:
        current_app.send_task(EVALUATE_ALL_TASK, retry=False)
    except Exception:  # any broker failure: the nightly full run catches up
        logger.warning("could not queue the full re-evaluation; the nightly run will apply the policy")
        return False
    return True
