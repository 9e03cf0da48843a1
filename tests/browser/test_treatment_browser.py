"""Treatment on the clinician's record page in a real Chromium: the cycle table and the cycle overlay chart
drawn, every treatment form reached and used with the keyboard, a 320 px phone, and axe-core."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import CareTeamMember
from tests.browser.conftest import ARTIFACTS_DIR, sign_in, tab_to
from tests.browser.test_sign_in_browser import serious_violations
from tests.factories import ClinicianFactory, PatientFactory, weekly_course_getting_worse
from treatment.models import Administration

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def treated(transactional_db):
    """A nurse's patient on a weekly course getting worse: rising, a review before the next dose, and a grade
    that disagrees (`weekly_course_getting_worse`)."""
    clinician = ClinicianFactory(first_name="Grace", last_name="Chen")
    patient = PatientFactory(first_name="Ada", last_name="Dosed")
    CareTeamMember.objects.create(patient=patient, clinician=clinician)
    return {"clinician": clinician, "patient": patient, "course": weekly_course_getting_worse(patient, clinician)}


def open_record(page, live_server, treated) -> None:
    sign_in(page, live_server, treated["clinician"])
    page.goto(f"{live_server.url}/clinician/patients/{treated['patient'].pk}/")
    for chart in page.locator("[data-trend-chart]").all():
        expect(chart).to_have_attribute("data-chart-drawn", "true")


def test_the_cycle_table_and_overlay_chart_render_and_the_page_passes_axe(page, live_server, treated):
    page.set_viewport_size(DESKTOP)
    open_record(page, live_server, treated)
    newest = page.locator("table.cycles tbody tr").first
    expect(newest.locator("th")).to_have_text("Cycle 2")
    expect(newest).to_contain_text("▲ rising")
    expect(newest).to_contain_text("◆ patient and clinician disagree")
    expect(page.locator(".review-panel")).to_contain_text("Review before the next dose")
    overlay = page.locator("[data-trend-chart^='overlay-']")
    assert overlay.evaluate("el => el.data.map(trace => trace.name)") == ["Cycle 1 (100%)", "Cycle 2 (100%)"]
    assert overlay.locator(".scatterlayer .trace").count() == 2  # both lines drawn
    trend = page.locator("[data-trend-chart='trend-figure']")
    assert trend.evaluate("el => el.layout.shapes.filter(shape => shape.type === 'line').length") == 2
    expect(trend.locator(".annotation-text").first).to_have_text("Cycle 1 · 100%")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "record-treatment-desktop.png"), full_page=True)
    assert serious_violations(page) == []


def test_the_keyboard_reaches_every_treatment_form_and_plans_a_reduced_dose(page, live_server, treated):
    open_record(page, live_server, treated)
    page.locator("#treatment-heading").evaluate("el => el.scrollIntoView()")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for selector in ("#id_dose-course", "#id_dose-date", "#id_dose-dose_percent", "#id_dose-note",
                     "#dose-form button[type=submit]", "#id_grade-date", "#id_grade-grade_0", "#id_grade-note",
                     "#grade-form button[type=submit]", "#treatment details > summary"):
        tab_to(page, selector, max_presses=200)
    page.keyboard.press("Enter")  # opens "Add a course"
    for selector in ("#id_course-agent", "#id_course-regimen", "#id_course-cycle_length_days",
                     "#id_course-ended_on", "#course-form button[type=submit]"):
        tab_to(page, selector, max_presses=200)
    planned = treated["patient"].local_today() + timedelta(days=2)
    page.locator("#id_dose-date").fill(planned.isoformat())
    page.locator("#id_dose-dose_percent").fill("80")
    page.locator("#id_dose-note").focus()
    page.keyboard.type("Reduced after grade 2")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Dose saved; the patient has been re-assessed.")).to_be_visible()
    assert Administration.objects.get(course=treated["course"], date=planned).dose_percent == 80


def test_the_record_page_works_at_320_px(page, live_server, treated):
    page.set_viewport_size({"width": 320, "height": 800})
    open_record(page, live_server, treated)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"the record page scrolls sideways at 320px: {width}px wide"
    for selector in ("#dose-form button[type=submit]", "#grade-form button[type=submit]", "#id_dose-date"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320 and box["height"] >= 44, (selector, box)
    expect(page.locator("table.cycles tbody tr").first).to_contain_text("▲ rising")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "record-treatment-320.png"), full_page=True)
