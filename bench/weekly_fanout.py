"""The Monday-morning fan-out: weekly summaries and clinician digests through a real Celery worker.

    .venv/bin/python bench/weekly_fanout.py [--patients N] [--workers-concurrency C] [--regenerate] [--profile]

PostgreSQL as in assess_all.py, but in a database of its own: DATABASE_URL when it
points at PostgreSQL, otherwise postgres://postgres@127.0.0.1:5432/cipn_bench_fanout
(created if missing). The database must hold nothing but this benchmark's people,
because every run deletes all notifications. Redis from CELERY_BROKER_URL when it names
Redis, otherwise redis://127.0.0.1:6379/0; the run uses a queue of its own.

It generates N patients with email addresses in six time zones, three weeks of entries
each (COPY, assess_all.py's seeded generator), their statuses and alerts, and N/25
clinicians with a care team of about 25 patients each; it reuses them while N stays the
same. Then it starts a worker subprocess (`celery -A cipn_tracker worker -Q <queue>`,
emails written by Django's file backend to a temporary folder), deletes every
notification, and times `queue_weekly_summaries()` at a Monday 07:30 UTC when it is
Monday morning in every zone, until every summary and digest is sent. It prints the
recipients, the time to record them (the beat task's part), the time until all are sent,
summaries per second end to end, and the broker messages per summary, and checks that the
file backend wrote exactly one email to each recipient. --profile adds where a worker's
time goes: one chunk of summaries delivered again in this process under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import email
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

import redis
from assess_all import (
    analyze,
    copy_entries,
    ensure_database,  # noqa: E402
    ensure_marker_table,
    entry_lines,
    execute,
    machine_load,
    positive,
)
from assess_all import database_url as shared_database_url  # noqa: E402
from assess_all import setup_django as shared_setup_django  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cipn_bench_fanout"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
SEED = 20_251_208
DAYS = 21
PATIENTS_PER_CLINICIAN = 25
PATIENT_PREFIX = "fanout-patient-"
CLINICIAN_PREFIX = "fanout-clinician-"
MARKER_TABLE = "bench_fanout_dataset"
MARKER_COLUMNS = "patients int NOT NULL, clinicians int NOT NULL, seed int NOT NULL, monday date NOT NULL, " \
                 "entries bigint NOT NULL"
# At 07:30 UTC on a Monday it is Monday, 07:30 or later, in each (UTC+0 to UTC+13, either side of DST).
TIME_ZONES = ("UTC", "Europe/London", "Europe/Berlin", "Asia/Taipei", "Australia/Sydney", "Pacific/Auckland")
FANOUT_TIME_UTC = (7, 30)
# One person in five reads CIPN Tracker in Traditional Chinese.
LANGUAGES = ("en", "en", "zh-hant", "en", "en")
EMAIL_SEPARATOR = "-" * 79 + "\n"
POLL_SECONDS = 0.2
PROGRESS_SECONDS = 10


def fail(message: str) -> NoReturn:
    sys.exit(f"weekly_fanout: {message}")


# --- PostgreSQL and Redis ---------------------------------------------------

def database_url() -> str:
    return shared_database_url(DEFAULT_DATABASE_URL)


def broker_url() -> str:
    """CELERY_BROKER_URL when it names Redis (reachable), otherwise the local Redis."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        if url:
            print(f"CELERY_BROKER_URL is not Redis; using {DEFAULT_BROKER_URL} instead.")
        url = DEFAULT_BROKER_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as error:
        fail(f"cannot reach Redis at {url} ({error}); start it or set CELERY_BROKER_URL=redis://host:port/db.")
    return url


def setup_django(url: str, broker: str, queue: str) -> None:
    shared_setup_django(url, {"CELERY_BROKER_URL": broker, "CELERY_NOTIFICATIONS_QUEUE": queue},
                        (PATIENT_PREFIX, CLINICIAN_PREFIX))


# --- The data set -----------------------------------------------------------

@dataclass(frozen=True)
class Dataset:
    patients: int
    clinicians: int
    monday: date
    entries: int

    @property
    def fanout_time(self) -> datetime:
        hour, minute = FANOUT_TIME_UTC
        return datetime.combine(self.monday, datetime.min.time(), UTC).replace(hour=hour, minute=minute)


def clinicians_for(patients: int) -> int:
    return max(1, round(patients / PATIENTS_PER_CLINICIAN))


def stored_dataset(patients: int) -> Dataset | None:
    """The data set already in the database, if it is this size and still complete."""
    from accounts.models import CareTeamMember, Role, User
    from symptoms.models import SymptomEntry

    ensure_marker_table(MARKER_TABLE, MARKER_COLUMNS)
    rows = execute(f"SELECT patients, clinicians, monday, entries FROM {MARKER_TABLE} WHERE seed = %s", (SEED,))
    if not rows or rows[0][0] != patients:
        return None
    dataset = Dataset(*rows[0])
    people = Counter(User.objects.values_list("role", flat=True))
    if (people != {Role.PATIENT: patients, Role.CLINICIAN: dataset.clinicians}
            or CareTeamMember.objects.count() != patients or SymptomEntry.objects.count() != dataset.entries):
        return None
    return dataset


def generate_dataset(patients: int) -> Dataset:
    """Clinicians, patients and their care teams; three weeks of entries up to Sunday; statuses and alerts."""
    from accounts.models import User
    from symptoms.models import SymptomEntry

    # Only this benchmark's people are in the database (refuse_foreign_users): emptying is deleting theirs.
    ensure_marker_table(MARKER_TABLE, MARKER_COLUMNS)
    execute(f"TRUNCATE {MARKER_TABLE}, {User._meta.db_table} CASCADE")
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())
    clinician_ids = create_people(CLINICIAN_PREFIX, "Clinician", clinicians_for(patients))
    patient_ids = create_people(PATIENT_PREFIX, "Patient", patients)
    create_care_teams(patient_ids, clinician_ids)
    entries = copy_entries(SymptomEntry._meta.db_table,
                           entry_lines(patient_ids, range(patients), DAYS, monday - timedelta(days=1)))
    dataset = Dataset(patients, len(clinician_ids), monday, entries)
    store_statuses_and_alerts(dataset.fanout_time)
    execute(f"INSERT INTO {MARKER_TABLE} (id, patients, clinicians, seed, monday, entries) "
            "VALUES (1, %s, %s, %s, %s, %s)", (patients, len(clinician_ids), SEED, monday, entries))
    analyze()
    return dataset


def create_people(prefix: str, title: str, count: int) -> list[int]:
    """People with an email address, a time zone and a language; unusable passwords."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import Role, User

    role = Role.PATIENT if prefix == PATIENT_PREFIX else Role.CLINICIAN
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}{index:06d}", role=role, password=unusable, first_name=title,
              last_name=f"{index:06d}", email=f"{prefix}{index:06d}@example.org",
              time_zone=TIME_ZONES[index % len(TIME_ZONES)], language=LANGUAGES[index % len(LANGUAGES)])
         for index in range(count)],
        batch_size=2_000,
    )
    return [user.pk for user in users]


def create_care_teams(patient_ids: list[int], clinician_ids: list[int]) -> None:
    from accounts.models import CareTeamMember

    CareTeamMember.objects.bulk_create(
        [CareTeamMember(patient_id=pk, clinician_id=clinician_ids[index % len(clinician_ids)])
         for index, pk in enumerate(patient_ids)],
        batch_size=5_000,
    )


def store_statuses_and_alerts(now: datetime) -> None:
    """Statuses and open alerts as of that Monday, so digests have groups and alert counts.

    The alert notifications this records are neither published nor kept: each run starts
    from no notifications at all.
    """
    from notifications import services
    from notifications.models import Notification
    from symptoms.evaluation import evaluate_all_patients

    publish = services.dispatch
    services.dispatch = lambda notification_ids: False
    try:
        evaluate_all_patients(now=now)
    finally:
        services.dispatch = publish
    execute(f"TRUNCATE {Notification._meta.db_table}")


def prepare_dataset(patients: int, regenerate: bool) -> Dataset:
    started = time.perf_counter()
    dataset = None if regenerate else stored_dataset(patients)
    verb = "reused"
    if dataset is None:
        print(f"Generating {patients:,} patients x {DAYS} days...", flush=True)
        dataset = generate_dataset(patients)
        verb = "generated"
    print(f"data:        {dataset.patients:,} patients ({len(TIME_ZONES)} zones) x {DAYS} days up to "
          f"{dataset.monday - timedelta(days=1)} = {dataset.entries:,} entries; {dataset.clinicians:,} clinicians, "
          f"~{dataset.patients // dataset.clinicians} patients each; {dataset_outcome()}; {verb} in "
          f"{time.perf_counter() - started:.1f} s")
    return dataset


def dataset_outcome() -> str:
    from symptoms.models import Alert, PatientStatus

    statuses = Counter(PatientStatus.objects.values_list("status", flat=True))
    alerts = Alert.objects.filter(resolved_at__isnull=True).count()
    status_text = ", ".join(f"{name} {count:,}" for name, count in statuses.most_common())
    return f"statuses {status_text}; open alerts {alerts:,}"


def check_everyone_is_due(now: datetime) -> None:
    for name in TIME_ZONES:
        local = now.astimezone(ZoneInfo(name))
        if local.weekday() != 0 or local.hour < 7:
            fail(f"at {now:%Y-%m-%d %H:%M} UTC it is {local:%A %H:%M} in {name}, not Monday morning.")


# --- The worker ---------------------------------------------------------------

class Worker:
    """`celery worker` as a subprocess in its own process group, consuming only this run's queue."""

    def __init__(self, folder: Path, url: str, broker: str, queue: str, concurrency: int) -> None:
        self.mail_dir, self.log_path = folder / "mail", folder / "worker.log"
        self.nodename = f"{queue}@bench"
        self.env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": broker,
                    "CELERY_NOTIFICATIONS_QUEUE": queue, "EMAIL_URL": f"file://{self.mail_dir}",
                    "DJANGO_DEBUG": "false", "PYTHONUNBUFFERED": "1"}
        self.command = [sys.executable, "-m", "celery", "-A", "cipn_tracker", "worker", "-Q", queue,
                        "-n", self.nodename, f"--concurrency={concurrency}", "--loglevel=WARNING",
                        "--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(self.command, cwd=PROJECT_DIR, env=self.env, start_new_session=True,
                                            stdout=log, stderr=subprocess.STDOUT)
        return self

    def wait_until_ready(self, seconds: float = 60) -> float:
        """Until the worker answers a control ping; returns how long that took."""
        from cipn_tracker.celery import app

        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            self.check_alive()
            if app.control.ping(destination=[self.nodename], timeout=0.5):
                return time.perf_counter() - started
        self.fail(f"the worker did not answer within {seconds:.0f} s")

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            self.fail(f"the worker exited with status {self.process.returncode}")

    def fail(self, message: str) -> NoReturn:
        tail = self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
        fail(f"{message}. The end of its log ({self.log_path}):\n{tail}")

    def cpu_seconds(self) -> float:
        """User and system time of the worker and its pool processes so far (its process group, from /proc)."""
        ticks, total = os.sysconf("SC_CLK_TCK"), 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):  # a process that has just ended
                continue
            if int(fields[2]) == self.process.pid:  # its process group
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def stop(self) -> None:
        """SIGTERM to the whole process group (a warm shutdown), SIGKILL if it does not end in 30 s."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- Counting broker messages ---------------------------------------------------

class PublishCounter:
    """Every message this process hands to the broker (kombu's Producer.publish), while counting."""

    def __init__(self) -> None:
        self.messages: Counter[str] = Counter()

    def __enter__(self) -> PublishCounter:
        from kombu.messaging import Producer

        self.original = Producer.publish
        counter = self.messages

        def publish(producer, body, routing_key=None, *args, **kwargs):
            counter[routing_key or ""] += 1
            return self.original(producer, body, routing_key, *args, **kwargs)

        Producer.publish = publish
        return self

    def __exit__(self, *exc_info) -> None:
        from kombu.messaging import Producer

        Producer.publish = self.original


def redis_lpush_calls(broker: str) -> int:
    """Redis's own count of LPUSH commands (kombu publishes to a queue with LPUSH); server-wide."""
    stats = redis.Redis.from_url(broker, socket_timeout=5).info("commandstats")
    return stats.get("cmdstat_lpush", {}).get("calls", 0)


def remove_queue(broker: str, queue: str) -> None:
    """The run's queue and kombu's bindings for it, so runs leave nothing behind in Redis."""
    try:
        redis.Redis.from_url(broker, socket_timeout=5).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    except redis.RedisError as error:
        print(f"Could not remove the queue {queue} from Redis: {error}")


# --- The timed fan-out ----------------------------------------------------------

@dataclass
class Run:
    recipients: int
    patients: int
    clinicians: int
    recorded: float
    all_sent: float
    published: int
    queue_messages: int
    lpush_calls: int
    first_attempt: bool
    sent_span: float
    worker_cpu: float


def time_fanout(dataset: Dataset, worker: Worker, broker: str, queue: str, timeout: float) -> Run:
    """Delete every notification, queue the weekly summaries, and wait until every email is sent."""
    from notifications.models import Kind, Notification
    from symptoms.notices import queue_weekly_summaries

    execute(f"TRUNCATE {Notification._meta.db_table}")
    lpush_before, cpu_before = redis_lpush_calls(broker), worker.cpu_seconds()
    with PublishCounter() as counter:
        started = time.perf_counter()
        recipients = queue_weekly_summaries(dataset.fanout_time)
        recorded = time.perf_counter() - started
        wait_until_sent(recipients, worker, started, timeout)
        all_sent = time.perf_counter() - started
    worker_cpu = worker.cpu_seconds() - cpu_before
    lpush_calls = redis_lpush_calls(broker) - lpush_before
    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    sent = Notification.objects.filter(state="sent")
    first, last = min(sent.values_list("sent_at", flat=True)), max(sent.values_list("sent_at", flat=True))
    return Run(recipients, kinds[Kind.WEEKLY_SUMMARY], kinds[Kind.CLINICIAN_DIGEST], recorded, all_sent,
               sum(counter.messages.values()), counter.messages[queue], lpush_calls,
               not Notification.objects.exclude(attempts=1).exists(), (last - first).total_seconds(), worker_cpu)


def wait_until_sent(recipients: int, worker: Worker, started: float, timeout: float) -> None:
    """Poll the outbox until every notification is sent; a failed or cancelled one ends the run."""
    from notifications.models import Notification

    last_progress = started
    while True:
        states = Counter(Notification.objects.values_list("state", flat=True))
        if states["failed"] or states["cancelled"]:
            worker.fail(f"notifications failed or were cancelled: {dict(states)}")
        now = time.perf_counter()
        if states["sent"] >= recipients:
            return
        if now - started > timeout:
            worker.fail(f"after {timeout:.0f} s only {states['sent']:,} of {recipients:,} were sent")
        if now - last_progress >= PROGRESS_SECONDS:
            print(f"  ... {states['sent']:,} of {recipients:,} sent after {now - started:.0f} s", flush=True)
            last_progress = now
        worker.check_alive()
        time.sleep(POLL_SECONDS)


def written_emails(mail_dir: Path) -> tuple[Counter[str], int, int]:
    """How many emails the file backend wrote to each address, in how many files and bytes."""
    to, files, size = Counter(), 0, 0
    for path in mail_dir.glob("*"):
        text = path.read_text()
        files, size = files + 1, size + len(text)
        for chunk in text.split(EMAIL_SEPARATOR):
            if chunk.strip():
                to[email.message_from_string(chunk)["To"]] += 1
    return to, files, size


def check_one_email_each(mail_dir: Path, recipients: int) -> str:
    from accounts.models import User

    to, files, size = written_emails(mail_dir)
    addresses = set(User.objects.values_list("email", flat=True))
    written = sum(to.values())
    extra = {address: count for address, count in to.items() if count != 1 or address not in addresses}
    if written != recipients or extra or set(to) != addresses:
        fail(f"the file backend wrote {written:,} emails for {recipients:,} recipients; not exactly one each "
             f"(first oddities: {dict(list(extra.items())[:5])}).")
    return (f"{written:,} written by the file backend (in {files:,} files, {size / written / 1024:.1f} KiB each "
            f"on average) = {recipients:,} recipients, exactly one each")


def report(dataset: Dataset, run: Run, email_check: str, concurrency: int, broker: str, ready: float) -> None:
    print(f"worker:      celery worker --concurrency {concurrency} (prefork), ready in {ready:.1f} s; "
          f"broker {broker}")
    print(f"fan-out:     queue_weekly_summaries(now={dataset.fanout_time:%Y-%m-%d %H:%M} UTC), Monday morning in "
          f"{', '.join(TIME_ZONES)}")
    print(f"recipients:  {run.recipients:,} ({run.patients:,} patient summaries, {run.clinicians:,} clinician "
          "digests)")
    print(f"recorded:    {run.recorded:.2f} s to record them and hand them to the broker (the beat task's part)")
    print(f"all sent:    {run.all_sent:.2f} s from the start until every one is `sent` "
          f"(first to last sent_at: {run.sent_span:.2f} s)")
    print(f"throughput:  {run.recipients / run.all_sent:,.1f} summaries/s end to end "
          f"({run.recipients / run.all_sent / concurrency:,.1f} per worker process)")
    print(f"worker CPU:  {run.worker_cpu:.1f} s user+system (worker and pool processes, /proc) = "
          f"{run.worker_cpu / run.recipients * 1000:.1f} ms per summary; PostgreSQL's work is not in it")
    print(f"broker:      {run.published:,} messages published ({run.queue_messages:,} to the run's queue) = "
          f"{run.published / run.recipients:.4f} per summary")
    print("             counted by wrapping kombu's Producer.publish in this process; the worker publishes only "
          "on a retry, and")
    retried = "none: every notification was sent at its first attempt" if run.first_attempt else "SOME RETRIED"
    print(f"             {retried}. Redis LPUSH calls meanwhile: {run.lpush_calls:,} "
          "(server-wide INFO commandstats, other clients included)")
    print(f"emails:      {email_check}")


# --- Where a worker's time goes (--profile) ---------------------------------------

PROFILED_PHASES = (("build_email (whole)", "emails.py", "build_email"),
                   ("  summaries.patient_week", "summaries.py", "patient_week"),
                   ("    assessments.assess_patient", "evaluation.py", "assess_patient"),
                   ("  render_to_string (text + HTML)", "loader.py", "render_to_string"),
                   ("message.send (file backend)", "message.py", "send"))


def profile_chunk(folder: Path) -> None:
    """Chunks sent again in this process (after the run): timed plainly, the statements of one summary, and
    a chunk of patient summaries under cProfile."""
    from django.conf import settings

    from notifications.models import Kind

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(folder / "profile-mail")
    summaries, digests = chunk_of(Kind.WEEKLY_SUMMARY), chunk_of(Kind.CLINICIAN_DIGEST)
    print()
    for label, ids in (("patient summaries", summaries), ("clinician digests", digests)):
        spent = send_again(ids)
        print(f"One chunk of {len(ids)} {label} delivered in this process, no profiler: {spent:.2f} s "
              f"({spent / len(ids) * 1000:.1f} ms each)")
    show_statements(summaries[0])
    profile_deliver(summaries)


def chunk_of(kind: str) -> list[int]:
    from notifications.models import Notification
    from notifications.services import DELIVERY_CHUNK

    return list(Notification.objects.filter(kind=kind).order_by("pk").values_list("pk", flat=True)[:DELIVERY_CHUNK])


def mark_pending(ids: list[int]) -> None:
    from notifications.models import Notification

    Notification.objects.filter(pk__in=ids).update(state="pending", sent_at=None)


def send_again(ids: list[int]) -> float:
    from notifications.tasks import deliver

    mark_pending(ids)
    started = time.perf_counter()
    deliver(ids)
    return time.perf_counter() - started


def show_statements(notification_id: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.tasks import deliver

    mark_pending([notification_id])
    with CaptureQueriesContext(connection) as captured:
        deliver([notification_id])
    print(f"The SQL of one patient summary ({len(captured.captured_queries)} statements):")
    for query in captured.captured_queries:
        print(f"  {query['sql'][:110]}")


def profile_deliver(ids: list[int]) -> None:
    from notifications.tasks import deliver

    mark_pending(ids)
    profiler = cProfile.Profile()
    profiler.runcall(deliver, ids)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    cumulative = {(Path(file).name, name): entry[3] for (file, _line, name), entry in stats.stats.items()}
    total = cumulative[("tasks.py", "deliver")]
    print(f"The chunk of {len(ids)} patient summaries under cProfile ({total:.2f} s; the profiler slows pure Python "
          "most):")
    for label, file, name in PROFILED_PHASES:
        spent = cumulative.get((file, name), 0.0)
        print(f"  {label:<36}{spent:7.2f} s {spent / total:6.1%}")
    rest = total - cumulative.get(("emails.py", "build_email"), 0.0) - cumulative.get(("message.py", "send"), 0.0)
    print(f"  {'the rest: lock, save, commit':<36}{rest:7.2f} s {rest / total:6.1%}")
    stats.sort_stats("cumulative").print_stats(25)


# --- The run ----------------------------------------------------------------

def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=positive, default=10_000, help="patients to generate (10,000)")
    parser.add_argument("--workers-concurrency", type=positive, default=2, help="worker processes (2)")
    parser.add_argument("--timeout", type=positive, default=1_800, help="seconds to wait for every send (1,800)")
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if it is there")
    parser.add_argument("--profile", action="store_true", help="also show where a worker's time goes")
    return parser.parse_args()


def stop_on_sigterm() -> None:
    """A SIGTERM to the benchmark still stops its worker (through the `finally` below)."""
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit("weekly_fanout: terminated"))


def main() -> None:
    arguments = parse_arguments()
    stop_on_sigterm()
    url, broker = database_url(), broker_url()
    queue = f"bench-fanout-{uuid.uuid4().hex[:8]}"
    ensure_database(url)
    setup_django(url, broker, queue)
    print(f"database:    {url}")
    dataset = prepare_dataset(arguments.patients, arguments.regenerate)
    check_everyone_is_due(dataset.fanout_time)
    print(f"machine:     {machine_load()}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="cipn-fanout-"))
    try:
        worker = Worker(folder, url, broker, queue, arguments.workers_concurrency).start()
        try:
            ready = worker.wait_until_ready()
            run = time_fanout(dataset, worker, broker, queue, arguments.timeout)
        finally:
            worker.stop()
            remove_queue(broker, queue)
        report(dataset, run, check_one_email_each(worker.mail_dir, run.recipients), arguments.workers_concurrency,
               broker, ready)
        if arguments.profile:
            profile_chunk(folder)
    except BaseException:
        print(f"The worker's log and the emails are kept in {folder}", file=sys.stderr)
        raise
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
