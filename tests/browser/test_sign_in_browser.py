"""Signing in with the keyboard only, and the sign-in pages checked with axe-core (no serious or
critical violations): the sign-in page, the lockout, the password reset and the second factor."""

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.plugins.otp_totp.models import TOTPDevice

from signin import two_factor
from tests.browser.conftest import ARTIFACTS_DIR
from tests.factories import TEST_PASSWORD, ClinicianFactory, PatientFactory

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in results.response["violations"]
            if v["impact"] in SERIOUS]


def tab_until(page, label: str, max_presses: int = 30) -> None:
    target = page.get_by_label(label, exact=True)
    for _press in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{label} never received the keyboard focus")


def sign_in_with_keyboard(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + "/")
    tab_until(page, "Username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_patient_signs_in_with_the_keyboard_only_and_the_page_passes_axe(page, live_server):
    patient = PatientFactory()
    page.goto(live_server.url + "/")
    assert serious_violations(page) == []
    sign_in_with_keyboard(page, live_server, patient.username, TEST_PASSWORD)
    assert page.url.endswith("/log/")


def test_the_lockout_page_says_when_to_try_again_and_passes_axe(page, live_server):
    patient = PatientFactory()
    for n in range(5):
        sign_in_with_keyboard(page, live_server, patient.username, f"guess-{n}")
    assert "try again in 15 minutes" in page.locator(".error-summary").inner_text()
    assert serious_violations(page) == []
    page.screenshot(path=str(ARTIFACTS_DIR / "sign-in-locked-390.png"), full_page=True)


def test_the_password_reset_pages_pass_axe(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Forgotten your password?").click()
    assert serious_violations(page) == []
    tab_until(page, "Email address")
    page.keyboard.type("someone@example.org")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/password-reset/sent/")
    assert serious_violations(page) == []


def test_a_clinician_enrols_with_the_keyboard_and_a_pasted_code(page, live_server, settings):
    settings.STAFF_TWO_FACTOR = "required"
    clinician = ClinicianFactory()
    sign_in_with_keyboard(page, live_server, clinician.username, TEST_PASSWORD)
    assert "/two-factor/" in page.url
    assert serious_violations(page) == []
    page.screenshot(path=str(ARTIFACTS_DIR / "two-factor-enrol-390.png"), full_page=True)
    key = page.locator("#setup-key").inner_text()
    assert key == two_factor.setup_key(TOTPDevice.objects.get(user=clinician))
    tab_until(page, "Your password")
    page.keyboard.insert_text(TEST_PASSWORD)  # as a password manager fills it
    page.keyboard.press("Tab")
    page.keyboard.insert_text(pyotp.TOTP(key).now())  # as a paste does
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert serious_violations(page) == []
    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.wait_for_url("**/clinician/")
