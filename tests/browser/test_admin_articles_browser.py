"""The admin's article pages in Chromium: the list and the change page pass axe-core (no serious or critical
violations, touch-target size included) in English and Traditional Chinese, and the live preview follows
the editor's typing, rendered by the server's sanitiser in the site's own styles, within the CSP."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from education.models import Article
from education.shipped import load_shipped_articles
from tests.browser.conftest import ARTIFACTS_DIR, sign_in, tab_to
from tests.factories import AdminFactory

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}
# axe-core leaves WCAG 2.2's target size off by default; the clinic's pages are held to it.
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
CHANGELIST = "/admin/education/article/"
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}
SITE_BACKGROUND = "rgb(247, 248, 250)"  # app.css --bg: the frame is styled by the site, not the admin


def serious_violations(page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
            for v in results.response["violations"] if v["impact"] in SERIOUS]


@pytest.fixture
def articles(transactional_db):
    load_shipped_articles(Article)  # the live server's database starts empty
    return Article.objects.order_by("category", "order", "title", "language")


def csp_reports(page) -> list[str]:
    reports: list[str] = []
    page.on("console", lambda message: reports.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text else None)
    return reports


def preview_frame(page):
    return page.frame_locator("iframe.article-preview-frame")


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_article_list_and_change_page_pass_axe(page, live_server, articles, language):
    sign_in(page, live_server, AdminFactory(language=language))
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + CHANGELIST)
    assert page.locator("html").get_attribute("lang") == language
    assert serious_violations(page) == []
    page.screenshot(path=str(ARTIFACTS_DIR / f"admin-articles-list-{language}-1280.png"), full_page=True)

    page.goto(live_server.url + f"{CHANGELIST}{articles.first().pk}/change/")
    expect(page.locator(".article-preview")).to_have_attribute("data-preview-state", "updated")
    assert serious_violations(page) == []
    page.goto(live_server.url + f"{CHANGELIST}add/")
    assert serious_violations(page) == []


def test_typing_markdown_updates_the_preview_in_the_sites_styles(page, live_server, articles):
    reports = csp_reports(page)
    sign_in(page, live_server, AdminFactory())
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + f"{CHANGELIST}add/")
    region = page.get_by_role("region", name="live preview")
    expect(region).to_be_visible()
    expect(region).to_have_attribute("data-preview-state", "updated")

    page.get_by_label("Title").fill("Gloves that help")
    tab_to(page, "#id_body")
    page.keyboard.type("## Why gloves\n\nCold *hurts*. <script>window.parent.previewRan = true</script>\n\n"
                      "<img src=x onerror=\"window.parent.previewRan = true\">")
    frame = preview_frame(page)
    expect(frame.locator(".article-body h2")).to_have_text("Why gloves")
    expect(frame.locator(".article-body em")).to_have_text("hurts")
    expect(frame.locator("h1")).to_have_text("Gloves that help")
    expect(page.get_by_role("status").filter(has_text="Preview updated.")).to_be_attached()
    assert frame.locator("script, img, [onerror]").count() == 0, "raw HTML is removed, as on /learn/"
    assert page.evaluate("window.previewRan") is None
    assert frame.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == SITE_BACKGROUND
    assert reports == [], "the preview keeps within the Content-Security-Policy"
    page.screenshot(path=str(ARTIFACTS_DIR / "admin-articles-add-preview-1280.png"), full_page=True)

    page.get_by_label("Body (Markdown)").fill("## Changed my mind")
    expect(frame.locator(".article-body h2")).to_have_text("Changed my mind")


def test_the_change_page_previews_the_saved_text_and_works_at_320_px(page, live_server, articles):
    reports = csp_reports(page)
    article = articles.filter(slug="keeping-warm", language="en").get()
    sign_in(page, live_server, AdminFactory())
    page.set_viewport_size(NARROW)
    page.goto(live_server.url + f"{CHANGELIST}{article.pk}/change/")
    frame = preview_frame(page)
    expect(frame.locator("h1")).to_have_text(article.title)
    expect(frame.locator(".article-body h2").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], "no sideways scrolling"
    assert serious_violations(page) == []
    assert reports == []
    page.screenshot(path=str(ARTIFACTS_DIR / "admin-articles-change-preview-320.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS_DIR / "admin-articles-change-preview-1280.png"), full_page=True)
    page.goto(live_server.url + CHANGELIST)
    page.set_viewport_size(NARROW)
    page.screenshot(path=str(ARTIFACTS_DIR / "admin-articles-list-en-320.png"), full_page=True)
