"""Issue 16's form help in a real Chromium: "Where did you feel it?" says it is needed as soon as a score
above 0 is chosen, before Save; a refused form puts the focus on its summary of problems (the daily entry
and the clinician's threshold), and a threshold typed with a decimal comma is kept as 4.50."""

import pytest
from playwright.sync_api import expect

from accounts.models import CareTeamMember
from symptoms.models import PatientThreshold, SymptomEntry
from tests.browser.conftest import ARTIFACTS_DIR, sign_in
from tests.factories import ClinicianFactory, PatientFactory

pytestmark = pytest.mark.browser

NEEDED = "fieldset.locations .required-mark"


def tap(page, input_id: str) -> None:
    page.locator(f"label[for={input_id}] > span").click()


def focused_class(page) -> str:
    return page.evaluate("() => document.activeElement.className")


@pytest.mark.parametrize("width", [1280, 320])
def test_where_you_felt_it_is_marked_needed_before_save_and_a_refusal_focuses_the_summary(
        page, live_server, transactional_db, width):
    patient = PatientFactory()
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, patient)
    page.goto(live_server.url + "/log/")
    expect(page.locator("#locations-hint")).to_contain_text("Needed when either score is above 0")
    expect(page.locator(NEEDED)).to_be_hidden()
    tap(page, "id_numbness_3")
    expect(page.locator(NEEDED)).to_be_visible()
    expect(page.locator("fieldset.locations")).to_have_class("choices locations is-needed")
    tap(page, "id_numbness_0")
    tap(page, "id_pain_0")
    expect(page.locator(NEEDED)).to_be_hidden()  # both scores 0: no place to name
    tap(page, "id_pain_2")
    expect(page.locator(NEEDED)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS_DIR / f"log-where-needed-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.locator(".entry-form button[type=submit]").click()
    expect(page.locator(".error-summary[tabindex='-1']")).to_be_focused()
    summary = page.locator(".error-summary[tabindex='-1']")
    expect(summary).to_contain_text("Where you felt it: Say where you felt it")
    expect(page.locator("#locations-error")).to_be_visible()
    assert page.evaluate("() => document.querySelector('.error-summary').getBoundingClientRect().top") < 900
    page.screenshot(path=str(ARTIFACTS_DIR / f"log-where-refused-{width}.png"))
    assert not SymptomEntry.objects.filter(patient=patient).exists()


def test_a_bad_threshold_focuses_the_summary_near_the_field_and_a_comma_is_accepted(
        page, live_server, transactional_db):
    clinician = ClinicianFactory()
    patient = PatientFactory()
    CareTeamMember.objects.create(patient=patient, clinician=clinician)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, clinician)
    page.goto(f"{live_server.url}/clinician/patients/{patient.pk}/")
    page.get_by_label("Patient-specific threshold").fill("6")
    with page.expect_navigation():
        page.get_by_role("button", name="Save threshold").click()
    expect(page.locator("#form-problems")).to_be_focused()
    expect(page.locator("#id_threshold_error")).to_contain_text("between 4.00 and 5.00")
    page.locator("#form-problems a[href='#id_threshold_error']").click()  # the message, above the box
    expect(page.locator("#id_threshold_error")).to_be_in_viewport()
    expect(page.get_by_label("Patient-specific threshold")).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS_DIR / "record-threshold-refused-1280.png"))
    assert not PatientThreshold.objects.filter(patient=patient).exists()
    page.get_by_label("Patient-specific threshold").fill("4,5")
    with page.expect_navigation():
        page.get_by_role("button", name="Save threshold").click()
    expect(page.get_by_label("Patient-specific threshold")).to_have_value("4.50")
    assert str(PatientThreshold.objects.get(patient=patient).threshold) == "4.50"
