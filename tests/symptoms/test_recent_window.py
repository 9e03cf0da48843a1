"""The daily re-evaluation reads six weeks, yet must give exactly the whole-diary assessment."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symptoms import rules
from symptoms.evaluation import RECENT_DAYS, assess_from_recent

START = date(2026, 1, 1)


@st.composite
def diaries(draw):
    """A long diary (up to 200 days) with gaps, and scores that often hover around the threshold."""
    length = draw(st.integers(0, 200))
    score = st.one_of(st.integers(0, 10), st.sampled_from([3, 4, 4, 5, 5, 6]))
    entries = []
    for offset in range(length):
        if draw(st.booleans()) or draw(st.booleans()):  # about three days in four logged
            entries.append(rules.DayEntry(
                START + timedelta(days=offset), draw(score), draw(st.integers(0, 10)),
                balance_problems=draw(st.booleans()), fell=draw(st.integers(0, 30)) == 0,
            ))
    return entries


policies = st.builds(
    rules.Policy,
    threshold=st.integers(400, 500).map(lambda hundredths: Fraction(hundredths, 100)),
    min_days_per_week=st.integers(1, 7), persist_days=st.integers(7, 42), functional_days=st.integers(1, 7),
)


@settings(max_examples=400, deadline=None)
@given(entries=diaries(), policy=policies, as_of_offset=st.integers(0, 220), lag=st.integers(0, 2))
def test_six_weeks_and_a_second_look_equal_the_whole_diary(entries, policy, as_of_offset, lag):
    as_of = START + timedelta(days=as_of_offset)
    # In a batch, `since` follows the earliest "today" of its patients (zones differ by up to a day or two).
    since = as_of - timedelta(days=lag) - timedelta(days=RECENT_DAYS - 1)
    recent = {1: [entry for entry in entries if entry.date >= since]}
    fetched_whole = []

    def whole_diaries(ids):
        fetched_whole.append(ids)
        return {1: entries}

    windowed = assess_from_recent(recent, since, {1: as_of}, {1: policy}, whole_diaries)[1]
    assert windowed == rules.assess(entries, as_of, policy)


@pytest.mark.parametrize("min_days", range(1, 8))
def test_a_long_streak_is_measured_from_the_whole_diary(min_days):
    # Logged every day at 6: the streak runs from the first complete week, far before the six weeks.
    entries = [rules.DayEntry(START + timedelta(days=offset), 6, 0) for offset in range(120)]
    as_of = START + timedelta(days=119)
    since = as_of - timedelta(days=RECENT_DAYS - 1)
    fetched = []
    policy = rules.Policy(min_days_per_week=min_days)
    assessment = assess_from_recent({1: [e for e in entries if e.date >= since]}, since, {1: as_of},
                                    {1: policy}, lambda ids: fetched.append(ids) or {1: entries})[1]
    assert fetched == [[1]] and assessment.streak_days == 120 - (min_days - 1)
