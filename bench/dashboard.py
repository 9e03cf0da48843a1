"""The clinician's triage dashboard, `/clinician/`, rendered for care teams of 50, 500 and 2,000 patients.

    .venv/bin/python bench/dashboard.py [--sizes 50,500,2000] [--renders N] [--regenerate] [--profile]

PostgreSQL as in assess_all.py, but in a database of its own: DATABASE_URL when it
points at PostgreSQL, otherwise postgres://postgres@127.0.0.1:5432/cipn_bench_dashboard
(created if missing). The database must hold nothing but this benchmark's people,
because generating the data set empties the user table (and everything that cascades
from it).

It generates one clinician per size with a care team of exactly that many patients
(nine time zones, 60 days of entries up to each patient's own today: stable, rising,
falling, hovering, lapsed, sparse and never-logged patients; COPY, assess_all.py's seeded
generator), then stores their statuses and alerts with `evaluate_patients()` (in-app
notices included), and reuses all that the same day (UTC) while the sizes stay the same.
Then, for each size: one warm-up and N timed GET /clinician/ through Django's test
Client after `force_login` (the whole middleware, view and template stack), each checked
to be a 200 showing the first page (50 rows, or the whole team when smaller) of the clinician's
patients, each once. It prints the
median and best wall time, the SQL queries per render (CaptureQueriesContext), the
response size and the time per patient row, the scaling from the smallest to the largest
care team, and fails (exit status 1) unless the query count is the same at every size.
--profile adds where the largest render's time goes.

Then the same for the quality-of-care page (`/clinician/quality/?weeks=4`) and API
(`/api/v1/quality/?weeks=12`) of the same clinicians: each checked to list every own patient once,
their times, queries (failing unless the same at every size) and sizes printed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

from assess_all import (
    TIME_ZONES,
    Story,
    analyze,
    copy_entries,
    day_fields,
    describe_database,
    draw_story,
    ensure_database,
    ensure_marker_table,
    execute,
    machine_load,
    positive,
)
from assess_all import database_url as shared_database_url
from assess_all import setup_django as shared_setup_django

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cipn_bench_dashboard"
SEED = 20_251_215
DAYS = 60
DEFAULT_SIZES = (50, 500, 2_000)
DEFAULT_RENDERS = 5
PATIENT_PREFIX = "dash-patient-"
CLINICIAN_PREFIX = "dash-clinician-"
MARKER_TABLE = "bench_dashboard_dataset"
NOTICES_SHOWN = 50  # symptoms.alerts.unread_alert_notices lists the newest 50 (notifications.services.unread_notices)
HOST = "localhost"  # in the default DJANGO_ALLOWED_HOSTS (the test Client's "testserver" is not)
FIRST_NAMES = ("Olivia", "James", "Amelia", "Noah", "Isla", "Oliver", "Ava", "Jack", "Mia", "Leo", "Grace", "Arthur",
               "Chloé", "Mateo", "Zoë", "Anaïs", "Siobhán", "Tomás", "Aroha", "Nikau", "Kai", "Leilani", "Hemi")
LAST_NAMES = ("Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Evans", "Thomas", "Müller", "Schmidt",
              "O'Brien", "García", "Nguyen", "Wilson", "Walker", "Ngata", "Kealoha", "Papadopoulos", "Kowalski")
# One patient in six has a Traditional Chinese name (and reads the app in Chinese).
CHINESE_NAMES = (("怡君", "陳"), ("志明", "林"), ("淑芬", "黃"), ("家豪", "張"), ("雅婷", "李"), ("冠宇", "王"))
ROW_LINK = re.compile(r'<th scope="row"><a href="/clinician/patients/(\d+)/">')


def fail(message: str) -> NoReturn:
    sys.exit(f"dashboard: {message}")


# --- PostgreSQL ---------------------------------------------------------------

def database_url() -> str:
    return shared_database_url(DEFAULT_DATABASE_URL)


def setup_django(url: str) -> None:
    # The benchmark's clinicians have no authenticator; `required` would send every page to enrolment.
    shared_setup_django(url, extra_env={"STAFF_TWO_FACTOR": "optional"},
                        own_prefixes=(PATIENT_PREFIX, CLINICIAN_PREFIX))


# --- The data set -------------------------------------------------------------

@dataclass(frozen=True)
class Dataset:
    sizes: tuple[int, ...]
    generated_at: datetime
    entries: int

    @property
    def patients(self) -> int:
        return sum(self.sizes)


def sizes_text(sizes: tuple[int, ...]) -> str:
    return ",".join(map(str, sizes))


def create_marker_table() -> None:
    ensure_marker_table(MARKER_TABLE, "sizes text NOT NULL, seed int NOT NULL, generated_at timestamptz NOT NULL, "
                                      "entries bigint NOT NULL")


def stored_dataset(sizes: tuple[int, ...]) -> Dataset | None:
    """The data set already in the database, if it has these sizes, is from today (UTC) and still complete."""
    from accounts.models import CareTeamMember, Role, User
    from symptoms.models import PatientStatus, SymptomEntry

    create_marker_table()
    rows = execute(f"SELECT sizes, generated_at, entries FROM {MARKER_TABLE} WHERE seed = %s", (SEED,))
    if not rows or rows[0][0] != sizes_text(sizes):
        return None
    dataset = Dataset(sizes, rows[0][1], rows[0][2])
    if dataset.generated_at.astimezone(UTC).date() != datetime.now(UTC).date():
        return None  # entries end on each patient's today: yesterday's data set would show everyone a day late
    people = Counter(User.objects.values_list("role", flat=True))
    if (people != {Role.PATIENT: dataset.patients, Role.CLINICIAN: len(sizes)}
            or CareTeamMember.objects.count() != dataset.patients
            or PatientStatus.objects.count() != dataset.patients
            or SymptomEntry.objects.count() != dataset.entries):
        return None
    return dataset


def generate_dataset(sizes: tuple[int, ...]) -> Dataset:
    """A clinician per size with that many patients, their entries, then statuses, alerts and notices."""
    from django.contrib.sessions.models import Session

    from accounts.models import User
    from symptoms.models import SymptomEntry

    # Only this benchmark's people are in the database (refuse_foreign_users): emptying is deleting theirs.
    create_marker_table()
    execute(f"TRUNCATE {MARKER_TABLE}, {Session._meta.db_table}, {User._meta.db_table} CASCADE")
    now = datetime.now(UTC)
    clinician_ids = create_clinicians(len(sizes))
    patients = create_patients(sum(sizes))
    create_care_teams([pk for pk, _zone in patients], clinician_ids, sizes)
    entries = copy_entries(SymptomEntry._meta.db_table, entry_lines(patients, now))
    store_statuses_and_alerts([pk for pk, _zone in patients], now)
    execute(f"INSERT INTO {MARKER_TABLE} (id, sizes, seed, generated_at, entries) VALUES (1, %s, %s, %s, %s)",
            (sizes_text(sizes), SEED, now, entries))
    analyze()
    return Dataset(sizes, now, entries)


def create_clinicians(count: int) -> list[int]:
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User

    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{CLINICIAN_PREFIX}{index:02d}", role=Role.CLINICIAN, password=unusable, first_name="Dr",
              last_name=f"Clinician {index:02d}", time_zone="Europe/London", language="en")
         for index in range(count)])
    return [user.pk for user in users]


def create_patients(count: int) -> list[tuple[int, str]]:
    """Patients with names (one in six Chinese), in nine zones; unusable passwords. Returns (id, zone) pairs."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User

    rng, unusable, users = random.Random(SEED), make_password(None), []
    for index in range(count):
        if index % 6 == 5:
            (first, last), language = rng.choice(CHINESE_NAMES), "zh-hant"
        else:
            first, last, language = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), "en"
        users.append(User(username=f"{PATIENT_PREFIX}{index:06d}", role=Role.PATIENT, password=unusable,
                          first_name=first, last_name=last, language=language,
                          time_zone=TIME_ZONES[index % len(TIME_ZONES)]))
    users = User.objects.bulk_create(users, batch_size=2_000)
    return [(user.pk, user.time_zone) for user in users]


def create_care_teams(patient_ids: list[int], clinician_ids: list[int], sizes: tuple[int, ...]) -> None:
    """Clinician k looks after the next sizes[k] patients, and only them."""
    from accounts.models import CareTeamMember

    members, start = [], 0
    for clinician_id, size in zip(clinician_ids, sizes, strict=True):
        members += [CareTeamMember(patient_id=pk, clinician_id=clinician_id) for pk in patient_ids[start:start + size]]
        start += size
    CareTeamMember.objects.bulk_create(members, batch_size=5_000)


def dashboard_story(rng: random.Random) -> Story | None:
    """assess_all's stories (stable, rising, falling, hovering, lapsed), plus patients who have never logged
    (3%) and sparse loggers (7%: 1 to 3 of the last 7 days, so not enough entries for an average)."""
    pick = rng.random()
    if pick < 0.03:
        return None
    if pick < 0.10:
        level = rng.uniform(1.0, 6.0)
        return Story(level, level, 0, 1, rng.uniform(0.6, 0.85), DAYS)
    return draw_story(rng, DAYS)


def entry_lines(patients: list[tuple[int, str]], now: datetime) -> Iterator[str]:
    """COPY text lines: each patient's diary ends on their own today (their zone), each from a seeded generator."""
    for index, (pk, zone) in enumerate(patients):
        rng = random.Random(SEED * 1_000_003 + index)
        story = dashboard_story(rng)
        if story is None:
            continue
        last = now.astimezone(ZoneInfo(zone)).date()
        first = last - timedelta(days=DAYS - 1)
        pain_offset = rng.uniform(0.0, 2.0)
        for day in range(story.stops_after):
            if rng.random() < story.skip:
                continue
            text = (first + timedelta(days=day)).isoformat()
            stamp = f"{text} 19:00:00+00"
            yield f"{pk}\t{text}\t{day_fields(rng, story.severity(day), pain_offset)}\t{stamp}\t{stamp}\n"


def store_statuses_and_alerts(patient_ids: list[int], now: datetime) -> None:
    """`evaluate_patients()` as the app runs it (its own batches of 500): statuses, alerts, in-app notices.

    Nobody has an email address, so nothing is queued; `dispatch` is stubbed all the same,
    so that a change elsewhere can never make the benchmark publish to a broker.
    """
    from notifications import services
    from symptoms.evaluation import evaluate_patients

    publish = services.dispatch
    services.dispatch = lambda notification_ids: False
    try:
        evaluate_patients(patient_ids, now=now)
    finally:
        services.dispatch = publish


def prepare_dataset(sizes: tuple[int, ...], regenerate: bool) -> Dataset:
    started = time.perf_counter()
    dataset = None if regenerate else stored_dataset(sizes)
    verb = "reused"
    if dataset is None:
        print(f"Generating {sum(sizes):,} patients x {DAYS} days...", flush=True)
        dataset = generate_dataset(sizes)
        verb = "generated"
    print(f"data:        {dataset.patients:,} patients ({len(TIME_ZONES)} zones) x {DAYS} days up to each one's "
          f"today = {dataset.entries:,} entries; {len(sizes)} clinicians with "
          f"{', '.join(f'{size:,}' for size in sizes)} patients; {verb} in {time.perf_counter() - started:.1f} s")
    return dataset


@dataclass(frozen=True)
class CareTeam:
    size: int
    clinician: object  # accounts.models.User
    patient_ids: frozenset[int]
    mix: str


def care_teams(sizes: tuple[int, ...]) -> list[CareTeam]:
    """Each clinician, their patients, and what the dashboard should show (flagging a status kind it lacks)."""
    from accounts.models import CareTeamMember, User
    from notifications.models import Channel, Notification
    from symptoms.models import Alert, PatientStatus, Status

    teams = []
    clinicians = User.objects.filter(username__startswith=CLINICIAN_PREFIX).order_by("username")
    for size, clinician in zip(sizes, clinicians, strict=True):
        ids = frozenset(CareTeamMember.objects.filter(clinician=clinician).values_list("patient_id", flat=True))
        if len(ids) != size:
            fail(f"{clinician.username} has {len(ids):,} patients, expected {size:,}; run with --regenerate.")
        statuses = PatientStatus.objects.filter(patient_id__in=ids)
        counts = Counter(statuses.values_list("status", flat=True))
        urgent = statuses.exclude(urgent=[]).count()
        alerts = Alert.objects.filter(patient_id__in=ids, resolved_at__isnull=True).count()
        notices = Notification.objects.filter(recipient=clinician, channel=Channel.IN_APP,
                                              read_at__isnull=True).count()
        missing = [status.value for status in Status if not counts[status]]
        missing += [name for name, count in (("urgent signals", urgent), ("open alerts", alerts)) if not count]
        mix = (f"{', '.join(f'{status.value} {counts[status]:,}' for status in Status)}; urgent {urgent:,}; "
               f"open alerts {alerts:,}; unread notices {notices:,} (the page lists {min(notices, NOTICES_SHOWN)})")
        if missing:
            mix += f" (NOT COVERED: {', '.join(missing)}; a larger care team covers more)"
        teams.append(CareTeam(size, clinician, ids, mix))
    return teams


# --- The timed renders ----------------------------------------------------------

@dataclass
class Renders:
    team: CareTeam
    times: list[float]
    queries: list[int]
    sql_times: list[float]
    size_bytes: int


def dashboard_client(clinician):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(clinician)
    return client


def render_once(client, team: CareTeam, url: str = "/clinician/", check=None) -> tuple[float, int, float, int]:
    """One GET of `url` (the dashboard unless told): wall time, queries, their SQL time, response bytes.
    Checked after the clock stops."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    (check or check_response)(response, team)
    sql_time = sum(float(query["time"]) for query in captured.captured_queries)
    return elapsed, len(captured.captured_queries), sql_time, len(response.content)


def check_response(response, team: CareTeam) -> None:
    """The first page: the care team's most urgent patients, each once, nobody else's."""
    from symptoms.triage import PAGE_SIZE

    if response.status_code != 200:
        fail(f"GET /clinician/ for {team.size:,} patients answered {response.status_code}, not 200.")
    shown = [int(pk) for pk in ROW_LINK.findall(response.content.decode())]
    expected = min(team.size, PAGE_SIZE)
    if len(shown) != expected or len(set(shown)) != expected or not set(shown) <= team.patient_ids:
        fail(f"GET /clinician/ for {team.size:,} patients showed {len(shown):,} rows "
             f"({len(set(shown) & team.patient_ids):,} of the clinician's patients, "
             f"{len(set(shown) - team.patient_ids):,} others); expected {expected:,} of them, each once.")


def time_renders(team: CareTeam, renders: int, url: str = "/clinician/", check=None) -> Renders:
    client = dashboard_client(team.clinician)
    try:
        render_once(client, team, url, check)  # warm-up: connection, templates, translations, URL resolver
        results = [render_once(client, team, url, check) for _render in range(renders)]
    finally:
        client.logout()
    # The size can only change if a patient's day turns during the run ("today" becomes "1 day ago").
    size_bytes = int(statistics.median(result[3] for result in results))
    return Renders(team, [r[0] for r in results], [r[1] for r in results], [r[2] for r in results], size_bytes)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def report(all_renders: list[Renders], renders: int) -> None:
    print(f"renders:     GET /clinician/ via django.test.Client after force_login (all middleware, the view, "
          f"templates), DEBUG off; 1 warm-up + {renders} timed per size")
    for result in all_renders:
        median, size = statistics.median(result.times), result.team.size
        print(f"  {size:>6,} patients: runs {' '.join(ms(t) for t in result.times)} ms -> median {ms(median)} ms, "
              f"best {ms(min(result.times))} ms")
        sql_ms = statistics.median(result.sql_times) * 1000  # Django records each query's time to the ms
        print(f"          {result.queries[0]} queries/render (SQL ~{sql_ms:.0f} ms); {result.size_bytes / 1024:,.1f} "
              f"KiB; {median / size * 1e6:,.0f} us per patient row")
        print(f"          {result.team.mix}")
    small, large = all_renders[0], all_renders[-1]
    small_median, large_median = statistics.median(small.times), statistics.median(large.times)
    print(f"scaling:     {large.team.size:,} vs {small.team.size:,} patients ({large.team.size / small.team.size:.0f}x "
          f"the rows): median render {large_median / small_median:.1f}x ({ms(large_median)} / {ms(small_median)} ms); "
          f"each extra row costs {(large_median - small_median) / (large.team.size - small.team.size) * 1e6:,.0f} us")
    counts = {result.team.size: set(result.queries) for result in all_renders}
    if any(len(values) != 1 for values in counts.values()) or len(set().union(*counts.values())) != 1:
        text = "; ".join(f"{size:,} patients: {'/'.join(map(str, sorted(values)))}" for size, values in counts.items())
        fail(f"the query count is NOT the same at every size ({text}): the dashboard has a per-row query.")
    print(f"queries:     {large.queries[0]} per render at every size ({', '.join(f'{size:,}' for size in counts)} "
          "patients): the same, as triage.py promises")


# --- Quality of care (issue 17): the page and the API, the same care teams -------------------------

QUALITY_PAGES = ("/clinician/quality/?weeks=4", "/api/v1/quality/?weeks=12")
QUALITY_ROW = re.compile(r'<th scope="row"><a href="/clinician/patients/(\d+)/">')


def check_quality(response, team: CareTeam) -> None:
    """A 200 listing each of the clinician's patients once (the page's table, or the API's rows)."""
    if response.status_code != 200:
        fail(f"{response.request['PATH_INFO']} for {team.size:,} patients answered {response.status_code}.")
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        shown = [row["id"] for row in body["patients_completion"]]
        if body["completion_rate"] is None or not 0 <= body["completion_rate"] <= 1:
            fail(f"the API gave a completion rate of {body['completion_rate']} for {team.size:,} patients")
    else:
        shown = [int(pk) for pk in QUALITY_ROW.findall(response.content.decode())]
    if sorted(shown) != sorted(team.patient_ids):
        fail(f"the quality figures for {team.size:,} patients listed {len(shown):,} rows, not each patient once")


def report_quality(url: str, all_renders: list[Renders]) -> None:
    print(f"quality:     GET {url}, same clinicians, 1 warm-up + {len(all_renders[0].times)} timed per size")
    for result in all_renders:
        print(f"  {result.team.size:>6,} patients: median {ms(statistics.median(result.times))} ms, best "
              f"{ms(min(result.times))} ms, {result.queries[0]} queries, {result.size_bytes / 1024:,.1f} KiB")
    small, large = all_renders[0], all_renders[-1]
    print(f"  scaling: {large.team.size / small.team.size:.0f}x the patients -> "
          f"{statistics.median(large.times) / statistics.median(small.times):.1f}x the time")
    counts = {result.team.size: set(result.queries) for result in all_renders}
    if len(set().union(*counts.values())) != 1:
        fail(f"GET {url}: the query count is NOT the same at every size ({counts})")
    print(f"  queries: {large.queries[0]} at every size, as quality.py promises")


# --- Where the time goes (--profile) ----------------------------------------------

PROFILED_PHASES = (("triage.triage_rows", "triage.py", "triage_rows"),
                   ("triage.status_counts", "triage.py", "status_counts"),
                   ("alerts.unread_alert_notices", "alerts.py", "unread_alert_notices"),
                   ("render (template)", "shortcuts.py", "render"))


def profile_render(team: CareTeam, renders: int, full_median: float) -> None:
    """The largest dashboard: its parts timed without a profiler, its SQL, then one render under cProfile."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from symptoms import triage

    client = dashboard_client(team.clinician)
    try:
        rows_time = statistics.median(timed(lambda: triage.triage_rows(team.clinician)) for _ in range(renders))
        rows = triage.triage_rows(team.clinician)
        sort_time = statistics.median(timed(lambda: sorted(rows, key=triage.TriageRow.sort_key))
                                      for _ in range(renders))
        template_time = statistics.median(timed(lambda: render_template(team.clinician, rows)) for _ in range(renders))
        print(f"\nWhere a {team.size:,}-patient render goes, without a profiler (medians of {renders}; whole request "
              f"{ms(full_median)} ms):")
        for label, spent in ((f"triage.triage_rows (query, {team.size:,} TriageRows, sort)", rows_time),
                             ("  of which the sort alone", sort_time),
                             ("the template alone (render_to_string, same context)", template_time),
                             ("the rest: middleware, session, notices, counts (by subtraction)",
                              full_median - rows_time - template_time)):
            print(f"  {label:<64}{ms(spent):>8} ms {spent / full_median:6.1%} {spent / team.size * 1e6:6,.0f} us/row")
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("symptoms:clinician_home"))
        print(f"The SQL of one render ({len(captured.captured_queries)} statements):")
        for query in captured.captured_queries:
            print(f"  {query['time']} s  {query['sql'][:110]}")
        profiler = cProfile.Profile()
        profiler.runcall(client.get, reverse("symptoms:clinician_home"))
    finally:
        client.logout()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    cumulative = {(Path(file).name, name): entry[3] for (file, _line, name), entry in stats.stats.items()}
    total = max(entry[3] for entry in stats.stats.values())
    print(f"One render under cProfile ({total:.2f} s; the profiler slows pure Python most):")
    for label, file, name in PROFILED_PHASES:
        spent = cumulative.get((file, name), 0.0)
        print(f"  {label:<32}{spent:7.3f} s {spent / total:6.1%}")
    stats.sort_stats("tottime").print_stats(20)


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def render_template(clinician, rows: list) -> str:
    """The dashboard's template with the view's context, through a request with the same user and language."""
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from symptoms import triage
    from symptoms.alerts import unread_alert_notices
    from symptoms.clinician_views import FILTER_LABELS

    request = RequestFactory(HTTP_HOST=HOST).get("/clinician/")
    request.user = clinician
    counts = triage.status_counts(rows)
    context = {
        "rows": rows, "total": len(rows), "wanted": None, "filter_error": None,
        "filters": [{"value": name, "label": FILTER_LABELS[name], "count": counts[name]} for name in triage.FILTERS],
        "notices": unread_alert_notices(clinician),
    }
    with translation.override(clinician.language):
        return render_to_string("symptoms/clinician_home.html", context, request)


# --- The run ----------------------------------------------------------------

def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=sizes_argument, default=DEFAULT_SIZES,
                        help="care-team sizes, smallest first (50,500,2000)")
    parser.add_argument("--renders", type=positive, default=DEFAULT_RENDERS,
                        help=f"timed renders per size after one warm-up ({DEFAULT_RENDERS})")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if it is there")
    parser.add_argument("--profile", action="store_true", help="also show where the largest render's time goes")
    return parser.parse_args()


def sizes_argument(text: str) -> tuple[int, ...]:
    sizes = tuple(positive(part) for part in text.split(","))
    if len(sizes) < 2 or list(sizes) != sorted(set(sizes)):
        raise argparse.ArgumentTypeError("at least two different sizes, smallest first (e.g. 50,500,2000)")
    return sizes


def main() -> None:
    arguments = parse_arguments()
    url = database_url()
    ensure_database(url)
    setup_django(url)
    describe_database(url)
    prepare_dataset(arguments.sizes, arguments.regenerate)
    teams = care_teams(arguments.sizes)
    print(f"machine:     {machine_load()}", flush=True)
    all_renders = [time_renders(team, arguments.renders) for team in teams]
    report(all_renders, arguments.renders)
    for url in QUALITY_PAGES:
        report_quality(url, [time_renders(team, arguments.renders, url, check_quality) for team in teams])
    if arguments.profile:
        profile_render(teams[-1], arguments.renders, statistics.median(all_renders[-1].times))


if __name__ == "__main__":
    main()
