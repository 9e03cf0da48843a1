"""Keeping every patient's stored status current: the referral rules applied to stored entries, in batches.

`rules.py` decides; this module loads the entries, stores each patient's
assessment and hands the result to `alerts`, in one transaction per batch of
patients. Each patient's row is locked while they are evaluated, so two
evaluations at once (a save and the hourly task, say) run one after the other
and never open the same alert twice; the database's unique "one open alert per
patient and kind" is the last word.
"""

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from celery import current_app
from django.db import connection, transaction
from django.db.models import Field, Max
from django.utils import timezone

from accounts.models import Role, User, local_today
from symptoms import alerts, cycles, plain_sql, rules
from symptoms.assessments import STATUS_FIELDS, PatientAssessment, PatientPlans, day_entries, plans_of, policy_for
from symptoms.models import Alert, AlertKind, ClinicPolicy, PatientStatus, PatientThreshold, SymptomEntry
from treatment.calendar import CYCLE_DAYS_MAX
from treatment.models import Administration, Course

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# A dose day this many days before today (UTC, so every zone's today is covered) may still be in a cycle today.
TREATED_DAYS = CYCLE_DAYS_MAX + 2
# The daily re-evaluation reads this many days back; see assess_from_recent.
RECENT_DAYS = 42
# The task beat runs nightly, and after a policy change; named here so this module need not import tasks.
EVALUATE_ALL_TASK = "symptoms.evaluate_all_patients"


def assess_from_recent(
    recent: Mapping[int, list[rules.DayEntry]], since: date, as_of: Mapping[int, date],
    policies: Mapping[int, rules.Policy], whole_diaries: Callable[[list[int]], Mapping[int, list[rules.DayEntry]]],
    earlier: Mapping[int, rules.EarlierStreak] | None = None, changed_from: date | None = None,
) -> dict[int, rules.Assessment]:
    """Assess each patient from their entries since `since`, exactly as from their whole diary.

    A streak reaching back past those weeks continues the one in the patient's stored
    assessment (`earlier`) when it can (see `rules.assess_recent`); only the others are
    assessed again from their whole diary, fetched by `whole_diaries`.
    """
    earlier = earlier or {}
    assessments: dict[int, rules.Assessment] = {}
    reaching_back = []
    for pk, day in as_of.items():
        assessment = rules.assess_recent(recent.get(pk, []), since, day, policies[pk], earlier.get(pk), changed_from)
        if assessment is None:
            reaching_back.append(pk)
        else:
            assessments[pk] = assessment
    if reaching_back:
        whole = whole_diaries(reaching_back)
        for pk in reaching_back:
            assessments[pk] = rules.assess(whole.get(pk, []), as_of[pk], policies[pk])
    return assessments


@dataclass(frozen=True)
class LockedPatient:
    """A patient's row, locked for this transaction, with what evaluating them needs from it."""

    pk: int
    time_zone: str
    own_threshold: Decimal | None
    stored: PatientAssessment | None
    stored_at: datetime | None
    open_referral: bool
    # Whether the day asked for in `lock_patients` had an entry when the lock was taken.
    has_entry: bool
    # Whether treatment may matter today: a dose day recent enough to be in a cycle now, or still to
    # come, or an open review before a dose to close.
    treated: bool


@dataclass(frozen=True)
class Locked:
    """The patients this transaction has locked, and the clinic policy read with them."""

    patients: dict[int, LockedPatient]
    clinic: ClinicPolicy


def lock_patients(patient_ids: Iterable[int], day: date | None = None, now: datetime | None = None) -> Locked:
    """Lock these patients' rows (in id order, so concurrent batches cannot deadlock) for the caller's
    transaction, then read their zone, own threshold, stored assessment, whether a referral alert is
    open, whether `day` has an entry, whether treatment may matter `now` (default: now), and the
    clinic's policy. One change to a diary at a time: a save, a deletion and an evaluation of the same
    patient run one after the other.

    Two statements: on PostgreSQL a statement that waited for a lock still sees the other tables as
    they were before it waited, so what the lock protects is read after it is held. Plain SQL, as
    `day_entries` is read: on every save, building these with the ORM cost more than running them.
    """
    wanted = sorted(set(patient_ids))
    ids = []
    if wanted:
        placeholders = ", ".join(["%s"] * len(wanted))
        for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id FROM {User._meta.db_table} WHERE id IN ({placeholders}) ORDER BY id"
                           f"{for_update}", wanted)
            ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return Locked({}, ClinicPolicy.current())
    dosed_since = timezone.localdate(now or timezone.now(), timezone=UTC) - timedelta(days=TREATED_DAYS)
    rows = plain_sql.read_rows(_context_sql().format(ids=", ".join(["%s"] * len(ids))),
                               [AlertKind.REFER, day, dosed_since, AlertKind.DOSE_REVIEW, *ids], _context_fields())
    policy_columns = len(_clinic_policy_fields())
    patients = {}
    for row in rows:
        pk, time_zone, threshold, *status, stored_at, open_referral, has_entry, treated = row[:-policy_columns]
        stored_row = dict(zip(STATUS_FIELDS, status, strict=True))
        stored = PatientAssessment.from_stored(stored_row) if stored_row["as_of"] is not None else None
        patients[pk] = LockedPatient(
            pk=pk, time_zone=time_zone, own_threshold=threshold, stored=stored, stored_at=stored_at,
            open_referral=bool(open_referral), has_entry=bool(has_entry), treated=bool(treated))
    return Locked(patients, _clinic_policy(dict(zip(_clinic_policy_fields(), rows[0][-policy_columns:], strict=True))))


@functools.cache
def _context_fields() -> tuple[Field | None, ...]:
    """The model field behind each column of `_context_sql` (None: a plain value, such as EXISTS)."""
    field = plain_sql.field
    return (field(User, "id"), field(User, "time_zone"), field(PatientThreshold, "threshold"),
            *(field(PatientStatus, name) for name in (*STATUS_FIELDS, "updated_at")), None, None, None,
            *(field(ClinicPolicy, name) for name in _clinic_policy_fields()))


@functools.cache
def _context_sql() -> str:
    user, threshold = User._meta.db_table, PatientThreshold._meta.db_table
    status, policy = PatientStatus._meta.db_table, ClinicPolicy._meta.db_table
    alert, entry = Alert._meta.db_table, SymptomEntry._meta.db_table
    course, administration = Course._meta.db_table, Administration._meta.db_table
    field = plain_sql.field
    status_columns = ", ".join(f"s.{field(PatientStatus, name).column}" for name in (*STATUS_FIELDS, "updated_at"))
    policy_columns = ", ".join(f"p.{field(ClinicPolicy, name).column}" for name in _clinic_policy_fields())
    return (
        f"SELECT u.id, u.time_zone, t.threshold, {status_columns}, "
        f"EXISTS(SELECT 1 FROM {alert} a WHERE a.patient_id = u.id AND a.kind = %s AND a.resolved_at IS NULL), "
        f"EXISTS(SELECT 1 FROM {entry} e WHERE e.patient_id = u.id AND e.date = %s), "
        f"(EXISTS(SELECT 1 FROM {administration} d JOIN {course} c ON c.id = d.course_id "
        f"WHERE c.patient_id = u.id AND d.date >= %s) OR "
        f"EXISTS(SELECT 1 FROM {alert} r WHERE r.patient_id = u.id AND r.kind = %s AND r.resolved_at IS NULL)), "
        f"{policy_columns} "
        f"FROM {user} u LEFT JOIN {threshold} t ON t.patient_id = u.id "
        f"LEFT JOIN {status} s ON s.patient_id = u.id LEFT JOIN {policy} p ON p.id = 1 "
        "WHERE u.id IN ({ids})"
    )


@functools.cache
def _clinic_policy_fields() -> tuple[str, ...]:
    """Every column of the clinic policy but its id (there is one row, id 1)."""
    return tuple(column.name for column in ClinicPolicy._meta.concrete_fields if not column.primary_key)


def _clinic_policy(values: Mapping[str, Any]) -> ClinicPolicy:
    """The policy from its columns as read with the lock; before it was ever saved, the stored default."""
    if values["updated_at"] is None:
        return ClinicPolicy.current()
    return ClinicPolicy(pk=1, **values)


def evaluate_patient(patient: User, now: datetime | None = None) -> None:
    """Re-assess one patient now and update their status and alerts (joins the caller's transaction)."""
    evaluate_patients([patient.pk], now=now)


def evaluate_patients(patient_ids: Iterable[int], now: datetime | None = None) -> int:
    """Re-assess these patients as of their own today; returns how many statuses changed."""
    now = now or timezone.now()
    changed = 0
    for batch in chunks(sorted(set(patient_ids))):
        with transaction.atomic():
            changed += evaluate_locked(lock_patients(batch, now=now), now)
    return changed


def evaluate_all_patients(now: datetime | None = None) -> int:
    """The daily re-evaluation in one process: every active patient, so those who stop logging move on too.
    (The nightly task hands the same ids to workers in chunks.)"""
    return evaluate_patients(active_patient_ids(), now=now)


def evaluate_due_patients(now: datetime | None = None) -> int:
    """Patients whose local date has moved past their stored assessment (or who have none), in one process."""
    now = now or timezone.now()
    return evaluate_patients(due_patient_ids(now), now=now)


def active_patient_ids() -> list[int]:
    return list(User.objects.filter(role=Role.PATIENT, is_active=True).order_by("pk").values_list("pk", flat=True))


def due_patient_ids(now: datetime) -> list[int]:
    """Active patients whose local date has moved past their stored assessment, or who have none."""
    rows = User.objects.filter(role=Role.PATIENT, is_active=True).order_by("pk").values_list(
        "pk", "time_zone", "current_status__as_of")
    return [pk for pk, zone, as_of in rows if as_of is None or as_of < _local_today(now, zone)]


def evaluate_locked(locked: Locked, now: datetime, changed_from: date | None = None) -> int:
    """Re-assess patients whose rows this transaction has locked (`lock_patients`), and store the result:
    their statuses where they changed, and their alerts. `changed_from`: the earliest day whose entry this
    transaction changed. Returns how many statuses changed."""
    patients, clinic = locked.patients, locked.clinic
    if not patients:
        return 0
    as_of = {pk: _local_today(now, patient.time_zone) for pk, patient in patients.items()}
    since = min(as_of.values()) - timedelta(days=RECENT_DAYS - 1)
    if changed_from is not None:
        since = min(since, changed_from)  # the changed day is read, whatever the backfill window
    recent = day_entries(patients, since)
    policies = {pk: policy_for(clinic, patient.own_threshold) for pk, patient in patients.items()}
    earlier = {pk: streak for pk, patient in patients.items()
               if (streak := _stored_streak(patient, clinic, policies[pk])) is not None}
    assessments = assess_from_recent(recent, since, as_of, policies, day_entries, earlier, changed_from)
    treated = [pk for pk, patient in patients.items() if patient.treated]
    plans = plans_of(treated)
    treatment = _treatment_now(plans, recent, since, as_of, policies, clinic.review_days, assessments)
    changed = _store_statuses(assessments, _last_entry_days(recent, list(patients)), patients, treatment)
    alerts.sync_alerts(assessments, now, open_referrals={pk for pk, p in patients.items() if p.open_referral})
    if treated:
        alerts.sync_dose_reviews({pk: [plans[pk].administrations[day] for day in treatment[pk].review_before]
                                  if pk in treatment else [] for pk in treated}, as_of, now)
    return changed


def _treatment_now(plans: Mapping[int, PatientPlans], recent: Mapping[int, list[rules.DayEntry]],
                   since: date, as_of: Mapping[int, date], policies: Mapping[int, rules.Policy], review_days: int,
                   assessments: Mapping[int, rules.Assessment]) -> dict[int, cycles.TreatmentNow]:
    """Each treated patient's treatment today. The diary of those whose review hangs on rising, and whose
    previous cycle began before the recent weeks, is read again from where it is needed (one query)."""
    needed = {pk: day for pk, plan in plans.items()
              if cycles.rising_decides(plan.courses, as_of[pk], review_days, assessments[pk])
              and (day := cycles.entries_needed_from(plan.courses, as_of[pk])) is not None and day < since}
    longer = day_entries(list(needed), min(needed.values())) if needed else {}
    return {pk: cycles.treatment_now(plan.courses, longer[pk] if pk in needed else recent.get(pk, []), as_of[pk],
                                     policies[pk], review_days, assessments[pk])
            for pk, plan in plans.items()}


def _stored_streak(patient: LockedPatient, clinic: ClinicPolicy, policy: rules.Policy) -> rules.EarlierStreak | None:
    """The stored streak, when it was measured with the policy that applies now.

    Diaries change only through `diary`, which re-assesses in the same transaction, so
    the stored assessment saw every entry but the ones changed now. A clinic policy
    saved since it was stored, or another threshold, and it is not used.
    """
    stored = patient.stored
    if stored is None or stored.streak_start is None or patient.stored_at is None:
        return None
    if patient.stored_at <= clinic.updated_at or Fraction(stored.threshold) != policy.threshold:
        return None
    return rules.EarlierStreak(stored.as_of, stored.streak_start)


def _last_entry_days(recent: Mapping[int, list[rules.DayEntry]], patient_ids: list[int]) -> dict[int, date | None]:
    last = {pk: max(entry.date for entry in entries) for pk, entries in recent.items() if entries}
    quiet = [pk for pk in patient_ids if pk not in last]
    if quiet:  # nothing logged lately: their last day, if any, is older
        last.update(SymptomEntry.objects.filter(patient_id__in=quiet).values("patient_id")
                    .annotate(last=Max("date")).values_list("patient_id", "last"))
    return {pk: last.get(pk) for pk in patient_ids}


def chunks(ids: list[int]) -> list[list[int]]:
    """Patient ids in the batches they are evaluated in (BATCH_SIZE): one transaction, or one worker's task,
    each."""
    return [ids[start:start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]


def _local_today(now: datetime, zone_name: str) -> date:
    return local_today(zone_name, now)


def _store_statuses(assessments: dict[int, rules.Assessment], last_days: dict[int, date | None],
                    patients: Mapping[int, LockedPatient], treatment: Mapping[int, cycles.TreatmentNow]) -> int:
    """Write only the statuses that changed, in one statement."""
    rows = []
    for pk, assessment in assessments.items():
        current = PatientAssessment.from_rules(assessment, last_days[pk], treatment.get(pk))
        if patients[pk].stored != current:
            rows.append(PatientStatus(patient_id=pk, **current.stored_values()))
    if rows:
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
