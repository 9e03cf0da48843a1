"""A patient's diary read for a download: every entry, oldest first, with its 7-day average, a page of
rows at a time (a diary of years is never in memory at once), and the CSV built from it.

The JSON and FHIR downloads read the same pages (`diary_pages`); `symptoms/fhir.py` builds the FHIR
resources, the API (`symptoms/export_api.py`) serves all three.
"""

import csv
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from accounts.models import User
from symptoms import rules
from symptoms.assessments import ENTRY_COLUMNS, patient_policy, two_places
from symptoms.entry_fields import FLAG_FIELDS, LOCATIONS
from symptoms.models import SymptomEntry

EXPORT_FORMATS = ("csv", "json", "fhir")
PAGE_SIZE = 500
CSV_COLUMNS = ("date", "numbness", "pain", *LOCATIONS, *FLAG_FIELDS, "notes", "day_score", "weekly_average",
               "entered_by")
# Who entered a day, in the CSV: "patient" for the patient themself; a day the care team entered on the
# patient's behalf names the clinician.
ENTERED_BY_PATIENT = "patient"
# A spreadsheet reads a cell starting with one of these as a formula (after any spaces, and in their
# full-width forms too, which a Chinese keyboard types): such text is written with a ' first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class ExportDay:
    entry: SymptomEntry
    weekly_average: Fraction | None


def diary_pages(patient: User, page_size: int | None = None) -> Iterator[list[ExportDay]]:
    """The patient's entries oldest first, `page_size` at a time (one query a page, by date), each with
    the 7-day average the rules give that day under the patient's policy."""
    page_size = page_size or PAGE_SIZE
    policy = patient_policy(patient)
    window: deque[rules.DayEntry] = deque()
    after: date | None = None
    while True:
        entries = SymptomEntry.objects.filter(patient=patient).order_by("date")
        if after is not None:
            entries = entries.filter(date__gt=after)
        page = list(entries[:page_size])
        if not page:
            return
        days = []
        for entry in page:
            window.append(rules.DayEntry._make(getattr(entry, column) for column in ENTRY_COLUMNS))
            while window[0].date <= entry.date - timedelta(days=rules.WEEK_DAYS):
                window.popleft()
            days.append(ExportDay(entry, rules.weekly_average(window, entry.date, policy.min_days_per_week)))
        yield days
        after = page[-1].date


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    return "'" + value if value.lstrip(" ").startswith(FORMULA_STARTS) else value


def csv_row(day: ExportDay) -> list[str]:
    entry = day.entry
    average = two_places(day.weekly_average)
    return [entry.date.isoformat(), str(entry.numbness), str(entry.pain),
            *(_yes_no(getattr(entry, name)) for name in (*LOCATIONS, *FLAG_FIELDS)),
            spreadsheet_safe(entry.notes), str(max(entry.numbness, entry.pain)),
            "" if average is None else f"{average:.2f}", spreadsheet_safe(entry.entered_by_name) or ENTERED_BY_PATIENT]


def csv_chunks(patient: User) -> Iterator[str]:
    """The CSV download, a page of rows at a time: UTF-8 with a byte-order mark (so a spreadsheet opens
    Chinese notes correctly), a header row, one row per entry oldest first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield BYTE_ORDER_MARK + _drain(buffer)
    for page in diary_pages(patient):
        writer.writerows(csv_row(day) for day in page)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


def download_name(today: date, extension: str) -> str:
    """The file's name: the app and the day, never the patient's name or anything about their health."""
    return f"cipn-tracker-export-{today.isoformat()}.{extension}"
