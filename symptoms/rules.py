"""The referral rules: from a patient's daily entries to a status a clinician can trust.

A pure function of plain values: the entries, the day of assessment and the policy.
No database, no clock, no settings, nothing from Django, so it can be tested
exhaustively and read by a clinician. Every comparison uses exact fractions.

In words:
- A day's score is the worse of numbness and pain that day.
- The 7-day average on a day is the mean of the day scores logged in the 7 days
  ending that day. It counts only when at least `min_days_per_week` of those 7
  days were logged; otherwise there is not enough data for that day.
- A day is above threshold when its 7-day average counts and is strictly greater
  than the threshold. The streak is the run of consecutive days above threshold
  ending on the day of assessment.
- Status, first match wins: `refer` when the streak has lasted `persist_days`;
  `watch` when the streak has begun, or daily life was affected on at least
  `functional_days` of the last 7 days; `insufficient_data` when the 7-day
  average does not count; otherwise `ok`.
- Urgent signals, whatever the status: a fall in the last 7 days; a day score of
  8 or more today; a 7-day average at least 2 points above last week's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import NamedTuple


def gettext_noop(message: str) -> str:
    """Marks a sentence for translation; it is translated where it is shown."""
    return message


REFER, WATCH, INSUFFICIENT_DATA, OK = "refer", "watch", "insufficient_data", "ok"
STATUSES = (REFER, WATCH, INSUFFICIENT_DATA, OK)
FALL, SEVERE_SCORE, WORSENING = "fall", "severe_score", "worsening"
URGENT_SIGNALS = (FALL, SEVERE_SCORE, WORSENING)
NO_IMPACT, INSTRUMENTAL, SELF_CARE = "none", "instrumental", "self_care"
FUNCTIONAL_IMPACTS = (NO_IMPACT, INSTRUMENTAL, SELF_CARE)  # least to most limiting

WEEK_DAYS = 7
SEVERE_DAY_SCORE = 8
WORSENING_POINTS = Fraction(2)
SELF_CARE_DAYS = 4
THRESHOLD_RANGE = (Fraction(4), Fraction(5))


class DayEntry(NamedTuple):
    """What the rules need from one day's entry (a tuple: cheap to build from database rows)."""

    date: date
    numbness: int
    pain: int
    dropped_objects: bool = False
    balance_problems: bool = False
    fine_motor_difficulty: bool = False
    fell: bool = False

    @property
    def day_score(self) -> int:
        return max(self.numbness, self.pain)

    @property
    def affects_daily_life(self) -> bool:
        return self.dropped_objects or self.balance_problems or self.fine_motor_difficulty


@dataclass(frozen=True)
class Policy:
    threshold: Fraction = Fraction(4)
    min_days_per_week: int = 4
    persist_days: int = 14
    functional_days: int = 3


@dataclass(frozen=True)
class Reason:
    """One sentence of explanation: an English template (translated when shown) and its values."""

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Signal:
    """An event that can open an alert: its kind and the day that identifies it."""

    kind: str
    day: date


@dataclass(frozen=True)
class Assessment:
    as_of: date
    status: str
    weekly_average: Fraction | None
    previous_weekly_average: Fraction | None
    days_logged: int
    threshold: Fraction
    streak_days: int
    streak_start: date | None
    urgent: tuple[str, ...]
    functional_impact: str
    reasons: tuple[Reason, ...]
    signals: tuple[Signal, ...]
    # Consecutive days, ending today, whose 7-day average counts and is at or below
    # threshold (counted up to a week): a `refer` alert resolves itself at 7.
    days_at_or_below: int


class _Diary:
    """The patient's entries by day, with sliding 7-day windows."""

    def __init__(self, entries: Iterable[DayEntry], as_of: date) -> None:
        self.by_day = {entry.date: entry for entry in entries if entry.date <= as_of}

    def week(self, day: date) -> list[DayEntry]:
        """The entries of the 7 days ending on `day`."""
        days = (day - timedelta(days=back) for back in range(WEEK_DAYS))
        return [self.by_day[d] for d in days if d in self.by_day]

    def window_total(self, day: date) -> tuple[int, int]:
        week = self.week(day)
        return sum(entry.day_score for entry in week), len(week)

    def move_window(self, total: int, count: int, entering: date, leaving: date) -> tuple[int, int]:
        """A 7-day window's total and count after one day enters it and another leaves."""
        if (entry := self.by_day.get(entering)) is not None:
            total, count = total + entry.day_score, count + 1
        if (entry := self.by_day.get(leaving)) is not None:
            total, count = total - entry.day_score, count - 1
        return total, count


@dataclass(frozen=True)
class TrendDay:
    """One day of a trend: its entry (if any), its 7-day average and its streak, as `assess` would see them."""

    date: date
    entry: DayEntry | None
    weekly_average: Fraction | None
    streak_days: int
    referral: bool


def trend(entries: Iterable[DayEntry], first: date, last: date, policy: Policy | None = None) -> list[TrendDay]:
    """Every day from `first` to `last`: the figures `assess` would give on that day, in one pass.

    The walk starts at the earliest entry, because a streak running on `first`
    may have begun long before it.
    """
    policy = policy or Policy()
    diary = _Diary(entries, last)
    day = min([first, *diary.by_day])
    total, count = diary.window_total(day)
    streak, days = 0, []
    while day <= last:
        streak = streak + 1 if _window_above(total, count, policy) else 0
        if day >= first:
            days.append(TrendDay(day, diary.by_day.get(day), _average(total, count, policy.min_days_per_week),
                                 streak, streak >= policy.persist_days))
        day += timedelta(days=1)
        total, count = diary.move_window(total, count, entering=day, leaving=day - timedelta(days=WEEK_DAYS))
    return days


def trend_recent(entries: Iterable[DayEntry], complete_from: date, first: date, last: date, policy: Policy,
                 earlier: EarlierStreak | None = None) -> list[TrendDay] | None:
    """`trend` from the entries since `complete_from` alone; None when older entries could change it.

    Only a streak can reach back further. A day whose run reaches the first complete
    7-day window continues the earlier streak when that covered the day before it
    (as in `assess_recent`).
    """
    days = trend(entries, first, last, policy)
    first_complete = complete_from + timedelta(days=WEEK_DAYS - 1)
    if not days or days[0].streak_days <= (days[0].date - first_complete).days:
        return days  # runs are unbroken, so no later day reaches back either
    if earlier is None or not earlier.start <= first_complete - timedelta(days=1) <= earlier.as_of:
        return None
    continued = []
    for day in days:
        if day.streak_days > (day.date - first_complete).days:
            streak = (day.date - earlier.start).days + 1
            day = TrendDay(day.date, day.entry, day.weekly_average, streak, streak >= policy.persist_days)
        continued.append(day)
    return continued


def weekly_average(entries: Iterable[DayEntry], day: date, min_days_per_week: int) -> Fraction | None:
    """Mean day score of the 7 days ending on `day`, or None when fewer than the minimum were logged."""
    total, count = _Diary(entries, day).window_total(day)
    return _average(total, count, min_days_per_week)


def _average(total: int, count: int, min_days: int) -> Fraction | None:
    return Fraction(total, count) if count >= min_days and count > 0 else None


def _window_above(total: int, count: int, policy: Policy) -> bool | None:
    """Whether a 7-day window's average is above threshold; None when too few days are logged for it to count.

    Compared as whole numbers (total / count > threshold): the callers walk months of days.
    """
    if count == 0 or count < policy.min_days_per_week:
        return None
    return total * policy.threshold.denominator > policy.threshold.numerator * count


def _run_length(diary: _Diary, as_of: date, policy: Policy, above: bool, limit: int | None = None) -> int:
    """Consecutive days ending on `as_of` whose average counts and is above (or at/below) threshold."""
    total, count = diary.window_total(as_of)
    day, run = as_of, 0
    while _window_above(total, count, policy) is above:
        run += 1
        if limit is not None and run >= limit:
            break
        total, count = diary.move_window(total, count, entering=day - timedelta(days=WEEK_DAYS), leaving=day)
        day -= timedelta(days=1)
    return run


def functional_impact(week: list[DayEntry]) -> str:
    """An estimate, never a diagnosis, echoing CTCAE: limits on self-care or on instrumental activities.

    Self-care: a fall this week, or balance or fine-motor trouble on 4 or more days.
    Instrumental: any day with dropped objects, balance or fine-motor trouble.
    """
    if any(entry.fell for entry in week):
        return SELF_CARE
    if sum(entry.balance_problems or entry.fine_motor_difficulty for entry in week) >= SELF_CARE_DAYS:
        return SELF_CARE
    if any(entry.affects_daily_life for entry in week):
        return INSTRUMENTAL
    return NO_IMPACT


def daily_functional_impacts(entries: Iterable[DayEntry], first: date, last: date) -> list[str]:
    """`functional_impact` on each day from `first` to `last`, over the 7 days ending that day,
    as `assess` would estimate it on that day."""
    diary = _Diary(entries, last)
    return [functional_impact(diary.week(first + timedelta(days=offset)))
            for offset in range((last - first).days + 1)]


def _status(streak: int, affected_days: int, average: Fraction | None, policy: Policy) -> str:
    if streak >= policy.persist_days:
        return REFER
    if streak >= 1 or affected_days >= policy.functional_days:
        return WATCH
    if average is None:
        return INSUFFICIENT_DATA
    return OK


def _urgent_signals(diary: _Diary, week: list[DayEntry], as_of: date, average: Fraction | None,
                    previous: Fraction | None) -> list[Signal]:
    signals = [Signal(FALL, entry.date) for entry in sorted(week, key=lambda e: e.date) if entry.fell]
    today = diary.by_day.get(as_of)
    if today is not None and today.day_score >= SEVERE_DAY_SCORE:
        signals.append(Signal(SEVERE_SCORE, as_of))
    if average is not None and previous is not None and average - previous >= WORSENING_POINTS:
        signals.append(Signal(WORSENING, as_of))
    return signals


def assess(entries: Iterable[DayEntry], as_of: date, policy: Policy | None = None) -> Assessment:
    """The patient's status on `as_of`, its reasons, urgent signals and functional impact."""
    policy = policy or Policy()
    return _assess(_Diary(entries, as_of), as_of, policy)


@dataclass(frozen=True)
class EarlierStreak:
    """From an earlier assessment of the same diary: the run of days above threshold that ended on
    `as_of` began on `start`."""

    as_of: date
    start: date


def assess_recent(entries: Iterable[DayEntry], complete_from: date, as_of: date, policy: Policy,
                  earlier: EarlierStreak | None = None, changed_from: date | None = None) -> Assessment | None:
    """The assessment on `as_of` from the entries since `complete_from` alone; None when older entries
    could change it, and the caller must assess the whole diary.

    Every figure looks back at most 13 days except the streak. A streak that starts
    after the first day whose 7-day window lies wholly inside the entries given was
    ended by a complete window, so older entries cannot change it. A longer one
    continues an earlier streak when that streak covered the day before that first
    day, and no entry on or before that day has changed since (`changed_from`: the
    earliest day whose entry may differ from what the earlier assessment saw).
    """
    diary = _Diary(entries, as_of)
    assessment = _assess(diary, as_of, policy)
    first_complete = complete_from + timedelta(days=WEEK_DAYS - 1)
    if assessment.streak_start is None or assessment.streak_start > first_complete:
        return assessment
    before = first_complete - timedelta(days=1)
    if earlier is None or not earlier.start <= before <= earlier.as_of:
        return None
    if changed_from is not None and changed_from <= before:
        return None
    return _assess(diary, as_of, policy, streak=(as_of - earlier.start).days + 1)


def _assess(diary: _Diary, as_of: date, policy: Policy, streak: int | None = None) -> Assessment:
    """`assess` on a diary; `streak`, when the caller knows it, instead of walking back day by day."""
    week = diary.week(as_of)
    total, count = diary.window_total(as_of)
    average = _average(total, count, policy.min_days_per_week)
    previous = _average(*diary.window_total(as_of - timedelta(days=WEEK_DAYS)), policy.min_days_per_week)
    if streak is None:
        streak = _run_length(diary, as_of, policy, above=True)
    streak_start = as_of - timedelta(days=streak - 1) if streak else None
    affected_days = sum(entry.affects_daily_life for entry in week)
    status = _status(streak, affected_days, average, policy)
    signals = _urgent_signals(diary, week, as_of, average, previous)
    if status == REFER and streak_start is not None:  # a referral always has a streak, so a start
        signals.insert(0, Signal(REFER, streak_start))
    facts = _Facts(as_of, average, previous, count, streak, streak_start, affected_days, policy, diary)
    return Assessment(
        as_of=as_of, status=status, weekly_average=average, previous_weekly_average=previous,
        days_logged=count, threshold=policy.threshold, streak_days=streak, streak_start=streak_start,
        urgent=tuple(dict.fromkeys(s.kind for s in signals if s.kind in URGENT_SIGNALS)),
        functional_impact=functional_impact(week),
        reasons=tuple(_reasons(status, signals, facts)), signals=tuple(signals),
        days_at_or_below=_run_length(diary, as_of, policy, above=False, limit=WEEK_DAYS),
    )


@dataclass(frozen=True)
class _Facts:
    as_of: date
    average: Fraction | None
    previous: Fraction | None
    days_logged: int
    streak: int
    streak_start: date | None
    affected_days: int
    policy: Policy
    diary: _Diary


def _reasons(status: str, signals: list[Signal], facts: _Facts) -> list[Reason]:
    reasons = _status_reasons(status, facts)
    for signal in signals:
        reasons.extend(_signal_reasons(signal, facts))
    return reasons


def _status_reasons(status: str, facts: _Facts) -> list[Reason]:
    policy, reasons = facts.policy, []
    if facts.streak == 1:
        reasons.append(Reason("above_threshold", gettext_noop(
            "7-day average %(average)s is above %(threshold)s today."),
            {"average": facts.average, "threshold": policy.threshold}))
    elif facts.streak > 1:
        reasons.append(Reason("above_threshold", gettext_noop(
            "7-day average %(average)s has been above %(threshold)s for %(days)s days, since %(since)s."),
            {"average": facts.average, "threshold": policy.threshold, "days": facts.streak,
             "since": facts.streak_start}))
    if status == REFER:
        reasons.append(Reason("refer", gettext_noop(
            "It has stayed above %(threshold)s for %(persist)s days or more: "
            "a professional evaluation is recommended."),
            {"threshold": policy.threshold, "persist": policy.persist_days}))
    elif facts.streak >= 1:
        reasons.append(Reason("may_refer", gettext_noop(
            "If it stays above %(threshold)s for %(persist)s days, a professional evaluation will be recommended."),
            {"threshold": policy.threshold, "persist": policy.persist_days}))
    if facts.affected_days:
        reasons.append(Reason("daily_life", gettext_noop(
            "Daily activities were affected (dropping things, balance or fiddly tasks) "
            "on %(days)s of the last 7 days."), {"days": facts.affected_days}))
    if facts.average is None:
        reasons.append(Reason("insufficient_data", gettext_noop(
            "%(logged)s of the last 7 days are logged; a 7-day average needs at least %(needed)s."),
            {"logged": facts.days_logged, "needed": policy.min_days_per_week}))
    elif facts.streak == 0:
        reasons.append(Reason("at_or_below", gettext_noop(
            "7-day average %(average)s is at or below %(threshold)s."),
            {"average": facts.average, "threshold": policy.threshold}))
    return reasons


def _signal_reasons(signal: Signal, facts: _Facts) -> list[Reason]:
    if signal.kind == FALL:
        return [Reason(FALL, gettext_noop("A fall was logged on %(day)s."), {"day": signal.day})]
    if signal.kind == SEVERE_SCORE:
        score = facts.diary.by_day[signal.day].day_score
        return [Reason(SEVERE_SCORE, gettext_noop("Today's worst score is %(score)s out of 10."), {"score": score})]
    if signal.kind == WORSENING:
        return [Reason(WORSENING, gettext_noop(
            "7-day average rose from %(previous)s to %(average)s in a week."),
            {"previous": facts.previous, "average": facts.average})]
    return []
