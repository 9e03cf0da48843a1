"""The chart pages under the production Content-Security-Policy, in Chromium: the chart draws, the
browser reports no policy violation, and no control on the page can reach another origin."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_trend_browser import DESKTOP, console_errors, wait_for_chart, ward  # noqa: F401

pytestmark = pytest.mark.browser


def record_violations(page) -> list[dict]:
    """Every securitypolicyviolation event the page raises (the browser's own report of a blocked thing)."""
    page.add_init_script("""
        window.__cspViolations = [];
        document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
            {directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample}));
    """)
    return []


def violations(page) -> list[dict]:
    return page.evaluate("() => window.__cspViolations")


def destinations(page) -> set[str]:
    """The origins every link, form, frame, script, style sheet and image on the page points at."""
    urls = page.evaluate("""() => [
        ...[...document.querySelectorAll('a[href]')].map(a => a.href),
        ...[...document.querySelectorAll('form')].map(f => f.action),
        ...[...document.querySelectorAll('[src]')].map(e => e.src),
        ...[...document.querySelectorAll('link[href]')].map(l => l.href),
    ]""")
    return {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in urls
            if urlsplit(url).scheme in ("http", "https")}


@pytest.mark.parametrize("who,path", [("referred", "/history/"), ("referred", "/report/"),
                                      ("clinician", "/clinician/patients/{referred}/")])
def test_chart_pages_draw_under_the_policy_and_nothing_leaves_the_site(page, live_server, ward, who, path):  # noqa: F811
    errors = console_errors(page)
    record_violations(page)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server, ward[who])
    response = page.goto(live_server.url + path.format(referred=ward["referred"].pk))
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    wait_for_chart(page)
    assert violations(page) == [] and errors == []
    assert destinations(page) == {live_server.url}
    # No plotly toolbar at all, so nothing on it ("Share chart" uploads the figure to Plotly Cloud) can be offered.
    assert page.locator(".modebar, .modebar-btn").count() == 0
    assert page.get_by_text("Share chart").count() == 0


def test_the_api_docs_work_under_the_policy(page, live_server, ward):  # noqa: F811
    errors = console_errors(page)
    record_violations(page)
    sign_in(page, live_server, ward["referred"])
    page.goto(live_server.url + "/api/v1/docs/")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert violations(page) == [] and errors == []
    assert destinations(page) <= {live_server.url}
