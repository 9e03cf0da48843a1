"""What each page costs a phone on its first visit: the bytes a cold load transfers, in production mode.

    .venv/bin/python bench/page_weight.py [--keep]

The app is served as in production: DEBUG off, `collectstatic` with WhiteNoise's compressed manifest
storage (hashed names, .gz and .br copies), `gunicorn --workers 2 --threads 4 -k gthread`, on a temporary
SQLite database that `migrate` and `seed_demo --allow-without-debug` fill with the demo clinic. Debian's
Chromium (through Playwright) signs in through the real form as a demo patient and a demo clinician, then
opens each page in a fresh browser context that carries only the session cookie: no cache, so every
script, stylesheet, image and font the page uses is fetched, with `Accept-Encoding: gzip, br`. It sums
the bytes each response put on the wire for its body (compressed where the server compressed it), as
Chromium counts them, and prints per page: requests, bytes transferred, the target (every page <= 400 KB,
`/log/` <= 60 KB), OK or OVER. It also checks that every static file is served under a hashed name with a
far-future `Cache-Control` (max-age of a year or more, immutable) and compressed when it is text.
Exits with status 1 when a target is missed or a static file is not served so. Takes about a minute.
"""

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from playwright.sync_api import sync_playwright
from serving import free_port, stop_group, wait_until_serving

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = PROJECT_DIR / ".venv" / "bin"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
GUNICORN = ("--workers", "2", "--threads", "4", "-k", "gthread")
KB = 1024
PAGE_TARGET = 400 * KB
TARGETS = {"/log/": 60 * KB}
PATIENT, CLINICIAN, RECORD_OF = "margaret.hughes", "nurse.chen", "lin.meiling"  # symptoms/demo.py
PASSWORDS = {PATIENT: "demo-patient", CLINICIAN: "demo-clinician"}
YEAR = 365 * 24 * 60 * 60
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def fail(message: str) -> NoReturn:
    sys.exit(f"page_weight: {message}")


@dataclass
class Load:
    page: str
    who: str
    requests: int = 0
    transferred: int = 0
    uncompressed: int = 0
    static_problems: list[str] = field(default_factory=list)

    @property
    def target(self) -> int:
        return TARGETS.get(self.page, PAGE_TARGET)


# --- The production server -----------------------------------------------------------------

def app_env(work: Path, database: Path) -> dict[str, str]:
    """The app's own settings, but static files collected into the temporary folder (the checkout's
    staticfiles/ is left to `make run` and the tests, which may collect at the same time)."""
    (work / "page_weight_settings.py").write_text(
        "from cipn_tracker.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(work / 'static')!r}\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "page_weight_settings", "PYTHONPATH": f"{work}{os.pathsep}{PROJECT_DIR}",
        "DJANGO_SECRET_KEY": "bench-page-weight",
        "DJANGO_DEBUG": "false", "DATABASE_URL": f"sqlite:///{database}", "CACHE_URL": "db://cipn_cache",
        # Nothing here needs a worker: a task published while signing in is dropped, not sent.
        "CELERY_BROKER_URL": "memory://", "STAFF_TWO_FACTOR": "optional",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1",
    })
    return env


def manage(env: dict[str, str], *arguments: str) -> None:
    result = subprocess.run([str(VENV_BIN / "python"), "manage.py", *arguments], cwd=PROJECT_DIR,
                            env={**env, "CIPN_MANAGEMENT_COMMAND": "1"}, capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"manage.py {' '.join(arguments)} failed (exit {result.returncode}):\n"
             f"{result.stderr[-3000:]}{result.stdout[-2000:]}")


def start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        server = subprocess.Popen([str(VENV_BIN / "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{port}",
                                   "cipn_tracker.wsgi:application"], cwd=PROJECT_DIR, env=env, stdout=output,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_serving("gunicorn", server, port, log)
    except SystemExit:
        stop_group(server)
        raise
    return server


def demo_ids(database: Path) -> tuple[int, str]:
    """The clinician's patient whose record is weighed, and an English article's slug."""
    with sqlite3.connect(database) as conn:
        row = conn.execute("SELECT id FROM accounts_user WHERE username = ?", (RECORD_OF,)).fetchone()
        article = conn.execute("SELECT slug FROM education_article WHERE language = 'en' AND published "
                               "ORDER BY category, \"order\", title LIMIT 1").fetchone()
    if row is None or article is None:
        fail(f"the demo data has no {RECORD_OF} or no published English article")
    return row[0], article[0]


# --- Weighing, in Chromium -----------------------------------------------------------------

def signed_in_state(browser, base_url: str, username: str) -> dict:
    context = browser.new_context(viewport=PHONE, base_url=base_url)
    tab = context.new_page()
    answer = tab.goto("/")
    if not tab.get_by_label("Username").count():
        fail(f"the sign-in page has no Username field (status {answer and answer.status}):\n{tab.content()[:3000]}")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Password").fill(PASSWORDS[username])
    with tab.expect_navigation():
        tab.get_by_label("Password").press("Enter")
    if tab.locator(".error-summary").count() or tab.url.rstrip("/") == base_url:
        fail(f"signing in as {username} did not work (now at {tab.url})")
    state = context.storage_state()
    context.close()
    return state


def weigh(browser, base_url: str, path: str, who: str, state: dict | None) -> Load:
    """One cold load: a context with no cache, only the session cookie; every response's body as transferred."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, storage_state=state,
                                  extra_http_headers={"Accept-Encoding": "gzip, br"})
    tab = context.new_page()
    finished: list = []
    tab.on("requestfinished", lambda request: finished.append(request))
    answer = tab.goto(path, wait_until="networkidle")
    if answer is None or answer.status != 200 or answer.url != base_url + path:
        fail(f"{path} as {who}: expected a 200 at {path}, got {answer and answer.status} at {answer and answer.url}")
    load = Load(path, who)
    for request in finished:
        response = request.response()
        sizes = request.sizes()
        load.requests += 1
        load.transferred += sizes["responseBodySize"]
        load.uncompressed += len(response.body()) if response.status == 200 else 0
        if "/static/" in request.url:
            load.static_problems += static_problems(request.url, response.headers, sizes["responseBodySize"])
    context.close()
    return load


def static_problems(url: str, headers: dict[str, str], size: int) -> list[str]:
    name = url.rsplit("/", 1)[-1]
    problems = []
    cache_control = headers.get("cache-control", "")
    max_age = re.search(r"max-age=(\d+)", cache_control)
    if not HASHED_NAME.search(name):
        problems.append(f"{name}: not a hashed name")
    if not max_age or int(max_age[1]) < YEAR or "immutable" not in cache_control:
        problems.append(f"{name}: Cache-Control {cache_control!r}")
    if headers.get("content-type", "").startswith(TEXT_TYPES) and size > KB and not headers.get("content-encoding"):
        problems.append(f"{name}: {size:,} bytes sent uncompressed")
    return problems


def pages(record_id: int, article: str) -> list[tuple[str, str | None]]:
    patient = ["/log/", "/history/", "/report/", "/settings/", "/learn/", f"/learn/{article}/"]
    clinician = ["/clinician/", f"/clinician/patients/{record_id}/"]
    return [("/", None)] + [(path, PATIENT) for path in patient] + [(path, CLINICIAN) for path in clinician]


def print_table(loads: list[Load]) -> None:
    print(f"\n{'page':<34} {'as':<16} {'requests':>8} {'transferred':>12} {'(decoded)':>11} {'target':>8}")
    for load in loads:
        verdict = "OK" if load.transferred <= load.target else "OVER"
        print(f"{load.page:<34} {load.who:<16} {load.requests:>8} {load.transferred / KB:>9.1f} KB "
              f"{load.uncompressed / KB:>8.1f} KB {load.target / KB:>5.0f} KB  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, server log)")
    arguments = parser.parse_args()
    if not CHROMIUM.exists():
        fail(f"needs Debian's Chromium at {CHROMIUM} (make system-packages)")
    work = Path(tempfile.mkdtemp(prefix="bench-page-weight-"))
    database, log = work / "demo.sqlite3", work / "gunicorn.log"
    env = app_env(work, database)
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    manage(env, "seed_demo", "--allow-without-debug")
    record_id, article = demo_ids(database)
    print(f"set-up:      migrate, collectstatic, seed_demo into {work} in {time.perf_counter() - started:.1f} s")
    port = free_port()
    server = start_gunicorn(env, port, log)
    previous_handler = signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    base_url = f"http://127.0.0.1:{port}"
    try:
        print(f"server:      gunicorn {' '.join(GUNICORN)} on :{port}, DEBUG off; Chromium {CHROMIUM}", flush=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            states = {who: signed_in_state(browser, base_url, who) for who in (PATIENT, CLINICIAN)}
            loads = [weigh(browser, base_url, path, who or "(signed out)", states.get(who))
                     for path, who in pages(record_id, article)]
            browser.close()
    finally:
        stop_group(server)
        signal.signal(signal.SIGTERM, previous_handler)
        if not arguments.keep:
            shutil.rmtree(work, ignore_errors=True)
    print_table(loads)
    problems = sorted({problem for load in loads for problem in load.static_problems})
    verdict = "every one hashed, Cache-Control max-age >= 1 year and immutable, text compressed"
    print(f"\nstatic files: {verdict if not problems else 'PROBLEMS'}")
    for problem in problems:
        print(f"  {problem}")
    over = [load.page for load in loads if load.transferred > load.target]
    if over or problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
