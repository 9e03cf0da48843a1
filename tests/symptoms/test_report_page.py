"""The patient's printable appointment summary at /report/: the last 4 weeks, week by week."""

import html as html_lib
import json
import re
from datetime import date, timedelta

import pytest

from symptoms.models import SymptomEntry

NOTES = {0: "tingling in my toes", 27: "first day of the report", 28: "too old to show"}


def diary(patient) -> None:
    """Five weeks of known entries, by days ago.

    This week (0-6): all logged, 3s and one day of pain 5: average 23/7 = 3.29, worst 5.
    Last week (7-13): 5 days at 4, unsteady on 2 of them: average 4.00.
    Two weeks ago (14-20): 3 days at 6: too few for an average.
    Three weeks ago (21-27): all logged at 2; dropped things on 2 days, a fall on 1.
    Before that (28-34): at 2, outside the report.
    """
    scores = {**{ago: (3, 1) for ago in range(7)}, 2: (2, 5), **{ago: (4, 0) for ago in (7, 8, 9, 11, 13)},
              **{ago: (6, 0) for ago in (14, 16, 18)}, **{ago: (2, 0) for ago in range(21, 35)}}
    today = patient.local_today()
    SymptomEntry.objects.bulk_create([
        SymptomEntry(patient=patient, date=today - timedelta(days=ago), numbness=numbness, pain=pain, hands=True,
                     balance_problems=ago in (8, 9), dropped_objects=ago in (22, 25), fell=ago == 24,
                     notes=NOTES.get(ago, ""))
        for ago, (numbness, pain) in scores.items()])


def text(fragment: str) -> str:
    """What a screen reader reads: tags and aria-hidden icons left out."""
    fragment = re.sub(r'<span[^>]*aria-hidden="true"[^>]*>[^<]*</span>', " ", fragment)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def week_rows(page: str) -> list[list[str]]:
    body = re.search(r'<table class="report-weeks">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def figure(page: str) -> dict:
    return json.loads(re.search(r'<script id="trend-figure" type="application/json">(.*?)</script>',
                                page, re.S).group(1))


def section(page: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', page, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def report(client, clinic) -> str:
    diary(clinic.patient)
    client.force_login(clinic.patient)
    response = client.get("/report/")
    assert response.status_code == 200
    return response.content.decode()


def test_four_weeks_newest_first_with_average_days_logged_worst_day_and_flags(clinic, report):
    today = clinic.patient.local_today()

    def week(back: int) -> str:
        last = today - timedelta(days=7 * back)
        return f"{short_date(last - timedelta(days=6))} – {short_date(last)}"

    assert week_rows(report) == [
        [week(0), "3.29", "7 / 7", "5", "—"],
        [week(1), "4.00", "5 / 7", "4", "unsteady or held on to walls (2 days)"],
        [week(2), "—", "3 / 7", "6", "—"],
        [week(3), "2.00", "7 / 7", "2", "dropped things (2 days); had a fall (1 day)"],
    ]


def test_status_label_and_reasons(report):
    status = text(section(report, "status-heading"))
    assert "Status today: OK" in status
    assert "7-day average 3.29 is at or below 4.00." in status


def test_print_button_is_wired_by_a_data_attribute_not_inline_script(report):
    button = re.search(r"<button[^>]*>\s*Print this summary\s*</button>", report).group(0)
    assert "data-print" in button and "onclick" not in button
    for tag in re.findall(r"<script\b[^>]*>", report):
        assert " src=" in tag or 'type="application/json"' in tag


def test_chart_is_static_and_shows_the_28_days_of_the_report(clinic, report):
    today = clinic.patient.local_today()
    chart = figure(report)
    assert chart["config"]["staticPlot"] is True
    first = today - timedelta(days=27)
    assert chart["layout"]["xaxis"]["range"] == [f"{(first - timedelta(days=1)).isoformat()} 12:00",
                                                 f"{today.isoformat()} 12:00"]
    numbness = next(t for t in chart["data"] if t["name"] == "Numbness")
    assert numbness["x"][0] == first.isoformat() and len(numbness["x"]) == 28
    assert numbness["y"][-1] == 3 and numbness["y"][-3] == 2  # 2 days ago: numbness 2 (pain 5)
    fall = next(t for t in chart["data"] if t["name"] == "Fall")
    assert fall["x"] == [(today - timedelta(days=24)).isoformat()]
    assert 'class="trend-chart trend-chart-print"' in report


def test_notes_of_the_last_four_weeks_are_listed_and_older_notes_are_not(clinic, report):
    notes = section(report, "notes-heading")
    today = clinic.patient.local_today()
    assert "tingling in my toes" in notes and "first day of the report" in notes
    assert notes.index("tingling in my toes") < notes.index("first day of the report")
    assert f"<dt>{short_date(today - timedelta(days=27))}</dt>" in notes
    assert "too old to show" not in report


def test_the_report_is_about_the_signed_in_patient_only(client, clinic):
    diary(clinic.patient)
    SymptomEntry.objects.create(patient=clinic.other_patient, date=clinic.other_patient.local_today(), numbness=9,
                                pain=9, feet=True, notes="not yours")
    client.force_login(clinic.patient)
    page = client.get("/report/").content.decode()
    assert clinic.patient.display_name() in page
    assert "not yours" not in page and clinic.other_patient.display_name() not in page


def test_a_patient_with_no_entries_gets_a_sensible_empty_report(client, clinic):
    client.force_login(clinic.patient)
    response = client.get("/report/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Status today: Not enough entries" in text(section(page, "status-heading"))
    assert "0 of the last 7 days are logged; a 7-day average needs at least 4." in page
    rows = week_rows(page)
    assert len(rows) == 4 and all(row[1:] == ["—", "0 / 7", "—", "—"] for row in rows)
    assert 'aria-labelledby="notes-heading"' not in page
    chart = figure(page)
    assert chart["config"]["staticPlot"] is True
    assert next(t for t in chart["data"] if t["name"] == "Numbness")["y"] == [None] * 28
    assert chart["layout"]["shapes"] == []


@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_only_patients_have_a_report(client, clinic, who):
    client.force_login(getattr(clinic, who))
    assert client.get("/report/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get("/report/")
    assert response.status_code == 302 and response.url.startswith("/?next=")
