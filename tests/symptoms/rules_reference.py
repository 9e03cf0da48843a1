"""A slow, obviously-correct reading of PRODUCT.md "The referral rules", to check symptoms/rules.py against.

Written from the specification alone. Every figure for every day is recomputed from scratch, one day at a
time: nothing is slid, cached or shared between days, so each step can be checked against the text by eye.
Entries are read through their attribute names (date, numbness, pain, dropped_objects, balance_problems,
fine_motor_difficulty, fell); the policy through threshold, min_days_per_week, persist_days, functional_days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Expected:
    """What the specification says an assessment on `as_of` must contain (reasons aside)."""

    as_of: date
    status: str
    weekly_average: Fraction | None
    previous_weekly_average: Fraction | None
    days_logged: int
    threshold: Fraction
    streak_days: int
    streak_start: date | None
    urgent: frozenset[str]
    functional_impact: str
    days_at_or_below: int
    signals: frozenset[tuple[str, date]]
    days_affecting_daily_life: int
    day_score_today: int | None
    fall_days: frozenset[date]


def day_score(entry) -> int:
    """Day score = max(numbness, pain)."""
    return max(entry.numbness, entry.pain)


def the_seven_days_ending_on(day: date) -> list[date]:
    """d-6 ... d."""
    return [day - timedelta(days=back) for back in (6, 5, 4, 3, 2, 1, 0)]


def diary_known_on(entries, as_of: date) -> dict:
    """The entries by date, leaving out anything dated after the assessment day."""
    return {entry.date: entry for entry in entries if entry.date <= as_of}


def entries_in_week(diary: dict, day: date) -> list:
    return [diary[d] for d in the_seven_days_ending_on(day) if d in diary]


def weekly_average(diary: dict, day: date, min_days_per_week: int) -> Fraction | None:
    """Mean day score of the entries in d-6 ... d; None (insufficient) with fewer than min_days_per_week of them."""
    week = entries_in_week(diary, day)
    if len(week) == 0 or len(week) < min_days_per_week:
        return None
    total = 0
    for entry in week:
        total += day_score(entry)
    return Fraction(total, len(week))


def is_above_threshold(diary: dict, day: date, policy) -> bool:
    average = weekly_average(diary, day, policy.min_days_per_week)
    return average is not None and average > policy.threshold


def is_at_or_below_threshold(diary: dict, day: date, policy) -> bool:
    average = weekly_average(diary, day, policy.min_days_per_week)
    return average is not None and average <= policy.threshold


def streak_days(diary: dict, as_of: date, policy) -> int:
    """Consecutive days ending on as_of that are above threshold, counted by stepping back one day at a time."""
    count = 0
    day = as_of
    while is_above_threshold(diary, day, policy):
        count += 1
        day -= ONE_DAY
    return count


def days_at_or_below(diary: dict, as_of: date, policy) -> int:
    count = 0
    day = as_of
    while count < 7 and is_at_or_below_threshold(diary, day, policy):
        count += 1
        day -= ONE_DAY
    return count


def affects_daily_life(entry) -> bool:
    return bool(entry.dropped_objects or entry.balance_problems or entry.fine_motor_difficulty)


def functional_impact(week: list) -> str:
    falls = [entry for entry in week if entry.fell]
    balance_or_fine_motor_days = [entry for entry in week if entry.balance_problems or entry.fine_motor_difficulty]
    if falls or len(balance_or_fine_motor_days) >= 4:
        return "self_care"
    if any(affects_daily_life(entry) for entry in week):
        return "instrumental"
    return "none"


def status(streak: int, affected_days: int, average: Fraction | None, policy) -> str:
    """First match wins."""
    if streak >= policy.persist_days:
        return "refer"
    if streak >= 1 or affected_days >= policy.functional_days:
        return "watch"
    if average is None:
        return "insufficient_data"
    return "ok"


def assess(entries, as_of: date, policy) -> Expected:
    diary = diary_known_on(entries, as_of)
    week = entries_in_week(diary, as_of)
    average = weekly_average(diary, as_of, policy.min_days_per_week)
    previous = weekly_average(diary, as_of - timedelta(days=7), policy.min_days_per_week)
    streak = streak_days(diary, as_of, policy)
    start = as_of - timedelta(days=streak - 1) if streak > 0 else None
    affected_days = len([entry for entry in week if affects_daily_life(entry)])
    the_status = status(streak, affected_days, average, policy)
    today = diary.get(as_of)
    fall_days = frozenset(entry.date for entry in week if entry.fell)
    severe = today is not None and day_score(today) >= 8
    worsening = average is not None and previous is not None and average - previous >= 2
    urgent = {"fall"} if fall_days else set()
    signals = {("fall", day) for day in fall_days}
    if severe:
        urgent.add("severe_score")
        signals.add(("severe_score", as_of))
    if worsening:
        urgent.add("worsening")
        signals.add(("worsening", as_of))
    if the_status == "refer":
        signals.add(("refer", start))
    return Expected(
        as_of=as_of, status=the_status, weekly_average=average, previous_weekly_average=previous,
        days_logged=len(week), threshold=policy.threshold, streak_days=streak, streak_start=start,
        urgent=frozenset(urgent), functional_impact=functional_impact(week),
        days_at_or_below=days_at_or_below(diary, as_of, policy), signals=frozenset(signals),
        days_affecting_daily_life=affected_days, day_score_today=None if today is None else day_score(today),
        fall_days=fall_days,
    )
