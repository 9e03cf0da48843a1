"""The clinician's triage list: their own patients, most urgent first, from stored statuses.

Everything comes from one query over the care team, each patient's stored
status and a count of their open alerts, so the list costs the same number of
queries for ten patients or a thousand. Nothing clinical is worked out here:
the referral rules decided the status when the patient last logged.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User, display_name, local_today
from symptoms import rules
from symptoms.assessments import PatientAssessment, policy_for, unassessed
from symptoms.models import Alert, AlertKind, ClinicPolicy, Status

# Most urgent first: urgent signals, then a review before the next dose, come before every status (sort_key).
STATUS_ORDER = (Status.REFER, Status.WATCH, Status.INSUFFICIENT_DATA, Status.OK)
NOT_REPORTING_DAYS = 3
FILTERS = ("urgent", "review", *STATUS_ORDER, "not_reporting")
# Rows per page of the list; the filters and their counts cover every patient.
PAGE_SIZE = 50
# A clinician's acknowledgement shows on the row for a week, so colleagues can tell it was handled.
SEEN_DAYS = 7


class Standing(NamedTuple):
    """Where a patient stands on the list: what sorting and the filters read, and nothing else."""

    urgent: bool
    # A dose on one of the next review days needs review, and no clinician has acknowledged that yet.
    review: bool
    status: str
    streak_days: int
    weekly_average: Decimal | None
    name: str
    days_since_last_entry: int | None  # in the patient's own zone

    @property
    def not_reporting(self) -> bool:
        """No entry for NOT_REPORTING_DAYS days or more (or never)."""
        return self.days_since_last_entry is None or self.days_since_last_entry >= NOT_REPORTING_DAYS

    def matches(self, wanted: str | None) -> bool:
        if wanted in (None, ""):
            return True
        if wanted == "urgent":
            return self.urgent
        if wanted == "review":
            return self.review
        if wanted == "not_reporting":
            return self.not_reporting
        return self.status == wanted

    def sort_key(self) -> tuple[bool, bool, int, int, Decimal, str]:
        """Urgent signals first, then a review before the next dose, then refer, watch, insufficient data,
        ok; ties by longer streak, higher average."""
        average = self.weekly_average if self.weekly_average is not None else Decimal(-1)
        return (not self.urgent, not self.review, STATUS_ORDER.index(Status(self.status)), -self.streak_days,
                -average, self.name.lower())


# A week's average must move by at least one point of the 0-10 scale before the list calls it worse or
# better: about the smallest change in a symptom score that patients tell apart, and half the rise (2.0) that
# makes a rapid-worsening alert. A smaller change is shown, unhighlighted, as about the same.
MEANINGFUL_CHANGE = Decimal("1.00")


def change_direction(change: Decimal | None) -> str:
    """"up" (worse) for a rise of at least MEANINGFUL_CHANGE, "down" (better) for such a fall, "same" for
    anything smaller; "" when there is no change to show."""
    if change is None:
        return ""
    if change >= MEANINGFUL_CHANGE:
        return "up"
    if change <= -MEANINGFUL_CHANGE:
        return "down"
    return "same"


@dataclass(frozen=True)
class TriageRow:
    """One patient on the list: their stored assessment and what the list shows of it."""

    patient: User
    assessment: PatientAssessment
    open_alerts: int
    days_since_last_entry: int | None  # in the patient's own zone
    review: bool = False  # see Standing.review
    # The latest acknowledgement of this patient's alerts in the last week: who (their name) and when.
    seen_by: str = ""
    seen_at: datetime | None = None

    @property
    def change_direction(self) -> str:
        """"up" (worse), "down" (better) or "same"; "" when there is no change to show. See change_direction."""
        return change_direction(self.assessment.change)

    @property
    def standing(self) -> Standing:
        a = self.assessment
        return Standing(bool(a.urgent), self.review, a.status, a.streak_days, a.weekly_average,
                        self.patient.display_name(), self.days_since_last_entry)

    @property
    def not_reporting(self) -> bool:
        return self.standing.not_reporting

    def matches(self, wanted: str | None) -> bool:
        return self.standing.matches(wanted)

    def sort_key(self) -> tuple[bool, bool, int, int, Decimal, str]:
        return self.standing.sort_key()


def triage_rows(clinician: User) -> list[TriageRow]:
    """The clinician's own patients (and no one else's), most urgent first; one query (two if any
    patient has never been assessed)."""
    return _rows(clinician.patients.all())


@dataclass(frozen=True)
class TriagePage:
    """One page of the list under a filter, with the counts of every filter over the whole care team."""

    rows: list[TriageRow]
    counts: dict[str, int]
    total: int
    page: Page


def triage_page(clinician: User, wanted: str | None = None, page_number: str | int | None = 1,
                per_page: int = PAGE_SIZE) -> TriagePage:
    """The page of the clinician's list a screen shows: where each patient stands is read for everyone
    (plain values, one query), sorted and counted; full rows only for the page (one query, and one
    for the clinic policy). A page number out of range gives the last page."""
    standings = {pk: _standing(values) for pk, *values in clinician.patients.annotate(
        open_review=_OPEN_REVIEW).values_list(
        "pk", "time_zone", "first_name", "last_name", "username", "current_status__status",
        "current_status__urgent", "current_status__streak_days", "current_status__weekly_average",
        "current_status__last_entry_date", "current_status__needs_review", "open_review")}
    counts = {name: sum(standing.matches(name) for standing in standings.values()) for name in FILTERS}
    order = sorted((pk for pk, standing in standings.items() if standing.matches(wanted)),
                   key=lambda pk: standings[pk].sort_key())
    page = Paginator(order, per_page).get_page(page_number)
    # The clinic policy is read whether or not someone on the page was never assessed: the same cost every page.
    rows = _rows(clinician.patients.filter(pk__in=list(page.object_list)), policy_for(ClinicPolicy.current()))
    return TriagePage(rows=rows, counts=counts, total=len(standings), page=page)


def _standing(values: list) -> Standing:
    (zone, first_name, last_name, username, status, urgent, streak_days, average, last_entry,
     review, open_review) = values
    name = display_name(first_name, last_name, username)
    days = (local_today(zone) - last_entry).days if last_entry else None
    if status is None:  # never assessed: what an empty diary gives
        return Standing(False, False, Status.INSUFFICIENT_DATA, 0, None, name, days)
    return Standing(bool(urgent), bool(review and open_review), status, streak_days, average, name, days)


# Whether the patient has a review before a dose that no one has acknowledged yet.
_OPEN_REVIEW = Exists(Alert.objects.filter(patient=OuterRef("pk"), kind=AlertKind.DOSE_REVIEW,
                                           resolved_at__isnull=True))


def _latest_seen(field: str) -> Subquery:
    """A field of the patient's latest alert acknowledged in the last SEEN_DAYS days (or of who did it)."""
    since = timezone.now() - timedelta(days=SEEN_DAYS)
    return Subquery(Alert.objects.filter(patient=OuterRef("pk"), acknowledged_at__gte=since)
                    .order_by("-acknowledged_at").values(field)[:1])


def _rows(patients: QuerySet[User], clinic_policy: rules.Policy | None = None) -> list[TriageRow]:
    patients = patients.select_related("current_status").annotate(
        open_alert_count=Count("alerts", filter=Q(alerts__resolved_at__isnull=True)), open_review=_OPEN_REVIEW,
        seen_at=_latest_seen("acknowledged_at"), seen_first=_latest_seen("acknowledged_by__first_name"),
        seen_last=_latest_seen("acknowledged_by__last_name"), seen_username=_latest_seen("acknowledged_by__username"))
    rows = []
    for patient in patients:
        stored = getattr(patient, "current_status", None)
        if stored is not None:
            assessment = PatientAssessment.of(stored)
        else:  # never assessed yet: what an empty diary gives under the clinic's policy
            clinic_policy = clinic_policy or policy_for(ClinicPolicy.current())
            assessment = unassessed(patient, clinic_policy)
        rows.append(_row(patient, assessment, patient.open_alert_count, patient.open_review))
    return sorted(rows, key=TriageRow.sort_key)


def _row(patient: User, assessment: PatientAssessment, open_alerts: int, open_review: bool) -> TriageRow:
    last_entry = assessment.last_entry_date
    seen_at = getattr(patient, "seen_at", None)  # annotations of _rows
    seen_by = display_name(*(getattr(patient, name, None) or "" for name in ("seen_first", "seen_last",
                                                                            "seen_username"))) if seen_at else ""
    return TriageRow(patient=patient, assessment=assessment, open_alerts=open_alerts,
                     days_since_last_entry=(patient.local_today() - last_entry).days if last_entry else None,
                     review=assessment.needs_review and open_review, seen_by=seen_by, seen_at=seen_at)


def status_counts(rows: list[TriageRow]) -> dict[str, int]:
    """How many rows each filter would show."""
    return {name: sum(row.matches(name) for row in rows) for name in FILTERS}
