"""Cycle summaries against a slow reference written straight from PRODUCT.md, and at named boundaries."""

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from symptoms import cycles, rules
from symptoms.cycles import Grade
from symptoms.rules import DayEntry, Policy
from treatment.calendar import Cycle, Dose
from treatment.calendar import cycles as course_cycles

START = date(2026, 1, 5)
EXAMPLES = 400


def day(offset: int) -> date:
    return START + timedelta(days=offset)


# --- The reference: one line of PRODUCT.md at a time, no cleverness ------------------------------------------

def reference_cycles(doses, length, ended_on):
    dates = sorted(doses)
    result = []
    for index, (start, dose) in enumerate(dates):
        if ended_on is not None and start > ended_on:
            continue
        end = start + timedelta(days=length - 1)
        following = None
        if index + 1 < len(dates) and (ended_on is None or dates[index + 1][0] <= ended_on):
            following = dates[index + 1][0]
            end = min(end, following - timedelta(days=1))
        if ended_on is not None:
            end = min(end, ended_on)
        result.append(Cycle(len(result) + 1, start, end, dose, following))
    return result


def reference_week(entries, on):
    return [entry for entry in entries if on - timedelta(days=6) <= entry.date <= on]


def reference_average(entries, on, policy):
    week = reference_week(entries, on)
    if len(week) < policy.min_days_per_week or not week:
        return None
    return Fraction(sum(max(entry.numbness, entry.pain) for entry in week), len(week))


def reference_impact(entries, on):
    week = reference_week(entries, on)
    if any(entry.fell for entry in week):
        return "self_care"
    if sum(1 for entry in week if entry.balance_problems or entry.fine_motor_difficulty) >= 4:
        return "self_care"
    if any(entry.dropped_objects or entry.balance_problems or entry.fine_motor_difficulty for entry in week):
        return "instrumental"
    return "none"


def reference_summaries(cycle_list, entries, as_of, policy, grades):
    entries = [entry for entry in entries if entry.date <= as_of]
    rank = {"none": 0, "instrumental": 1, "self_care": 2}
    result = []
    for cycle in cycle_list:
        if cycle.start > as_of:
            continue
        days = []
        current = cycle.start
        while current <= min(cycle.end, as_of):
            days.append(current)
            current += timedelta(days=1)
        averages = [reference_average(entries, d, policy) for d in days]
        counted = [average for average in averages if average is not None]
        logged = [entry for entry in entries if entry.date in days]
        impacts = [reference_impact(entries, d) for d in days]
        impact = sorted(impacts, key=lambda name: rank[name])[-1]
        worst = max(counted) if counted else None
        settled = None
        if cycle.next_dose is not None:
            before = cycle.next_dose - timedelta(days=1)
            if before <= as_of:
                average = reference_average(entries, before, policy)
                if average is not None:
                    settled = average <= policy.threshold and reference_impact(entries, before) == "none"
        previous = result[-1].worst_weekly_average if result else None
        rising = worst is not None and previous is not None and worst - previous >= 1
        graded = [grade.grade for grade in grades if grade.date in days]
        clinician = max(graded) if graded else None
        disagree = clinician is not None and ((impact == "self_care" and clinician in (0, 1))
                                              or (impact == "none" and clinician in (3, 4)))
        result.append(cycles.CycleSummary(
            cycle.number, cycle.start, cycle.end, cycle.dose_percent, len(logged), worst,
            len([average for average in counted if average > policy.threshold]),
            max([max(entry.numbness, entry.pain) for entry in logged]) if logged else None,
            len([entry for entry in logged if entry.fell]), impact, settled, rising, clinician, disagree))
    return result


# --- Random courses and diaries -----------------------------------------------------------------------------

doses = st.lists(st.tuples(st.integers(0, 200), st.integers(1, 100)), min_size=1, max_size=12,
                 unique_by=lambda dose: dose[0]).map(lambda pairs: [Dose(day(offset), pct) for offset, pct in pairs])
entry = st.builds(lambda offset, numbness, pain, flags: DayEntry(day(offset), numbness, pain, *flags),
                  st.integers(-10, 250), st.integers(0, 10), st.integers(0, 10),
                  st.tuples(*(st.booleans() for _ in range(4))))
diaries = st.lists(entry, max_size=120, unique_by=lambda e: e.date)
policies = st.builds(Policy, threshold=st.sampled_from([Fraction(4), Fraction(9, 2), Fraction(5)]),
                     min_days_per_week=st.integers(1, 7))
grades = st.lists(st.builds(lambda offset, grade: Grade(day(offset), grade), st.integers(0, 250), st.integers(0, 4)),
                  max_size=8)


@settings(max_examples=EXAMPLES, deadline=None)
@given(doses, st.integers(1, 42), st.none() | st.integers(0, 220).map(day))
def test_cycles_follow_the_dose_days(dose_list, length, ended_on):
    assert course_cycles(dose_list, length, ended_on) == reference_cycles(dose_list, length, ended_on)


@settings(max_examples=EXAMPLES, deadline=None)
@given(doses, st.integers(7, 28), st.none() | st.integers(0, 220).map(day), diaries, st.integers(0, 260), policies,
       grades)
def test_summaries_equal_the_reference(dose_list, length, ended_on, diary, as_of, policy, grade_list):
    cycle_list = course_cycles(dose_list, length, ended_on)
    assert cycles.summarize(cycle_list, diary, day(as_of), policy, grade_list) == reference_summaries(
        cycle_list, diary, day(as_of), policy, grade_list)


# --- Named boundaries -----------------------------------------------------------------------------------------

def steady(first: int, last: int, score: int, **flags) -> list[DayEntry]:
    return [DayEntry(day(offset), score, 0, **flags) for offset in range(first, last + 1)]


def test_a_cycle_cut_short_by_an_early_next_dose_ends_the_day_before_it():
    first, second = course_cycles([Dose(day(0)), Dose(day(10), 80)], 21)
    assert (first.start, first.end, first.next_dose) == (day(0), day(9), day(10))
    assert (second.start, second.end, second.dose_percent, second.next_dose) == (day(10), day(30), 80, None)


def test_a_next_dose_the_day_after_the_cycle_ends_leaves_no_gap():
    first, second = course_cycles([Dose(day(0)), Dose(day(21))], 21)
    assert first.end == day(20) and second.start == day(21)
    assert course_cycles([Dose(day(0)), Dose(day(22))], 21)[0].end == day(20)  # day 21 is in no cycle


def test_a_course_ended_mid_cycle_stops_there_and_later_doses_start_nothing():
    [only] = course_cycles([Dose(day(0)), Dose(day(21))], 21, ended_on=day(12))
    assert (only.end, only.next_dose) == (day(12), None)


DEFAULT_POLICY = Policy()


def settled(diary, policy=DEFAULT_POLICY, as_of=40):
    [first, _second] = course_cycles([Dose(day(0)), Dose(day(21))], 21)
    return cycles.summarize([first, _second], diary, day(as_of), policy)[0].settled_before_next


def test_settled_when_the_average_the_day_before_the_next_dose_is_exactly_at_threshold():
    assert settled(steady(0, 20, 4)) is True
    assert settled(steady(0, 13, 4) + steady(14, 20, 5)) is False  # 5 > 4
    assert settled(steady(0, 19, 4) + [DayEntry(day(20), 4, 0, dropped_objects=True)]) is False  # daily life


def test_settled_is_unknown_with_too_few_days_or_before_the_day_has_come():
    assert settled(steady(0, 13, 2) + steady(18, 20, 2), Policy(min_days_per_week=4)) is None  # 3 of 7 days
    assert settled(steady(0, 20, 2), as_of=19) is None  # the day before the next dose is day 20
    assert settled(steady(0, 20, 2), as_of=20) is True


def test_rising_is_a_whole_point_not_just_under_it():
    assert cycles.is_rising(Fraction(5), Fraction(4)) is True
    assert cycles.is_rising(Fraction(499, 100), Fraction(4)) is False  # 0.99
    assert cycles.is_rising(Fraction(5), None) is False and cycles.is_rising(None, Fraction(4)) is False
    weekly = course_cycles([Dose(day(0)), Dose(day(7))], 7)
    # Full weeks only. Cycle 1: six 4s and a 3 (27/7); cycle 2: six 5s and a 4 (34/7): exactly one point higher.
    full_weeks = Policy(min_days_per_week=7)
    diary = steady(0, 5, 4) + steady(6, 6, 3) + steady(7, 12, 5) + steady(13, 13, 4)
    first, second = cycles.summarize(weekly, diary, day(13), full_weeks)
    assert (first.worst_weekly_average, second.worst_weekly_average) == (Fraction(27, 7), Fraction(34, 7))
    assert second.rising is True and first.rising is False
    diary[-1] = DayEntry(day(13), 3, 0)  # 33/7: 6/7 of a point higher
    assert cycles.summarize(weekly, diary, day(13), full_weeks)[1].rising is False


def test_the_review_window_is_today_plus_one_to_review_days():
    worrying = rules.assess(steady(0, 20, 6), day(20))
    assert worrying.status in ("watch", "refer")
    planned = [day(23), day(24)]
    assert cycles.needs_review(planned, day(20), 3, worrying, rising_now=False) == [day(23)]
    assert cycles.needs_review(planned, day(20), 4, worrying, rising_now=False) == [day(23), day(24)]
    assert cycles.needs_review([day(20)], day(20), 3, worrying, rising_now=False) == []  # today is not ahead
    assert cycles.needs_review(planned, day(20), 0, worrying, rising_now=False) == []
    calm = rules.assess(steady(0, 20, 1), day(20))
    assert calm.status == "ok" and not calm.urgent and calm.functional_impact == "none"
    assert cycles.needs_review(planned, day(20), 3, calm, rising_now=False) == []
    assert cycles.needs_review(planned, day(20), 3, calm, rising_now=True) == [day(23)]


def test_disagreement_between_the_patients_estimate_and_the_clinicians_grade():
    assert cycles.disagreement("self_care", 1) and cycles.disagreement("none", 3)
    assert not cycles.disagreement("self_care", 2) and not cycles.disagreement("none", 2)
    assert not cycles.disagreement("instrumental", 4) and not cycles.disagreement("none", None)


def test_a_day_whose_average_is_exactly_at_threshold_is_not_above_it():
    [cycle] = course_cycles([Dose(day(0))], 21)
    [summary] = cycles.summarize([cycle], steady(0, 9, 4) + steady(10, 20, 5), day(20), Policy())
    # Days 3-9 average exactly 4 (at, not above); from day 10 on each average is above 4.
    assert summary.days_above_threshold == 11 and summary.worst_weekly_average == 5
    assert summary.days_logged == 21 and summary.worst_day_score == 5 and summary.falls == 0


# --- Treatment on a day: next dose, cycle, review before the next dose -----------------------------------------

def reference_treatment_now(courses, diary, as_of, policy, review_days, assessment):
    """From PRODUCT.md: the next dose, the cycle the day is in, and the planned doses needing review."""
    starts_after = [cycle.start for _course, cycle_list in courses for cycle in cycle_list if cycle.start > as_of]
    current = [(cycle, course, cycle_list) for course, cycle_list in courses for cycle in cycle_list
               if cycle.start <= as_of <= cycle.end]
    position = None
    if current:
        latest = max(cycle.start for cycle, _course, _list in current)
        cycle, course, _list = min((c for c in current if c[0].start == latest), key=lambda c: c[1])
        position = cycles.CyclePosition(course, cycle.number, (as_of - cycle.start).days + 1)
    rising_now = any(reference_summaries(cycle_list, diary, as_of, policy, [])[cycle.number - 1].rising
                     for cycle, _course, cycle_list in current)
    concern = (assessment.status in ("refer", "watch") or assessment.urgent
               or assessment.functional_impact != "none" or rising_now)
    window = sorted({start for start in starts_after if 1 <= (start - as_of).days <= review_days})
    return cycles.TreatmentNow(min(starts_after) if starts_after else None, position,
                               tuple(window) if concern else ())


course_lists = st.lists(st.tuples(doses, st.integers(7, 28), st.none() | st.integers(0, 220).map(day)),
                        min_size=1, max_size=3)


def check_treatment_now(course_list, diary, on, policy, review_days, assessment) -> None:
    """treatment_now equals the reference, with the whole diary and with the diary from
    entries_needed_from (what evaluation reads)."""
    courses = [(number, course_cycles(dose_list, length, ended_on))
               for number, (dose_list, length, ended_on) in enumerate(course_list, start=1)]
    plans = [cycles.CoursePlan(course, cycle_list) for course, cycle_list in courses]
    expected = reference_treatment_now(courses, diary, on, policy, review_days, assessment)
    assert cycles.treatment_now(plans, diary, on, policy, review_days, assessment) == expected
    since = cycles.entries_needed_from(plans, on)
    trimmed = [entry for entry in diary if since is None or entry.date >= since]
    assert cycles.treatment_now(plans, trimmed, on, policy, review_days, assessment) == expected


@settings(max_examples=EXAMPLES, deadline=None)
@given(course_lists, diaries, st.integers(0, 260), policies, st.integers(0, 7))
def test_treatment_on_a_day_equals_the_reference(course_list, diary, as_of, policy, review_days):
    on = day(as_of)
    check_treatment_now(course_list, diary, on, policy, review_days, rules.assess(diary, on, policy))


@settings(max_examples=EXAMPLES, deadline=None)
@given(course_lists, diaries, st.integers(0, 260), policies, st.integers(1, 7))
def test_when_only_rising_can_ask_for_review_it_equals_the_reference(course_list, diary, as_of, policy, review_days):
    # An assessment with nothing wrong (no entries yet): only a rising cycle can ask for a review.
    on = day(as_of)
    check_treatment_now(course_list, diary, on, policy, review_days, rules.assess([], on, policy))


def test_rising_compares_the_previous_cycles_own_days_not_the_gap_after_it():
    # Weekly cycles, but the second dose came 14 days after the first: days 7-13 belong to no cycle.
    spaced = cycles.CoursePlan(1, course_cycles([Dose(day(0)), Dose(day(14)), Dose(day(21))], 7))
    full_weeks = Policy(min_days_per_week=7)
    diary = steady(0, 6, 1) + steady(7, 13, 4) + steady(14, 20, 2)  # 4s in the gap, cycle 2 at 2
    calm = rules.assess([], day(20), full_weeks)
    # Cycle 1's worst is 1; cycle 2's is 26/7, on its first day (that 7-day average reaches back into the
    # gap): rising. The gap's 4s are in no cycle; counted with cycle 1 they would make its worst 4 and hide it.
    assert cycles.treatment_now([spaced], diary, day(20), full_weeks, 3, calm).review_before == (day(21),)


def test_overlapping_courses_show_the_cycle_that_started_last_and_the_first_dose_ahead():
    weekly = cycles.CoursePlan(1, course_cycles([Dose(day(0)), Dose(day(7)), Dose(day(14))], 7))
    three_weekly = cycles.CoursePlan(2, course_cycles([Dose(day(3)), Dose(day(24))], 21))
    calm = rules.assess(steady(0, 10, 1), day(10))
    now = cycles.treatment_now([weekly, three_weekly], steady(0, 10, 1), day(10), Policy(), 3, calm)
    assert now.cycle == cycles.CyclePosition(course=1, number=2, day=4)  # started on day 7, after day 3
    assert now.next_administration == day(14) and now.review_before == () and not now.needs_review
    ended = cycles.CoursePlan(3, course_cycles([Dose(day(0)), Dose(day(12))], 21, ended_on=day(8)))
    after_end = cycles.treatment_now([ended], [], day(10), Policy(), 3, calm)
    assert after_end == cycles.NO_TREATMENT  # after the course ended: no cycle, and the later dose is not one


def test_a_rising_current_cycle_alone_asks_for_review():
    weekly = cycles.CoursePlan(1, course_cycles([Dose(day(0)), Dose(day(7)), Dose(day(14))], 7))
    full_weeks = Policy(min_days_per_week=7)
    # Cycle 1's worst 7-day average is 1; cycle 2's is 13/7 on its last day: 6/7 of a point higher.
    diary = steady(0, 11, 1) + steady(12, 13, 4)
    calm = rules.assess(diary, day(13), full_weeks)
    assert calm.status == "ok" and calm.functional_impact == "none" and not calm.urgent
    assert cycles.treatment_now([weekly], diary, day(13), full_weeks, 3, calm).review_before == ()
    diary[-1] = DayEntry(day(13), 5, 0)  # 14/7: exactly a point higher
    calm = rules.assess(diary, day(13), full_weeks)
    assert cycles.treatment_now([weekly], diary, day(13), full_weeks, 3, calm).review_before == (day(14),)
