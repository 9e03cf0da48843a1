"""Against a real Celery worker on the configured broker (Redis in CI) and PostgreSQL.

The worker runs as a subprocess on its own queue, with emails written to files.
"""

import email
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dj_database_url
import pytest
from django.db import connection
from django.utils import timezone

from notifications import tasks
from notifications.models import Notification
from symptoms import assessments, diary, evaluation, notices
from symptoms import tasks as symptom_tasks
from symptoms.models import PatientStatus, SymptomEntry
from tests.conftest import skip_or_fail
from tests.factories import CareTeamMemberFactory, ClinicianFactory, EntryFactory, PatientFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_broker]


@pytest.fixture
def queue(requires_postgres, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        skip_or_fail("needs Redis: set CELERY_BROKER_URL=redis://...")
    settings.CELERY_NOTIFICATIONS_QUEUE = f"test-{uuid.uuid4().hex[:8]}"
    return settings.CELERY_NOTIFICATIONS_QUEUE


class Worker:
    def __init__(self, queue: str, mail_dir: Path) -> None:
        url = os.environ.get("DATABASE_URL", "")
        config = dj_database_url.parse(url)
        test_db_url = url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"] if config else url
        self.env = {**os.environ, "DATABASE_URL": test_db_url, "EMAIL_URL": f"file://{mail_dir}",
                    "CELERY_NOTIFICATIONS_QUEUE": queue, "PYTHONUNBUFFERED": "1"}
        self.queue, self.process = queue, None
        self.log = open(mail_dir.parent / f"worker-{uuid.uuid4().hex[:6]}.log", "w")  # read when a test fails

    def start(self, concurrency: int = 2) -> "Worker":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cipn_tracker", "worker", "-Q", self.queue, "--loglevel=INFO",
             f"--concurrency={concurrency}", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, start_new_session=True, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as a crash would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def mail_dir(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(queue, mail_dir):
    started = Worker(queue, mail_dir).start()
    yield started
    started.stop()


def sent_emails(mail_dir: Path) -> list[email.message.Message]:
    """Every message the file backend wrote (several per file, separated by a line of dashes)."""
    messages = []
    for path in sorted(mail_dir.glob("*")) if mail_dir.exists() else []:
        for chunk in path.read_text().split("-" * 79 + "\n"):
            if chunk.strip():
                messages.append(email.message_from_string(chunk))
    return messages


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError("timed out waiting")


def test_crossing_into_refer_emails_each_care_team_clinician_exactly_once(worker, mail_dir):
    patient = PatientFactory(email="patient@example.org")
    team = [ClinicianFactory(email=f"c{n}@example.org") for n in range(2)]
    for clinician in team:
        CareTeamMemberFactory(patient=patient, clinician=clinician)
    today = patient.local_today()
    # Two bad weeks, then six days at 4: without today the 7-day average is exactly 4.0 (not above),
    # so the streak has ended; today's 6 makes it 30/7 and joins the 17 days above before it.
    for days_ago in range(1, 21):
        EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=4 if days_ago <= 6 else 10)

    assert assessments.assess_patient(patient).status != "refer"
    diary.record_entry(patient, today, {"numbness": 6, "pain": 1, "locations": ["feet"]})
    assert patient.current_status.status == "refer"
    wait_for(lambda: len(sent_emails(mail_dir)) >= 2)
    time.sleep(2)  # anything extra would have arrived by now
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    assert tasks.sweep() == 0  # nothing left pending
    assert Counter(m["To"] for m in sent_emails(mail_dir)) == {"c0@example.org": 1, "c1@example.org": 1}


def test_a_killed_worker_in_the_middle_of_the_weekly_fan_out_still_sends_one_summary_each(queue, mail_dir):
    patients = [PatientFactory(email=f"p{n}@example.org", time_zone="UTC") for n in range(300)]
    assert len(patients) == 300
    monday_morning = datetime(2026, 11, 16, 7, 10, tzinfo=ZoneInfo("UTC"))
    first = Worker(queue, mail_dir).start(concurrency=1)
    try:
        notices.queue_weekly_summaries(monday_morning)
        wait_for(lambda: len(sent_emails(mail_dir)) >= 30)
        first.kill()
    finally:
        first.stop()
    assert len(sent_emails(mail_dir)) < 300, "the worker finished before it could be killed"
    second = Worker(queue, mail_dir).start()
    try:
        # Later, the sweep hands the rest to the new worker, and (after STALE_CLAIM) the one the
        # killed worker had claimed, whose send may or may not have gone out.
        long_ago = timezone.now() - timedelta(minutes=30)
        Notification.objects.update(created_at=long_ago)
        assert Notification.objects.filter(state="sending").count() <= 1  # concurrency 1: one in flight
        Notification.objects.filter(state="sending").update(claimed_at=long_ago)
        tasks.sweep()
        wait_for(lambda: len(sent_emails(mail_dir)) >= 300, seconds=120)
        time.sleep(2)
    finally:
        second.stop()
    emails = sent_emails(mail_dir)
    # Exactly one summary per person: one message each, by Message-ID. A kill can land between the
    # mail going out and its row being marked sent; that one message is then sent again, as itself.
    messages_per_person = {to: {m["Message-ID"] for m in emails if m["To"] == to} for to in {m["To"] for m in emails}}
    assert messages_per_person.keys() == {f"p{n}@example.org" for n in range(300)}
    assert all(len(ids) == 1 for ids in messages_per_person.values())
    assert len(emails) - 300 <= 1, "only the one send under way at the kill may be repeated"
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


SAVE_WITH_BROKER_DOWN = """
import json, time, django
django.setup()
from accounts.models import User
from symptoms import diary
patient = User.objects.get(pk={pk})
started = time.monotonic()
diary.record_entry(patient, patient.local_today(), {{"numbness": 2, "pain": 0, "locations": ["feet"], "fell": True}})
print(json.dumps({{"seconds": time.monotonic() - started}}))
"""


def test_with_the_broker_unreachable_saving_is_quick_and_the_notice_goes_out_later(queue, mail_dir):
    patient = PatientFactory(email="patient@example.org")
    clinician = ClinicianFactory(email="nurse@example.org")
    CareTeamMemberFactory(patient=patient, clinician=clinician)
    today = patient.local_today()
    for days_ago in range(1, 7):
        EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=2)
    # A web process whose broker is down (nothing listens on port 1) saves an entry with a fall.
    env = {**Worker(queue, mail_dir).env, "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run([sys.executable, "-c", SAVE_WITH_BROKER_DOWN.format(pk=patient.pk)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    seconds = json.loads(result.stdout.strip().splitlines()[-1])["seconds"]
    assert seconds < 1.0, f"saving took {seconds:.2f} s with the broker down"
    assert SymptomEntry.objects.filter(patient=patient, date=today, fell=True).exists()
    assert Notification.objects.filter(recipient=clinician, channel="email", state="pending").count() == 1
    # The broker is back: the sweep hands the pending notice to a worker.
    worker = Worker(queue, mail_dir).start()
    try:
        Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
        assert tasks.sweep() == 1
        wait_for(lambda: len(sent_emails(mail_dir)) >= 1)
        time.sleep(1)
    finally:
        worker.stop()
    assert [m["To"] for m in sent_emails(mail_dir)] == ["nurse@example.org"]


def test_the_nightly_re_evaluation_is_shared_out_in_chunks_to_worker_processes(queue, mail_dir, monkeypatch):
    """Chunks of ids through the broker, taken by a worker with two processes: everyone is assessed."""
    patients = [PatientFactory() for _ in range(40)]
    for patient in patients[::4]:
        EntryFactory(patient=patient, date=patient.local_today(), numbness=9, pain=0)
    monkeypatch.setattr(evaluation, "BATCH_SIZE", 7)
    publish = symptom_tasks.evaluate_patients.apply_async
    monkeypatch.setattr(symptom_tasks.evaluate_patients, "apply_async",
                        lambda args, **options: publish(args, queue=queue, **options))
    worker = Worker(queue, mail_dir).start(concurrency=2)
    try:
        assert symptom_tasks.evaluate_all_patients() == 40
        wait_for(lambda: PatientStatus.objects.count() == 40)
    finally:
        worker.stop()
    severe = set(PatientStatus.objects.filter(urgent__contains=["severe_score"]).values_list("patient_id", flat=True))
    assert severe == {patient.pk for patient in patients[::4]}
    worker.log.flush()
    log = Path(worker.log.name).read_text()
    assert log.count("re-evaluation chunk:") == 6  # 40 ids in chunks of 7
