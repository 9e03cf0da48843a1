"""Periodic work on patients' statuses and the diary's notifications. Each task takes no arguments
(it works out who is due itself), calls one domain function, and is safe to re-run."""

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
    """
    changed = evaluation.evaluate_due_patients()
    logger.info("daily re-evaluation: %d patient statuses changed", changed)
    return changed


@shared_task(name=evaluation.EVALUATE_ALL_TASK, acks_late=True)
def evaluate_all_patients() -> int:
    """Nightly, and after a policy change: re-assess everyone, whatever their day."""
    changed = evaluation.evaluate_all_patients()
    logger.info("full re-evaluation: %d patient statuses changed", changed)
    return changed


@shared_task(name="symptoms.queue_weekly_summaries", acks_late=True)
def queue_weekly_summaries() -> int:
    """Hourly: Monday-morning summaries and digests for those whose Monday 7 a.m. has come."""
    return notices.queue_weekly_summaries(timezone.now())


@shared_task(name="symptoms.queue_reminders", acks_late=True)
def queue_reminders() -> int:
    """Hourly: reminders for patients past their reminder hour who have not logged today."""
    return notices.queue_reminders(timezone.now())
