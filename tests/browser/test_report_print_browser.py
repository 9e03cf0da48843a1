"""The appointment summary (`/report/`) of every demo patient, as a patient prints it for their oncologist:
one A4 page with 10 mm margins in Chromium's print, nothing cut at the right edge, and no sideways scrolling
on a 320 px phone. Screenshots of each go to test-artifacts/report/."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from symptoms.demo import DEMO_PATIENTS, seed_demo_clinic
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"
MARGIN = "10mm"
# A4's printable width inside 10 mm margins, in CSS pixels (96 per inch): 190 mm.
PRINT_WIDTH_PX = round(190 / 25.4 * 96)

# What sticks out of the page: elements wider than the page's content box, by tag and class.
OVERFLOW = """(width) => [...document.querySelectorAll('.report *')]
  .filter(el => { const box = el.getBoundingClientRect(); return box.width && box.right > width + 1; })
  .map(el => el.tagName.toLowerCase() + '.' + (el.getAttribute('class') || '') + ' ' +
       Math.round(el.getBoundingClientRect().right) + 'px').slice(0, 6)"""


def page_count(pdf: bytes) -> int:
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


@pytest.mark.parametrize("person", DEMO_PATIENTS, ids=lambda person: person.username)
def test_every_demo_report_prints_on_one_a4_page_and_fits_a_phone(page, live_server, person):
    seed_demo_clinic()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, person, person.password)

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(live_server.url + "/report/")
    expect(page.locator("[data-trend-chart]").first).to_have_attribute("data-chart-drawn", "true")
    scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll <= client, f"{person.username}'s report scrolls sideways at 320 px: " + \
        "; ".join(page.evaluate(OVERFLOW, client))
    page.screenshot(path=ARTIFACTS / f"{person.username}-320.png", full_page=True)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=ARTIFACTS / f"{person.username}-1280.png", full_page=True)
    # As Chromium does when someone prints: print media, the page's width on paper, then beforeprint (the
    # page fits its chart to the paper then).
    page.emulate_media(media="print")
    page.set_viewport_size({"width": PRINT_WIDTH_PX, "height": 1047})
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.wait_for_function("() => { const svg = document.querySelector('.trend-chart .main-svg');"
                           f" return svg && svg.getBoundingClientRect().right <= {PRINT_WIDTH_PX} + 1; }}")
    cut = page.evaluate(OVERFLOW, PRINT_WIDTH_PX)
    assert cut == [], f"{person.username}'s printed report loses its right edge: {cut}"
    page.screenshot(path=ARTIFACTS / f"{person.username}-print.png", full_page=True)
    pdf = page.pdf(format="A4", margin={"top": MARGIN, "right": MARGIN, "bottom": MARGIN, "left": MARGIN})
    (ARTIFACTS / f"{person.username}.pdf").write_bytes(pdf)
    assert page_count(pdf) == 1, f"{person.username}'s report prints on {page_count(pdf)} A4 pages"
