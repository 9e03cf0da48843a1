"""A patient's diary: which days they may still log, their entries, and recording or deleting a day.

Saving the same day again replaces that day's entry. Every change re-assesses the
patient in the same transaction, so their status always matches their entries.
What an entry may hold, and the message when it is wrong, is in `entry_fields`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from symptoms import evaluation
from symptoms.entry_fields import check_day_is_editable, clean_entry, editable_days
from symptoms.models import SymptomEntry


@dataclass(frozen=True)
class RecordedEntry:
    entry: SymptomEntry
    created: bool


@dataclass(frozen=True)
class DiaryDay:
    """One day a patient may still log, and whether they have."""

    day: date
    logged: bool
    is_today: bool


def record_entry(patient: User, day: date, values: Mapping[str, object], *,
                 now: datetime | None = None) -> RecordedEntry:
    """Create or replace a patient's entry for one day.

    Saving the same day again replaces that day's entry; nothing is duplicated.
    Raises ValidationError naming the field; the stored entry is then unchanged.
    One transaction: the patient's row locked (with what the evaluation needs), the
    entry written with one INSERT … ON CONFLICT, the patient re-assessed.
    """
    if not patient.is_patient:
        raise ValueError("only patients keep a symptom diary")
    now = now or timezone.now()
    check_day_is_editable(patient, day, now)
    columns = clean_entry(values)
    entry = SymptomEntry(patient=patient, date=day, **columns)
    with transaction.atomic():
        locked = evaluation.lock_patients([patient.pk], day=day, now=now)
        created = not locked.patients[patient.pk].has_entry
        SymptomEntry.objects.bulk_create([entry], update_conflicts=True, unique_fields=["patient", "date"],
                                         update_fields=[*columns, "updated_at"])
        evaluation.evaluate_locked(locked, now, changed_from=day)
    if not created:
        # The row kept its first `created_at`; read it from the database if anyone asks.
        del entry.created_at
    return RecordedEntry(entry=entry, created=created)


def delete_entry(patient: User, day: date, *, now: datetime | None = None) -> bool:
    """Remove a patient's entry for a day still inside the editable window.

    Returns False when there was no entry for that day.
    """
    now = now or timezone.now()
    check_day_is_editable(patient, day, now)
    with transaction.atomic():
        locked = evaluation.lock_patients([patient.pk], day=day, now=now)
        if not locked.patients[patient.pk].has_entry:
            return False
        SymptomEntry.objects.filter(patient=patient, date=day).delete()
        evaluation.evaluate_locked(locked, now, changed_from=day)
    return True


def entry_for_day(patient: User, day: date) -> SymptomEntry | None:
    return SymptomEntry.objects.filter(patient=patient, date=day).first()


def recent_days(patient: User, now: datetime | None = None) -> list[DiaryDay]:
    """The days a patient may still log, newest first, and whether each is logged."""
    first, today = editable_days(patient, now)
    logged = set(patient_entries(patient, first, today).values_list("date", flat=True))
    days = [today - timedelta(days=offset) for offset in range((today - first).days + 1)]
    return [DiaryDay(day=day, logged=day in logged, is_today=day == today) for day in days]


def patient_entries(patient: User, first: date | None = None, last: date | None = None) -> QuerySet[SymptomEntry]:
    """A patient's own entries, newest first, optionally between two days inclusive."""
    entries = SymptomEntry.objects.filter(patient=patient)
    if first is not None:
        entries = entries.filter(date__gte=first)
    if last is not None:
        entries = entries.filter(date__lte=last)
    return entries.order_by("-date")
