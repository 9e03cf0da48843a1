"""The clinician's triage flow and the trend charts, drawn by plotly.js in a real Chromium."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import CareTeamMember
from symptoms import evaluation
from symptoms.models import Alert, SymptomEntry
from tests.browser.conftest import ARTIFACTS_DIR, CEILING_MS, sign_in, tab_to
from tests.browser.test_admin_articles_browser import serious_violations
from tests.factories import ClinicianFactory, PatientFactory

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}
CHART = "[data-trend-chart='trend-figure']"


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
    for name in ("Numbness", "Pain", "7-day average", "Threshold 4.00", "Fall", "Daily life affected"):
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


def x_range(page) -> list[str]:
    return page.locator(CHART).evaluate("el => el.layout.xaxis.range")


def pressed(page) -> list[str]:
    return page.locator(".range-choices a[aria-current=true]").evaluate_all(
        "links => links.map(a => a.dataset.range)")


def test_one_set_of_chart_choices_zooms_in_place_or_loads_a_longer_period_from_the_keyboard(page, live_server, ward):
    errors = console_errors(page)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, ward["referred"])
    page.goto(live_server.url + "/history/")  # twelve weeks loaded; 50 days logged, the first 49 days ago
    wait_for_chart(page)
    today = ward["referred"].local_today()
    first = today - timedelta(days=49)
    assert page.locator(".range-choices a").all_inner_texts() == ["4 weeks", "12 weeks", "1 year", "Everything"]
    assert page.locator("nav.periods, .range-buttons").count() == 0, "one row of choices, not two"
    assert pressed(page) == ["12w"]
    for link in page.locator(".range-choices a").all():
        box = link.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    page.evaluate("() => { window.stayedOnPage = true; }")
    tab_to(page, ".range-choices a[data-range='4w']")
    page.keyboard.press("Enter")
    expect(page.locator(".range-choices a[data-range='4w']")).to_have_attribute("aria-current", "true")
    assert pressed(page) == ["4w"]
    assert x_range(page) == [f"{today - timedelta(days=28)} 12:00", f"{today} 12:00"]
    assert page.evaluate("() => window.stayedOnPage") is True, "four weeks are inside twelve: no reload"
    assert page.url.endswith("/history/?period=4w#trend-heading"), "the address follows, for a reload or a bookmark"
    tab_to(page, ".range-choices a[data-range='all']", max_presses=3)
    page.keyboard.press("Enter")
    page.wait_for_url("**/history/?period=all#trend-heading")
    wait_for_chart(page)
    assert pressed(page) == ["all"]
    assert x_range(page) == [f"{first - timedelta(days=1)} 12:00", f"{today} 12:00"]
    expect(page.locator("caption", has_text="All your daily entries")).to_be_visible()
    page.evaluate("() => { window.stayedOnPage = true; }")
    page.locator(".range-choices a[data-range='12w']").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".range-choices a[data-range='12w']")).to_have_attribute("aria-current", "true")
    assert page.evaluate("() => window.stayedOnPage") is True
    # Nothing inside the chart takes the focus: it is an image with a label, the table its equivalent.
    chart = page.locator(CHART)
    assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-label")
    assert chart.locator(".modebar").count() == 0
    assert chart.evaluate("el => el.querySelectorAll('a, button, input, select, [tabindex]').length") == 0
    assert errors == []


def test_without_script_the_chart_choices_still_load_their_period(browser, live_server, transactional_db, ward):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    context.set_default_timeout(CEILING_MS)
    page = context.new_page()
    sign_in(page, live_server, ward["referred"])
    page.goto(live_server.url + "/history/")
    page.get_by_role("link", name="1 year").click()
    page.wait_for_url("**/history/?period=1y#trend-heading")
    assert pressed(page) == ["1y"]
    expect(page.locator("caption", has_text="Your daily entries of the last year")).to_be_visible()
    context.close()


def boxes(page, selector: str) -> list[dict]:
    return page.locator(f"{CHART} {selector}").evaluate_all(
        "nodes => nodes.map(n => { const r = n.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; })")


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280", "320"])
def test_the_history_chart_is_readable_at_the_page_text_size_on_a_desktop_and_a_320_px_phone(
        page, live_server, ward, viewport):
    errors = console_errors(page)
    page.set_viewport_size(viewport)
    sign_in(page, live_server, ward["referred"])
    page.goto(live_server.url + "/history/")
    wait_for_chart(page)
    assert "plotly-basic" in page.locator("script[src*='plotly']").first.get_attribute("src")
    body_size = page.evaluate("() => getComputedStyle(document.body).fontSize")
    sizes = page.locator(f"{CHART} .xtick text, {CHART} .ytick text, {CHART} .legendtext").evaluate_all(
        "nodes => nodes.map(n => getComputedStyle(n).fontSize)")
    assert sizes and set(sizes) == {body_size}, (body_size, set(sizes))
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the history page must not scroll sideways"
    ticks = boxes(page, ".xtick text") + boxes(page, ".ytick text")
    legend = boxes(page, ".legend .bg")[0]
    assert legend["top"] >= max(tick["bottom"] for tick in boxes(page, ".xtick text")), "the legend is below"
    flags = boxes(page, ".subplot.xy2 .scatterlayer .point")
    assert flags, "the fall and daily-life markers are drawn"
    assert not [flag for flag in flags for tick in ticks if overlaps(flag, tick)], "a flag covers an axis label"
    if viewport is NARROW:
        assert pressed(page) == ["4w"], "a phone shows four weeks first"
    assert serious_violations(page) == []
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / f"chart-history-{viewport['width']}.png"), full_page=True)
    page.locator("section[aria-labelledby=trend-heading]").screenshot(
        path=str(ARTIFACTS_DIR / f"chart-history-{viewport['width']}-chart.png"))
    assert errors == []
