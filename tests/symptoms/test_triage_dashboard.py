"""The clinician's triage list at /clinician/: most urgent first, every figure in words, filters by status."""

import html as html_lib
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import User
from symptoms import evaluation, triage
from symptoms.alerts import acknowledge_alert
from symptoms.assessments import PatientAssessment
from symptoms.models import Alert, Status, SymptomEntry
from tests.factories import CareTeamMemberFactory, PatientFactory
from treatment.models import Administration, Course

# name: (scores oldest first, the last one `ending_days_ago` before today, flags by days ago)
WARD = {
    # 2s then 6s: the 7-day average 4.86 is 2.86 above last week's 2.00 (worsening); 2 days above 4.0.
    "Uma Worsening": ([2] * 10 + [6] * 5, 0, {}),
    "Ursula Fall": ([2] * 7, 0, {"fell": {1}}),
    "Rita Long": ([2] * 7 + [6] * 23, 0, {}),  # above 4.0 from the 4th day of 6s: 20 days
    "Rex Short": ([2] * 7 + [7] * 17, 0, {}),  # above 4.0 from the 3rd day of 7s: 15 days
    "Wendy Rising": ([3] * 10 + [5] * 5, 0, {}),  # 4.43, up 1.43 (not worsening); 2 days above
    "Walter Steady": ([3] * 14, 0, {"balance_problems": {0, 1, 2}}),  # watch: daily life, 3.00
    "Wilma Low": ([2] * 14, 0, {"balance_problems": {0, 1, 2}}),  # watch: daily life, 2.00
    "Ingrid Sparse": ([3, 3], 0, {}),  # 2 of 7 days logged
    "Olive Recent": ([3] * 5, 2, {}),  # last entry 2 days ago: still reporting
    "Oscar Better": ([4] * 7 + [2] * 7, 0, {}),  # 2.00, down from 4.00
    "Otto Quiet": ([1] * 6, 3, {}),  # last entry 3 days ago: not reporting
    # As Walter, and a dose planned in 2 days (a weekly course, dosed 5 days ago): review before it.
    "Dora Dose": ([3] * 14, 0, {"balance_problems": {0, 1, 2}}),
}
DOSED = {"Dora Dose": (-5, 2)}
NEVER = "Nora Never"  # on the team, never logged, never assessed

EXPECTED_ORDER = [
    "Uma Worsening", "Ursula Fall",  # urgent signals first (watch before ok)
    "Dora Dose",  # then a review before the next dose
    "Rita Long", "Rex Short",  # refer: the longer streak first, though Rex's average is higher
    "Wendy Rising", "Walter Steady", "Wilma Low",  # watch: streak, then the higher average
    "Ingrid Sparse", NEVER,  # insufficient data
    "Olive Recent", "Oscar Better", "Otto Quiet",  # ok: the higher average first
]

# name: (status label, urgent chip, 7-day average, change, streak, last entry, open alerts)
EXPECTED_CELLS = {
    "Uma Worsening": ("Watch", "Rapid worsening", "4.86", "↑ +2.86 (worse)", "2 days", "today", "1"),
    "Ursula Fall": ("OK", "Fall", "2.00", "—", "—", "today", "1"),
    "Rita Long": ("Professional evaluation recommended",
                  "", "6.00", "→ 0.00 (about the same)", "20 days", "today", "1"),
    "Rex Short": ("Professional evaluation recommended",
                  "", "7.00", "→ 0.00 (about the same)", "15 days", "today", "1"),
    "Wendy Rising": ("Watch", "", "4.43", "↑ +1.43 (worse)", "2 days", "today", "0"),
    "Walter Steady": ("Watch", "", "3.00", "→ 0.00 (about the same)", "—", "today", "0"),
    "Dora Dose": ("Watch", "", "3.00", "→ 0.00 (about the same)", "—", "today", "1"),
    "Wilma Low": ("Watch", "", "2.00", "→ 0.00 (about the same)", "—", "today", "0"),
    "Ingrid Sparse": ("Not enough entries", "", "—", "—", "—", "today", "0"),
    NEVER: ("Not enough entries", "", "—", "—", "—", "never Not reporting", "0"),
    "Olive Recent": ("OK", "", "3.00", "—", "—", "2 days ago", "0"),
    "Oscar Better": ("OK", "", "2.00", "↓ −2.00 (better)", "—", "today", "0"),
    "Otto Quiet": ("OK", "", "1.00", "—", "—", "3 days ago Not reporting", "0"),
}

FILTERED = {
    "urgent": {"Uma Worsening", "Ursula Fall"},
    "review": {"Dora Dose"},
    "refer": {"Rita Long", "Rex Short"},
    "watch": {"Uma Worsening", "Dora Dose", "Wendy Rising", "Walter Steady", "Wilma Low"},
    "insufficient_data": {"Ingrid Sparse", NEVER},
    "ok": {"Ursula Fall", "Olive Recent", "Oscar Better", "Otto Quiet"},
    "not_reporting": {NEVER, "Otto Quiet"},
}


def diary(patient, scores: list[int], ending_days_ago: int, flags_on: dict[str, set[int]]) -> None:
    today = patient.local_today()
    rows = []
    for offset, score in enumerate(reversed(scores)):
        days_ago = ending_days_ago + offset
        flags = {flag: days_ago in days for flag, days in flags_on.items()}
        rows.append(SymptomEntry(patient=patient, date=today - timedelta(days=days_ago), numbness=score, pain=0,
                                 hands=True, feet=True, **flags))
    SymptomEntry.objects.bulk_create(rows)


@pytest.fixture
def ward(clinic) -> dict[str, User]:
    """The clinician's patients, one in every situation, assessed as the app would after they logged."""
    patients = {}
    for name, (scores, ending_days_ago, flags_on) in WARD.items():
        first, last = name.split()
        patient = PatientFactory(first_name=first, last_name=last)
        CareTeamMemberFactory(patient=patient, clinician=clinic.clinician)
        diary(patient, scores, ending_days_ago, flags_on)
        if name in DOSED:
            course = Course.objects.create(patient=patient, agent="paclitaxel", cycle_length_days=7)
            for offset in DOSED[name]:
                Administration.objects.create(course=course, date=patient.local_today() + timedelta(days=offset))
        patients[name] = patient
    evaluation.evaluate_patients([p.pk for p in patients.values()])
    clinic.patient.first_name, clinic.patient.last_name = NEVER.split()
    clinic.patient.save()
    patients[NEVER] = clinic.patient
    clinic.other_patient.first_name, clinic.other_patient.last_name = "Someone", "Else"
    clinic.other_patient.save()
    diary(clinic.other_patient, [9] * 7, 0, {"fell": {0}})
    evaluation.evaluate_patients([clinic.other_patient.pk])
    return patients


def text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def triage_table(page: str) -> list[dict]:
    """Each row of the triage table: the patient's name and each cell's text by column label."""
    match = re.search(r'<table class="triage entries">.*?<tbody>(.*?)</tbody>', page, re.S)
    if match is None:
        return []
    rows = []
    for row_class, row in re.findall(r'<tr class="([^"]*)">(.*?)</tr>', match.group(1), re.S):
        cells = {label: text(cell) for label, cell in re.findall(r'<td data-label="([^"]*)">(.*?)</td>', row, re.S)}
        name = text(re.search(r'<th scope="row">(.*?)</th>', row, re.S).group(1))
        rows.append({"name": name, "class": row_class, **cells})
    return rows


def filter_counts(page: str) -> dict[str, int]:
    return {value: int(count) for value, count in re.findall(
        r'<a href="\?status=(\w+)" class="filter-\w+"[^>]*>[^<]*<span class="count">(\d+)</span>', page)}


def dashboard(client, clinician, query: str = ""):
    client.force_login(clinician)
    return client.get(f"/clinician/{query}")


def test_patients_are_listed_most_urgent_first(client, clinic, ward):
    response = dashboard(client, clinic.clinician)
    assert response.status_code == 200
    assert [row["name"] for row in triage_table(response.content.decode())] == EXPECTED_ORDER


def test_each_row_shows_status_in_words_average_change_streak_last_entry_and_open_alerts(client, clinic, ward):
    rows = triage_table(dashboard(client, clinic.clinician).content.decode())
    for row in rows:
        label, chip, average, change, streak, last_entry, alerts = EXPECTED_CELLS[row["name"]]
        status_cell = row["Status"]
        assert label in status_cell, row
        assert (chip in status_cell) if chip else status_cell.endswith(label), row
        assert (row["7-day average"], row["Change since last week"], row["Days above threshold"],
                row["Last entry"], row["Open alerts"]) == (average, change, streak, last_entry, alerts), row


def test_the_status_badge_is_a_label_not_only_a_colour(client, clinic, ward):
    page = dashboard(client, clinic.clinician).content.decode()
    badges = re.findall(r'<span class="status-badge status-badge-(\w+)"><span class="status-icon" '
                        r'aria-hidden="true">.</span> ([^<]+)</span>', page)
    labels = {value: str(label) for value, label in Status.choices}
    assert len(badges) == len(EXPECTED_ORDER)
    assert all(labels[status] == label for status, label in badges)


def test_not_reporting_is_shown_after_three_quiet_days_and_not_after_two(client, clinic, ward):
    rows = {row["name"]: row for row in triage_table(dashboard(client, clinic.clinician).content.decode())}
    assert "Not reporting" in rows["Otto Quiet"]["Last entry"] and "row-quiet" in rows["Otto Quiet"]["class"]
    assert "Not reporting" not in rows["Olive Recent"]["Last entry"]
    assert "row-quiet" not in rows["Olive Recent"]["class"]
    assert "row-urgent" in rows["Uma Worsening"]["class"] and "row-urgent" not in rows["Rita Long"]["class"]
    assert "row-review" in rows["Dora Dose"]["class"] and "row-review" not in rows["Walter Steady"]["class"]


def test_other_clinicians_patients_are_never_listed_or_counted(client, clinic, ward):
    page = dashboard(client, clinic.clinician).content.decode()
    assert "Someone Else" not in page
    assert len(triage_table(page)) == len(EXPECTED_ORDER)
    other = triage_table(dashboard(client, clinic.other_clinician).content.decode())
    assert [row["name"] for row in other] == ["Someone Else"]


@pytest.mark.parametrize("wanted", sorted(FILTERED))
def test_status_filter_shows_only_matching_rows_and_the_counts_are_right(client, clinic, ward, wanted):
    response = dashboard(client, clinic.clinician, f"?status={wanted}")
    page = response.content.decode()
    assert response.status_code == 200
    names = [row["name"] for row in triage_table(page)]
    assert names == [name for name in EXPECTED_ORDER if name in FILTERED[wanted]]  # still most urgent first
    assert filter_counts(page) == {name: len(members) for name, members in FILTERED.items()}
    assert re.search(rf'href="\?status={wanted}" class="filter-{wanted}" aria-current="page"', page)


def test_filter_with_no_match_says_so(client, clinic, ward):
    page = dashboard(client, clinic.other_clinician, "?status=refer").content.decode()
    assert triage_table(page) == [] and "No patients match this filter." in page


@pytest.mark.parametrize("bad", ["bogus", "REFER", "<b>x</b>"])
def test_unknown_filter_is_a_400_naming_it_and_lists_everyone(client, clinic, ward, bad):
    response = dashboard(client, clinic.clinician, f"?status={bad}")
    page = response.content.decode()
    assert response.status_code == 400
    assert f"Unknown status filter “{html_lib.escape(bad)}”" in page
    assert "<b>x</b>" not in page
    assert [row["name"] for row in triage_table(page)] == EXPECTED_ORDER


def test_empty_filter_lists_everyone(client, clinic, ward):
    response = dashboard(client, clinic.clinician, "?status=")
    assert response.status_code == 200
    assert [row["name"] for row in triage_table(response.content.decode())] == EXPECTED_ORDER


def test_a_patient_never_assessed_appears_as_not_enough_entries(client, clinic):
    page = dashboard(client, clinic.clinician).content.decode()
    [row] = triage_table(page)
    assert row["name"] == clinic.patient.display_name()
    assert "Not enough entries" in row["Status"] and row["Last entry"] == "never Not reporting"
    assert filter_counts(page)["insufficient_data"] == 1 and filter_counts(page)["not_reporting"] == 1


# --- the ordering itself ---------------------------------------------------------------

def row(name: str, status: Status, urgent=(), streak: int = 0, average: str | None = None,
        days_since: int | None = 0) -> triage.TriageRow:
    first, last = name.split()
    today = date(2026, 3, 1)
    assessment = PatientAssessment(
        as_of=today, status=status, urgent=tuple(urgent), weekly_average=Decimal(average) if average else None,
        previous_weekly_average=None, days_logged=7, threshold=Decimal("4.00"), streak_days=streak,
        streak_start=None, functional_impact="none", reasons=(),
        last_entry_date=today - timedelta(days=days_since) if days_since is not None else None)
    return triage.TriageRow(
        patient=User(username=name.lower().replace(" ", ""), first_name=first, last_name=last),
        assessment=assessment, days_since_last_entry=days_since, open_alerts=0)


def test_sort_key_puts_urgent_signals_before_every_status():
    rows = [row("A Ok", Status.OK, urgent=["fall"]), row("B Refer", Status.REFER, streak=30, average="9.00"),
            row("C Insufficient", Status.INSUFFICIENT_DATA, urgent=["severe_score"])]
    ordered = sorted(rows, key=triage.TriageRow.sort_key)
    assert [r.patient.first_name for r in ordered] == ["C", "A", "B"]


def test_sort_key_orders_statuses_then_longer_streak_then_higher_average_then_name():
    rows = [
        row("Zed Ok", Status.OK, average="3.00"),
        row("Amy Ok", Status.OK, average="3.00"),
        row("Ned Insufficient", Status.INSUFFICIENT_DATA),
        row("Low Watch", Status.WATCH, streak=3, average="4.20"),
        row("High Watch", Status.WATCH, streak=3, average="4.90"),
        row("Long Watch", Status.WATCH, streak=5, average="4.10"),
        row("Short Refer", Status.REFER, streak=14, average="8.00"),
        row("Long Refer", Status.REFER, streak=15, average="4.50"),
        row("Ok Higher", Status.OK, average="3.50"),
    ]
    ordered = sorted(rows, key=triage.TriageRow.sort_key)
    assert [r.patient.display_name() for r in ordered] == [
        "Long Refer", "Short Refer", "Long Watch", "High Watch", "Low Watch", "Ned Insufficient",
        "Ok Higher", "Amy Ok", "Zed Ok"]


def test_row_change_direction_and_not_reporting():
    up = row("A B", Status.WATCH, average="5.00")
    assert up.assessment.change is None and up.change_direction == ""
    changed = replace(up, assessment=replace(up.assessment, previous_weekly_average=Decimal("3.50")))
    assert changed.assessment.change == Decimal("1.50") and changed.change_direction == "up"
    better = replace(up, assessment=replace(up.assessment, previous_weekly_average=Decimal("6")))
    assert better.assessment.change == Decimal("-1.00") and better.change_direction == "down"
    assert row("A B", Status.OK, days_since=2).not_reporting is False
    assert row("A B", Status.OK, days_since=3).not_reporting is True
    assert row("A B", Status.OK, days_since=None).not_reporting is True


def test_triage_rows_and_status_counts_match_the_page(clinic, ward):
    rows = triage.triage_rows(clinic.clinician)
    assert [r.patient.display_name() for r in rows] == EXPECTED_ORDER
    assert triage.status_counts(rows) == {name: len(members) for name, members in FILTERED.items()}
    by_name = {r.patient.display_name(): r for r in rows}
    assert by_name["Rita Long"].assessment.streak_days == 20 and by_name["Rex Short"].assessment.streak_days == 15
    assert by_name["Uma Worsening"].assessment.urgent == ("worsening",)
    assert by_name["Ursula Fall"].assessment.urgent == ("fall",)
    assert by_name[NEVER].assessment.status == Status.INSUFFICIENT_DATA
    assert by_name[NEVER].assessment.last_entry_date is None


def test_triage_rows_cost_a_fixed_number_of_queries(clinic, ward, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        triage.triage_rows(clinic.clinician)


def test_the_next_dose_is_shown_and_an_acknowledged_review_no_longer_ranks_first(client, clinic, ward):
    rows = {row["name"]: row for row in triage_table(dashboard(client, clinic.clinician).content.decode())}
    dose_day = ward["Dora Dose"].local_today() + timedelta(days=2)
    assert rows["Dora Dose"]["Next dose"] == (f"{dose_day.day} {dose_day:%b} today: cycle 1, day 6 "
                                              "⚑ Review before next dose")
    assert rows["Walter Steady"]["Next dose"] == "—"
    review = Alert.objects.get(patient=ward["Dora Dose"], kind="dose_review")
    acknowledge_alert(clinic.clinician, review.pk)
    page = dashboard(client, clinic.clinician).content.decode()
    order = [row["name"] for row in triage_table(page)]
    assert order.index("Dora Dose") > order.index("Rex Short")  # back among the other watch patients
    assert filter_counts(page)["review"] == 0
