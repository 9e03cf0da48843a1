"""In Chromium: a nurse takes a patient's call, enters the day from the record with the keyboard, opens the
quality-of-care page (chart drawn, table beside it); the patient then sees "entered by … on your behalf"."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.models import CareTeamMember
from symptoms.models import SymptomEntry
from tests.browser.conftest import ARTIFACTS_DIR, sign_in
from tests.browser.test_trend_browser import console_errors, wait_for_chart
from tests.factories import ClinicianFactory, EntryFactory, PatientFactory

pytestmark = pytest.mark.browser

DESKTOP, NARROW = {"width": 1280, "height": 900}, {"width": 320, "height": 800}


@pytest.fixture
def called_in(transactional_db):
    nurse = ClinicianFactory(first_name="Grace", last_name="Chen")
    patient = PatientFactory(first_name="Ada", last_name="Phoned")
    CareTeamMember.objects.create(patient=patient, clinician=nurse)
    type(patient).objects.filter(pk=patient.pk).update(date_joined=patient.date_joined - timedelta(days=40))
    today = patient.local_today()
    for days_ago in range(3, 30, 2):
        EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=3, pain=1, feet=True)
    return nurse, patient


def test_the_nurse_enters_a_called_in_day_and_the_patient_sees_who_entered_it(page, live_server, called_in):
    nurse, patient = called_in
    errors = console_errors(page)
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    yesterday = patient.local_today() - timedelta(days=1)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, nurse)
    page.goto(f"{live_server.url}/clinician/patients/{patient.pk}/")
    page.get_by_role("link", name="Enter a day for the patient (after a telephone call)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Phoned: entry for")
    page.locator(".recent a").nth(1).click()  # yesterday
    page.wait_for_url(f"**/clinician/patients/{patient.pk}/log/{yesterday.isoformat()}/")
    page.locator("label[for='id_numbness_6']").click()
    page.locator("label[for='id_pain_2']").click()
    page.locator("label[for='id_locations_1']").click()  # feet
    page.screenshot(path=str(ARTIFACTS_DIR / "on-behalf-entry-1280.png"), full_page=True)
    page.get_by_role("button", name="Save entry").press("Enter")
    page.wait_for_url(f"**/clinician/patients/{patient.pk}/#entries-heading")
    expect(page.get_by_text("entered by Grace Chen for the patient")).to_be_visible()
    assert SymptomEntry.objects.get(patient=patient, date=yesterday).entered_by == nurse

    for viewport in (DESKTOP, NARROW):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/clinician/quality/")
        wait_for_chart(page)
        expect(page.get_by_role("link", name="Ada Phoned")).to_be_visible()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the quality page scrolls sideways at {viewport['width']} px"
        page.screenshot(path=str(ARTIFACTS_DIR / f"quality-{viewport['width']}.png"), full_page=True)

    page.context.clear_cookies()
    page.set_viewport_size(NARROW)
    sign_in(page, live_server, patient)
    page.goto(f"{live_server.url}/history/")
    expect(page.get_by_text("entered by Grace Chen on your behalf")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS_DIR / "on-behalf-history-320.png"), full_page=True)
    assert errors == []
