"""A patient's diary: which days they may still log, their entries, and recording or deleting a day.

Saving the same day again replaces that day's entry. Every change re-assesses the
patient in the same transaction, so their status always matches their entries.
What an entry may hold, and the message when it is wrong, is in `entry_fields`.

A clinician of the care team may save or delete a day on the patient's behalf (`by`), under exactly the
same rules and window; the entry then names them, and every change (by anyone) leaves an `EntryChange`
row saying who changed which answers when, so a later edit by the patient keeps the trail.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import CareTeamMember, User
from symptoms import evaluation
from symptoms.entry_fields import check_day_is_editable, clean_entry, editable_days
from symptoms.models import EntryChange, EntryChangeAction, SymptomEntry

ENTERED_BY = ("entered_by", "entered_by_name")


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


def _on_behalf(patient: User, by: User | None) -> User | None:
    """The clinician acting for the patient, or None when the patient acts themself. Pages and API answer
    404 before this for anyone not on the care team; the diary refuses them too."""
    if not patient.is_patient:
        raise ValueError("only patients keep a symptom diary")
    if by is None or by.pk == patient.pk:
        return None
    if not by.is_clinician or not CareTeamMember.objects.filter(patient=patient, clinician=by).exists():
        raise ValueError("only a clinician of the care team enters a day on a patient's behalf")
    return by


def record_entry(patient: User, day: date, values: Mapping[str, object], *,
                 now: datetime | None = None, by: User | None = None) -> RecordedEntry:
    """Create or replace a patient's entry for one day, as the patient or (`by`) a clinician on their behalf.

    Saving the same day again replaces that day's entry; nothing is duplicated.
    Raises ValidationError naming the field; the stored entry is then unchanged.
    One transaction: the patient's row locked (with what the evaluation needs), the
    entry written with one INSERT … ON CONFLICT, the change recorded, the patient re-assessed.
    """
    clinician = _on_behalf(patient, by)
    now = now or timezone.now()
    check_day_is_editable(patient, day, now)
    columns = clean_entry(values)
    entry = SymptomEntry(patient=patient, date=day, **columns, entered_by=clinician,
                         entered_by_name=clinician.display_name() if clinician else "")
    with transaction.atomic():
        locked = evaluation.lock_patients([patient.pk], day=day, now=now)
        created = not _still_there(locked, patient).has_entry
        before = None if created else SymptomEntry.objects.filter(patient=patient, date=day).values(
            *columns, *ENTERED_BY).get()
        changed = list(columns) if before is None else [name for name in columns if before[name] != columns[name]]
        if before is not None and not changed:  # the same answers saved again: whoever entered them still did
            entry.entered_by_id, entry.entered_by_name = before["entered_by"], before["entered_by_name"]
        SymptomEntry.objects.bulk_create([entry], update_conflicts=True, unique_fields=["patient", "date"],
                                         update_fields=[*columns, *ENTERED_BY, "updated_at"])
        _record_change(patient, day, now, by or patient, clinician is not None,
                       EntryChangeAction.CREATED if created else EntryChangeAction.REPLACED, changed)
        evaluation.evaluate_locked(locked, now, changed_from=day)
    if not created:
        # The row kept its first `created_at`; read it from the database if anyone asks.
        del entry.created_at
    return RecordedEntry(entry=entry, created=created)


def delete_entry(patient: User, day: date, *, now: datetime | None = None, by: User | None = None) -> bool:
    """Remove a patient's entry for a day still inside the editable window, as the patient or (`by`) a
    clinician on their behalf.

    Returns False when there was no entry for that day.
    """
    clinician = _on_behalf(patient, by)
    now = now or timezone.now()
    check_day_is_editable(patient, day, now)
    with transaction.atomic():
        locked = evaluation.lock_patients([patient.pk], day=day, now=now)
        if not _still_there(locked, patient).has_entry:
            return False
        SymptomEntry.objects.filter(patient=patient, date=day).delete()
        _record_change(patient, day, now, by or patient, clinician is not None, EntryChangeAction.DELETED, [])
        evaluation.evaluate_locked(locked, now, changed_from=day)
    return True


def _still_there(locked: evaluation.Locked, patient: User) -> evaluation.LockedPatient:
    """The patient's locked row; gone when they were erased while the request ran: nothing to save into, so
    the page or API answers 404 (never a 500)."""
    try:
        return locked.patients[patient.pk]
    except KeyError:
        raise Http404 from None


def _record_change(patient: User, day: date, now: datetime, by: User, on_behalf: bool, action: str,
                   fields: list[str]) -> None:
    EntryChange.objects.create(patient=patient, date=day, at=now, changed_by=by, changed_by_name=by.display_name(),
                               on_behalf=on_behalf, action=action, fields=fields)


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


RECENT_CHANGES = 10


@dataclass(frozen=True)
class ShownChange:
    change: EntryChange
    answers: list[str]  # the changed answers' names in words, for a day saved again; none otherwise


def recent_entry_changes(patient: User, count: int = RECENT_CHANGES) -> list[ShownChange]:
    """The latest changes to the patient's diary, newest first."""
    changes = EntryChange.objects.filter(patient=patient).order_by("-at", "-pk")[:count]
    return [ShownChange(change, [_answer_label(name) for name in change.fields]
                        if change.action == EntryChangeAction.REPLACED else []) for change in changes]


def _answer_label(name: str) -> str:
    return str(getattr(SymptomEntry._meta.get_field(name), "verbose_name", name))
