"""The clinician's triage flow and the trend charts, drawn by plotly.js in a real Chromium."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import CareTeamMember
from symptoms import evaluation
from symptoms.models import Alert, SymptomEntry
from tests.browser.conftest import ARTIFACTS_DIR, sign_in
from tests.factories import ClinicianFactory, PatientFactory

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def diary(patient, scores: list[int], fall_days_ago: int | None = None) -> None:
    """One entry a day ending today, oldest score first."""
    today = patient.local_today()
    SymptomEntry.objects.bulk_create([
        SymptomEntry(patient=patient, date=today - timedelta(days=len(scores) - 1 - n), numbness=score,
                     pain=max(score - 2, 0), hands=True, balance_problems=n % 5 == 0,
                     fell=fall_days_ago is not None and n == len(scores) - 1 - fall_days_ago)
        for n, score in enumerate(scores)
    ])


@pytest.fixture
def ward(transactional_db):
    """A clinician with three patients: referred after a fall, worsening, and doing well."""
    clinician = ClinicianFactory(first_name="Grace", last_name="Chen")
    referred = PatientFactory(first_name="Ada", last_name="Referred")
    steady = PatientFactory(first_name="Ben", last_name="Steady")
    quiet = PatientFactory(first_name="Cal", last_name="Quiet")
    diary(referred, [2] * 20 + [6] * 30, fall_days_ago=2)
    diary(steady, [2] * 40)
    diary(quiet, [3] * 10)
    SymptomEntry.objects.filter(patient=quiet, date__gt=quiet.local_today() - timedelta(days=5)).delete()
    for patient in (referred, steady, quiet):
        CareTeamMember.objects.create(patient=patient, clinician=clinician)
    evaluation.evaluate_patients([referred.pk, steady.pk, quiet.pk])
    return {"clinician": clinician, "referred": referred, "steady": steady, "quiet": quiet}


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def wait_for_chart(page) -> None:
    """Until charts.js says plotly has finished drawing (its newPlot promise resolved)."""
    expect(page.locator("[data-trend-chart]").first).to_have_attribute("data-chart-drawn", "true")


def test_clinician_triages_opens_the_most_urgent_patient_sees_the_chart_and_acknowledges(page, live_server, ward):
    errors = console_errors(page)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, ward["clinician"])
    assert page.url == live_server.url + "/clinician/"
    rows = page.locator("table.triage tbody tr")
    assert rows.count() == 3
    first = rows.nth(0).inner_text()
    assert "Ada Referred" in first and "Professional evaluation recommended" in first and "Fall" in first
    assert "Not reporting" in page.locator("tr", has_text="Cal Quiet").inner_text()
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "clinician-dashboard.png"), full_page=True)

    with page.expect_navigation():
        rows.nth(0).get_by_role("link", name="Ada Referred").click()
    wait_for_chart(page)
    legend = page.locator(".trend-chart .legend").text_content()
    for name in ("Numbness", "Pain", "7-day average", "Threshold 4.0", "Fall", "Daily life affected"):
        assert name in legend
    assert page.locator(".trend-chart .shapelayer path").count() >= 1, "the referral period is shaded"
    page.screenshot(path=str(ARTIFACTS_DIR / "clinician-patient-record.png"), full_page=True)
    page.locator("figure.trend").screenshot(path=str(ARTIFACTS_DIR / "clinician-patient-chart.png"))

    fall = page.locator(".alert-card", has_text="Fall")
    fall.get_by_label("Note (optional)").fill("Phoned; no injury. Reviewing footwear.")
    with page.expect_navigation():
        fall.get_by_role("button", name="Acknowledge").click()
    assert "Alert acknowledged." in page.get_by_role("status").inner_text()
    alert = Alert.objects.get(patient=ward["referred"], kind="fall")
    assert alert.acknowledged_by == ward["clinician"] and alert.resolved_at is not None
    assert alert.note == "Phoned; no injury. Reviewing footwear."
    assert errors == []


def test_patient_history_chart_fits_a_phone_and_the_report_prints_a_static_chart(page, live_server, ward):
    errors = console_errors(page)
    sign_in(page, live_server, ward["referred"])
    page.goto(live_server.url + "/history/")
    wait_for_chart(page)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the history page must not scroll sideways on a phone"
    page.get_by_text("Show the chart's numbers as a table").click()
    assert page.locator(".chart-table tbody tr").count() >= 28
    page.screenshot(path=str(ARTIFACTS_DIR / "patient-history-phone.png"), full_page=True)

    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/report/")
    wait_for_chart(page)
    assert page.locator(".trend-chart .modebar").count() == 0, "the printed chart has no toolbar"
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.get_by_role("button", name="Print this summary").is_visible()
    page.screenshot(path=str(ARTIFACTS_DIR / "appointment-report-print.png"), full_page=True)
    pdf = page.pdf(path=str(ARTIFACTS_DIR / "appointment-report.pdf"), format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1, "the summary prints on one A4 page"
    assert errors == []
