"""The clinician's triage list: their own patients, most urgent first, from stored statuses.

Everything comes from one query over the care team, each patient's stored
status and a count of their open alerts, so the list costs the same number of
queries for ten patients or a thousand. Nothing clinical is worked out here:
the referral rules decided the status when the patient last logged.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import User
from symptoms.assessments import PatientAssessment, policy_for, unassessed
from symptoms.models import ClinicPolicy, Status

# Most urgent first: urgent signals come before every status (see sort_key).
STATUS_ORDER = (Status.REFER, Status.WATCH, Status.INSUFFICIENT_DATA, Status.OK)
NOT_REPORTING_DAYS = 3
FILTERS = ("urgent", *STATUS_ORDER, "not_reporting")


@dataclass(frozen=True)
class TriageRow:
    """One patient on the list: their stored assessment and what the list shows of it."""

    patient: User
    assessment: PatientAssessment
    open_alerts: int
    days_since_last_entry: int | None  # in the patient's own zone

    @property
    def change_direction(self) -> str:
        """"up" (worse), "down" (better) or "same"; "" when there is no change to show."""
        change = self.assessment.change
        if change is None:
            return ""
        return "up" if change > 0 else "down" if change < 0 else "same"

    @property
    def not_reporting(self) -> bool:
        """No entry for NOT_REPORTING_DAYS days or more (or never)."""
        return self.days_since_last_entry is None or self.days_since_last_entry >= NOT_REPORTING_DAYS

    def matches(self, wanted: str | None) -> bool:
        if wanted in (None, ""):
            return True
        if wanted == "urgent":
            return bool(self.assessment.urgent)
        if wanted == "not_reporting":
            return self.not_reporting
        return self.assessment.status == wanted

    def sort_key(self) -> tuple[bool, int, int, Decimal, str]:
        """Urgent signals first, then refer, watch, insufficient data, ok; ties by longer streak, higher average."""
        assessment = self.assessment
        average = assessment.weekly_average if assessment.weekly_average is not None else Decimal(-1)
        return (not assessment.urgent, STATUS_ORDER.index(Status(assessment.status)), -assessment.streak_days,
                -average, self.patient.display_name().lower())


def triage_rows(clinician: User) -> list[TriageRow]:
    """The clinician's own patients (and no one else's), most urgent first; one query (two if any
    patient has never been assessed)."""
    patients = list(
        clinician.patients.select_related("current_status")
        .annotate(open_alert_count=Count("alerts", filter=Q(alerts__resolved_at__isnull=True)))
    )
    clinic_policy = None
    rows = []
    for patient in patients:
        stored = getattr(patient, "current_status", None)
        if stored is not None:
            assessment = PatientAssessment.of(stored)
        else:  # never assessed yet: what an empty diary gives under the clinic's policy
            clinic_policy = clinic_policy or policy_for(ClinicPolicy.current())
            assessment = unassessed(patient, clinic_policy)
        rows.append(_row(patient, assessment, patient.open_alert_count))
    return sorted(rows, key=TriageRow.sort_key)


def _row(patient: User, assessment: PatientAssessment, open_alerts: int) -> TriageRow:
    last_entry = assessment.last_entry_date
    return TriageRow(patient=patient, assessment=assessment, open_alerts=open_alerts,
                     days_since_last_entry=(patient.local_today() - last_entry).days if last_entry else None)


def status_counts(rows: list[TriageRow]) -> dict[str, int]:
    """How many rows each filter would show."""
    return {name: sum(row.matches(name) for row in rows) for name in FILTERS}
