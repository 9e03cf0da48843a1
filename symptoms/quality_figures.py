"""Quality of care as pure arithmetic: completion by week, alert rates and how fast alerts were
acknowledged, from the counts the database grouped (`symptoms/quality.py` reads them).

Definitions (PRODUCT.md, "Quality of care"), over the last `weeks` weeks ending yesterday, in each
patient's own days:
- a patient's expected days run from the later of the period's first day and their first entry (or the
  day their account was made, if they have no entry) to the period's last day; `patients` are those with
  at least one; `completion_rate` is logged days over expected days, pooled over the patients;
- `alerts_per_100_patient_weeks`: alerts opened in the period per 100 weeks of expected days;
- `acknowledged_within_24h` / `_72h`: the shares of the alerts opened in the period acknowledged within
  24 or 72 hours of opening, the boundary included (an alert still open counts as not acknowledged);
- `median_` and `p90_hours_to_acknowledge`: of those acknowledged, with linear interpolation between the
  nearest ranks (the same as PostgreSQL's percentile_cont), null when none was.

No Django, no models: the same functions serve the page, the API and the digest, and are tested against
a slow reference that walks every patient's every day.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

WEEK_DAYS = 7
WEEKS_MIN, WEEKS_MAX, WEEKS_DEFAULT = 1, 52, 4
NOT_REPORTING_DAYS = 3  # no entry today or on the two days before: the dashboard's "not reporting"
RATE_PLACES, HOURS_PLACES = 4, 2


@dataclass(frozen=True)
class Period:
    """The days a patient's figures cover, in their own zone: `weeks` weeks ending the day before today."""

    first: date
    last: date

    @classmethod
    def ending_before(cls, today: date, weeks: int) -> "Period":
        return cls(today - timedelta(days=WEEK_DAYS * weeks), today - timedelta(days=1))

    def week(self, index: int) -> "Period":
        """Week `index` of the period, 0 the oldest."""
        first = self.first + timedelta(days=WEEK_DAYS * index)
        return Period(first, first + timedelta(days=WEEK_DAYS - 1))


@dataclass(frozen=True)
class ExpectedGroup:
    """`patients` patients of one period whose expected days start on `expected_from`."""

    period: Period
    expected_from: date
    patients: int


@dataclass(frozen=True)
class LoggedGroup:
    """`entries` entries on `day`, by patients of one period."""

    period: Period
    day: date
    entries: int


@dataclass(frozen=True)
class AlertCounts:
    """The alerts opened in the period, and how long each acknowledged one waited (in any order)."""

    opened: int
    within_24h: int
    within_72h: int
    waits: Sequence[timedelta]


@dataclass(frozen=True)
class Week:
    index: int  # 0 the oldest
    expected_days: int
    logged_days: int

    @property
    def completion_rate(self) -> float | None:
        return share(self.logged_days, self.expected_days)


@dataclass(frozen=True)
class Figures:
    patients: int
    expected_days: int
    logged_days: int
    completion_rate: float | None
    alerts_opened: int
    alerts_per_100_patient_weeks: float | None
    acknowledged_within_24h: float | None
    acknowledged_within_72h: float | None
    median_hours_to_acknowledge: float | None
    p90_hours_to_acknowledge: float | None
    not_reporting: int
    weeks: list[Week]


def expected_days(period: Period, expected_from: date) -> int:
    """A patient's expected days in the period (0 when their expected days start after it)."""
    return max(0, (period.last - max(period.first, expected_from)).days + 1)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, RATE_PLACES) if whole else None


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """The value below which `fraction` of them lie, interpolating linearly between the nearest ranks."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    below = int(position)
    above = min(below + 1, len(sorted_values) - 1)
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * (position - below)


def completion_weeks(weeks: int, expected: Iterable[ExpectedGroup], logged: Iterable[LoggedGroup]) -> list[Week]:
    """Expected and logged days in each week of the period, oldest first."""
    expected_by_week = [0] * weeks
    logged_by_week = [0] * weeks
    for group in expected:
        for index in range(weeks):
            expected_by_week[index] += group.patients * expected_days(group.period.week(index), group.expected_from)
    for entries in logged:
        index = (entries.day - entries.period.first).days // WEEK_DAYS
        if 0 <= index < weeks:
            logged_by_week[index] += entries.entries
    return [Week(index, expected_by_week[index], logged_by_week[index]) for index in range(weeks)]


def figures(weeks: int, expected: Iterable[ExpectedGroup], logged: Iterable[LoggedGroup], alerts: AlertCounts,
            not_reporting: int) -> Figures:
    """Every figure of Quality of care, from the grouped counts of one set of patients."""
    expected = list(expected)
    by_week = completion_weeks(weeks, expected, logged)
    expected_total = sum(week.expected_days for week in by_week)
    logged_total = sum(week.logged_days for week in by_week)
    hours = sorted(wait.total_seconds() / 3600 for wait in alerts.waits)
    return Figures(
        patients=sum(group.patients for group in expected if expected_days(group.period, group.expected_from)),
        expected_days=expected_total, logged_days=logged_total,
        completion_rate=share(logged_total, expected_total),
        alerts_opened=alerts.opened,
        alerts_per_100_patient_weeks=(round(alerts.opened * 100 * WEEK_DAYS / expected_total, HOURS_PLACES)
                                      if expected_total else None),
        acknowledged_within_24h=share(alerts.within_24h, alerts.opened),
        acknowledged_within_72h=share(alerts.within_72h, alerts.opened),
        median_hours_to_acknowledge=_hours(percentile(hours, 0.5)),
        p90_hours_to_acknowledge=_hours(percentile(hours, 0.9)),
        not_reporting=not_reporting, weeks=by_week,
    )


def _hours(value: float | None) -> float | None:
    return None if value is None else round(value, HOURS_PLACES)
