"""The cycles of a treatment course, worked out from its dose days alone.

Pure: no Django, no clock, nothing from the rest of the project, so the cycle rules can be
tested against a slow reference on their own. The diary is put into these cycles by
`symptoms.cycles`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

CYCLE_DAYS_MIN, CYCLE_DAYS_MAX = 1, 42
DOSE_MIN, DOSE_MAX = 1, 100
GRADE_MIN, GRADE_MAX = 0, 4
NOTE_MAX_LENGTH = 500
REGIMEN_MAX_LENGTH = 100


class Dose(NamedTuple):
    """One administration: its day and the share of the full planned dose (%)."""

    date: date
    dose_percent: int = 100


@dataclass(frozen=True)
class Cycle:
    number: int
    start: date
    end: date
    dose_percent: int
    # The administration that starts the next cycle, if there is one before the course ended.
    next_dose: date | None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def cycles(doses: Iterable[Dose], cycle_length_days: int, ended_on: date | None = None) -> list[Cycle]:
    """Cycle n starts on the course's n-th dose day (in date order) and lasts `cycle_length_days`
    days, or ends the day before the next dose if that comes sooner. A course that ended stops
    its cycle on `ended_on`; a dose after that day starts no cycle.
    """
    days = sorted(doses)
    if ended_on is not None:
        days = [dose for dose in days if dose.date <= ended_on]
    result = []
    for number, dose in enumerate(days, start=1):
        end = dose.date + timedelta(days=cycle_length_days - 1)
        following = days[number].date if number < len(days) else None
        if following is not None:
            end = min(end, following - timedelta(days=1))
        if ended_on is not None:
            end = min(end, ended_on)
        result.append(Cycle(number, dose.date, end, dose.dose_percent, following))
    return result


def cycle_on(course_cycles: Iterable[Cycle], day: date) -> Cycle | None:
    """The cycle `day` falls in, if any."""
    return next((cycle for cycle in course_cycles if day in cycle), None)
