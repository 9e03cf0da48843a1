"""Every page a patient, a clinician, an admin and a signed-out visitor reach, in English and Traditional
Chinese, on a 320 px phone: no sideways scrolling, and no serious or critical axe-core violations (WCAG
2.2's target size included, as on the admin's pages). And the chart pages load plotly.js's small basic
bundle, never the full one, while /log/ loads none.

One browser context per role and language, signed in once; each test visits all that role's pages and
reports every page that fails, by path and language, before it fails.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import CareTeamMember
from education.models import Article
from education.shipped import load_shipped_articles
from symptoms import evaluation
from symptoms.models import SymptomEntry
from tests.browser.conftest import CEILING_MS, sign_in
from tests.browser.test_admin_articles_browser import AXE_OPTIONS, SERIOUS
from tests.factories import AdminFactory, ClinicianFactory, PatientFactory, weekly_course_getting_worse

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 800}
LANGUAGES = ["en", "zh-hant"]
BROWSER_LOCALES = {"en": "en-GB", "zh-hant": "zh-TW"}  # Accept-Language, for the signed-out pages
ARTICLE = "keeping-warm"  # shipped in both languages
CHART_PAGES = ("/history/", "/report/", "/clinician/patients/{patient}/", "/clinician/quality/")


def role_pages(role: str) -> list[str]:
    common = ["/learn/", f"/learn/{ARTICLE}/", "/settings/", "/password-change/"]
    return {
        "visitor": ["/", "/password-reset/", "/password-reset/sent/"],
        "patient": ["/log/", "/log/{yesterday}/", "/history/", "/report/", *common, "/two-factor/"],
        "clinician": ["/clinician/", "/clinician/?status=refer", "/clinician/patients/{patient}/",
                      "/clinician/patients/{patient}/?entries=all", "/clinician/patients/{patient}/?period=all",
                      "/clinician/patients/{patient}/log/", "/clinician/patients/{patient}/log/{yesterday}/",
                      "/clinician/quality/", "/clinician/quality/?weeks=52", *common],
        "admin": ["/admin/", "/admin/education/article/", "/admin/education/article/{article}/change/",
                  "/clinician/quality/", *common],
    }[role]


@pytest.fixture
def clinic_pages(transactional_db):
    """A patient on weekly paclitaxel getting worse (a review before the next dose, a fall, a grade that
    disagrees) with seven weeks of diary, their clinician, an admin and the shipped articles."""
    load_shipped_articles(Article)  # the live server's database starts empty

    def people(language: str) -> dict:
        clinician = ClinicianFactory(first_name="Grace", last_name="Chen", language=language)
        patient = PatientFactory(first_name="Ada", last_name="Dosed", language=language)
        CareTeamMember.objects.create(patient=patient, clinician=clinician)
        weekly_course_getting_worse(patient, clinician)
        today = patient.local_today()
        SymptomEntry.objects.bulk_create([
            SymptomEntry(patient=patient, date=today - timedelta(days=ago), numbness=1 + ago % 3, pain=ago % 2,
                         hands=True, feet=ago % 4 == 0) for ago in range(14, 50)])
        evaluation.evaluate_patients([patient.pk])
        return {"patient": patient, "clinician": clinician, "admin": AdminFactory(language=language),
                "visitor": None}
    return people


def fill(path: str, patient, article_pk: int) -> str:
    yesterday = (patient.local_today() - timedelta(days=1)).isoformat()
    return path.format(patient=patient.pk, yesterday=yesterday, article=article_pk)


def wait_until_drawn(page) -> None:
    for chart in page.locator("[data-trend-chart]").all():
        expect(chart).to_have_attribute("data-chart-drawn", "true")


def problems_on(page, path: str, language: str) -> list[str]:
    """Sideways scrolling and serious or critical axe-core violations, each with the elements concerned."""
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    found = [f"{path} [{language}]: scrolls sideways ({widths[0]} px wide in {widths[1]} px)"
             ] if widths[0] > widths[1] else []
    for violation in Axe().run(page, options=AXE_OPTIONS).response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:6])
            more = f" and {len(violation['nodes']) - 6} more" if len(violation["nodes"]) > 6 else ""
            found.append(f"{path} [{language}]: {violation['id']} ({violation['impact']}) on {targets}{more}")
    return found


def open_as(browser, live_server, user, language: str):
    # A signed-in person's pages follow their own language; the browser's decides only the signed-out ones
    # (sign_in finds the English form's labels).
    locale = BROWSER_LOCALES[language if user is None else "en"]
    context = browser.new_context(viewport=NARROW, base_url=live_server.url, locale=locale)
    context.set_default_timeout(CEILING_MS)
    page = context.new_page()
    if user is not None:
        sign_in(page, live_server, user)
    return context, page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["visitor", "patient", "clinician", "admin"])
def test_every_page_fits_320_px_and_passes_axe(browser, live_server, clinic_pages, role, language):
    people = clinic_pages(language)
    article = Article.objects.filter(slug=ARTICLE, language=language).get()
    context, page = open_as(browser, live_server, people[role], language)
    problems: list[str] = []
    try:
        for template in role_pages(role):
            path = fill(template, people["patient"], article.pk)
            answer = page.goto(live_server.url + path)
            if answer is None or answer.status != 200:
                problems.append(f"{path} [{language}]: answered {answer and answer.status}")
                continue
            assert page.locator("html").get_attribute("lang") == language, f"{path} is not in {language}"
            wait_until_drawn(page)
            problems += problems_on(page, path, language)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", ["patient", "clinician"])
def test_chart_pages_load_the_basic_plotly_bundle_and_the_diary_none(browser, live_server, clinic_pages, role):
    people = clinic_pages("en")
    context, page = open_as(browser, live_server, people[role], "en")
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    try:
        paths = [fill(p, people["patient"], 0) for p in CHART_PAGES if p.startswith("/clinician/") == (
            role == "clinician")]
        for path in paths:
            scripts.clear()
            page.goto(live_server.url + path)
            wait_until_drawn(page)
            sources = page.eval_on_selector_all("script[src]", "scripts => scripts.map(s => s.src)")
            assert any("plotly-basic" in src for src in sources), f"{path} has no plotly-basic script: {sources}"
            assert not any("plotly.min.js" in url for url in sources + scripts), f"{path} loads the full plotly.js"
        if role == "patient":
            scripts.clear()
            page.goto(live_server.url + "/log/")
            sources = page.eval_on_selector_all("script[src]", "scripts => scripts.map(s => s.src)")
            assert not any("plotly" in url for url in sources + scripts), f"/log/ loads plotly.js: {sources}"
    finally:
        context.close()


KB = 1024
WEIGHT_TARGETS = {"/log/": 60 * KB}  # and every other page 400 KB, as bench/page_weight.py measures them
PAGE_TARGET = 400 * KB
LOADED = """() => [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
  .map(entry => [new URL(entry.name).pathname, entry.encodedBodySize])"""


def on_the_wire(path: str, size: int) -> int:
    """A static file as production sends it to a browser that accepts Brotli: the .br copy collectstatic
    wrote beside it (the test server itself sends files uncompressed); anything else as it came."""
    if path.startswith(settings.STATIC_URL):
        compressed = Path(settings.STATIC_ROOT) / (path.removeprefix(settings.STATIC_URL) + ".br")
        if compressed.exists():
            return compressed.stat().st_size
    return size


def test_a_cold_load_of_each_patient_page_stays_under_its_weight_target(browser, live_server, clinic_pages):
    """The bytes a cold load of each page fetches (its static files counted as WhiteNoise's Brotli copies):
    the chart pages under 400 KB, the diary under 60 KB. bench/page_weight.py measures the real server."""
    people = clinic_pages("en")
    context, page = open_as(browser, live_server, people["patient"], "en")
    weights = {}
    try:
        for path in ("/log/", "/history/", "/report/", "/learn/", "/settings/"):
            fresh = browser.new_context(viewport=NARROW, base_url=live_server.url)  # no cache
            fresh.add_cookies(context.cookies())
            tab = fresh.new_page()
            tab.goto(live_server.url + path)
            wait_until_drawn(tab)
            weights[path] = sum(on_the_wire(url, size) for url, size in tab.evaluate(LOADED))
            fresh.close()
    finally:
        context.close()
    over = {path: f"{weight / KB:.0f} KB" for path, weight in weights.items()
            if weight > WEIGHT_TARGETS.get(path, PAGE_TARGET)}
    assert over == {}, f"over the target: {over} (all: {weights})"
    assert weights["/history/"] > 100 * KB, "the chart's script must be counted"
