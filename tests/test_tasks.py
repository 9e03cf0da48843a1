"""The Celery entry points, run eagerly through Celery's own call path (as cookiecutter-django's
test_tasks.py does): each takes ids or nothing, calls one domain function and is safe to run twice.
tests/notifications/test_worker.py runs them through a real worker on the broker."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import tasks as outbox_tasks
from notifications.models import Notification
from symptoms import tasks
from symptoms.models import PatientStatus
from tests.factories import EntryFactory, PatientFactory

MONDAY_MORNING = datetime(2026, 11, 16, 7, 30, tzinfo=UTC)


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def run(task, *args):
    return task.apply(args=args).get()


def test_the_hourly_task_assesses_patients_whose_day_has_turned_and_then_no_one(clinic, eager):
    EntryFactory(patient=clinic.patient, date=clinic.patient.local_today(), numbness=9, pain=0)
    assert run(tasks.evaluate_due_patients) == 2  # both patients get their first status
    assert PatientStatus.objects.get(patient=clinic.patient).urgent == ["severe_score"]
    assert run(tasks.evaluate_due_patients) == 0, "the same hour again: nobody is due"


def test_the_nightly_task_re_assesses_everyone_and_changes_nothing_the_second_time(clinic, eager):
    assert run(tasks.evaluate_all_patients) == 2  # both patients handed to workers
    first = dict(PatientStatus.objects.values_list("patient_id", "updated_at"))
    assert set(first) == {clinic.patient.pk, clinic.other_patient.pk}
    assert run(tasks.evaluate_all_patients) == 2
    assert dict(PatientStatus.objects.values_list("patient_id", "updated_at")) == first, "nothing rewritten"


def test_the_nightly_task_hands_out_chunks_of_ids_that_any_worker_can_take(db, eager, monkeypatch):
    patients = [PatientFactory() for _ in range(5)]
    PatientFactory(is_active=False)  # no longer followed: not re-assessed
    monkeypatch.setattr(tasks.evaluation, "BATCH_SIZE", 2)
    chunks = []
    chunk_task = tasks.evaluate_patients.apply_async
    monkeypatch.setattr(tasks.evaluate_patients, "apply_async",
                        lambda args, **options: chunks.append(args[0]) or chunk_task(args, **options))
    assert run(tasks.evaluate_all_patients) == 5
    assert chunks == [[patients[0].pk, patients[1].pk], [patients[2].pk, patients[3].pk], [patients[4].pk]]
    assert all(isinstance(pk, int) for chunk in chunks for pk in chunk)  # plain ids: JSON, no objects
    assert PatientStatus.objects.filter(patient__in=patients).count() == 5


def test_a_chunk_run_twice_changes_nothing_the_second_time(clinic, eager):
    EntryFactory(patient=clinic.patient, date=clinic.patient.local_today(), numbness=9, pain=0)
    ids = [clinic.patient.pk, clinic.other_patient.pk]
    assert run(tasks.evaluate_patients, ids) == 2
    assert run(tasks.evaluate_patients, ids) == 0
    assert PatientStatus.objects.get(patient=clinic.patient).urgent == ["severe_score"]


def test_the_weekly_task_records_one_summary_per_person_on_monday_morning(clinic, eager, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MONDAY_MORNING)
    for person in (clinic.patient, clinic.other_patient, clinic.clinician, clinic.other_clinician):
        person.email, person.time_zone = f"{person.username}@example.org", "UTC"
        person.save()
    people = 4  # two patients and two clinicians, in UTC, with an address
    assert run(tasks.queue_weekly_summaries) == people
    assert run(tasks.queue_weekly_summaries) == 0, "the same Monday again records nothing new"
    assert Notification.objects.filter(kind__in=["weekly_summary", "clinician_digest"]).count() == people


def test_the_reminder_task_then_delivery_and_the_sweep(db, eager, monkeypatch, dispatched,
                                                       django_capture_on_commit_callbacks):
    patient = PatientFactory(reminder_hour=0, time_zone="UTC", email="patient@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert run(tasks.queue_reminders) == 1
    [pending] = dispatched
    assert run(outbox_tasks.deliver, pending) == 1 and len(mail.outbox) == 1
    assert mail.outbox[0].to == [patient.email]
    assert run(outbox_tasks.deliver, pending) == 0, "delivered once, never twice"
    monkeypatch.setattr(timezone, "now", lambda: datetime.now(UTC) + timedelta(minutes=5))
    assert run(outbox_tasks.sweep) == 0, "nothing left for the sweep"
