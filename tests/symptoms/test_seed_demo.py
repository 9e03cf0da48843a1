"""`manage.py seed_demo`: the demo clinic, its logins, and diaries that exercise every referral status."""

from datetime import date, timedelta
from fractions import Fraction
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.models import CareTeamMember, Role, User
from symptoms.demo import DEMO_PATIENTS, demo_people, patient_with_story, story_diary
from symptoms.models import NOTES_MAX_LENGTH, SCORE_MAX, SCORE_MIN, Alert, PatientStatus, SymptomEntry
from symptoms.quality import quality_for
from symptoms.rules import STATUSES, URGENT_SIGNALS
from symptoms.treatment_record import treatment_record
from tests.factories import ClinicianFactory
from treatment.models import Course

ROLES = {role.value for role in Role}
THRESHOLD, MIN_DAYS, PERSIST_DAYS, FUNCTIONAL_DAYS = Fraction(4), 4, 14, 3
FUNCTIONAL = ("dropped_objects", "balance_problems", "fine_motor_difficulty")


@pytest.fixture(autouse=True)
def demo_mode(settings):
    # seed_demo only runs with DEBUG on, as in `make run`.
    settings.DEBUG = True


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db) -> str:
    return seed_demo()


def printed_logins(output: str) -> dict[str, str]:
    """username -> password, read from the printed table (rows are: username password role about)."""
    rows = (line.split(maxsplit=3) for line in output.splitlines())
    return {row[0]: row[1] for row in rows if len(row) >= 3 and row[2] in ROLES}


def entries_of(username: str) -> list[SymptomEntry]:
    return list(SymptomEntry.objects.filter(patient__username=username).order_by("date"))


def local_today(username: str) -> date:
    return User.objects.get(username=username).local_today()


def days_ago(day: date, today: date) -> int:
    return (today - day).days


def entry_snapshot() -> list[tuple]:
    fields = [f.name for f in SymptomEntry._meta.concrete_fields if f.name not in ("id", "patient")]
    return list(SymptomEntry.objects.order_by("patient__username", "date").values_list("patient__username", *fields))


# ---- A slow, obviously-correct reading of PRODUCT.md "The referral rules" -----------------

def weekly_average(by_date: dict, day: date) -> Fraction | None:
    week = [by_date[d].day_score for d in (day - timedelta(days=k) for k in range(7)) if d in by_date]
    return Fraction(sum(week), len(week)) if len(week) >= MIN_DAYS else None


def streak_days(by_date: dict, day: date) -> int:
    streak = 0
    while (average := weekly_average(by_date, day - timedelta(days=streak))) is not None and average > THRESHOLD:
        streak += 1
    return streak


def functional_days(by_date: dict, day: date) -> int:
    week = [by_date.get(day - timedelta(days=k)) for k in range(7)]
    return sum(1 for entry in week if entry and any(getattr(entry, flag) for flag in FUNCTIONAL))


def reference_status(by_date: dict, day: date) -> str:
    streak = streak_days(by_date, day)
    if streak >= PERSIST_DAYS:
        return "refer"
    if streak >= 1 or functional_days(by_date, day) >= FUNCTIONAL_DAYS:
        return "watch"
    return "insufficient_data" if weekly_average(by_date, day) is None else "ok"


def reference_urgent(by_date: dict, day: date) -> set[str]:
    signals = set()
    if any(by_date.get(day - timedelta(days=k)) and by_date[day - timedelta(days=k)].fell for k in range(7)):
        signals.add("fall")
    if day in by_date and by_date[day].day_score >= 8:
        signals.add("severe_score")
    now, before = weekly_average(by_date, day), weekly_average(by_date, day - timedelta(days=7))
    if now is not None and before is not None and now - before >= 2:
        signals.add("worsening")
    return signals


# ---- The clinic and its logins ----------------------------------------------------------

def test_seed_demo_creates_an_admin_two_clinicians_and_thirteen_patients(seeded):
    assert User.objects.filter(role=Role.ADMIN).count() == 1
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.filter(role=Role.CLINICIAN).count() == 2
    assert User.objects.filter(role=Role.PATIENT).count() == 13


def test_every_demo_patient_has_a_clinician_and_each_clinician_has_patients(seeded):
    for patient in User.objects.filter(role=Role.PATIENT):
        assert patient.care_team.filter(role=Role.CLINICIAN).exists(), patient.username
    per_clinician = [CareTeamMember.objects.filter(clinician=c).count() for c in User.objects.filter(role="clinician")]
    assert all(count >= 2 for count in per_clinician)
    shared = [p for p in User.objects.filter(role=Role.PATIENT) if p.care_team.count() == 2]
    assert shared, "some patients should be followed by both clinicians"


def test_demo_patients_live_in_several_zones_and_some_use_traditional_chinese(seeded):
    patients = User.objects.filter(role=Role.PATIENT)
    assert patients.filter(time_zone="Asia/Taipei", language="zh-hant").count() >= 2
    assert len({p.time_zone for p in patients}) >= 4
    assert all(p.get_full_name() for p in User.objects.all())


def test_running_seed_demo_twice_changes_nothing(seeded):
    users, entries = sorted(User.objects.values_list("username", "password")), entry_snapshot()

    output = seed_demo()

    assert sorted(User.objects.values_list("username", "password")) == users
    assert entry_snapshot() == entries
    assert "Demo data already present" in output
    assert printed_logins(output) == printed_logins(seeded)


def test_printed_logins_sign_in(seeded, settings):
    logins = printed_logins(seeded)

    assert len(logins) == 16
    for username, password in logins.items():
        assert authenticate(RequestFactory().post("/"), username=username, password=password) is not None, username
    assert f"Sign in at {settings.SITE_URL}/" in seeded


def test_second_run_still_prints_working_logins(seeded):
    logins = printed_logins(seed_demo())

    assert len(logins) == 16
    assert all(authenticate(RequestFactory().post("/"), username=name, password=password)
               for name, password in logins.items())


def test_a_clashing_account_stops_the_seed_and_nothing_is_saved(db):
    ClinicianFactory(username="nurse.chen")

    with pytest.raises(CommandError, match="nothing was saved"):
        seed_demo()

    assert User.objects.count() == 1
    assert not SymptomEntry.objects.exists()


# ---- The diaries --------------------------------------------------------------------

def test_most_demo_patients_have_months_of_entries(seeded):
    spans = [(entries[-1].date - entries[0].date).days for entries in map(entries_of, usernames())]
    assert sum(span >= 90 for span in spans) >= 8


def test_no_demo_entry_is_in_the_patients_future(seeded):
    for username in usernames():
        assert entries_of(username)[-1].date <= local_today(username), username


def test_persistently_high_patient_weekly_average_stays_above_4_for_three_weeks(seeded):
    username = patient_with_story("persistently_high").username
    today, entries = local_today(username), entries_of(username)

    for week in range(3):
        scores = [e.day_score for e in entries if week * 7 <= days_ago(e.date, today) < week * 7 + 7]
        assert len(scores) >= 4
        assert Fraction(sum(scores), len(scores)) > 4


def test_sparse_logger_has_fewer_than_4_entries_in_the_last_7_days(seeded):
    username = patient_with_story("sparse").username
    today = local_today(username)

    assert len([e for e in entries_of(username) if days_ago(e.date, today) < 7]) < 4


def test_someone_fell_in_the_last_7_days(seeded):
    falls = [u for u in usernames() if any(e.fell and days_ago(e.date, local_today(u)) < 7 for e in entries_of(u))]
    assert falls


def test_someone_scored_8_or_more_within_the_last_2_days(seeded):
    severe = [u for u in usernames()
              if any(e.day_score >= 8 and days_ago(e.date, local_today(u)) < 2 for e in entries_of(u))]
    assert severe


def test_stopped_patient_has_not_logged_for_at_least_3_days(seeded):
    username = patient_with_story("stopped").username
    assert days_ago(entries_of(username)[-1].date, local_today(username)) >= 3


def test_improving_patient_is_at_least_2_points_better_than_10_weeks_ago(seeded):
    username = patient_with_story("improving").username
    today, entries = local_today(username), entries_of(username)

    def week_mean(weeks_back: int) -> Fraction:
        scores = [e.day_score for e in entries if weeks_back * 7 <= days_ago(e.date, today) < weeks_back * 7 + 7]
        return Fraction(sum(scores), len(scores))

    assert week_mean(0) <= week_mean(10) - 2


def test_traditional_chinese_patients_write_their_notes_in_chinese(seeded):
    for patient in User.objects.filter(language="zh-hant"):
        notes = [e.notes for e in entries_of(patient.username) if e.notes]
        assert all(any("\u4e00" <= char <= "\u9fff" for char in note) for note in notes), patient.username
    english_notes = SymptomEntry.objects.filter(patient__language="en").exclude(notes="")
    assert english_notes.exists()


def test_each_demo_patient_gets_the_status_their_story_describes(seeded):
    for person in DEMO_PATIENTS:
        by_date = {e.date: e for e in entries_of(person.username)}
        today = local_today(person.username)
        assert reference_status(by_date, today) == person.story.status, person.username
        assert reference_urgent(by_date, today) == set(person.story.urgent), person.username


def test_the_demo_covers_every_status_and_urgent_signal():
    assert {p.story.status for p in DEMO_PATIENTS} == {"ok", "watch", "refer", "insufficient_data"}
    assert set().union(*(p.story.urgent for p in DEMO_PATIENTS)) == {"fall", "severe_score", "worsening"}


@pytest.mark.parametrize("today", [date(2026, 1, 1) + timedelta(days=9 * n) for n in range(41)])
def test_stories_keep_their_status_and_the_entry_rules_whatever_the_date(today):
    for person in DEMO_PATIENTS:
        diary = story_diary(person, today)
        by_date = {day.date: day for day in diary}
        assert len(by_date) == len(diary) and max(by_date) <= today
        for day in diary:
            assert SCORE_MIN <= min(day.numbness, day.pain) and max(day.numbness, day.pain) <= SCORE_MAX
            assert day.hands or day.feet or day.numbness == day.pain == 0
            assert len(day.notes) <= NOTES_MAX_LENGTH
        assert reference_status(by_date, today) == person.story.status, (person.username, today)
        assert reference_urgent(by_date, today) == set(person.story.urgent), (person.username, today)


def test_a_story_diary_is_the_same_every_time_for_the_same_day():
    person, today = patient_with_story("worsening"), date(2026, 3, 15)
    assert story_diary(person, today) == story_diary(person, today)


def usernames() -> list[str]:
    return list(User.objects.filter(role=Role.PATIENT).values_list("username", flat=True))


def test_a_demo_visitor_can_log_today_for_the_patients_left_open(db):
    seed_demo()
    open_today = [p.username for p in demo_people() if "not logged yet" in p.description]
    assert open_today, "at least one demo patient should have today free to log"
    for username in open_today:
        patient = User.objects.get(username=username)
        assert not SymptomEntry.objects.filter(patient=patient, date=patient.local_today()).exists()


def test_refuses_to_create_public_passwords_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    call_command("seed_demo", "--allow-without-debug", stdout=StringIO())
    assert User.objects.filter(username="admin").exists()


def test_the_demo_shows_every_status_and_every_urgent_signal_with_alerts(seeded):
    statuses = PatientStatus.objects.values_list("patient__username", "status", "urgent")
    assert {status for _name, status, _urgent in statuses} == set(STATUSES)
    assert {signal for _n, _s, urgent in statuses for signal in urgent} == set(URGENT_SIGNALS)
    assert PatientStatus.objects.count() == len(DEMO_PATIENTS)
    assert set(Alert.objects.values_list("kind", flat=True)) == {"refer", "dose_review", *URGENT_SIGNALS}
    expected = {story.username: story.story.status for story in DEMO_PATIENTS}
    assert {name: status for name, status, _urgent in statuses} == expected


# ---- Treatment: every case a clinician meets before the next dose ----------------------------------------

def demo_cycles(username: str):
    patient = User.objects.get(username=username)
    [course] = treatment_record(patient).courses
    return patient, course


def test_most_demo_patients_are_on_treatment_and_every_cycle_case_is_there(seeded):
    assert Course.objects.values("patient").distinct().count() > len(DEMO_PATIENTS) / 2
    _patient, weekly = demo_cycles("david.miller")  # weekly paclitaxel, worse this cycle than the last
    assert weekly.course.cycle_length_days == 7 and weekly.cycles[-1].rising
    _patient, folfox = demo_cycles("george.baker")  # mFOLFOX6: settles before every dose
    assert folfox.course.regimen == "mFOLFOX6" and folfox.course.cycle_length_days == 14
    assert [cycle.settled_before_next for cycle in folfox.cycles[:-1]] == [True] * (len(folfox.cycles) - 1)
    assert max(cycle.worst_weekly_average for cycle in folfox.cycles) > 4  # and yet above threshold after each
    due, _course = demo_cycles("huang.chihming")  # due in 2 days and needs review, on nurse.chen's list
    status = PatientStatus.objects.get(patient=due)
    assert status.needs_review and status.next_administration == due.local_today() + timedelta(days=2)
    assert due.care_team.filter(username="nurse.chen").exists()
    assert Alert.objects.filter(patient=due, kind="dose_review", resolved_at__isnull=True).count() == 1
    _patient, reduced = demo_cycles("robert.evans")  # reduced to 80% after a grade 2
    assert [cycle.dose_percent for cycle in reduced.cycles] == [100, 100, 80]
    assert reduced.cycles[1].clinician_grade == 2
    recovering, ended = demo_cycles("margaret.hughes")  # course ended, recovering
    assert ended.course.ended_on < recovering.local_today()
    assert PatientStatus.objects.get(patient=recovering).cycle is None
    _patient, differing = demo_cycles("eleanor.price")  # the patient's estimate and the grade disagree
    assert differing.cycles[-1].disagreement


def test_a_demo_clinic_from_before_treatment_gets_its_courses_once(seeded):
    Course.objects.all().delete()
    call_command("seed_demo", "--allow-without-debug", stdout=(first := StringIO()))
    assert "added treatment courses for 8 demo patients" in first.getvalue()
    courses = Course.objects.count()
    call_command("seed_demo", "--allow-without-debug", stdout=(second := StringIO()))
    assert "nothing was changed" in second.getvalue() and Course.objects.count() == courses == 8


def test_the_demo_quality_page_has_past_alerts_acknowledged_at_different_speeds(seeded):
    figures = quality_for(User.objects.get(username="admin"), 4).figures
    assert figures.alerts_opened >= 8, "the handled alerts of the past weeks"
    assert 0 < figures.acknowledged_within_24h < figures.acknowledged_within_72h < 1
    assert figures.median_hours_to_acknowledge is not None and 0 < figures.completion_rate < 1
    # Closed over a week ago: nothing new is "seen lately" on today's pages because of them.
    handled = Alert.objects.filter(resolved_at__isnull=False, signal_days=[])
    assert handled.count() == 8 and all(alert.acknowledged_by for alert in handled)
