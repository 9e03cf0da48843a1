"""Periodic work on patients' statuses and the diary's notifications. Each periodic task takes no
arguments (it works out who is due itself) and is safe to re-run; a re-evaluation is handed out as
chunk tasks of patient ids, which any number of workers share."""

import logging

from celery import shared_task
from django.utils import timezone

from symptoms import evaluation, notices

logger = logging.getLogger(__name__)


@shared_task(name="symptoms.evaluate_due_patients", acks_late=True)
def evaluate_due_patients() -> int:
    """Hourly: re-assess each patient whose own calendar day has turned since their last assessment.

    A patient who stops logging thus moves to `insufficient_data` without logging
    anything. Running it again the same hour finds no one due and changes nothing.
    Returns how many patients were handed to workers.
    """
    return _fan_out(evaluation.due_patient_ids(timezone.now()), "daily re-evaluation")


@shared_task(name=evaluation.EVALUATE_ALL_TASK, acks_late=True)
def evaluate_all_patients() -> int:
    """Nightly, and after a policy change: re-assess everyone, whatever their day (handed to workers)."""
    return _fan_out(evaluation.active_patient_ids(), "full re-evaluation")


@shared_task(name="symptoms.evaluate_patients", acks_late=True)
def evaluate_patients(patient_ids: list[int]) -> int:
    """One chunk of a re-evaluation, as of when a worker takes it (never an older "now", which could
    put back a status a save has moved on). Safe to run twice: the second run changes nothing."""
    changed = evaluation.evaluate_patients(patient_ids)
    logger.info("re-evaluation chunk: %d of %d patient statuses changed", changed, len(patient_ids))
    return changed


def _fan_out(patient_ids: list[int], what: str) -> int:
    """Ids in chunks of one batch each, so every worker process can take a share."""
    chunks = evaluation.chunks(patient_ids)
    for chunk in chunks:
        evaluate_patients.apply_async((chunk,))
    logger.info("%s: %d patients in %d chunks handed to workers", what, len(patient_ids), len(chunks))
    return len(patient_ids)


@shared_task(name="symptoms.queue_weekly_summaries", acks_late=True)
def queue_weekly_summaries() -> int:
    """Hourly: Monday-morning summaries and digests for those whose Monday 7 a.m. has come."""
    return notices.queue_weekly_summaries(timezone.now())


@shared_task(name="symptoms.queue_reminders", acks_late=True)
def queue_reminders() -> int:
    """Hourly: reminders for patients past their reminder hour who have not logged today."""
    return notices.queue_reminders(timezone.now())
