"""A save continues a long streak from the stored assessment instead of reading the whole diary,
and must give exactly what the whole diary gives."""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from symptoms import assessments, diary, evaluation, rules
from symptoms.models import ClinicPolicy, PatientStatus, SymptomEntry
from tests.factories import PatientFactory

START = date(2026, 1, 1)
RECENT = evaluation.RECENT_DAYS
BACKFILL = 7


@st.composite
def streaky_diaries(draw):
    """Up to 200 days, most logged, most days above a threshold of 4 to 5, with the odd low or missing
    stretch: long streaks, broken now and then."""
    length = draw(st.integers(0, 200))
    low = st.integers(0, 4)
    high = st.integers(5, 9)
    entries = []
    for offset in range(length):
        if draw(st.integers(0, 9)) == 0:
            continue  # a day not logged
        score = draw(low) if draw(st.integers(0, 14)) == 0 else draw(high)
        entries.append(rules.DayEntry(START + timedelta(days=offset), score, draw(st.integers(0, 10)),
                                      fine_motor_difficulty=draw(st.booleans()), fell=draw(st.integers(0, 40)) == 0))
    return entries


policies = st.builds(
    rules.Policy,
    threshold=st.integers(400, 500).map(lambda hundredths: Fraction(hundredths, 100)),
    min_days_per_week=st.integers(1, 7), persist_days=st.integers(7, 42), functional_days=st.integers(1, 7),
)


def continued(entries: list[rules.DayEntry], stored_on: date, today: date, changed: rules.DayEntry | None,
              changed_day: date, policy: rules.Policy) -> tuple[rules.Assessment | None, list[rules.DayEntry]]:
    """What a save does: the stored assessment saw the diary up to `stored_on`; one day then changes
    (`changed`, or deleted when None), and the save assesses `today` from six weeks and that."""
    before = [e for e in entries if e.date <= stored_on]
    stored = rules.assess(before, stored_on, policy)
    after = sorted([e for e in before if e.date != changed_day] + ([changed] if changed else []))
    since = min(today - timedelta(days=RECENT - 1), changed_day)
    earlier = rules.EarlierStreak(stored.as_of, stored.streak_start) if stored.streak_start else None
    recent = [e for e in after if e.date >= since]
    return rules.assess_recent(recent, since, today, policy, earlier, changed_day), after


@settings(max_examples=600, deadline=None)
@given(entries=streaky_diaries(), policy=policies, stored_offset=st.integers(0, 210), later=st.integers(0, 3),
       back=st.integers(0, BACKFILL), score=st.one_of(st.none(), st.integers(0, 10)))
def test_continuing_the_stored_streak_equals_the_whole_diary(entries, policy, stored_offset, later, back, score):
    stored_on = START + timedelta(days=stored_offset)
    today = stored_on + timedelta(days=later)
    changed_day = today - timedelta(days=back)
    changed = None if score is None else rules.DayEntry(changed_day, score, 1)
    lean, after = continued(entries, stored_on, today, changed, changed_day, policy)
    if lean is not None:
        assert lean == rules.assess(after, today, policy)


@pytest.mark.parametrize(("min_days", "later"), [(1, 0), (4, 0), (7, 0), (1, 1), (7, 1), (4, 3)])
def test_a_streak_of_months_is_continued_not_read_again(min_days, later):
    """Every day at 6 for 150 days (the last `later` - 1 before today not logged), a save today: the stored
    streak carries it, and it is the whole diary's answer (the streak counts from the first complete week)."""
    policy = rules.Policy(min_days_per_week=min_days)
    entries = [rules.DayEntry(START + timedelta(days=offset), 6, 0) for offset in range(150)]
    today = START + timedelta(days=149)
    lean, after = continued(entries, today - timedelta(days=later), today, rules.DayEntry(today, 7, 0), today, policy)
    assert lean is not None and lean == rules.assess(after, today, policy)
    assert lean.streak_days == 150 - (min_days - 1) and lean.status == rules.REFER


def test_a_change_before_the_six_weeks_means_the_whole_diary():
    """With a backfill window longer than the six weeks, a change there can end the old streak."""
    policy = rules.Policy()
    entries = [rules.DayEntry(START + timedelta(days=offset), 6, 0) for offset in range(150)]
    today = START + timedelta(days=149)
    long_ago = today - timedelta(days=RECENT + 5)
    lean, after = continued(entries, today, today, None, long_ago, policy)
    assert lean is None
    assert rules.assess(after, today, policy).streak_days == 150 - 3  # one missing day keeps 6 of 7


def test_a_stored_streak_that_began_inside_the_six_weeks_is_not_stretched():
    """The earlier streak must cover the day before the six weeks; otherwise the diary is read."""
    policy = rules.Policy()
    low = [rules.DayEntry(START + timedelta(days=offset), 1, 0) for offset in range(100)]
    high = [rules.DayEntry(START + timedelta(days=offset), 6, 0) for offset in range(100, 150)]
    today = START + timedelta(days=149)
    since = today - timedelta(days=RECENT - 1)
    earlier = rules.EarlierStreak(today, since + timedelta(days=6))  # wrong: began after the day before
    assert rules.assess_recent([e for e in low + high if e.date >= since], since, today, policy, earlier) is None


# --- Through the database -------------------------------------------------------------------------

def long_streak(patient, days: int = 150) -> date:
    today = patient.local_today()
    SymptomEntry.objects.bulk_create([
        SymptomEntry(patient=patient, date=today - timedelta(days=ago), numbness=6, pain=2, hands=True)
        for ago in range(1, days)])
    evaluation.evaluate_patient(patient)
    return today


def whole_diary_reads(queries) -> int:
    table = SymptomEntry._meta.db_table
    return sum(1 for q in queries if q["sql"].startswith("SELECT patient_id, date") and table in q["sql"]
               and "date >=" not in q["sql"])


def saved_status(patient) -> assessments.PatientAssessment:
    return assessments.PatientAssessment.of(PatientStatus.objects.get(patient=patient))


def whole_diary_status(patient) -> assessments.PatientAssessment:
    last = SymptomEntry.objects.filter(patient=patient).order_by("-date").values_list("date", flat=True).first()
    return assessments.PatientAssessment.from_rules(assessments.assess_patient(patient), last)


def test_saving_today_in_a_long_streak_reads_six_weeks_and_stores_the_whole_answer(db):
    patient = PatientFactory()
    today = long_streak(patient)
    with CaptureQueriesContext(connection) as queries:
        diary.record_entry(patient, today, {"numbness": 7, "pain": 1, "locations": ["feet"]})
    assert whole_diary_reads(queries) == 0
    stored = saved_status(patient)
    assert stored == whole_diary_status(patient)
    assert stored.streak_days == 150 - 3 and stored.status == "refer"


def test_after_a_policy_change_the_stored_streak_is_not_trusted(db):
    patient = PatientFactory()
    today = long_streak(patient)
    policy = ClinicPolicy.current()
    policy.min_days_per_week = 7  # the streak now starts a week later than the stored one
    policy.save()
    with CaptureQueriesContext(connection) as queries:
        diary.record_entry(patient, today, {"numbness": 7, "pain": 1, "locations": ["feet"]})
    assert whole_diary_reads(queries) == 1
    assert saved_status(patient) == whole_diary_status(patient)
    assert saved_status(patient).streak_days == 150 - 6


def test_after_a_threshold_change_the_stored_streak_is_not_trusted(db):
    patient = PatientFactory()
    today = long_streak(patient)
    PatientStatus.objects.filter(patient=patient).update(threshold="4.50")  # as if measured against another
    with CaptureQueriesContext(connection) as queries:
        diary.record_entry(patient, today, {"numbness": 7, "pain": 1, "locations": ["feet"]})
    assert whole_diary_reads(queries) == 1
    assert saved_status(patient) == whole_diary_status(patient)
