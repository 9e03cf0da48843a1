"""The patient's daily entry page (/log/) in a real Chromium: keyboard, phone widths, errors."""

import pytest

from symptoms.models import SymptomEntry
from tests.browser.conftest import ARTIFACTS_DIR, sign_in, tab_to
from tests.factories import EntryFactory, PatientFactory

pytestmark = pytest.mark.browser

MIN_TARGET_PX = 44
SUBMIT = ".entry-form button[type=submit]"


@pytest.fixture
def patient(transactional_db):
    return PatientFactory()


@pytest.fixture
def log_page(page, live_server, patient):
    """The patient's /log/ page, reached by signing in at `/`."""
    sign_in(page, live_server, patient)
    return page




def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def outline_of_focused_button(page) -> str:
    """The focus ring drawn on the visible box of the focused (visually hidden) input."""
    return page.evaluate("() => getComputedStyle(document.activeElement.nextElementSibling).outlineStyle")


def boxes(page, selector: str) -> list[dict]:
    return page.locator(selector).evaluate_all(
        """els => els.map(el => {
            const r = el.getBoundingClientRect();
            return {text: el.textContent.trim().slice(0, 40), left: r.left, right: r.right,
                    width: r.width, height: r.height};
        })"""
    )


def tap(page, input_id: str) -> None:
    """Click the visible box of a score button or tick box, as a patient does."""
    page.locator(f"label[for={input_id}] > span").click()


def submit_and_wait(page, action) -> None:
    with page.expect_navigation():
        action()


def test_patient_logs_today_with_the_keyboard_only_then_updates_it(log_page, live_server, patient):
    page = log_page
    today = patient.local_today()
    assert page.url == live_server.url + "/log/"
    assert page.get_by_role("heading", level=1).inner_text() == "How do you feel today?"

    tab_to(page, "#id_numbness_0")
    for _press in range(7):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")  # one too far: step back
    assert focused_id(page) == "id_numbness_6"
    assert page.locator("#id_numbness_6").is_checked()
    assert outline_of_focused_button(page) != "none", "the patient must see which score has the focus"

    page.keyboard.press("Tab")
    assert focused_id(page) == "id_pain_0", "Tab moves from the numbness scale to the pain scale"
    for _press in range(3):
        page.keyboard.press("ArrowRight")
    assert page.locator("#id_pain_3").is_checked()

    tab_to(page, "#id_locations_1")
    assert page.get_by_label("Feet").evaluate("el => el === document.activeElement")
    page.keyboard.press("Space")
    assert outline_of_focused_button(page) != "none", "the patient must see which box has the focus"

    tab_to(page, "#id_balance_problems")
    page.keyboard.press("Space")

    tab_to(page, "#id_notes")
    page.keyboard.type("Held the banister on the stairs.")

    tab_to(page, SUBMIT)
    submit_and_wait(page, lambda: page.keyboard.press("Enter"))

    assert page.url == live_server.url + "/log/"
    assert f"Saved your entry for {today.day} {today:%B %Y}." in page.get_by_role("status").inner_text()
    entry = SymptomEntry.objects.get(patient=patient)
    assert (entry.date, entry.numbness, entry.pain) == (today, 6, 3)
    assert (entry.hands, entry.feet) == (False, True)
    assert entry.balance_problems is True
    assert not any(
        [entry.dropped_objects, entry.fine_motor_difficulty, entry.sleep_disturbed, entry.fell, entry.cold_sensitivity]
    )
    assert entry.notes == "Held the banister on the stairs."
    # The page shows what was saved, so the patient can check it.
    assert page.locator("#id_numbness_6").is_checked() and page.locator("#id_pain_3").is_checked()
    assert page.get_by_label("Feet").is_checked()

    for input_id in ("id_numbness_2", "id_pain_8", "id_balance_problems", "id_fell"):
        tap(page, input_id)
    page.get_by_label("Anything else").fill("Fell in the garden.")
    submit_and_wait(page, page.get_by_role("button", name="Update entry").click)

    assert f"Saved your entry for {today.day} {today:%B %Y}." in page.get_by_role("status").inner_text()
    assert SymptomEntry.objects.filter(patient=patient).count() == 1
    entry.refresh_from_db()
    assert (entry.date, entry.numbness, entry.pain, entry.feet) == (today, 2, 8, True)
    assert (entry.balance_problems, entry.fell) == (False, True)
    assert entry.notes == "Fell in the garden."


@pytest.mark.parametrize("width", [320, 390])
def test_log_page_fits_a_small_phone_with_large_targets_and_no_slider(log_page, live_server, width):
    page = log_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server.url + "/log/")

    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= width, f"page scrolls sideways at {width}px: {scroll_width}px wide"
    assert page.locator("input[type=range]").count() == 0, "scores are chosen with buttons, never a slider"

    scores = boxes(page, "label.score-button > span")
    assert [box["text"] for box in scores] == [str(n) for n in range(11)] * 2
    for box in scores:
        assert box["width"] >= MIN_TARGET_PX and box["height"] >= MIN_TARGET_PX, f"score button too small: {box}"
        assert box["left"] >= 0 and box["right"] <= width, f"score button off screen at {width}px: {box}"

    toggles = boxes(page, "label.toggle > span")
    assert len(toggles) == 8, "two locations and six daily-life questions"
    for box in toggles + boxes(page, SUBMIT):
        assert box["height"] >= MIN_TARGET_PX, f"target too short: {box}"
        assert box["left"] >= 0 and box["right"] <= width, f"target off screen at {width}px: {box}"


def test_entry_without_scores_is_refused_naming_the_fields_and_keeps_what_was_typed(log_page, patient):
    page = log_page
    tap(page, "id_locations_1")  # Feet
    page.get_by_label("Anything else").fill("Tingling after the walk.")
    submit_and_wait(page, page.get_by_role("button", name="Save entry").click)

    summary = page.get_by_role("alert").inner_text()
    assert "Nothing was saved" in summary
    assert "Numbness or tingling: Choose a score from 0 to 10." in summary
    assert "Pain: Choose a score from 0 to 10." in summary
    assert page.locator("#field-numbness .field-error").inner_text() == "Choose a score from 0 to 10."
    assert page.locator("#field-pain .field-error").inner_text() == "Choose a score from 0 to 10."
    assert not SymptomEntry.objects.filter(patient=patient).exists()
    # The patient does not have to type everything again.
    assert page.get_by_label("Feet").is_checked()
    assert page.get_by_label("Anything else").input_value() == "Tingling after the walk."


def stored_values(entry) -> dict:
    entry.refresh_from_db()
    return {name: getattr(entry, name) for name in ("numbness", "pain", "hands", "feet", "fell", "notes")}


def test_invalid_update_leaves_todays_stored_entry_unchanged(log_page, live_server, patient):
    page = log_page
    entry = EntryFactory(patient=patient, numbness=3, pain=2, hands=True, feet=True, notes="Fine.")
    before = stored_values(entry)
    page.goto(live_server.url + "/log/")
    assert page.locator("#id_numbness_3").is_checked(), "the stored entry is shown for correction"

    # Scores above 0 but nowhere ticked: refused, naming the question.
    for input_id in ("id_numbness_9", "id_locations_0", "id_locations_1", "id_fell"):
        tap(page, input_id)
    assert not page.get_by_label("Hands").is_checked() and not page.get_by_label("Feet").is_checked()
    submit_and_wait(page, page.get_by_role("button", name="Update entry").click)
    assert "Where you felt it:" in page.get_by_role("alert").inner_text()
    assert stored_values(entry) == before

    # A tampered, out-of-range score: refused, naming the field.
    page.goto(live_server.url + "/log/")
    page.locator("#id_numbness_10").evaluate("radio => { radio.value = '11'; }")
    tap(page, "id_numbness_10")
    submit_and_wait(page, page.get_by_role("button", name="Update entry").click)
    assert "Numbness or tingling: Choose a score from 0 to 10." in page.get_by_role("alert").inner_text()
    assert stored_values(entry) == before
    assert SymptomEntry.objects.filter(patient=patient).count() == 1


def test_screenshot_of_log_page_at_390px(log_page, live_server):
    page = log_page
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/log/")
    screenshot = ARTIFACTS_DIR / "log-page-390.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.stat().st_size > 0

    submit_and_wait(page, page.get_by_role("button", name="Save entry").click)
    page.screenshot(path=str(ARTIFACTS_DIR / "log-page-390-errors.png"), full_page=True)
