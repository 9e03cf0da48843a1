"""Periodic work on patients' statuses. Tasks take ids, never objects, and are safe to re-run."""

import logging

from celery import shared_task

from symptoms import evaluation

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


@shared_task(name="symptoms.evaluate_all_patients", acks_late=True)
def evaluate_all_patients() -> int:
    """Nightly, and after a policy change: re-assess everyone, whatever their day."""
    changed = evaluation.evaluate_all_patients()
    logger.info("full re-evaluation: %d patient statuses changed", changed)
    return changed
