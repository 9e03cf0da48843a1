"""The diary read cycle by cycle: what a clinician needs before the next dose.

Pure, beside the referral rules and built on them: no ORM, no clock, exact fractions. A
summary's 7-day averages, days above threshold and functional impact are the rules' own, day
by day, with the patient's current policy.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from symptoms import rules
from treatment.calendar import Cycle

RISING_POINTS = Fraction(1)


@dataclass(frozen=True)
class Grade:
    """A clinician's CTCAE grade of peripheral sensory neuropathy on a day."""

    date: date
    grade: int


@dataclass(frozen=True)
class CycleSummary:
    number: int
    start: date
    end: date
    dose_percent: int
    days_logged: int
    worst_weekly_average: Fraction | None
    days_above_threshold: int
    worst_day_score: int | None
    falls: int
    functional_impact: str
    settled_before_next: bool | None
    rising: bool
    clinician_grade: int | None
    disagreement: bool


def summarize(course_cycles: Sequence[Cycle], entries: Iterable[rules.DayEntry], as_of: date,
              policy: rules.Policy, grades: Iterable[Grade] = ()) -> list[CycleSummary]:
    """A summary of each cycle that has started by `as_of`, over its days up to `as_of`.

    - Days logged, falls and the worst day score: the entries on those days.
    - Worst 7-day average: the highest that counts (enough days logged) on any of those days.
    - Days above threshold: those days whose 7-day average counts and is above the threshold.
    - Functional impact: the worst of the patient's daily estimates on those days
      (self-care, then instrumental, then none).
    - Settled before the next dose: see `settled_before`.
    - Rising: this cycle's worst 7-day average is at least 1.0 point above the previous cycle's.
    - Clinician grade: the highest a clinician recorded during those days; disagreement: see
      `disagreement`.
    """
    diary = [entry for entry in entries if entry.date <= as_of]
    grade_list = [grade for grade in grades if grade.date <= as_of]
    summaries: list[CycleSummary] = []
    for cycle in course_cycles:
        if cycle.start > as_of:
            break
        last = min(cycle.end, as_of)
        days = rules.trend(diary, cycle.start, last, policy)
        averages = [day.weekly_average for day in days if day.weekly_average is not None]
        logged = [day.entry for day in days if day.entry is not None]
        impacts = rules.daily_functional_impacts(diary, cycle.start, last)
        impact = max(impacts, key=rules.FUNCTIONAL_IMPACTS.index)
        worst = max(averages) if averages else None
        previous = summaries[-1].worst_weekly_average if summaries else None
        in_cycle = [grade.grade for grade in grade_list if cycle.start <= grade.date <= last]
        clinician_grade = max(in_cycle) if in_cycle else None
        summaries.append(CycleSummary(
            number=cycle.number, start=cycle.start, end=cycle.end, dose_percent=cycle.dose_percent,
            days_logged=len(logged), worst_weekly_average=worst,
            days_above_threshold=sum(average > policy.threshold for average in averages),
            worst_day_score=max((entry.day_score for entry in logged), default=None),
            falls=sum(entry.fell for entry in logged), functional_impact=impact,
            settled_before_next=settled_before(cycle, diary, as_of, policy),
            rising=is_rising(worst, previous), clinician_grade=clinician_grade,
            disagreement=disagreement(impact, clinician_grade)))
    return summaries


def settled_before(cycle: Cycle, entries: Iterable[rules.DayEntry], as_of: date, policy: rules.Policy) -> bool | None:
    """Whether symptoms had settled by the day before the next dose: that day's 7-day average counts
    and is at or below threshold, and its functional impact is none. Unknown (None) when no dose
    follows, when too few days were logged for that average to count, or when the day is still to come.
    """
    if cycle.next_dose is None:
        return None
    day = cycle.next_dose - timedelta(days=1)
    if day > as_of:
        return None
    average = rules.weekly_average(entries, day, policy.min_days_per_week)
    if average is None:
        return None
    return average <= policy.threshold and rules.daily_functional_impacts(entries, day, day)[0] == rules.NO_IMPACT


def is_rising(worst: Fraction | None, previous_worst: Fraction | None) -> bool:
    """Worse cycle over cycle: the worst 7-day average at least 1.0 point above the previous cycle's
    (both must count)."""
    return worst is not None and previous_worst is not None and worst - previous_worst >= RISING_POINTS


def disagreement(impact: str, clinician_grade: int | None) -> bool:
    """The patient's estimate and the clinician's grade tell different stories: the patient's daily life
    limited in self-care while the grade is 0 or 1, or not limited at all while the grade is 3 or 4."""
    if clinician_grade is None:
        return False
    return (impact == rules.SELF_CARE and clinician_grade <= 1) or (impact == rules.NO_IMPACT and clinician_grade >= 3)


def needs_review(planned: Iterable[date], as_of: date, review_days: int, assessment: rules.Assessment,
                 rising_now: bool) -> list[date]:
    """The planned doses that need a clinician's review first: those on one of the next `review_days`
    days, when today the status is refer or watch, there is an urgent signal, daily life is affected,
    or the current cycle is rising. (None when nothing is wrong, or no dose is that close.)"""
    window = [day for day in sorted(set(planned)) if as_of < day <= as_of + timedelta(days=review_days)]
    concern = (assessment.status in (rules.REFER, rules.WATCH) or bool(assessment.urgent)
               or assessment.functional_impact != rules.NO_IMPACT or rising_now)
    return window if concern else []


@dataclass(frozen=True)
class CoursePlan:
    """A course as the rules read it: its id and its cycles (`treatment.calendar.cycles`), planned ones too."""

    course: int
    cycles: Sequence[Cycle]


@dataclass(frozen=True)
class CyclePosition:
    """The day's place in treatment: cycle `number` of `course`, its `day`-th day (1 on the dose day)."""

    course: int
    number: int
    day: int


@dataclass(frozen=True)
class TreatmentNow:
    """What the treatment means on a day: the next dose day, the cycle the day is in, and the planned
    doses that need a clinician's review first (`needs_review`)."""

    next_administration: date | None
    cycle: CyclePosition | None
    review_before: tuple[date, ...]

    @property
    def needs_review(self) -> bool:
        return bool(self.review_before)


NO_TREATMENT = TreatmentNow(None, None, ())


def entries_needed_from(plans: Iterable[CoursePlan], as_of: date) -> date | None:
    """The first day of diary `treatment_now` reads: six days before the previous cycle of each current
    one (its first 7-day average), or None when no current cycle has one before it."""
    starts = [plan.cycles[cycle.number - 2].start for plan in plans for cycle in plan.cycles
              if as_of in cycle and cycle.number >= 2]
    return min(starts) - timedelta(days=rules.WEEK_DAYS - 1) if starts else None


def _cycle_rising(previous: Cycle, cycle: Cycle, entries: list[rules.DayEntry], as_of: date,
                  policy: rules.Policy) -> bool:
    """`summarize`'s rising for `cycle` (up to `as_of`) against the cycle before it, from one trend of
    their days: only the two worst 7-day averages are needed."""
    days = rules.trend(entries, previous.start, as_of, policy)

    def worst(first: date, last: date) -> Fraction | None:
        return max((day.weekly_average for day in days
                    if first <= day.date <= last and day.weekly_average is not None), default=None)

    return is_rising(worst(cycle.start, as_of), worst(previous.start, previous.end))


def planned_doses(plans: Iterable[CoursePlan], as_of: date) -> list[date]:
    """The dose days after `as_of`, of every course, in order (a dose after a course ended is not one)."""
    return sorted(cycle.start for plan in plans for cycle in plan.cycles if cycle.start > as_of)


def rising_decides(plans: Iterable[CoursePlan], as_of: date, review_days: int, assessment: rules.Assessment) -> bool:
    """Whether the review before a dose hangs on rising alone: a dose is near but nothing else is wrong
    today. Only then are the current cycles' summaries needed (and the diary back to
    `entries_needed_from`)."""
    planned = planned_doses(plans, as_of)
    return (not needs_review(planned, as_of, review_days, assessment, rising_now=False)
            and bool(needs_review(planned, as_of, review_days, assessment, rising_now=True)))


def treatment_now(plans: Iterable[CoursePlan], entries: Iterable[rules.DayEntry], as_of: date,
                  policy: rules.Policy, review_days: int, assessment: rules.Assessment) -> TreatmentNow:
    """Treatment on `as_of`, for the dashboard and the review before the next dose:

    - Next administration: the first dose day after `as_of`, of any course (a dose after a course
      ended is not one).
    - Cycle: the cycle `as_of` falls in; with courses at once, the one that started last.
    - Needs review: see `needs_review`; rising there means any current cycle is rising
      (`summarize` over it and the cycle before).

    When `rising_decides`, `entries` must reach back to `entries_needed_from`.
    """
    plans = list(plans)
    planned = planned_doses(plans, as_of)
    current = [(cycle, plan) for plan in plans for cycle in plan.cycles if as_of in cycle]
    rising_now = False
    if rising_decides(plans, as_of, review_days, assessment):
        diary = list(entries)
        rising_now = any(_cycle_rising(plan.cycles[cycle.number - 2], cycle, diary, as_of, policy)
                         for cycle, plan in current if cycle.number >= 2)
    position = None
    if current:
        cycle, plan = max(current, key=lambda pair: (pair[0].start, -pair[1].course))
        position = CyclePosition(plan.course, cycle.number, (as_of - cycle.start).days + 1)
    return TreatmentNow(next_administration=planned[0] if planned else None, cycle=position,
                        review_before=tuple(needs_review(planned, as_of, review_days, assessment, rising_now)))
