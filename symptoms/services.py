"""Recording and removing daily entries: validation, the upsert, the transaction.

Views and API endpoints parse input and call one function here; the rules for
which days may be changed live here and nowhere else.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from symptoms.models import FLAG_FIELDS, LOCATIONS, SymptomEntry

ENTRY_FIELDS = ("numbness", "pain", "locations", *FLAG_FIELDS, "notes")


@dataclass(frozen=True)
class RecordedEntry:
    entry: SymptomEntry
    created: bool


def editable_days(patient: User, now: datetime | None = None) -> tuple[date, date]:
    """First and last day a patient may log: today back to SYMPTOM_BACKFILL_DAYS ago."""
    today = patient.local_today(now)
    return today - timedelta(days=settings.SYMPTOM_BACKFILL_DAYS), today


def check_day_is_editable(patient: User, day: date, now: datetime | None = None) -> None:
    """Refuse future days (in the patient's own zone) and days past the backfill window."""
    first, today = editable_days(patient, now)
    if day > today:
        raise ValidationError({"date": _("%(day)s is in the future; you can log today or earlier days.")
                               % {"day": day.isoformat()}})
    if day < first:
        raise ValidationError({"date": _("%(day)s is more than %(n)d days ago and can no longer be changed.")
                               % {"day": day.isoformat(), "n": settings.SYMPTOM_BACKFILL_DAYS}})


def _entry_columns(values: Mapping[str, Any]) -> dict[str, Any]:
    """Turn the entry's public fields into model columns (locations become hands/feet)."""
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    locations = values.get("locations") or []
    bad_places = [place for place in locations if place not in LOCATIONS]
    if bad_places:
        raise ValidationError({"locations": _("Choose from hands and feet.")})
    errors = {name: _("Must be a whole number from 0 to 10.") for name in ("numbness", "pain")
              if not _is_whole_number(values.get(name))}
    errors.update({flag: _("Must be true or false.") for flag in FLAG_FIELDS
                   if not isinstance(values.get(flag, False), bool)})
    if not isinstance(values.get("notes") or "", str):
        errors["notes"] = _("Must be text.")
    if errors:
        raise ValidationError(errors)
    columns = {flag: values.get(flag, False) for flag in FLAG_FIELDS}
    columns.update(
        numbness=values.get("numbness"),
        pain=values.get("pain"),
        notes=values.get("notes") or "",
        hands="hands" in locations,
        feet="feet" in locations,
    )
    return columns


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_entry(patient: User, day: date, columns: dict[str, Any]) -> None:
    candidate = SymptomEntry(patient=patient, date=day, **columns)
    try:
        candidate.clean_fields(exclude=["patient", "date"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    if (columns["numbness"] or columns["pain"]) and not (columns["hands"] or columns["feet"]):
        raise ValidationError({"locations": _("Say where you felt it: hands, feet or both.")})


def record_entry(patient: User, day: date, values: Mapping[str, Any], *,
                 now: datetime | None = None) -> RecordedEntry:
    """Create or replace a patient's entry for one day.

    Saving the same day again replaces that day's entry; nothing is duplicated.
    Raises ValidationError naming the field; the stored entry is then unchanged.
    """
    if not patient.is_patient:
        raise ValueError("only patients keep a symptom diary")
    check_day_is_editable(patient, day, now)
    columns = _entry_columns(values)
    _validate_entry(patient, day, columns)
    with transaction.atomic():
        entry, created = SymptomEntry.objects.update_or_create(
            patient=patient, date=day, defaults=columns
        )
    return RecordedEntry(entry=entry, created=created)


def delete_entry(patient: User, day: date, *, now: datetime | None = None) -> bool:
    """Remove a patient's entry for a day still inside the editable window.

    Returns False when there was no entry for that day.
    """
    check_day_is_editable(patient, day, now)
    with transaction.atomic():
        deleted, _rows = SymptomEntry.objects.filter(patient=patient, date=day).delete()
    return deleted > 0


def entry_for_day(patient: User, day: date) -> SymptomEntry | None:
    return SymptomEntry.objects.filter(patient=patient, date=day).first()


def recent_days(patient: User, now: datetime | None = None) -> list[dict]:
    """The days a patient may still log, newest first, and whether each is logged."""
    first, today = editable_days(patient, now)
    logged = set(patient_entries(patient, first, today).values_list("date", flat=True))
    days = [today - timedelta(days=offset) for offset in range((today - first).days + 1)]
    return [{"day": day, "logged": day in logged, "is_today": day == today} for day in days]


def care_team_patients(clinician: User) -> QuerySet:
    """A clinician's own patients (and no one else's) with the day each last logged."""
    return clinician.patients.annotate(last_entry=Max("symptom_entries__date")).order_by(
        "last_name", "first_name", "username"
    )


def patient_entries(patient: User, first: date | None = None, last: date | None = None) -> QuerySet:
    """A patient's own entries, newest first, optionally between two days inclusive."""
    entries = SymptomEntry.objects.filter(patient=patient)
    if first is not None:
        entries = entries.filter(date__gte=first)
    if last is not None:
        entries = entries.filter(date__lte=last)
    return entries.order_by("-date")
