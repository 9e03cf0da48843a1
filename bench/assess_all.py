"""The daily re-evaluation of every patient, timed against the bare fetch of the same rows.

    .venv/bin/python bench/assess_all.py [--patients N] [--days D] [--regenerate] [--profile]

Runs on PostgreSQL only: DATABASE_URL when it points at PostgreSQL, otherwise
postgres://postgres@127.0.0.1:5432/cipn_bench (created if missing). The database must
hold nothing but benchmark patients, because each run deletes every status and alert.

It generates N patients x D days of entries once (bulk insert and COPY, a fixed seed,
about 15% of days missing, stable, rising, falling, hovering and lapsed patients) and
reuses them while N and D stay the same (--regenerate to start again). Then, three
rounds of: the bare fetch (one query, every row into Python); `evaluate_all_patients()`
after deleting all statuses and alerts (the full write); the same again right after
(the steady state); then both again with treatment courses for half the patients (added
for the timing and removed after it: weekly, two- and three-weekly courses over the
diary's last months, a dose planned in the next days for most, so cycles, the review
before a dose and its alerts are all worked out). It prints the medians and the ratio to
the bare fetch, without and with courses; the target is evaluation of everyone <= 3x the
bare fetch, with courses. --profile adds where the time goes.

Then the nightly run as workers do it (--workers 1,2 by default; 0 to skip): the same
chunks the nightly task hands out (`evaluation.BATCH_SIZE` patient ids each), taken by
1 and then 2 forked processes, each calling what the chunk task calls
(`evaluation.evaluate_patients(ids)`) on its own connection, alternating, after deleting
every status and alert. That is Celery's prefork pool without the broker hop (a few ms
per chunk of 500); tests/notifications/test_worker.py runs the real worker.
"""

from __future__ import annotations

import argparse
import cProfile
import multiprocessing
import os
import pstats
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import dj_database_url
import psycopg2
from psycopg2 import sql

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cipn_bench"
SEED = 20_251_121
TARGET_RATIO = 3.0
REPEATS = 3
# The chunk size `assessments.day_entries` asks Django's server-side cursor for.
FETCH_ITERSIZE = 20_000
USERNAME_PREFIX = "bench-patient-"
COPY_READ_SIZE = 1 << 16
MARKER_TABLE = "bench_dataset"
# UTC-10 to UTC+13: at 10:00 UTC on the last generated day it is that day in all of them.
TIME_ZONES = ("Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Taipei", "Australia/Sydney",
              "Pacific/Auckland", "Pacific/Honolulu", "Europe/Berlin", "UTC")
EVALUATION_HOUR_UTC = 10
# With courses: every other patient, on one of these (agent, cycle length in days).
TREATED_EVERY = 2
COURSE_PLANS = (("paclitaxel", 7), ("oxaliplatin", 14), ("docetaxel", 21))
NOTES = ("Worse after the last cycle.", "Cold weather today.", "Slept badly.", "Better after a walk.",
         "Hard to do up buttons.", "Feet burning at night.")


def fail(message: str) -> NoReturn:
    sys.exit(f"assess_all: {message}")


# --- The database -----------------------------------------------------------

def database_url(default: str = DEFAULT_DATABASE_URL) -> str:
    """DATABASE_URL when it names PostgreSQL, otherwise the benchmark's own local database."""
    url = os.environ.get("DATABASE_URL", "")
    if url and "postgresql" in dj_database_url.parse(url)["ENGINE"]:
        return url
    if url:
        print(f"DATABASE_URL is not PostgreSQL; using {default} instead.")
    return default


def connect_kwargs(url: str, dbname: str | None = None) -> dict:
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        fail(f"the benchmark needs PostgreSQL, not {config['ENGINE']}.")
    kwargs = {"dbname": dbname or config["NAME"], "user": config["USER"], "password": config["PASSWORD"],
              "host": config["HOST"], "port": config["PORT"], "connect_timeout": 5}
    return {key: value for key, value in kwargs.items() if value not in ("", None)}


def ensure_database(url: str) -> None:
    """Connect once, creating the database through the `postgres` database if it does not exist."""
    try:
        psycopg2.connect(**connect_kwargs(url)).close()
        return
    except psycopg2.OperationalError as error:
        if "does not exist" not in str(error):
            fail(f"cannot reach PostgreSQL at {url}: {str(error).strip()}")
    name = dj_database_url.parse(url)["NAME"]
    try:
        admin = psycopg2.connect(**connect_kwargs(url, dbname="postgres"))
    except psycopg2.OperationalError as error:
        fail(f"cannot reach PostgreSQL to create {name}: {str(error).strip()}")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    print(f"Created database {name}.")


def setup_django(url: str, extra_env: dict[str, str] | None = None,
                 own_prefixes: tuple[str, ...] = (USERNAME_PREFIX,)) -> None:
    os.environ.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "cipn_tracker.settings",
                       # DEBUG keeps a log of every query, which would be timed too.
                       "DJANGO_DEBUG": "false", **(extra_env or {})})
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    sys.path.insert(0, str(PROJECT_DIR))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.vendor != "postgresql":
        fail(f"the benchmark needs PostgreSQL, not {connection.vendor}.")
    refuse_foreign_users(own_prefixes)
    call_command("migrate", verbosity=0)


def refuse_foreign_users(own_prefixes: tuple[str, ...]) -> None:
    """Each run deletes statuses, alerts or notifications: never do that (nor migrate) where real people are."""
    from accounts.models import User

    table = User._meta.db_table
    if execute("SELECT to_regclass(%s)", (table,))[0][0] is None:
        return
    condition = " AND ".join(["username NOT LIKE %s"] * len(own_prefixes))
    others = execute(f"SELECT count(*) FROM {table} WHERE {condition}",
                     tuple(f"{prefix}%" for prefix in own_prefixes))[0][0]
    if others:
        fail(f"the database holds users who are not this benchmark's ({others}); point DATABASE_URL at a "
             f"dedicated database (or unset it to use the default).")


def execute(statement: str, params: tuple = ()) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


# --- The data set -----------------------------------------------------------

@dataclass(frozen=True)
class Dataset:
    patients: int
    days: int
    end_date: date
    entries: int

    @property
    def evaluation_time(self) -> datetime:
        return datetime.combine(self.end_date, datetime.min.time(), UTC) + timedelta(hours=EVALUATION_HOUR_UTC)


def ensure_marker_table(table: str, columns: str) -> None:
    """The one-row table saying which data set a benchmark's database holds; made before it is read or emptied."""
    execute(f"CREATE TABLE IF NOT EXISTS {table} (id int PRIMARY KEY CHECK (id = 1), {columns})")


def describe_database(url: str) -> None:
    from django.db import connection

    server = connection.cursor().connection.server_version
    print(f"database:    {url} (PostgreSQL {server // 10_000}.{server % 10_000})")


MARKER_COLUMNS = "patients int NOT NULL, days int NOT NULL, seed int NOT NULL, end_date date NOT NULL, " \
                 "entries bigint NOT NULL"


def stored_dataset(patients: int, days: int) -> Dataset | None:
    """The data set already in the database, if it is this size and still complete."""
    from accounts.models import User
    from symptoms.models import SymptomEntry

    ensure_marker_table(MARKER_TABLE, MARKER_COLUMNS)
    rows = execute(f"SELECT patients, days, end_date, entries FROM {MARKER_TABLE} WHERE seed = %s", (SEED,))
    if not rows or rows[0][:2] != (patients, days):
        return None
    dataset = Dataset(*rows[0])
    if (User.objects.filter(username__startswith=USERNAME_PREFIX).count() != patients
            or SymptomEntry.objects.count() != dataset.entries):
        return None
    return dataset


def generate_dataset(patients: int, days: int) -> Dataset:
    from symptoms.models import SymptomEntry

    remove_bench_patients()
    end_date = datetime.now(UTC).date()
    patient_ids = create_patients(patients)
    entries = copy_entries(SymptomEntry._meta.db_table, entry_lines(patient_ids, range(patients), days, end_date))
    analyze()
    execute(f"INSERT INTO {MARKER_TABLE} (id, patients, days, seed, end_date, entries) VALUES (1, %s, %s, %s, %s, %s)",
            (patients, days, SEED, end_date, entries))
    return Dataset(patients, days, end_date, entries)


def remove_bench_patients() -> None:
    from accounts.models import User
    from symptoms.models import Alert, PatientStatus, PatientThreshold, SymptomEntry

    # Only benchmark patients are in this database (refuse_foreign_users), so emptying is deleting theirs.
    ensure_marker_table(MARKER_TABLE, MARKER_COLUMNS)
    from treatment.models import Administration, ClinicianGrade, Course

    tables = [model._meta.db_table for model in (SymptomEntry, PatientStatus, Alert, PatientThreshold,
                                                 Administration, Course, ClinicianGrade)]
    execute(f"TRUNCATE {MARKER_TABLE}, {', '.join(tables)}")
    User.objects.filter(username__startswith=USERNAME_PREFIX).delete()


def create_patients(count: int) -> list[int]:
    """Patients in a mix of time zones, with unusable passwords; one in ten has their own threshold."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User
    from symptoms.models import PatientThreshold

    rng = random.Random(SEED)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{USERNAME_PREFIX}{index:06d}", role=Role.PATIENT, password=unusable,
              time_zone=TIME_ZONES[index % len(TIME_ZONES)]) for index in range(count)],
        batch_size=2_000,
    )
    PatientThreshold.objects.bulk_create(
        [PatientThreshold(patient_id=user.pk, threshold=rng.choice(("4.50", "5.00"))) for user in users
         if rng.random() < 0.1],
        batch_size=2_000,
    )
    return [user.pk for user in users]


@dataclass(frozen=True)
class Story:
    """How a patient's symptoms go: from `start` to `end` severity over `ramp` days from day `turn`."""

    start: float
    end: float
    turn: int
    ramp: int
    skip: float  # the chance a day is not logged
    stops_after: int  # the last day logged (lapsed patients stop before the end)

    def severity(self, day: int) -> float:
        progress = min(max((day - self.turn) / self.ramp, 0.0), 1.0)
        return self.start + (self.end - self.start) * progress


def draw_story(rng: random.Random, days: int) -> Story:
    """Stable low 35%, stable high 10%, rising 25%, falling 15%, hovering near 4 10%, lapsed 5%."""
    pick, skip = rng.random(), rng.uniform(0.05, 0.25)
    turn, ramp = rng.randrange(days), rng.randint(7, 90)
    if pick < 0.35:
        level = rng.uniform(0.3, 3.0)
        return Story(level, level, 0, 1, skip, days)
    if pick < 0.45:
        level = rng.uniform(4.6, 7.0)
        return Story(level, level, 0, 1, skip, days)
    if pick < 0.70:
        return Story(rng.uniform(0.5, 2.5), rng.uniform(4.5, 8.0), turn, ramp, skip, days)
    if pick < 0.85:
        return Story(rng.uniform(5.0, 8.0), rng.uniform(0.5, 3.0), turn, ramp, skip, days)
    if pick < 0.95:
        level = rng.uniform(3.5, 4.8)
        return Story(level, level, 0, 1, skip, days)
    level = rng.uniform(1.0, 5.0)
    return Story(level, level, 0, 1, skip, max(days - rng.randint(4, 30), 0))


def entry_lines(patient_ids: list[int], indexes: range, days: int, end_date: date) -> Iterator[str]:
    """COPY text lines for these patients, each from their own seeded generator."""
    first = end_date - timedelta(days=days - 1)
    day_texts = [(first + timedelta(days=offset)).isoformat() for offset in range(days)]
    for index in indexes:
        rng = random.Random(SEED * 1_000_003 + index)
        story = draw_story(rng, days)
        pain_offset = rng.uniform(0.0, 2.0)
        for day in range(story.stops_after):
            if rng.random() < story.skip:
                continue
            fields = day_fields(rng, story.severity(day), pain_offset)
            stamp = f"{day_texts[day]} 19:00:00+00"
            yield f"{patient_ids[index]}\t{day_texts[day]}\t{fields}\t{stamp}\t{stamp}\n"


def day_fields(rng: random.Random, severity: float, pain_offset: float) -> str:
    """numbness, pain, hands, feet, the six daily-life flags and notes of one day, tab-separated."""
    felt = severity + rng.gauss(0.0, 0.9)
    numbness = min(max(round(felt), 0), 10)
    pain = min(max(round(felt - pain_offset + rng.gauss(0.0, 0.7)), 0), 10)
    impact = max(felt - 3.0, 0.0) / 7.0
    symptomatic = numbness > 0 or pain > 0
    feet = symptomatic and rng.random() < 0.85
    hands = symptomatic and (rng.random() < 0.6 or not feet)
    flags = (hands, feet, rng.random() < 0.5 * impact, rng.random() < 0.4 * impact, rng.random() < 0.4 * impact,
             rng.random() < 0.1 + 0.5 * impact, rng.random() < 0.002 + 0.01 * impact, rng.random() < 0.3)
    note = rng.choice(NOTES) if rng.random() < 0.03 else ""
    return "\t".join((str(numbness), str(pain), *("t" if flag else "f" for flag in flags), note))


ENTRY_COPY_COLUMNS = ("patient_id", "date", "numbness", "pain", "hands", "feet", "dropped_objects",
                      "balance_problems", "fine_motor_difficulty", "sleep_disturbed", "fell", "cold_sensitivity",
                      "notes", "created_at", "updated_at")


class LinesFile:
    """A read-only file over generated lines: PostgreSQL loads them while Python is still generating more."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines, self.pending, self.count = lines, "", 0

    def read(self, size: int = -1) -> str:
        parts, length = [self.pending], len(self.pending)
        for line in self.lines:
            parts.append(line)
            length += len(line)
            self.count += 1
            if 0 <= size <= length:
                break
        text = "".join(parts)
        cut = len(text) if size < 0 else size
        self.pending = text[cut:]
        return text[:cut]


def copy_entries(table: str, lines: Iterator[str]) -> int:
    from django.db import connection, transaction

    source = LinesFile(lines)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(ENTRY_COPY_COLUMNS)}) FROM STDIN", source,
                                  size=COPY_READ_SIZE)
    return source.count


def analyze() -> None:
    """Fresh planner statistics and visibility map, as a database that has been running a while has."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


# --- The timings ------------------------------------------------------------

def bare_fetch_query(since: date | None = None) -> str:
    """Every entry (the target's comparison), or only those from `since` on (what the evaluation reads)."""
    from symptoms.assessments import ENTRY_COLUMNS
    from symptoms.models import SymptomEntry

    query = f"SELECT patient_id, {', '.join(ENTRY_COLUMNS)} FROM {SymptomEntry._meta.db_table}"
    return query if since is None else f"{query} WHERE date >= '{since.isoformat()}'"


def recent_since(dataset: Dataset) -> date:
    """The first day the evaluation reads: six weeks before the earliest local "today" (UTC-10 here)."""
    from symptoms.evaluation import RECENT_DAYS

    earliest_today = (dataset.evaluation_time - timedelta(hours=10)).date()
    return earliest_today - timedelta(days=RECENT_DAYS - 1)


def time_bare_fetch(conn, query: str) -> tuple[float, int]:
    """Every entry into a Python list through one named (server-side) cursor, as Django's iterator does."""
    started = time.perf_counter()
    with conn.cursor(name="bench_bare_fetch") as cursor:
        cursor.itersize = FETCH_ITERSIZE
        cursor.execute(query)
        rows = list(cursor)
    conn.rollback()
    return time.perf_counter() - started, len(rows)


def add_courses(end_date: date) -> tuple[int, int]:
    """Courses for every other patient: doses every cycle over the last 12 weeks or so, most with the next
    planned a few days after `end_date`; returns how many courses and administrations."""
    from accounts.models import User
    from treatment.models import Administration, Course

    rng = random.Random(SEED + 1)
    ids = list(User.objects.filter(username__startswith=USERNAME_PREFIX).order_by("pk").values_list("pk", flat=True))
    courses = [Course(patient_id=pk, agent=agent, cycle_length_days=length)
               for pk in ids[::TREATED_EVERY] for agent, length in [rng.choice(COURSE_PLANS)]]
    Course.objects.bulk_create(courses, batch_size=2_000)
    doses = []
    for course in courses:
        length = course.cycle_length_days
        next_dose = end_date + timedelta(days=rng.randint(1, length))
        first = next_dose - timedelta(days=length * rng.randint(2, max(2, 84 // length)))
        day = first
        while day <= next_dose:
            doses.append(Administration(course=course, date=day, dose_percent=rng.choice((100, 100, 100, 80))))
            day += timedelta(days=length)
    Administration.objects.bulk_create(doses, batch_size=5_000)
    execute(f"ANALYZE {Course._meta.db_table}, {Administration._meta.db_table}")  # as a running clinic's are
    return len(courses), len(doses)


def remove_courses() -> None:
    from symptoms.models import Alert
    from treatment.models import Administration, Course

    # DELETE, not TRUNCATE: TRUNCATE resets the planner's statistics, which a running clinic's tables never
    # have; the next round would be planned as if its tables were empty.
    for model in (Alert, Administration, Course):
        execute(f"DELETE FROM {model._meta.db_table}")


def clear_statuses_and_alerts() -> None:
    from symptoms.models import Alert, PatientStatus

    execute(f"DELETE FROM {Alert._meta.db_table}")
    execute(f"DELETE FROM {PatientStatus._meta.db_table}")


def time_evaluation(now: datetime) -> tuple[float, int]:
    from symptoms.evaluation import evaluate_all_patients

    started = time.perf_counter()
    changed = evaluate_all_patients(now=now)
    return time.perf_counter() - started, changed


_CHUNK_NOW: datetime | None = None


def _evaluate_chunk(patient_ids: list[int]) -> int:
    """What the chunk task `symptoms.evaluate_patients` does, in a forked worker process."""
    from symptoms import evaluation

    return evaluation.evaluate_patients(patient_ids, now=_CHUNK_NOW)


def time_worker_processes(now: datetime, processes: int) -> tuple[float, int]:
    """A full write of everyone by `processes` worker processes sharing the nightly run's chunks."""
    global _CHUNK_NOW
    from django.db import connections

    from symptoms import evaluation

    chunks = evaluation.chunks(evaluation.active_patient_ids())
    clear_statuses_and_alerts()
    _CHUNK_NOW = now
    connections.close_all()  # each forked process opens its own
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        started = time.perf_counter()
        changed = sum(pool.imap_unordered(_evaluate_chunk, chunks))
        elapsed = time.perf_counter() - started
    return elapsed, changed


def run_worker_timings(dataset: Dataset, counts: list[int]) -> dict[int, list[float]]:
    """Alternating rounds: each worker-process count once per round."""
    timings: dict[int, list[float]] = {count: [] for count in counts}
    for _round in range(REPEATS):
        for count in counts:
            elapsed, written = time_worker_processes(dataset.evaluation_time, count)
            if written != dataset.patients:
                fail(f"{count} worker process(es) wrote {written:,} statuses, expected {dataset.patients:,}.")
            timings[count].append(elapsed)
    return timings


def report_workers(timings: dict[int, list[float]], fetch: float) -> None:
    print("workers:     the nightly run's chunks shared by forked worker processes (full write each time)")
    for count, values in timings.items():
        print(f"  {count} process{'es' if count > 1 else '':<2} {runs(values)}; "
              f"/ bare fetch = {statistics.median(values) / fetch:.2f}")
    if 1 in timings and len(timings) > 1:
        one = statistics.median(timings[1])
        for count in sorted(timings)[1:]:
            print(f"  speed-up with {count} processes: {one / statistics.median(timings[count]):.2f}x "
                  f"on {os.cpu_count()} CPUs (PostgreSQL shares them)")


@dataclass
class Timings:
    fetches: list[float] = field(default_factory=list)
    recent_fetches: list[float] = field(default_factory=list)
    recent_rows: int = 0
    full_writes: list[float] = field(default_factory=list)
    steady: list[float] = field(default_factory=list)
    written: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    treated_writes: list[float] = field(default_factory=list)
    treated_steady: list[float] = field(default_factory=list)
    treatment: str = ""
    treated_outcome: str = ""
    untreated_outcome: str = ""


def run_timings(url: str, dataset: Dataset) -> Timings:
    """Alternating: the bare fetch; evaluation after deleting every status and alert; evaluation again."""
    conn = psycopg2.connect(**connect_kwargs(url))
    query, timings = bare_fetch_query(), Timings()
    try:
        for _round in range(REPEATS):
            elapsed, rows = time_bare_fetch(conn, query)
            if rows != dataset.entries:
                fail(f"the bare fetch returned {rows:,} rows, expected {dataset.entries:,}.")
            timings.fetches.append(elapsed)
            elapsed, timings.recent_rows = time_bare_fetch(conn, bare_fetch_query(recent_since(dataset)))
            timings.recent_fetches.append(elapsed)
            clear_statuses_and_alerts()
            elapsed, written = time_evaluation(dataset.evaluation_time)
            timings.full_writes.append(elapsed)
            timings.written.append(written)
            elapsed, changed = time_evaluation(dataset.evaluation_time)
            timings.steady.append(elapsed)
            timings.changed.append(changed)
            untreated_outcome = outcome_summary()
            courses, doses = add_courses(dataset.end_date)
            timings.treatment = f"{courses:,} courses, {doses:,} dose days"
            clear_statuses_and_alerts()
            elapsed, written = time_evaluation(dataset.evaluation_time)
            if written != dataset.patients:
                fail(f"with courses, {written:,} statuses were written, expected {dataset.patients:,}.")
            timings.treated_writes.append(elapsed)
            timings.treated_steady.append(time_evaluation(dataset.evaluation_time)[0])
            timings.treated_outcome = outcome_summary()
            remove_courses()
            clear_statuses_and_alerts()
        timings.untreated_outcome = untreated_outcome
    finally:
        conn.close()
    return timings


def machine_load() -> str:
    cpus, load = os.cpu_count() or 1, os.getloadavg()[0]
    busy = "; other processes are busy, expect noise" if load > 0.5 else ""
    return f"{cpus} CPUs, load average {load:.2f} before timing{busy}"


def runs(values: list[float]) -> str:
    return f"runs {' '.join(f'{value:.2f}' for value in values)} s -> median {statistics.median(values):.2f} s"


def outcome_summary() -> str:
    from symptoms.models import Alert, PatientStatus

    statuses = Counter(PatientStatus.objects.values_list("status", flat=True))
    alerts = Counter(Alert.objects.filter(resolved_at__isnull=True).values_list("kind", flat=True))
    status_text = ", ".join(f"{name} {count:,}" for name, count in statuses.most_common())
    alert_text = ", ".join(f"{kind} {count:,}" for kind, count in alerts.most_common())
    return f"statuses {status_text}; open alerts {sum(alerts.values()):,} ({alert_text})"


def report(dataset: Dataset, timings: Timings) -> None:
    rows = dataset.entries
    fetch, full_write = statistics.median(timings.fetches), statistics.median(timings.full_writes)
    steady = statistics.median(timings.steady)
    print(f"bare fetch:  one query, named server-side cursor (itersize {FETCH_ITERSIZE:,}), every row into a list")
    print(f"  {runs(timings.fetches)} ({rows / fetch:,.0f} rows/s)")
    print(f"evaluation:  evaluate_all_patients(now={dataset.evaluation_time:%Y-%m-%d %H:%M} UTC) after deleting "
          "every status and alert (full write)")
    print(f"  {runs(timings.full_writes)} ({rows / full_write:,.0f} rows/s, {dataset.patients / full_write:,.0f} "
          f"patients/s); statuses written {'/'.join(map(str, timings.written))}")
    print("steady:      evaluate_all_patients() again right after each full write (little changes)")
    print(f"  {runs(timings.steady)} ({rows / steady:,.0f} rows/s); statuses changed "
          f"{'/'.join(map(str, timings.changed))}")
    print(f"outcome:     {timings.untreated_outcome}")
    print(f"             evaluation (full write) / bare fetch = {full_write / fetch:.2f}; "
          f"steady state / bare fetch = {steady / fetch:.2f}")
    treated, treated_steady = statistics.median(timings.treated_writes), statistics.median(timings.treated_steady)
    print(f"treated:     the same with courses for every {TREATED_EVERY}nd patient ({timings.treatment}), "
          "in the same rounds")
    print(f"  full write {runs(timings.treated_writes)}; steady {runs(timings.treated_steady)}")
    print(f"outcome:     {timings.treated_outcome}")
    ratio = treated / fetch
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"ratio:       evaluation with courses (full write) / bare fetch = {ratio:.2f}: "
          f"{verdict} the target <= {TARGET_RATIO:.1f}")
    print(f"             with courses / without = {treated / full_write:.2f}; "
          f"steady state with courses / bare fetch = {treated_steady / fetch:.2f}")
    recent = statistics.median(timings.recent_fetches)
    print(f"recent:      the evaluation reads only the last six weeks ({timings.recent_rows:,} rows) plus the whole "
          "diary of patients whose streak reaches further back;")
    print(f"             a bare fetch of those six weeks: {runs(timings.recent_fetches)}; "
          f"evaluation (full write) / that fetch = {full_write / recent:.2f}")


# --- Where the time goes (--profile) ----------------------------------------

def time_phases(url: str, dataset: Dataset) -> None:
    """A bare fetch and a full-write evaluation, then its first two phases through the public functions.

    Read-only and without a profiler; measured back to back so that the rest (locks,
    storing statuses, alerts) can be told by subtraction.
    """
    from accounts.models import Role, User
    from symptoms.assessments import day_entries
    from symptoms.evaluation import BATCH_SIZE

    conn = psycopg2.connect(**connect_kwargs(url))
    fetch, _rows = time_bare_fetch(conn, bare_fetch_query())
    conn.close()
    clear_statuses_and_alerts()
    full_write, _written = time_evaluation(dataset.evaluation_time)
    ids = list(User.objects.filter(role=Role.PATIENT, is_active=True).order_by("pk").values_list("pk", flat=True))
    batches = [ids[start:start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    started = time.perf_counter()
    since = recent_since(dataset)
    diaries = {pk: entries for batch in batches for pk, entries in day_entries(batch, since).items()}
    fetched = time.perf_counter()
    assess_everyone(diaries, dataset.evaluation_time)
    assessed = time.perf_counter()
    print(f"\nWhere a full-write evaluation goes, without a profiler: bare fetch {fetch:.2f} s, "
          f"evaluation {full_write:.2f} s, ratio {full_write / fetch:.2f}")
    for label, spent in ((f"assessments.day_entries (six weeks), {len(batches)} batches", fetched - started),
                         ("rules.assess on six weeks, every patient", assessed - fetched),
                         ("the rest: whole diaries of long streaks, locks, statuses, alerts (by subtraction)",
                          full_write - (assessed - started))):
        print(f"  {label:<52}{spent:7.2f} s {spent / full_write:6.1%} {spent / fetch:5.2f}x bare fetch")


def assess_everyone(diaries: dict, now: datetime) -> None:
    from zoneinfo import ZoneInfo

    from accounts.models import Role, User
    from symptoms import rules
    from symptoms.assessments import policy_for
    from symptoms.models import ClinicPolicy, PatientThreshold

    clinic, own = ClinicPolicy.current(), dict(PatientThreshold.objects.values_list("patient_id", "threshold"))
    for pk, zone in User.objects.filter(role=Role.PATIENT, is_active=True).values_list("pk", "time_zone"):
        rules.assess(diaries.get(pk, []), now.astimezone(ZoneInfo(zone)).date(), policy_for(clinic, own.get(pk)))


PROFILED_PHASES = (("fetch entries + build DayEntry", "evaluation.py", "day_entries"),
                   ("rules.assess", "rules.py", "assess"),
                   ("store statuses", "evaluation.py", "_store_statuses"),
                   ("sync alerts", "evaluation.py", "_sync_alerts"))


def profile_evaluation(now: datetime) -> None:
    """One full-write evaluation under cProfile: the time of each phase, then the top 15 entries."""
    from symptoms.evaluation import evaluate_all_patients

    clear_statuses_and_alerts()
    profiler = cProfile.Profile()
    profiler.runcall(evaluate_all_patients, now=now)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    cumulative = {(Path(file).name, name): entry[3] for (file, _line, name), entry in stats.stats.items()}
    total = cumulative[("evaluation.py", "evaluate_all_patients")]
    print(f"\nOne full-write evaluation under cProfile ({total:.2f} s; the profiler slows pure Python most):")
    accounted = 0.0
    for label, file, name in PROFILED_PHASES:
        spent = cumulative.get((file, name), 0.0)
        accounted += spent
        print(f"  {label:<32}{spent:7.2f} s {spent / total:6.1%}")
    print(f"  {'other (locks, policy, batching)':<32}{total - accounted:7.2f} s {(total - accounted) / total:6.1%}")
    stats.sort_stats("cumulative").print_stats(15)


# --- The run ----------------------------------------------------------------

def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=positive, default=10_000, help="patients to generate (10,000)")
    parser.add_argument("--days", type=positive, default=180, help="days of entries per patient (180)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if it is there")
    parser.add_argument("--profile", action="store_true", help="also show where the evaluation's time goes")
    parser.add_argument("--workers", default="1,2",
                        help="worker-process counts to time the fanned-out run with (1,2; 0 to skip)")
    arguments = parser.parse_args()
    try:
        arguments.workers = [count for count in map(int, arguments.workers.split(",")) if count > 0]
    except ValueError:
        parser.error("--workers: a comma-separated list of whole numbers, such as 1,2")
    return arguments


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def prepare_dataset(arguments: argparse.Namespace) -> Dataset:
    started = time.perf_counter()
    dataset = None if arguments.regenerate else stored_dataset(arguments.patients, arguments.days)
    verb = "reused"
    if dataset is None:
        print(f"Generating {arguments.patients:,} patients x {arguments.days} days...", flush=True)
        dataset = generate_dataset(arguments.patients, arguments.days)
        verb = "generated"
    missing = 1 - dataset.entries / (dataset.patients * dataset.days)
    print(f"data:        {dataset.patients:,} patients x {dataset.days} days ending {dataset.end_date} = "
          f"{dataset.entries:,} entries (rows), {missing:.1%} of days missing; {verb} in "
          f"{time.perf_counter() - started:.1f} s")
    return dataset


def main() -> None:
    arguments = parse_arguments()
    url = database_url()
    ensure_database(url)
    setup_django(url)
    describe_database(url)
    dataset = prepare_dataset(arguments)
    print(f"machine:     {machine_load()}", flush=True)
    timings = run_timings(url, dataset)
    report(dataset, timings)
    if arguments.workers:
        report_workers(run_worker_timings(dataset, arguments.workers), statistics.median(timings.fetches))
    if arguments.profile:
        time_phases(url, dataset)
        profile_evaluation(dataset.evaluation_time)


if __name__ == "__main__":
    main()
