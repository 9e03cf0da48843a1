"""The diary's PUT under load through gunicorn, against a bare Django project doing the least the same request needs.

    .venv/bin/python bench/load.py [--app-dir PATH] [--seconds 20] [--rounds 3] [--get-seconds 10] [--sql]
                                   [--gunicorn-extra="--reuse-port ..."]

Needs PostgreSQL at 127.0.0.1:5432 (user postgres), Redis at 127.0.0.1:6379 and wrk (`make system-packages`).
The app runs from --app-dir (default: this repository; an older checkout works too, with its own .venv) in
its own database, postgres://postgres@127.0.0.1:5432/cipn_bench_load, with Redis db 5 for its cache and
Celery broker; the baseline (bench/baseline/) in cipn_bench_load_baseline. Both are created if missing, and
refused if they hold users other than this benchmark's `load-…` ones, because each run empties them.

Set-up (about 15 s): `manage.py migrate` and bench/load_app_setup.py, both run by the checkout's own Python in
its directory, so the data is made through its own models: 200 UTC patients with 60 days of entries (a third
at numbness 7 all along, so referral paths run) and a knox token each, a clinician with 50 patients and one
with 2,000 (a few entries each), a patient with 60 days and one with 1,000, everyone evaluated once. The
baseline gets the same 200 patients' worth of tokens and entries in tables of its own (raw SQL).

Both are served by exactly the same command, `gunicorn --workers 2 --threads 4 -k gthread --bind …` (plus
--gunicorn-extra and a pid-only access log), and the app has a Celery worker (--concurrency 1) consuming
what it publishes. Then --rounds rounds of app, baseline at concurrency 8 and 32 (`wrk -t2 --latency`, a
random patient and one of their last seven days per request; any non-2xx, or socket errors beyond a few
timeouts, stop the run; after each run the server is given as long as the slowest answer took, so what
wrk left in flight does not slow the next one). It prints each run, the medians, app/baseline ratios,
the targets (at 8: req/s >= 0.4x baseline, p99 <= 3x baseline's), how the app's PUTs were spread over
its gunicorn workers, the SQL statements of one replacing and one creating PUT (--sql: the statements),
and GET /clinician/ (50 and 2,000 patients), a patient's page and /history/ (60 and 1,000 days) at
concurrency 8 with gzip: req/s, p50, p99, response size. Everything it started is stopped at the end, on
error and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha512
from pathlib import Path
from typing import NoReturn

import psycopg2
import redis
from assess_all import connect_kwargs, ensure_database, machine_load, positive
from serving import free_port, signal_group, tail, wait_until_serving

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
BASELINE_DIR = BENCH_DIR / "baseline"
APP_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cipn_bench_load"
BASELINE_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cipn_bench_load_baseline"
REDIS_URL = "redis://127.0.0.1:6379/5"
PREFIX = "load-"  # every user in both databases; load_app_setup.PREFIX
PUT_PATIENTS = 200
DAYS = 60
CONCURRENCIES = (8, 32)
TARGET_CONCURRENCY = 8
TARGET_THROUGHPUT = 0.4  # app req/s >= 0.4 x baseline's
TARGET_P99 = 3.0  # app p99 <= 3 x baseline's
TIMEOUTS_TOLERATED = 5
GET_TIMEOUT = 30  # seconds: a slow page is measured, not failed (wrk's default gives up after 2 s)
GUNICORN = ("--workers", "2", "--threads", "4", "-k", "gthread")
BASELINE_TABLES = ("baseline_entry", "baseline_token", "baseline_user")
FLAGS = ("dropped_objects", "balance_problems", "fine_motor_difficulty", "sleep_disturbed", "fell",
         "cold_sensitivity")


def fail(message: str) -> NoReturn:
    sys.exit(f"load: {message}")


# --- Processes: each in a group of its own, all stopped at the end ------------

class Processes:
    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
        with log.open("ab") as output:
            process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        self.running.append((name, process))
        return process

    def stop_all(self) -> None:
        for _name, process in self.running:
            signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _name, process in self.running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                signal_group(process, signal.SIGKILL)
                process.wait()
        for _name, process in self.running:  # the group's other members (gunicorn's workers) too
            signal_group(process, signal.SIGKILL)
        self.running.clear()


# --- The app's side ---------------------------------------------------------------

def app_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "cipn_tracker.settings", "DJANGO_SECRET_KEY": "bench", "DJANGO_DEBUG": "false",
        "DATABASE_URL": APP_DATABASE_URL, "CACHE_URL": REDIS_URL, "CELERY_BROKER_URL": REDIS_URL,
        "STAFF_TWO_FACTOR": "optional", "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Their defaults already: plain http is served as it is (no redirect to https, no HSTS).
        "DJANGO_SECURE_SSL_REDIRECT": "false", "DJANGO_HSTS_SECONDS": "0", "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


def venv_binary(app_dir: Path, name: str) -> str:
    path = app_dir / ".venv" / "bin" / name
    if not path.exists():
        fail(f"{path} is missing (link the repository's venv: ln -s {PROJECT_DIR / '.venv'} {app_dir / '.venv'})")
    return str(path)


def run_in_app(app_dir: Path, arguments: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run([venv_binary(app_dir, "python"), *arguments], cwd=app_dir, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        fail(f"{what} failed (exit {result.returncode}):\n{result.stderr[-3000:]}{result.stdout[-2000:]}")
    return result.stdout


def refuse_foreign_users(url: str, table: str) -> None:
    """Each run empties the users table: never where anyone but this benchmark's people are."""
    conn = psycopg2.connect(**connect_kwargs(url))
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", (table,))
            if cursor.fetchone()[0] is None:
                return
            cursor.execute(f"SELECT count(*) FROM {table} WHERE username NOT LIKE %s", (f"{PREFIX}%",))
            others = cursor.fetchone()[0]
    finally:
        conn.close()
    if others:
        fail(f"{url} holds {others} users who are not this benchmark's ({PREFIX}…); it is not touched.")


def set_up_app(app_dir: Path) -> dict:
    started = time.perf_counter()
    run_in_app(app_dir, ["manage.py", "migrate", "--verbosity", "0"], app_env(), "manage.py migrate")
    # DEBUG off serves static files through the manifest: pages cannot render without it (STATIC_ROOT, ignored by git).
    run_in_app(app_dir, ["manage.py", "collectstatic", "--noinput", "--verbosity", "0"], app_env(),
               "manage.py collectstatic")
    redis.Redis.from_url(REDIS_URL).flushdb()  # the cache's counters and any queued tasks of earlier runs
    output = run_in_app(app_dir, [str(BENCH_DIR / "load_app_setup.py"), "setup"], app_env(), "load_app_setup.py")
    data = json.loads(output.strip().splitlines()[-1])
    print(f"app data:    {data['patients']:,} patients, {data['entries']:,} entries, {len(data['tokens'])} tokens; "
          f"migrate, collectstatic, set-up {time.perf_counter() - started:.1f} s", flush=True)
    return data


# --- The baseline's side ------------------------------------------------------------

def refuse_foreign_baseline() -> None:
    """The baseline's tables are dropped and made again: never in a database holding anything else."""
    ensure_database(BASELINE_DATABASE_URL)
    conn = psycopg2.connect(**connect_kwargs(BASELINE_DATABASE_URL))
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            foreign = sorted({name for (name,) in cursor.fetchall()} - set(BASELINE_TABLES))
    finally:
        conn.close()
    if foreign:
        fail(f"{BASELINE_DATABASE_URL} holds tables that are not the baseline's ({', '.join(foreign)}).")
    refuse_foreign_users(BASELINE_DATABASE_URL, "baseline_user")


def set_up_baseline(days: list[str]) -> list[str]:
    conn = psycopg2.connect(**connect_kwargs(BASELINE_DATABASE_URL))
    tokens = [secrets.token_hex(32) for _ in range(PUT_PATIENTS)]  # as knox makes them: 64 hex characters
    flags = ", ".join(f"{flag} boolean NOT NULL" for flag in FLAGS)
    with conn, conn.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {', '.join(BASELINE_TABLES)}")
        cursor.execute("CREATE TABLE baseline_user (id bigserial PRIMARY KEY, username varchar(150) NOT NULL UNIQUE)")
        cursor.execute("CREATE TABLE baseline_token (digest varchar(128) PRIMARY KEY, token_key varchar(25) NOT NULL,"
                       " user_id bigint NOT NULL REFERENCES baseline_user (id) ON DELETE CASCADE,"
                       " created timestamptz NOT NULL, expiry timestamptz)")
        cursor.execute("CREATE INDEX ON baseline_token (token_key)")
        cursor.execute("CREATE INDEX ON baseline_token (user_id)")
        cursor.execute(
            "CREATE TABLE baseline_entry (id bigserial PRIMARY KEY,"
            " patient_id bigint NOT NULL REFERENCES baseline_user (id) ON DELETE CASCADE, date date NOT NULL,"
            " numbness smallint NOT NULL CHECK (numbness BETWEEN 0 AND 10),"
            " pain smallint NOT NULL CHECK (pain BETWEEN 0 AND 10), hands boolean NOT NULL, feet boolean NOT NULL,"
            f" {flags}, notes text NOT NULL CHECK (length(notes) <= 2000),"
            " created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,"
            " UNIQUE (patient_id, date), CHECK ((numbness = 0 AND pain = 0) OR hands OR feet))")
        cursor.execute("CREATE INDEX ON baseline_entry (patient_id)")
        cursor.execute("INSERT INTO baseline_user (username) SELECT %s || lpad(n::text, 4, '0') "
                       "FROM generate_series(0, %s) n", (f"{PREFIX}put-", PUT_PATIENTS - 1))
        cursor.execute("SELECT id FROM baseline_user ORDER BY id")
        user_ids = [row[0] for row in cursor.fetchall()]
        expiry = datetime.now(UTC) + timedelta(days=30)
        cursor.executemany("INSERT INTO baseline_token VALUES (%s, %s, %s, now(), %s)",
                           [(sha512(token.encode()).hexdigest(), token[:15], user_id, expiry)
                            for token, user_id in zip(tokens, user_ids, strict=True)])
        cursor.execute(
            f"INSERT INTO baseline_entry (patient_id, date, numbness, pain, hands, feet, {', '.join(FLAGS)}, notes,"
            f" created_at, updated_at) SELECT u.id, %s::date - back, 7, back %% 4, true, true,"
            f" {', '.join(['false'] * len(FLAGS))}, '', now(), now()"
            f" FROM baseline_user u, generate_series(0, %s) back", (days[0], DAYS - 1))
    conn.close()
    print(f"baseline:    {PUT_PATIENTS} patients x {DAYS} days, {PUT_PATIENTS} tokens in tables of its own", flush=True)
    return tokens


# --- wrk --------------------------------------------------------------------------------

@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    timeouts: int


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(port: int, connections: int, seconds: int, script_args: list[str], label: str, timeout: int = 2) -> Run:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout}s", "--latency",
               "-s", str(BENCH_DIR / "load.lua"),
               f"http://127.0.0.1:{port}/", "--", *script_args]
    result = subprocess.run(command, capture_output=True, text=True)
    text = result.stdout
    if result.returncode != 0 or "Requests/sec" not in text:
        fail(f"wrk failed for {label} (exit {result.returncode}):\n{text}{result.stderr}")
    latency = {match[1]: float(match[2]) * UNITS[match[3]]
               for match in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.MULTILINE)}
    bad = re.search(r"non-2xx: (\d+) \(first (\d+)\)", text)
    if bad is None or int(bad[1]):
        fail(f"{label}: {bad[1] if bad else '?'} responses were not 2xx (the first: {bad[2] if bad else '?'}):\n{text}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    connect, read, write, timeouts = (int(value) for value in errors.groups()) if errors else (0, 0, 0, 0)
    if connect or read or write or timeouts > TIMEOUTS_TOLERATED:
        fail(f"{label}: socket errors (connect {connect}, read {read}, write {write}, timeout {timeouts}):\n{text}")
    requests = int(re.search(r"(\d+) requests in", text)[1])
    slowest = re.search(r"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)\s", text, re.MULTILINE)
    # wrk leaves requests in flight when it stops: let the server finish them before the next run is timed.
    time.sleep(min(float(slowest[1]) * UNITS[slowest[2]] / 1000 if slowest else timeout, timeout))
    return Run(float(re.search(r"Requests/sec:\s+([\d.]+)", text)[1]), latency["50"], latency["99"], requests,
               timeouts)


def describe(run: Run) -> str:
    timeouts = f" ({run.timeouts} timeouts)" if run.timeouts else ""
    return f"{run.requests_per_second:8.0f} req/s  p50 {run.p50_ms:7.1f} ms  p99 {run.p99_ms:7.1f} ms{timeouts}"


def median_run(runs: list[Run]) -> Run:
    return Run(statistics.median(r.requests_per_second for r in runs), statistics.median(r.p50_ms for r in runs),
               statistics.median(r.p99_ms for r in runs), sum(r.requests for r in runs), sum(r.timeouts for r in runs))


# --- The run ------------------------------------------------------------------------------

def gunicorn_command(app_dir: Path, port: int, access_log: Path, extra: str, application: str) -> list[str]:
    return [venv_binary(app_dir, "gunicorn"), *GUNICORN, "--bind", f"127.0.0.1:{port}", *shlex.split(extra),
            "--access-logfile", str(access_log), "--access-logformat", "%(p)s", application]


def put_rounds(arguments: argparse.Namespace, ports: dict[str, int], token_files: dict[str, Path],
               days: list[str]) -> dict[tuple[str, int], list[Run]]:
    results: dict[tuple[str, int], list[Run]] = {}
    print(f"\nPUT /api/v1/entries/<day>/, {arguments.seconds} s each, wrk -t2 (app, baseline alternating)")
    for round_number in range(1, arguments.rounds + 1):
        for connections in CONCURRENCIES:
            for target in ("app", "baseline"):
                run = wrk(ports[target], connections, arguments.seconds,
                          ["put", str(token_files[target]), ",".join(days)], f"PUT {target} c{connections}")
                results.setdefault((target, connections), []).append(run)
                print(f"  round {round_number}  c{connections:<3} {target:<9}{describe(run)}", flush=True)
    return results


def report_puts(results: dict[tuple[str, int], list[Run]]) -> None:
    print("\nmedians         app                                       baseline"
          "                                  app/baseline")
    for connections in CONCURRENCIES:
        app, base = median_run(results[("app", connections)]), median_run(results[("baseline", connections)])
        print(f"  c{connections:<3} {describe(app)} | {describe(base)} | req/s "
              f"{app.requests_per_second / base.requests_per_second:.2f}x  p50 {app.p50_ms / base.p50_ms:.2f}x  "
              f"p99 {app.p99_ms / base.p99_ms:.2f}x")
    app = median_run(results[("app", TARGET_CONCURRENCY)])
    base = median_run(results[("baseline", TARGET_CONCURRENCY)])
    throughput, p99 = app.requests_per_second / base.requests_per_second, app.p99_ms / base.p99_ms
    print(f"targets at c{TARGET_CONCURRENCY}: req/s {throughput:.2f}x baseline (>= {TARGET_THROUGHPUT}x: "
          f"{'met' if throughput >= TARGET_THROUGHPUT else 'missed'}); p99 {p99:.2f}x baseline's "
          f"(<= {TARGET_P99}x: {'met' if p99 <= TARGET_P99 else 'missed'})")


def report_balance(access_log: Path) -> None:
    counts = Counter(line.strip().strip("<>") for line in access_log.read_text().splitlines() if line.strip())
    total = sum(counts.values())
    spread = ", ".join(f"pid {pid}: {count:,} ({count / total:.0%})" for pid, count in sorted(counts.items()))
    print(f"\ngunicorn workers, app PUTs: {total:,} requests; {spread}")


def report_statements(app_dir: Path, token: str, show: bool) -> None:
    env = app_env({"DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"})
    output = run_in_app(app_dir, [str(BENCH_DIR / "load_app_setup.py"), "sql", token], env, "the SQL count")
    statements = json.loads(output.strip().splitlines()[-1])
    print(f"\nSQL per PUT (test client, token auth): replace {len(statements['replace'])} statements, "
          f"create {len(statements['create'])}")
    if show:
        for label, listed in statements.items():
            print(f"  {label}:")
            for number, statement in enumerate(listed, 1):
                print(f"    {number:2}. {statement}")


def fetch_size(url: str, cookie: str, log: Path) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return len(response.read()), response.headers.get("Content-Encoding") or "identity"
    except urllib.error.HTTPError as error:
        fail(f"GET {url} answered {error.code}, not 200; the app's log ends:\n{tail(log)}")


def get_pages(port: int, data: dict, seconds: int, log: Path) -> None:
    name = data["session_cookie_name"]
    pages = [("/clinician/, 50 patients", "/clinician/", "clinician-50"),
             ("/clinician/, 2,000 patients", "/clinician/", "clinician-2000"),
             ("patient page, 60 days", f"/clinician/patients/{data['short_id']}/", "clinician-50"),
             ("patient page, 1,000 days", f"/clinician/patients/{data['long_id']}/", "clinician-50"),
             ("/history/, 60 days", "/history/", "patient-60"),
             ("/history/, 1,000 days", "/history/", "patient-1000")]
    print(f"\nGET pages, wrk -t2 -c8 --timeout {GET_TIMEOUT}s, {seconds} s each, Accept-Encoding: gzip")
    p50: dict[str, float] = {}
    for label, path, who in pages:
        cookie = f"{name}={data['sessions'][who]}"
        size, encoding = fetch_size(f"http://127.0.0.1:{port}{path}", cookie, log)
        run = wrk(port, 8, seconds, ["get", path, cookie], f"GET {path} ({label})", timeout=GET_TIMEOUT)
        p50[label] = run.p50_ms
        print(f"  {label:<28}{describe(run)}  {size / 1024:6.1f} KiB {encoding}", flush=True)
    clinician = p50["/clinician/, 2,000 patients"] / p50["/clinician/, 50 patients"]
    record = p50["patient page, 1,000 days"] / p50["patient page, 60 days"]
    history = p50["/history/, 1,000 days"] / p50["/history/, 60 days"]
    print(f"p50 ratios: /clinician/ 2,000/50 patients {clinician:.2f}x; patient page 1,000/60 days {record:.2f}x; "
          f"/history/ 1,000/60 days {history:.2f}x")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app-dir", type=Path, default=PROJECT_DIR, help="the checkout to measure (this one)")
    parser.add_argument("--seconds", type=positive, default=20, help="each PUT run (20)")
    parser.add_argument("--rounds", type=positive, default=3, help="rounds of app, baseline (3)")
    parser.add_argument("--get-seconds", type=positive, default=10, help="each GET run (10)")
    parser.add_argument("--sql", action="store_true", help="also print the statements of each PUT")
    parser.add_argument("--gunicorn-extra", default="",
                        help='more gunicorn options for both servers, after an "=": --gunicorn-extra="--reuse-port"')
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    app_dir = arguments.app_dir.resolve()
    if not (app_dir / "manage.py").is_file() or not (app_dir / "cipn_tracker" / "settings.py").is_file():
        fail(f"{app_dir} is not a CIPN Tracker checkout (no manage.py and cipn_tracker/settings.py)")
    if shutil.which("wrk") is None:
        fail("wrk is not installed: `make system-packages` (or apt-get install wrk)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        fail(f"Redis does not answer at {REDIS_URL}: {error}")
    revision = subprocess.run(["git", "-C", str(app_dir), "log", "-1", "--format=%h %s"], capture_output=True,
                              text=True).stdout.strip()
    print(f"app:         {app_dir} ({revision[:100]})")
    # Both refusals before either database is emptied.
    ensure_database(APP_DATABASE_URL)
    refuse_foreign_users(APP_DATABASE_URL, "accounts_user")
    refuse_foreign_baseline()
    data = set_up_app(app_dir)
    baseline_tokens = set_up_baseline(data["days"])
    processes = Processes()
    previous_handler = signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        work = Path(folder)
        token_files = {"app": work / "app-tokens", "baseline": work / "baseline-tokens"}
        token_files["app"].write_text("\n".join(data["tokens"]) + "\n")
        token_files["baseline"].write_text("\n".join(baseline_tokens) + "\n")
        ports = {"app": free_port(), "baseline": free_port()}
        access = {"app": work / "app-access.log", "baseline": work / "baseline-access.log"}
        try:
            worker = processes.start("celery", [venv_binary(app_dir, "celery"), "-A", "cipn_tracker", "worker",
                                                "--concurrency", "1", "--loglevel=WARNING"],
                                     app_dir, app_env(), work / "celery.log")
            servers = {
                "app": processes.start("app gunicorn", gunicorn_command(
                    app_dir, ports["app"], access["app"], arguments.gunicorn_extra, "cipn_tracker.wsgi:application"),
                    app_dir, app_env(), work / "app-gunicorn.log"),
                "baseline": processes.start("baseline gunicorn", gunicorn_command(
                    app_dir, ports["baseline"], access["baseline"], arguments.gunicorn_extra,
                    "baseline.wsgi:application"), BASELINE_DIR,
                    {**app_env(), "DATABASE_URL": BASELINE_DATABASE_URL,
                     "DJANGO_SETTINGS_MODULE": "baseline.settings"}, work / "baseline-gunicorn.log"),
            }
            for target, process in servers.items():
                wait_until_serving(f"the {target}'s gunicorn", process, ports[target], work / f"{target}-gunicorn.log")
            for target in servers:
                access[target].write_text("")  # forget the start-up probes
            print(f"servers:     gunicorn {' '.join(GUNICORN)} {arguments.gunicorn_extra}".rstrip()
                  + f" (app :{ports['app']}, baseline :{ports['baseline']}); celery worker --concurrency 1")
            print(f"machine:     {machine_load()}", flush=True)
            results = put_rounds(arguments, ports, token_files, data["days"])
            report_puts(results)
            report_balance(access["app"])
            queued = redis.Redis.from_url(REDIS_URL).llen("celery")
            state = "running" if worker.poll() is None else f"stopped (exit {worker.returncode})"
            print(f"celery:      worker {state}; {queued} tasks still queued after the PUT runs")
            report_statements(app_dir, data["sql_token"], arguments.sql)
            get_pages(ports["app"], data, arguments.get_seconds, work / "app-gunicorn.log")
            errors = [line for line in (work / "app-gunicorn.log").read_text(errors="replace").splitlines()
                      if "Traceback" in line or "ERROR" in line]
            if errors:
                print(f"\napp log: {len(errors)} error lines, the first: {errors[0]}")
        finally:
            processes.stop_all()
            signal.signal(signal.SIGTERM, previous_handler)


if __name__ == "__main__":
    main()
