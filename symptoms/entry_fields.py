"""What a day's entry holds, and what a patient is told when a value is wrong.

The page form, the API and the diary all check an entry here, so each rule and
each message is written once: two scores from 0 to 10, where the symptoms were
felt (required when either score is above 0), six yes/no questions about daily
life, and optional notes of at most 2,000 characters. Nothing else is accepted.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

SCORE_MIN, SCORE_MAX = 0, 10
SCORE_FIELDS = ("numbness", "pain")
NOTES_MAX_LENGTH = 2000
LOCATIONS = ("hands", "feet")


@dataclass(frozen=True)
class Flag:
    """One yes/no question about daily life: its field, the short label lists and charts use, and the
    question as the patient is asked it. `daily_life` marks the three the referral rules count as
    everyday tasks being affected."""

    field: str
    label: Promise
    question: Promise
    daily_life: bool = False


# In the order a patient is asked them.
FLAGS = (
    Flag("dropped_objects", _("dropped things"), _("I dropped things or could not keep hold of them"), True),
    Flag("balance_problems", _("unsteady or held on to walls"),
         _("I felt unsteady or held on to walls or furniture"), True),
    Flag("fine_motor_difficulty", _("trouble with buttons, writing or lids"),
         _("Buttons, writing, lids or chopsticks were hard"), True),
    Flag("sleep_disturbed", _("symptoms disturbed sleep"), _("Symptoms at night disturbed my sleep")),
    Flag("fell", _("had a fall"), _("I had a fall")),
    Flag("cold_sensitivity", _("cold made it worse"), _("Cold set off or worsened my symptoms")),
)
FLAG_FIELDS = tuple(flag.field for flag in FLAGS)
FLAG_LABELS = {flag.field: flag.label for flag in FLAGS}
DAILY_LIFE_FLAGS = tuple(flag for flag in FLAGS if flag.daily_life)
ENTRY_FIELDS = (*SCORE_FIELDS, "locations", *FLAG_FIELDS, "notes")

SCORE_MESSAGE = _("Choose a score from 0 to 10.")
LOCATIONS_MESSAGE = _("Choose from hands and feet.")
LOCATION_NEEDED_MESSAGE = _("Say where you felt it: hands, feet or both.")
FLAG_MESSAGE = _("Must be true or false.")
TEXT_MESSAGE = _("Must be text.")
UNKNOWN_FIELD_MESSAGE = _("Unknown field.")
DATE_FORMAT_MESSAGE = _("Use a date in the form YYYY-MM-DD.")
UNSTORABLE_TEXT_MESSAGE = _("Remove the invisible control characters from the text.")


def _text_too_long(limit: int = NOTES_MAX_LENGTH) -> str:
    return gettext("Keep it to %(n)d characters or fewer.") % {"n": limit}


# Lazy: form fields are built at import, before anyone's language is known.
text_too_long_message = lazy(_text_too_long, str)


# A valid entry as stored: the scores, hands and feet, the six answers, the notes.
EntryColumns = dict[str, int | bool | str]


def clean_entry(values: Mapping[str, object]) -> EntryColumns:
    """A day's entry as its stored columns, or ValidationError naming every field that is wrong.

    Scores are whole numbers from 0 to 10 (not "5", 5.5 or true); flags are true or
    false and default to false; locations are a list from hands and feet; when
    either score is above 0 the patient must say where they felt it.
    """
    unknown = sorted(set(values) - set(ENTRY_FIELDS))
    errors: dict[str, list[str]] = {name: [str(UNKNOWN_FIELD_MESSAGE)] for name in unknown}
    scores = {name: values.get(name) for name in SCORE_FIELDS}
    errors.update({name: [str(SCORE_MESSAGE)] for name, score in scores.items() if not is_score(score)})
    flags = {flag: values.get(flag, False) for flag in FLAG_FIELDS}
    errors.update({flag: [str(FLAG_MESSAGE)] for flag, answer in flags.items() if not isinstance(answer, bool)})
    locations = values.get("locations", [])
    if not isinstance(locations, list | tuple) or len(locations) > len(LOCATIONS) \
            or any(place not in LOCATIONS for place in locations):
        errors["locations"], locations = [str(LOCATIONS_MESSAGE)], []
    notes = values.get("notes", "")
    if not isinstance(notes, str):
        errors["notes"] = [str(TEXT_MESSAGE)]
    elif len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [str(text_too_long_message())]
    elif not is_storable_text(notes):
        errors["notes"] = [str(UNSTORABLE_TEXT_MESSAGE)]
    if "locations" not in errors and any(is_score(s) and s for s in scores.values()) and not locations:
        errors["locations"] = [str(LOCATION_NEEDED_MESSAGE)]
    if errors:
        raise ValidationError(errors)
    columns: EntryColumns = {name: cast(int, score) for name, score in scores.items()}
    columns.update({flag: cast(bool, answer) for flag, answer in flags.items()})
    columns.update(hands="hands" in locations, feet="feet" in locations, notes=cast(str, notes))
    return columns


def is_storable_text(text: str) -> bool:
    """No NUL and no lone surrogate: the database cannot store either."""
    return "\x00" not in text and not any("\ud800" <= char <= "\udfff" for char in text)


def is_score(value: object) -> bool:
    """A whole number from 0 to 10; a boolean is not a number here."""
    return isinstance(value, int) and not isinstance(value, bool) and SCORE_MIN <= value <= SCORE_MAX


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(value: str | None, field: str) -> date | None:
    """A day written `YYYY-MM-DD`, or None when empty; Python would also read `20261119` and
    `2026-W47-4`, a client's likely mistakes, so only this form is accepted."""
    if value in (None, ""):
        return None
    try:
        if not ISO_DAY.fullmatch(str(value)):
            raise ValueError(value)
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [str(DATE_FORMAT_MESSAGE)]}) from None


def editable_days(patient: User, now: datetime | None = None) -> tuple[date, date]:
    """First and last day a patient may log: their today back to SYMPTOM_BACKFILL_DAYS ago."""
    today = patient.local_today(now)
    return today - timedelta(days=settings.SYMPTOM_BACKFILL_DAYS), today


def shown_day(day: date) -> str:
    """"23 November 2026", or the reader's language's way of writing a day (as presenting writes them)."""
    return formats.date_format(day, pgettext("date format", "j F Y"))


def check_day_is_editable(patient: User, day: date, now: datetime | None = None) -> None:
    """Refuse future days (in the patient's own zone) and days past the backfill window."""
    first, today = editable_days(patient, now)
    if day > today:
        raise ValidationError({"date": gettext("%(day)s is in the future; you can log today or earlier days.")
                               % {"day": shown_day(day)}})
    if day < first:
        raise ValidationError({"date": gettext("%(day)s is more than %(n)d days ago and can no longer be changed.")
                               % {"day": shown_day(day), "n": settings.SYMPTOM_BACKFILL_DAYS}})
