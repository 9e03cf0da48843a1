"""symptoms.rules: the referral rules of PRODUCT.md, against a slow reference and at every clinical boundary."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symptoms import rules
from symptoms.rules import DayEntry, Policy, Signal, assess
from tests.symptoms import rules_reference as reference

DEFAULT = Policy()
HISTORY_START = date(2025, 1, 6)


def march(day: int) -> date:
    return date(2025, 3, day)


def logged_daily(first_day: date, scores: list[int | None], **flags: bool) -> list[DayEntry]:
    """One entry a day from `first_day`, numbness taken from `scores`; None is a day not logged."""
    return [DayEntry(first_day + timedelta(days=offset), numbness=score, pain=0, **flags)
            for offset, score in enumerate(scores) if score is not None]


ENTRY_FIELDS = ("date", "numbness", "pain", "dropped_objects", "balance_problems", "fine_motor_difficulty", "fell")
POLICY_FIELDS = ("threshold", "min_days_per_week", "persist_days", "functional_days")


def changed(entry: DayEntry, **flags: bool) -> DayEntry:
    return DayEntry(**{**{name: getattr(entry, name) for name in ENTRY_FIELDS}, **flags})


def with_flags(entries: list[DayEntry], days: list[date], **flags: bool) -> list[DayEntry]:
    return [changed(entry, **flags) if entry.date in days else entry for entry in entries]


def policy_with(**changes: object) -> Policy:
    """The default policy with some values changed, as a clinic or clinician may set them."""
    return Policy(**{**{name: getattr(DEFAULT, name) for name in POLICY_FIELDS}, **changes})


def week_averaging(total: int, count: int, as_of: date) -> list[DayEntry]:
    """`count` entries in the 7 days ending `as_of`, their scores summing to `total`, as even as they can be."""
    base, extra = divmod(total, count)
    return [DayEntry(as_of - timedelta(days=back), numbness=base + (back < extra), pain=0) for back in range(count)]


def shown(value: object) -> str:
    """How a parameter appears in a sentence: averages to two decimals, dates as '3 March 2025'."""
    if isinstance(value, Fraction):
        return f"{float(round(value, 2)):.2f}"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def sentences(assessment: rules.Assessment) -> list[str]:
    return [reason.message % {key: shown(value) for key, value in reason.params.items()}
            for reason in assessment.reasons]


# -- Random histories, policies and assessment days ------------------------------------------------------------

def usual_scores(level: int) -> st.SearchStrategy[int]:
    """Mostly near the patient's usual level or the 4-5 threshold band, sometimes anything from 0 to 10."""
    near_level = [score for score in range(level - 1, level + 2) if 0 <= score <= 10]
    return st.sampled_from([*range(11), *near_level * 4, 4, 4, 4, 5, 5, 3, 6])


def one_in(times: int) -> st.SearchStrategy[bool]:
    """True about once in `times` draws (never for 0); shrinks to False."""
    return st.sampled_from([False] * (times - 1) + [True] if times else [False])


def entry_on(day: date, drawn: tuple[bool, int, int, bool, int, bool], shift: int) -> DayEntry:
    """One day's entry from drawn values; every draw shrinks towards a day with numbness only and no flags."""
    _, score, other, flagged, flags, fell = drawn
    score = min(10, max(0, score + shift))
    numbness, pain = (score, other // 2 % (score + 1)) if other % 2 == 0 else (other // 2 % (score + 1), score)
    flags = flags if flagged else 0  # which of dropped objects, balance and fine motor, as bits
    return DayEntry(day, numbness=numbness, pain=pain, dropped_objects=bool(flags & 1),
                    balance_problems=bool(flags & 2), fine_motor_difficulty=bool(flags & 4), fell=fell)


@st.composite
def histories(draw) -> tuple[list[DayEntry], date]:
    """0-120 days, some not logged, and an assessment day before, inside or after them.

    Scores stay near a usual level, which may rise or fall once (so that averages worsen), and often sit in
    the 4-5 band where thresholds are set.
    """
    missed = one_in(draw(st.sampled_from([0, 20, 8, 4, 2])))
    scores = usual_scores(draw(st.integers(1, 9)))
    flagged = one_in(draw(st.sampled_from([0, 12, 4, 2, 1])))
    fall = one_in(draw(st.sampled_from([0, 30, 8])))
    length = draw(st.integers(0, 120))
    change_day, shift = draw(st.integers(0, max(0, length - 1))), draw(st.sampled_from([0, 3, -3, 2, 4, -2, 1, -1, -4]))
    days = draw(st.lists(st.tuples(missed, scores, st.integers(0, 21), flagged, st.integers(1, 7), fall),
                         min_size=length, max_size=length))
    entries = [entry_on(HISTORY_START + timedelta(days=offset), drawn, shift if offset >= change_day else 0)
               for offset, drawn in enumerate(days) if not drawn[0]]
    offsets = st.one_of(st.integers(-10, length + 20), st.just(length - 1), st.integers(change_day, change_day + 14))
    as_of = HISTORY_START + timedelta(days=draw(offsets))
    return entries, as_of


thresholds = st.one_of(
    st.integers(0, 100),
    st.sampled_from([0, 100, 20, 25, 40, 50, 60, 75, 80]),  # 4.0, 5.0 and values a 4-7 day mean can equal
).map(lambda hundredths: Fraction(400 + hundredths, 100))

policies = st.builds(Policy, threshold=thresholds, min_days_per_week=st.integers(1, 7),
                     persist_days=st.integers(1, 30), functional_days=st.integers(1, 7))


# -- Properties: rules.assess agrees with the reference --------------------------------------------------------

def assert_matches_the_reference(entries: list[DayEntry], as_of: date, policy: Policy) -> None:
    assessment = assess(entries, as_of, policy)
    expected = reference.assess(entries, as_of, policy)
    actual = {
        "as_of": assessment.as_of, "status": assessment.status, "weekly_average": assessment.weekly_average,
        "previous_weekly_average": assessment.previous_weekly_average, "days_logged": assessment.days_logged,
        "threshold": assessment.threshold, "streak_days": assessment.streak_days,
        "streak_start": assessment.streak_start, "urgent": frozenset(assessment.urgent),
        "functional_impact": assessment.functional_impact, "days_at_or_below": assessment.days_at_or_below,
        "signals": frozenset((signal.kind, signal.day) for signal in assessment.signals),
    }
    assert actual == {name: getattr(expected, name) for name in actual}
    # Each urgent signal once, in the order PRODUCT.md lists them; each signal once.
    in_product_order = [kind for kind in ("fall", "severe_score", "worsening") if kind in expected.urgent]
    assert list(assessment.urgent) == in_product_order
    assert len(assessment.signals) == len(expected.signals)


POLICY_RANGES = {"persist_days": (1, 30), "functional_days": (1, 7), "min_days_per_week": (1, 7)}


def policy_at_a_boundary(policy: Policy, expected: reference.Expected, value: str,
                         one_step_past: bool) -> Policy | None:
    """The policy with one value set exactly at what this history reaches (or one step past it), if in range.

    Random policies seldom land on these equalities; this is where off-by-one mistakes hide.
    """
    values = {name: getattr(policy, name) for name in POLICY_FIELDS}
    if value == "threshold":
        average = expected.weekly_average
        if average is None or (average * 100).denominator != 1:
            return None
        values["threshold"] = average - Fraction(one_step_past, 100)  # one step past: the average is just above
        return Policy(**values) if 4 <= values["threshold"] <= 5 else None
    reached = {"persist_days": expected.streak_days, "functional_days": expected.days_affecting_daily_life,
               "min_days_per_week": expected.days_logged}[value]
    values[value] = reached + one_step_past
    low, high = POLICY_RANGES[value]
    return Policy(**values) if low <= values[value] <= high else None


def assert_matches_the_reference_at_and_around(entries: list[DayEntry], as_of: date, policy: Policy) -> None:
    """Under the policy drawn, then with each policy value set at, and one step past, what the history reaches."""
    assert_matches_the_reference(entries, as_of, policy)
    expected = reference.assess(entries, as_of, policy)
    for value in POLICY_FIELDS:
        for one_step_past in (False, True):
            at_the_boundary = policy_at_a_boundary(policy, expected, value, one_step_past)
            if at_the_boundary is not None:
                assert_matches_the_reference(entries, as_of, at_the_boundary)


@settings(max_examples=300, deadline=None)
@given(history=histories(), policy=policies)
def test_assessment_matches_the_reference_on_every_field(history, policy):
    entries, as_of = history
    assert_matches_the_reference_at_and_around(entries, as_of, policy)


@st.composite
def two_weeks_of_anything(draw) -> list[DayEntry]:
    """1-14 March, each day logged or not, with any scores and any combination of flags and falls."""
    entries = []
    for day in range(1, 15):
        if draw(st.booleans()):
            numbness, pain = draw(st.integers(0, 10)), draw(st.integers(0, 10))
            dropped, balance, fine_motor, fell = (draw(st.booleans()) for _ in range(4))
            entries.append(DayEntry(march(day), numbness=numbness, pain=pain, dropped_objects=dropped,
                                    balance_problems=balance, fine_motor_difficulty=fine_motor, fell=fell))
    return entries


@settings(max_examples=300, deadline=None)
@given(entries=two_weeks_of_anything(), policy=policies)
def test_any_fortnight_of_scores_and_flags_matches_the_reference(entries, policy):
    assert_matches_the_reference_at_and_around(entries, march(14), policy)


@settings(max_examples=100, deadline=None)
@given(history=histories(), min_days_per_week=st.integers(1, 7))
def test_weekly_average_matches_the_reference(history, min_days_per_week):
    entries, day = history
    expected = reference.weekly_average(reference.diary_known_on(entries, day), day, min_days_per_week)
    assert rules.weekly_average(entries, day, min_days_per_week) == expected


@settings(max_examples=100, deadline=None)
@given(history=histories(), policy=policies, shuffler=st.randoms(use_true_random=False))
def test_order_of_entries_and_entries_after_the_assessment_day_change_nothing(history, policy, shuffler):
    entries, as_of = history
    later = [DayEntry(as_of + timedelta(days=days), numbness=10, pain=10, dropped_objects=True,
                      balance_problems=True, fine_motor_difficulty=True, fell=True) for days in (1, 2, 8)]
    shuffled = [*entries, *later]
    shuffler.shuffle(shuffled)
    assert assess(shuffled, as_of, policy) == assess(entries, as_of, policy)


@settings(max_examples=200, deadline=None)
@given(history=histories(), policy=policies)
def test_reasons_are_sentences_built_from_the_assessments_own_numbers(history, policy):
    entries, as_of = history
    assessment = assess(entries, as_of, policy)
    expected = reference.assess(entries, as_of, policy)
    assert assessment.reasons
    texts = sentences(assessment)
    assert all(text and "%(" not in text for text in texts)
    for reason in assessment.reasons:
        params = reason.params
        assert not any(isinstance(value, float) for value in params.values()), "exact values, never floats"
        assert params.get("average", assessment.weekly_average) == assessment.weekly_average
        assert params.get("previous", assessment.previous_weekly_average) == assessment.previous_weekly_average
        assert params.get("threshold", policy.threshold) == policy.threshold
        assert params.get("since", assessment.streak_start) == assessment.streak_start
        assert params.get("logged", assessment.days_logged) == assessment.days_logged
        assert params.get("needed", policy.min_days_per_week) == policy.min_days_per_week
        assert params.get("persist", policy.persist_days) == policy.persist_days
        assert params.get("score", expected.day_score_today) == expected.day_score_today
        if "day" in params:
            assert params["day"] in expected.fall_days
        if "days" in params:
            counted = assessment.streak_days if "since" in params else expected.days_affecting_daily_life
            assert params["days"] == counted
    everything_said = " ".join(texts)
    if assessment.streak_days > 1:
        assert str(assessment.streak_days) in everything_said
        assert shown(assessment.streak_start) in everything_said
    if assessment.streak_days:
        assert shown(assessment.weekly_average) in everything_said
    if assessment.weekly_average is None:
        assert str(assessment.days_logged) in everything_said
    for day in expected.fall_days:
        assert shown(day) in everything_said


# -- Defaults --------------------------------------------------------------------------------------------------

def test_default_policy_is_threshold_four_four_days_a_week_fourteen_days_and_three_days_of_daily_life():
    assert (DEFAULT.threshold, DEFAULT.min_days_per_week, DEFAULT.persist_days, DEFAULT.functional_days) == (
        Fraction(4), 4, 14, 3)


def test_day_score_is_the_worse_of_numbness_and_pain():
    entries = [DayEntry(march(day), numbness=2, pain=6) for day in range(1, 5)]
    assert rules.weekly_average(entries, march(4), 4) == 6


# -- A streak above threshold: watch, then refer at 14 days -----------------------------------------------------

def week_at_four_then_fives() -> list[DayEntry]:
    """24 Feb - 2 March every day at 4 (average exactly 4.0), then every day at 5 from 3 March."""
    return logged_daily(date(2025, 2, 24), [4] * 7 + [5] * 25)


def test_thirteen_days_above_threshold_is_watch_fourteen_is_refer():
    thirteen = assess(week_at_four_then_fives(), march(15))
    fourteen = assess(week_at_four_then_fives(), march(16))
    assert (thirteen.status, thirteen.streak_days, thirteen.streak_start) == ("watch", 13, march(3))
    assert (fourteen.status, fourteen.streak_days, fourteen.streak_start) == ("refer", 14, march(3))
    assert Signal("refer", march(3)) in fourteen.signals
    assert not any(signal.kind == "refer" for signal in thirteen.signals)


def test_a_clinic_asking_for_fifteen_days_sees_watch_on_day_fourteen():
    assert assess(week_at_four_then_fives(), march(16), policy_with(persist_days=15)).status == "watch"
    assert assess(week_at_four_then_fives(), march(17), policy_with(persist_days=15)).status == "refer"


def test_refer_signal_keeps_the_day_the_streak_started_so_each_streak_is_one_alert():
    days = [assess(week_at_four_then_fives(), march(day)) for day in (16, 20, 25)]
    assert [[s for s in a.signals if s.kind == "refer"] for a in days] == [[Signal("refer", march(3))]] * 3


# -- How many days make a week ----------------------------------------------------------------------------------

def test_three_days_logged_in_a_week_is_insufficient_data_four_is_a_valid_average():
    three = logged_daily(march(1), [6, None, 6, None, 6, None, None])
    four = logged_daily(march(1), [6, None, 6, None, 6, None, 6])
    insufficient, valid = assess(three, march(7)), assess(four, march(7))
    assert (insufficient.status, insufficient.weekly_average, insufficient.days_logged) == (
        "insufficient_data", None, 3)
    assert insufficient.streak_days == 0 and insufficient.streak_start is None
    assert (valid.status, valid.weekly_average, valid.days_logged) == ("watch", 6, 4)
    assert (valid.streak_days, valid.streak_start) == (1, march(7))


def test_three_days_logged_count_when_the_policy_asks_for_three():
    three = logged_daily(march(1), [6, None, 6, None, 6, None, None])
    assessment = assess(three, march(7), policy_with(min_days_per_week=3))
    assert (assessment.status, assessment.weekly_average) == ("watch", 6)


def test_an_entry_eight_days_ago_is_not_in_this_weeks_count():
    entries = logged_daily(date(2025, 2, 28), [9, None, None, None, None, 2, 2, 2])
    assessment = assess(entries, march(7))
    assert (assessment.days_logged, assessment.weekly_average, assessment.status) == (3, None, "insufficient_data")


# -- Strictly above threshold, in exact arithmetic ---------------------------------------------------------------

def test_an_average_of_exactly_four_is_not_above_threshold():
    assessment = assess(logged_daily(march(1), [4] * 7), march(7))
    assert (assessment.weekly_average, assessment.status, assessment.streak_days) == (4, "ok", 0)


def test_an_average_just_above_four_is_above_threshold():
    assessment = assess(logged_daily(march(1), [4] * 6 + [5]), march(7))
    assert (assessment.weekly_average, assessment.status, assessment.streak_days) == (Fraction(29, 7), "watch", 1)


def test_a_threshold_of_four_point_zero_one_is_met_by_four_point_two_five_but_not_by_four():
    policy = policy_with(threshold=Fraction(401, 100))
    assert assess(week_averaging(28, 7, march(7)), march(7), policy).status == "ok"
    assert assess(week_averaging(17, 4, march(7)), march(7), policy).status == "watch"


ACHIEVABLE_AVERAGES_IN_RANGE = [(total, count) for count in (4, 5, 6, 7) for total in range(4 * count, 5 * count + 1)
                                if Fraction(total * 100, count).denominator == 1]


@pytest.mark.parametrize(("total", "count"), ACHIEVABLE_AVERAGES_IN_RANGE)
def test_an_average_equal_to_the_threshold_is_not_above_it(total, count):
    average = Fraction(total, count)
    assessment = assess(week_averaging(total, count, march(7)), march(7), policy_with(threshold=average))
    assert (assessment.weekly_average, assessment.streak_days, assessment.status) == (average, 0, "ok")


@pytest.mark.parametrize(("total", "count"), [(t, c) for t, c in ACHIEVABLE_AVERAGES_IN_RANGE if t > 4 * c])
def test_an_average_one_hundredth_above_the_threshold_is_above_it(total, count):
    average = Fraction(total, count)
    policy = policy_with(threshold=average - Fraction(1, 100))
    assessment = assess(week_averaging(total, count, march(7)), march(7), policy)
    assert (assessment.weekly_average, assessment.status) == (average, "watch")
    assert assessment.streak_days >= 1


# -- What ends a streak -------------------------------------------------------------------------------------------

def dip_history() -> list[DayEntry]:
    """Every week sums to 29 (average 4.14) except the one ending 22 March, which sums to 28 (exactly 4.0)."""
    week = [5, 4, 4, 4, 4, 4, 4]
    return logged_daily(march(1), week * 3 + [4] + week * 2)


def test_one_day_at_or_below_threshold_ends_the_streak_and_the_count_starts_again():
    before, dip, after = (assess(dip_history(), march(day)) for day in (21, 22, 23))
    assert (before.status, before.streak_days, before.streak_start) == ("refer", 18, march(4))
    assert (dip.weekly_average, dip.status, dip.streak_days, dip.streak_start) == (4, "ok", 0, None)
    assert (after.weekly_average, after.status, after.streak_days, after.streak_start) == (
        Fraction(29, 7), "watch", 1, march(23))


def sixes_with_a_gap(gap_days: int) -> list[DayEntry]:
    """Every day at 6 from 1 to 20 March, then `gap_days` days not logged, then every day at 6 again."""
    return logged_daily(march(1), [6] * 20 + [None] * gap_days + [6] * 10)


def test_a_four_day_gap_leaves_three_days_in_the_week_and_ends_the_streak():
    last_valid, gap = assess(sixes_with_a_gap(4), march(23)), assess(sixes_with_a_gap(4), march(24))
    assert (last_valid.status, last_valid.days_logged, last_valid.streak_days) == ("refer", 4, 20)
    assert (gap.status, gap.days_logged, gap.weekly_average, gap.streak_days) == ("insufficient_data", 3, None, 0)
    assert not any(signal.kind == "refer" for signal in gap.signals)


def test_after_a_gap_the_streak_starts_again_from_one():
    assert assess(sixes_with_a_gap(4), march(27)).status == "insufficient_data"
    resumed = assess(sixes_with_a_gap(4), march(28))
    assert (resumed.status, resumed.streak_days, resumed.streak_start) == ("watch", 1, march(28))


def test_a_three_day_gap_keeps_four_days_in_the_week_and_the_streak_goes_on():
    assessment = assess(sixes_with_a_gap(3), march(27))
    assert (assessment.status, assessment.streak_days, assessment.streak_start) == ("refer", 24, march(4))


# -- At or below threshold: how a refer resolves ------------------------------------------------------------------

def test_a_refer_resolves_after_seven_days_at_or_below_threshold():
    entries = logged_daily(march(1), [6] * 20 + [2] * 20)
    assert assess(entries, march(23)).days_at_or_below == 0  # 30/7, still above
    first_day_at_or_below = assess(entries, march(24))
    assert (first_day_at_or_below.weekly_average, first_day_at_or_below.status) == (Fraction(26, 7), "ok")
    assert first_day_at_or_below.days_at_or_below == 1
    assert assess(entries, march(29)).days_at_or_below == 6
    assert assess(entries, march(30)).days_at_or_below == 7
    assert assess(entries, march(31)).days_at_or_below == 7


def test_days_at_or_below_count_only_days_whose_average_is_valid():
    entries = logged_daily(march(1), [2] * 10)
    assert assess(entries, march(6)).days_at_or_below == 3  # 4, 5 and 6 March have 4+ days logged
    assert assess(entries, march(10)).days_at_or_below == 7


# -- Worsening: at least 2.0 points above last week's average ----------------------------------------------------

def two_weeks(previous: list[int | None], current: list[int | None]) -> list[DayEntry]:
    return logged_daily(march(1), previous + current)


def test_a_rise_from_four_to_six_is_worsening():
    assessment = assess(two_weeks([4] * 7, [6] * 7), march(14))
    assert (assessment.previous_weekly_average, assessment.weekly_average) == (4, 6)
    assert "worsening" in assessment.urgent
    assert Signal("worsening", march(14)) in assessment.signals


def test_a_rise_of_one_point_nine_is_not_worsening_two_point_zero_is():
    previous = [3, 3, 4, 4, None, None, None]  # 3.5
    just_under = assess(two_weeks(previous, [5, 5, 5, 6, 6, None, None]), march(14))  # 5.4
    exactly_two = assess(two_weeks(previous, [5, 5, 6, 6, None, None, None]), march(14))  # 5.5
    assert just_under.weekly_average - just_under.previous_weekly_average == Fraction(19, 10)
    assert "worsening" not in just_under.urgent
    assert exactly_two.weekly_average - exactly_two.previous_weekly_average == 2
    assert "worsening" in exactly_two.urgent


def test_a_rise_of_exactly_two_is_worsening_even_where_floating_point_would_say_1_9999():
    assert 41 / 7 - 27 / 7 < 2  # the trap
    assessment = assess(two_weeks([4, 4, 4, 4, 4, 4, 3], [6, 6, 6, 6, 6, 6, 5]), march(14))
    assert (assessment.previous_weekly_average, assessment.weekly_average) == (Fraction(27, 7), Fraction(41, 7))
    assert "worsening" in assessment.urgent


def test_a_rise_from_four_to_41_sevenths_is_not_worsening():
    assessment = assess(two_weeks([4] * 7, [6, 6, 6, 6, 6, 6, 5]), march(14))
    assert assessment.weekly_average == Fraction(41, 7) and "worsening" not in assessment.urgent


@settings(max_examples=100, deadline=None)
@given(last_week=st.lists(st.one_of(st.none(), st.integers(0, 8)), min_size=7, max_size=7), policy=policies,
       eased_day=st.integers(0, 6))
def test_any_week_two_points_worse_than_the_week_before_is_worsening_and_one_point_less_is_not(
        last_week, policy, eased_day):
    this_week = [None if score is None else score + 2 for score in last_week]
    assessment = assess(two_weeks(last_week, this_week), march(14), policy)
    both_valid = sum(score is not None for score in last_week) >= policy.min_days_per_week
    assert ("worsening" in assessment.urgent) is both_valid
    if both_valid and this_week[eased_day] is not None:
        this_week[eased_day] -= 1
        assert "worsening" not in assess(two_weeks(last_week, this_week), march(14), policy).urgent


def test_no_worsening_when_last_week_had_too_few_days_logged():
    assessment = assess(two_weeks([0, None, 0, None, 0, None, None], [9] * 7), march(14))
    assert assessment.previous_weekly_average is None
    assert "worsening" not in assessment.urgent


# -- Severe day score ---------------------------------------------------------------------------------------------

def test_a_day_score_of_seven_is_not_severe_eight_is():
    week = logged_daily(march(1), [2] * 6)
    seven = assess([*week, DayEntry(march(7), numbness=7, pain=3)], march(7))
    eight = assess([*week, DayEntry(march(7), numbness=3, pain=8)], march(7))
    assert seven.urgent == () and not seven.signals
    assert eight.urgent == ("severe_score",) and eight.signals == (Signal("severe_score", march(7)),)


def test_a_severe_score_counts_only_on_the_day_of_assessment():
    entries = [*logged_daily(march(1), [2] * 5), DayEntry(march(6), numbness=9, pain=0)]
    assert "severe_score" not in assess(entries, march(7)).urgent
    assert "severe_score" in assess(entries, march(6)).urgent


# -- Functional impact and its watch ------------------------------------------------------------------------------

def quiet_week() -> list[DayEntry]:
    """Scores of 2, every day of 1-7 March: an ok week unless a flag says otherwise."""
    return logged_daily(march(1), [2] * 7)


def test_balance_or_fine_motor_trouble_on_four_days_is_self_care_three_days_is_instrumental():
    four = with_flags(with_flags(quiet_week(), [march(1), march(2)], balance_problems=True),
                      [march(3), march(4)], fine_motor_difficulty=True)
    three = with_flags(quiet_week(), [march(1), march(2), march(3)], balance_problems=True,
                       fine_motor_difficulty=True)
    assert assess(four, march(7)).functional_impact == "self_care"
    assert assess(three, march(7)).functional_impact == "instrumental"


def test_dropping_things_every_day_is_instrumental_not_self_care():
    entries = [changed(entry, dropped_objects=True) for entry in quiet_week()]
    assert assess(entries, march(7)).functional_impact == "instrumental"


def test_a_fall_makes_the_impact_self_care():
    entries = with_flags(quiet_week(), [march(5)], fell=True)
    assert assess(entries, march(7)).functional_impact == "self_care"


def test_no_flags_is_no_functional_impact_and_flags_from_last_week_do_not_count():
    entries = with_flags(logged_daily(date(2025, 2, 28), [2] * 8), [date(2025, 2, 28)], fell=True,
                         balance_problems=True)
    assert assess(entries, march(7)).functional_impact == "none"
    assert assess(entries, march(6)).functional_impact == "self_care"


def test_daily_life_affected_on_three_days_is_watch_two_days_is_not():
    three = with_flags(quiet_week(), [march(1), march(4), march(7)], dropped_objects=True)
    two = with_flags(quiet_week(), [march(1), march(4)], dropped_objects=True)
    assert (assess(three, march(7)).status, assess(three, march(7)).streak_days) == ("watch", 0)
    assert assess(two, march(7)).status == "ok"


def test_daily_life_affected_is_watch_even_with_too_few_days_logged():
    entries = logged_daily(march(5), [2, 2, 2], fine_motor_difficulty=True)
    assessment = assess(entries, march(7))
    assert (assessment.status, assessment.weekly_average) == ("watch", None)


def test_a_clinic_can_ask_for_one_day_of_daily_life_affected():
    entries = with_flags(quiet_week(), [march(3)], dropped_objects=True)
    assert assess(entries, march(7), policy_with(functional_days=1)).status == "watch"


# -- Urgent signals whatever the status ---------------------------------------------------------------------------

def test_a_fall_is_urgent_even_when_the_status_is_ok():
    assessment = assess(with_flags(quiet_week(), [march(5)], fell=True), march(7))
    assert (assessment.status, assessment.urgent) == ("ok", ("fall",))
    assert assessment.signals == (Signal("fall", march(5)),)


def test_a_fall_is_urgent_when_there_is_too_little_data():
    assessment = assess([DayEntry(march(7), numbness=1, pain=0, fell=True)], march(7))
    assert (assessment.status, assessment.urgent, assessment.functional_impact) == (
        "insufficient_data", ("fall",), "self_care")


def test_a_fall_six_days_ago_is_urgent_seven_days_ago_is_not():
    entries = with_flags(logged_daily(date(2025, 2, 28), [2] * 8), [date(2025, 2, 28)], fell=True)
    assert assess(entries, march(6)).urgent == ("fall",)
    assert assess(entries, march(7)).urgent == ()


def test_each_fall_in_the_week_is_its_own_signal():
    entries = with_flags(quiet_week(), [march(2), march(6)], fell=True)
    assessment = assess(entries, march(7))
    assert assessment.urgent == ("fall",)
    assert set(assessment.signals) == {Signal("fall", march(2)), Signal("fall", march(6))}


def test_all_three_urgent_signals_at_once_with_refer():
    entries = with_flags(two_weeks([4] * 7, [6] * 6 + [9]), [march(10)], fell=True)
    assessment = assess(entries, march(14), policy_with(persist_days=7))
    assert assessment.status == "refer"
    assert assessment.urgent == ("fall", "severe_score", "worsening")
    assert set(assessment.signals) == {Signal("refer", march(8)), Signal("fall", march(10)),
                                       Signal("severe_score", march(14)), Signal("worsening", march(14))}


# -- Which entries count -------------------------------------------------------------------------------------------

def test_entries_dated_after_the_assessment_day_are_ignored():
    history = quiet_week()
    later = [DayEntry(march(day), numbness=10, pain=10, balance_problems=True, fell=True) for day in (8, 9, 14)]
    assert assess([*history, *later], march(7)) == assess(history, march(7))


def test_an_empty_history_is_insufficient_data():
    assessment = assess([], march(7))
    assert (assessment.status, assessment.weekly_average, assessment.previous_weekly_average) == (
        "insufficient_data", None, None)
    assert (assessment.days_logged, assessment.streak_days, assessment.streak_start) == (0, 0, None)
    assert (assessment.urgent, assessment.signals, assessment.functional_impact) == ((), (), "none")
    assert assessment.days_at_or_below == 0 and assessment.threshold == 4
    assert assessment.reasons


# -- Reasons carry the numbers -------------------------------------------------------------------------------------

def test_reasons_name_a_sixteen_day_streak_its_start_and_its_average():
    entries = logged_daily(date(2025, 2, 24), [4] * 7 + [5] * 14 + [6, 6])
    assessment = assess(entries, date(2025, 3, 18))
    assert (assessment.status, assessment.streak_days, assessment.streak_start) == ("refer", 16, march(3))
    assert assessment.weekly_average == Fraction(37, 7)
    streak_sentences = [text for text in sentences(assessment) if "16" in text and "3 March 2025" in text]
    assert streak_sentences and "5.29" in streak_sentences[0] and "4.00" in streak_sentences[0]


def test_reasons_say_how_many_days_were_logged_when_there_are_too_few():
    assessment = assess(logged_daily(march(1), [6, None, 6, None, 6, None, None]), march(7))
    assert any("3" in text and "4" in text for text in sentences(assessment))


def test_reasons_name_the_fall_and_the_severe_score():
    entries = with_flags([*logged_daily(march(1), [2] * 6), DayEntry(march(7), numbness=9, pain=2)],
                         [march(4)], fell=True)
    said = " ".join(sentences(assess(entries, march(7))))
    assert "4 March 2025" in said and "9" in said


def test_reasons_are_translatable_templates_with_the_numbers_kept_apart():
    assessment = assess(logged_daily(date(2025, 2, 24), [4] * 7 + [5] * 14 + [6, 6]), date(2025, 3, 18))
    for reason in assessment.reasons:
        assert "16" not in reason.message and "2025" not in reason.message


@settings(max_examples=150, deadline=None)
@given(history=histories(), policy=policies, span=st.integers(0, 30))
def test_trend_gives_each_day_the_average_streak_and_referral_the_reference_gives(history, policy, span):
    entries, last = history
    first = last - timedelta(days=span)
    days = rules.trend(entries, first, last, policy)
    assert [day.date for day in days] == [first + timedelta(days=n) for n in range(span + 1)]
    for day in days:
        expected = reference.assess(entries, day.date, policy)
        assert day.weekly_average == expected.weekly_average, day.date
        assert day.streak_days == expected.streak_days, day.date
        assert day.referral == (expected.status == rules.REFER), day.date
        assert day.entry == next((e for e in entries if e.date == day.date), None)


def test_trend_counts_a_streak_that_began_before_the_first_day_shown():
    entries = logged_daily(march(1), [6] * 25)  # the average counts from 4 March, the fourth day logged
    days = rules.trend(entries, march(20), march(25))
    assert [day.streak_days for day in days] == [17, 18, 19, 20, 21, 22]
    assert [day.referral for day in days] == [True] * 6
    assert days[0].weekly_average == Fraction(6)
