"""A patient's assessment: what the referral rules make of their diary on a day.

Owns the stored assessment as one typed value (`PatientAssessment`: status,
7-day averages, streak, urgent signals, functional impact, reasons), the policy
that applies to a patient (the clinic's, with their own threshold if a clinician
set one), the diary as the rules read it, and how figures are rounded for
people to read. Stores nothing: `evaluation` keeps the stored statuses current.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, TypedDict

from django.db import connection

from accounts.models import User
from symptoms import cycles, rules
from symptoms.models import AlertKind, ClinicPolicy, PatientStatus, PatientThreshold, Status, SymptomEntry
from treatment.calendar import Dose
from treatment.calendar import cycles as course_cycles
from treatment.models import Administration

# A trend from a day reads this many days before it: enough for every figure but a long streak.
TREND_LOOK_BACK_DAYS = 42
# What the rules read of each entry, in rules.DayEntry's order.
ENTRY_COLUMNS = ("date", "numbness", "pain", "dropped_objects", "balance_problems", "fine_motor_difficulty", "fell")


class StoredCycle(TypedDict):
    """Where the day falls in treatment: the course, the cycle's number, and the day of that cycle
    (1 on the dose day)."""

    course: int
    number: int
    day: int


class StoredReason(TypedDict):
    """A reason as stored: its English template (translated when shown) and its values made plain."""

    code: str
    message: str
    params: dict[str, Any]


@dataclass(frozen=True)
class PatientAssessment:
    """A patient's assessment on `as_of`, as stored in PatientStatus and shown everywhere."""

    as_of: date
    status: str
    weekly_average: Decimal | None
    previous_weekly_average: Decimal | None
    days_logged: int
    threshold: Decimal
    streak_days: int
    streak_start: date | None
    urgent: tuple[str, ...]
    functional_impact: str
    reasons: tuple[StoredReason, ...]
    last_entry_date: date | None
    # Treatment on `as_of` (see symptoms.cycles.treatment_now): nothing when there is none.
    next_administration: date | None = None
    cycle: StoredCycle | None = None
    needs_review: bool = False

    @classmethod
    def from_rules(cls, assessment: rules.Assessment, last_entry_date: date | None,
                   treatment: cycles.TreatmentNow | None = None) -> "PatientAssessment":
        treatment = treatment or cycles.NO_TREATMENT
        position = treatment.cycle
        return cls(
            as_of=assessment.as_of, status=assessment.status,
            weekly_average=two_places(assessment.weekly_average),
            previous_weekly_average=two_places(assessment.previous_weekly_average),
            days_logged=assessment.days_logged, threshold=two_places_exact(assessment.threshold),
            streak_days=assessment.streak_days, streak_start=assessment.streak_start,
            urgent=tuple(assessment.urgent), functional_impact=assessment.functional_impact,
            reasons=tuple(reason_json(reason) for reason in assessment.reasons), last_entry_date=last_entry_date,
            next_administration=treatment.next_administration,
            cycle=None if position is None else {"course": position.course, "number": position.number,
                                                 "day": position.day},
            needs_review=treatment.needs_review,
        )

    @classmethod
    def from_stored(cls, stored: Mapping[str, Any]) -> "PatientAssessment":
        """From a PatientStatus row read as values (its JSON lists become tuples)."""
        return cls(**{**{name: stored[name] for name in STATUS_FIELDS},
                      "urgent": tuple(stored["urgent"]), "reasons": tuple(stored["reasons"])})

    @classmethod
    def of(cls, status: PatientStatus) -> "PatientAssessment":
        return cls.from_stored({name: getattr(status, name) for name in STATUS_FIELDS})

    def stored_values(self) -> dict[str, Any]:
        """The PatientStatus columns (JSON fields as lists)."""
        values = {name: getattr(self, name) for name in STATUS_FIELDS}
        values["urgent"], values["reasons"] = list(self.urgent), list(self.reasons)
        return values

    @property
    def change(self) -> Decimal | None:
        """This week's 7-day average minus last week's, when both count."""
        if self.weekly_average is None or self.previous_weekly_average is None:
            return None
        return self.weekly_average - self.previous_weekly_average

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def urgent_labels(self) -> list[str]:
        return [str(AlertKind(signal).label) for signal in self.urgent]


STATUS_FIELDS = tuple(PatientAssessment.__dataclass_fields__)


def two_places(value: Fraction | None) -> Decimal | None:
    """An exact average rounded half-up to two decimals, for storage and the API."""
    if value is None:
        return None
    return two_places_exact(value)


def two_places_exact(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def format_number(value: Fraction | Decimal | int) -> str:
    """5.33, 4.50, 4.00: an average, a change or a threshold as every page writes it, with two decimals
    (as the API reports it), so a shown average above a shown threshold is really above it."""
    return f"{two_places_exact(Fraction(value)):.2f}"


def reason_json(reason: rules.Reason) -> StoredReason:
    """A reason as stored: its English template and its values made plain (numbers as shown)."""
    return {"code": reason.code, "message": reason.message,
            "params": {name: _plain(value) for name, value in reason.params.items()}}


def _plain(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction | Decimal):
        return format_number(value)
    return value


def policy_for(clinic: ClinicPolicy, own_threshold: Decimal | None = None) -> rules.Policy:
    """The clinic's policy, with the patient's own threshold in place of the clinic's when one is set."""
    threshold = own_threshold if own_threshold is not None else clinic.threshold
    return rules.Policy(
        threshold=Fraction(threshold), min_days_per_week=clinic.min_days_per_week,
        persist_days=clinic.persist_days, functional_days=clinic.functional_days,
    )


def own_threshold(patient: User) -> Decimal | None:
    """The threshold a clinician set for this patient, if any."""
    return PatientThreshold.objects.filter(patient=patient).values_list("threshold", flat=True).first()


def patient_policy(patient: User) -> rules.Policy:
    return policy_for(ClinicPolicy.current(), own_threshold(patient))


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
    params: list[int | date] = list(ids)
    if since is not None:
        sql, params = sql + " AND date >= %s", [*params, since]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    make_entry = rules.DayEntry._make
    for row in rows:
        diaries[row[0]].append(make_entry(row[1:]))
    return diaries


@dataclass(frozen=True)
class PatientPlans:
    """A patient's courses as the cycle rules read them, and which administration each dose day is
    (a day of two courses at once: the first course's)."""

    courses: list[cycles.CoursePlan]
    administrations: dict[date, int]


def plans_of(patient_ids: Iterable[int]) -> dict[int, PatientPlans]:
    """These patients' courses with every dose day, for evaluation (one query; none for no patients).
    A patient whose courses have no dose day has none here."""
    ids = list(patient_ids)
    if not ids:
        return {}
    rows = (Administration.objects.filter(course__patient_id__in=ids)
            .order_by("course__patient_id", "course_id", "date")
            .values_list("course__patient_id", "course_id", "course__cycle_length_days", "course__ended_on",
                         "id", "date", "dose_percent"))
    courses: dict[int, dict[int, tuple[int, date | None, list[Dose]]]] = defaultdict(dict)
    administrations: dict[int, dict[date, int]] = defaultdict(dict)
    for patient_id, course_id, length, ended_on, administration_id, day, dose in rows:
        courses[patient_id].setdefault(course_id, (length, ended_on, []))[2].append(Dose(day, dose))
        administrations[patient_id].setdefault(day, administration_id)
    return {pk: PatientPlans([cycles.CoursePlan(course_id, course_cycles(doses, length, ended_on))
                              for course_id, (length, ended_on, doses) in by_course.items()], administrations[pk])
            for pk, by_course in courses.items()}


def treatment_on(patient: User, as_of: date, assessment: rules.Assessment) -> cycles.TreatmentNow:
    """The patient's treatment on `as_of` (next dose, cycle, review before a dose), given their
    assessment that day; a dose day after `as_of` counts as planned."""
    plans = plans_of([patient.pk]).get(patient.pk)
    if plans is None:
        return cycles.NO_TREATMENT
    clinic = ClinicPolicy.current()
    entries = day_entries([patient.pk], cycles.entries_needed_from(plans.courses, as_of))[patient.pk]
    return cycles.treatment_now(plans.courses, entries, as_of, policy_for(clinic, own_threshold(patient)),
                                clinic.review_days, assessment)


def assess_patient(patient: User, as_of: date | None = None) -> rules.Assessment:
    """A patient's assessment on any day (today in their own zone by default); stores nothing."""
    entries = day_entries([patient.pk])[patient.pk]
    return rules.assess(entries, as_of or patient.local_today(), patient_policy(patient))


def current_assessment(patient: User) -> PatientAssessment:
    """The patient's assessment for today: stored when fresh, otherwise worked out now (nothing stored)."""
    today = patient.local_today()
    stored = PatientStatus.objects.filter(patient=patient, as_of=today).values(*STATUS_FIELDS).first()
    if stored is not None:
        return PatientAssessment.from_stored(stored)
    last = SymptomEntry.objects.filter(patient=patient).order_by("-date").values_list("date", flat=True).first()
    assessment = assess_patient(patient, today)
    return PatientAssessment.from_rules(assessment, last, treatment_on(patient, today, assessment))


def unassessed(patient: User, policy: rules.Policy) -> PatientAssessment:
    """What an empty diary gives today: for a patient never assessed yet."""
    return PatientAssessment.from_rules(rules.assess([], patient.local_today(), policy), None)


def patient_trend(patient: User, first: date | None = None, policy: rules.Policy | None = None,
                  status: PatientAssessment | None = None) -> list[rules.TrendDay]:
    """Each day from `first` (default: the first entry) to the patient's today, with its 7-day average
    and streak.

    Reads six weeks before `first`, not the whole diary: a streak reaching back further
    continues the one in `status` (the stored assessment) when it was measured against
    the same threshold, and otherwise the whole diary is read.
    """
    today = patient.local_today()
    policy = policy or patient_policy(patient)
    if first is None:
        entries = day_entries([patient.pk])[patient.pk]
        first = min((entry.date for entry in entries), default=today)
        return rules.trend(entries, min(first, today), today, policy)
    first = min(first, today)
    since = first - timedelta(days=TREND_LOOK_BACK_DAYS)
    earlier = None
    if status is not None and status.streak_start is not None and Fraction(status.threshold) == policy.threshold:
        earlier = rules.EarlierStreak(status.as_of, status.streak_start)
    days = rules.trend_recent(day_entries([patient.pk], since)[patient.pk], since, first, today, policy, earlier)
    if days is None:
        days = rules.trend(day_entries([patient.pk])[patient.pk], first, today, policy)
    return days
