"""Quality of care against a slow reference that walks every patient's every day, on scenarios that hit each
edge: patients created mid-period, with no entries, in different zones, shared by clinicians; alerts
acknowledged at exactly 24 h and 72 h, a second later, or never; `weeks` 1 and 52."""

import random
import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from accounts.models import CareTeamMember
from symptoms.models import Alert, SymptomEntry
from symptoms.quality import quality_for
from symptoms.quality_figures import Period, percentile
from tests.factories import AdminFactory, ClinicianFactory, PatientFactory

ZONES = ("Europe/London", "Pacific/Auckland", "America/Los_Angeles", "Asia/Taipei")
NOW = datetime(2026, 12, 2, 21, 30, tzinfo=ZoneInfo("UTC"))  # already the 3rd in Auckland and Taipei


@dataclass
class Person:
    zone: str
    joined: datetime
    days: list[date] = field(default_factory=list)
    alerts: list[tuple[datetime, datetime | None]] = field(default_factory=list)
    clinicians: list[int] = field(default_factory=list)


def local(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def reference(people: list[Person], weeks: int) -> dict:
    """Quality of care the slow way: each patient's each day, each alert, by the words of PRODUCT.md."""
    expected_total = logged_total = patients = quiet = 0
    by_week = [[0, 0] for _ in range(weeks)]
    alerts: list[tuple[datetime, datetime | None]] = []
    for person in people:
        today = local(NOW, person.zone)
        first, last = today - timedelta(days=7 * weeks), today - timedelta(days=1)
        start = max(first, min(person.days) if person.days else local(person.joined, person.zone))
        expected = []
        day = start
        while day <= last:
            expected.append(day)
            day += timedelta(days=1)
        patients += bool(expected)
        expected_total += len(expected)
        logged = [day for day in expected if day in person.days]
        logged_total += len(logged)
        for day in expected:
            week = (day - first).days // 7
            by_week[week][0] += 1
            by_week[week][1] += day in person.days
        if not any(today - timedelta(days=back) in person.days for back in range(3)):
            quiet += 1
        alerts += [(opened, acked) for opened, acked in person.alerts if first <= local(opened, person.zone) <= last]
    waits = sorted((acked - opened).total_seconds() / 3600 for opened, acked in alerts if acked is not None)
    if len(waits) >= 2:
        median, p90 = statistics.median(waits), statistics.quantiles(waits, n=10, method="inclusive")[8]
    else:
        median = p90 = waits[0] if waits else None

    def within(hours):
        return sum(1 for opened, acked in alerts if acked is not None and acked - opened <= timedelta(hours=hours))

    return {
        "patients": patients, "expected_days": expected_total, "logged_days": logged_total,
        "completion_rate": round(logged_total / expected_total, 4) if expected_total else None,
        "alerts_opened": len(alerts),
        "alerts_per_100_patient_weeks": round(len(alerts) * 700 / expected_total, 2) if expected_total else None,
        "acknowledged_within_24h": round(within(24) / len(alerts), 4) if alerts else None,
        "acknowledged_within_72h": round(within(72) / len(alerts), 4) if alerts else None,
        "median_hours_to_acknowledge": None if median is None else round(median, 2),
        "p90_hours_to_acknowledge": None if p90 is None else round(p90, 2),
        "not_reporting": quiet,
        "weeks": [(expected, logged) for expected, logged in by_week],
    }


def as_dict(figures) -> dict:
    return {name: getattr(figures, name) for name in reference([], 1) if name != "weeks"} | {
        "weeks": [(week.expected_days, week.logged_days) for week in figures.weeks]}


def store(people: list[Person], clinicians) -> list:
    users = []
    for person in people:
        user = PatientFactory(time_zone=person.zone)
        type(user).objects.filter(pk=user.pk).update(date_joined=person.joined)
        SymptomEntry.objects.bulk_create([SymptomEntry(patient=user, date=day, numbness=0, pain=0)
                                          for day in person.days])
        for opened, acked in person.alerts:
            # Closed (only one alert of a kind may be open), which the figures do not look at.
            alert = Alert.objects.create(patient=user, kind="fall", last_signal_day=local(opened, person.zone),
                                         resolved_at=NOW)
            Alert.objects.filter(pk=alert.pk).update(opened_at=opened, acknowledged_at=acked)
        for index in person.clinicians:
            CareTeamMember.objects.create(patient=user, clinician=clinicians[index])
        users.append(user)
    return users


def edge_people() -> list[Person]:
    london_today = local(NOW, "Europe/London")
    opened = NOW - timedelta(days=5)
    return [
        # Logs every other day since before the period; three alerts at the edges of 24 h and 72 h.
        Person("Europe/London", NOW - timedelta(days=400),
               [london_today - timedelta(days=d) for d in range(1, 60, 2)],
               [(opened, opened + timedelta(hours=24)), (opened, opened + timedelta(hours=24, seconds=1)),
                (opened, opened + timedelta(hours=72)), (opened, None)], clinicians=[0, 1]),
        # Created mid-period, never logged: expected from the day the account was made, in their zone.
        Person("Pacific/Auckland", NOW - timedelta(days=10, hours=3), [], clinicians=[0]),
        # Created long ago, first entry mid-period: expected from the first entry.
        Person("America/Los_Angeles", NOW - timedelta(days=300),
               [local(NOW, "America/Los_Angeles") - timedelta(days=d) for d in (12, 9, 8, 2, 0)],
               [(NOW - timedelta(days=40), NOW - timedelta(days=39)),  # before a 4-week period
                (NOW - timedelta(hours=2), None)], clinicians=[1]),  # today: after the period
        # Created today: no expected day yet, and not reporting.
        Person("Asia/Taipei", NOW - timedelta(hours=1), [], clinicians=[1]),
        # Nobody's patient: only in the clinic's figures.
        Person("Asia/Taipei", NOW - timedelta(days=90), [local(NOW, "Asia/Taipei") - timedelta(days=1)]),
    ]


def random_people(seed: int) -> list[Person]:
    rng = random.Random(seed)
    people = []
    for _ in range(rng.randint(3, 9)):
        zone = rng.choice(ZONES)
        joined = NOW - timedelta(days=rng.randint(0, 420), hours=rng.randint(0, 23))
        today = local(NOW, zone)
        span = (today - local(joined, zone)).days
        days = sorted({today - timedelta(days=rng.randint(0, span + 5)) for _ in range(rng.randint(0, 80))})
        alerts = []
        for _ in range(rng.randint(0, 6)):
            opened = NOW - timedelta(hours=rng.randint(0, 24 * 400))
            wait = rng.choice([None, timedelta(hours=24), timedelta(hours=72), timedelta(hours=rng.randint(0, 200))])
            alerts.append((opened, None if wait is None else opened + wait))
        people.append(Person(zone, joined, days, alerts, rng.sample(range(3), rng.randint(0, 2))))
    return people


def check(people: list[Person], weeks: int, n_clinicians: int) -> None:
    clinicians = [ClinicianFactory() for _ in range(n_clinicians)]
    store(people, clinicians)
    clinic = quality_for(AdminFactory(), weeks, now=NOW)
    assert as_dict(clinic.figures) == reference(people, weeks)
    for index, clinician in enumerate(clinicians):
        own = [person for person in people if index in person.clinicians]
        mine = quality_for(clinician, weeks, now=NOW)
        assert as_dict(mine.figures) == reference(own, weeks), f"clinician {index}"
        row = next(row for row in clinic.clinicians if row.pk == clinician.pk)
        assert as_dict(row.figures) == reference(own, weeks), f"clinician {index} in the admin's table"
        assert len(mine.patients) == len(own)


@pytest.mark.parametrize("weeks", [1, 4, 52])
def test_every_figure_matches_the_slow_reference_at_the_edges(db, weeks):
    check(edge_people(), weeks, n_clinicians=2)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("weeks", [1, 5, 52])
def test_every_figure_matches_the_slow_reference_on_random_clinics(db, seed, weeks):
    check(random_people(seed * 100 + weeks), weeks, n_clinicians=3)


def test_the_named_edges_give_the_figures_worked_out_by_hand(db):
    clinicians = [ClinicianFactory(), ClinicianFactory()]
    store(edge_people(), clinicians)
    figures = quality_for(AdminFactory(), 4, now=NOW).figures
    # Alerts in the period: the four of London's (Los Angeles's are before it and today).
    assert figures.alerts_opened == 4
    assert figures.acknowledged_within_24h == 0.25, "exactly 24 h counts, a second more does not"
    assert figures.acknowledged_within_72h == 0.75, "exactly 72 h counts; the open one never does"
    assert figures.median_hours_to_acknowledge == 24.0  # of 24, 24.0003 and 72
    assert figures.p90_hours_to_acknowledge == round(24 + 1 / 3600 + (72 - 24 - 1 / 3600) * 0.8, 2)
    # London 28 expected, Auckland 10 (joined ten days ago, local day), Los Angeles 12 (from the first entry),
    # Taipei's newcomer none (not counted), the unassigned Taipei patient 1 (first entry yesterday).
    assert figures.patients == 4 and figures.expected_days == 28 + 10 + 12 + 1
    assert figures.logged_days == 14 + 0 + 4 + 1
    assert figures.not_reporting == 2  # Auckland and the newcomer never logged; the others did in 3 days


def test_a_clinician_sees_only_their_own_patients_least_complete_first(db):
    clinicians = [ClinicianFactory(), ClinicianFactory()]
    users = store(edge_people(), clinicians)
    rows = quality_for(clinicians[0], 4, now=NOW).patients
    assert [row.pk for row in rows] == [users[1].pk, users[0].pk]  # Auckland 0 of 10, London 14 of 28
    assert (rows[0].logged_days, rows[0].expected_days, rows[0].days_since_last_entry) == (0, 10, None)
    assert (rows[1].logged_days, rows[1].expected_days, rows[1].completion_rate) == (14, 28, 0.5)
    assert quality_for(clinicians[0], 4, now=NOW).clinicians is None


def test_a_patient_and_nobody_else_gets_no_figures(db):
    patient = PatientFactory()
    store(edge_people(), [ClinicianFactory(), ClinicianFactory()])
    assert quality_for(patient, 4, now=NOW).figures.patients == 0


def test_percentile_interpolates_between_ranks_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([0.0, 10.0], 0.9) == 9.0


def test_week_index_zero_is_the_oldest_week_and_the_last_ends_yesterday():
    period = Period.ending_before(date(2026, 12, 3), 2)
    assert (period.first, period.last) == (date(2026, 11, 19), date(2026, 12, 2))
    assert (period.week(0).first, period.week(1).last) == (date(2026, 11, 19), date(2026, 12, 2))
