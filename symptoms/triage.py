"""The clinician's triage list: their own patients, most urgent first, from stored statuses.

Everything comes from one query over the care team, each patient's stored
status and a count of their open alerts, so the list costs the same number of
queries for ten patients or a thousand. Nothing clinical is worked out here:
the referral rules decided the status when the patient last logged.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q

from accounts.models import User
from symptoms import evaluation, rules
from symptoms.models import AlertKind, ClinicPolicy, Status

# Most urgent first: urgent signals come before every status (see sort_key).
STATUS_ORDER = (Status.REFER, Status.WATCH, Status.INSUFFICIENT_DATA, Status.OK)
NOT_REPORTING_DAYS = 3
FILTERS = ("urgent", *STATUS_ORDER, "not_reporting")


@dataclass(frozen=True)
class TriageRow:
    """One patient on the list: their stored assessment and what the list shows of it."""

    patient: User
    values: dict  # the stored assessment, as evaluation.STATUS_FIELDS
    open_alerts: int
    days_since_last_entry: int | None  # in the patient's own zone

    @property
    def status(self) -> Status:
        return Status(self.values["status"])

    @property
    def urgent(self) -> tuple[str, ...]:
        return tuple(self.values["urgent"])

    @property
    def weekly_average(self) -> Decimal | None:
        return self.values["weekly_average"]

    @property
    def previous_weekly_average(self) -> Decimal | None:
        return self.values["previous_weekly_average"]

    @property
    def streak_days(self) -> int:
        return self.values["streak_days"]

    @property
    def last_entry_date(self) -> date | None:
        return self.values["last_entry_date"]

    @property
    def change(self) -> Decimal | None:
        """This week's 7-day average minus last week's, when both count."""
        if self.weekly_average is None or self.previous_weekly_average is None:
            return None
        return self.weekly_average - self.previous_weekly_average

    @property
    def urgent_labels(self) -> list[str]:
        return [AlertKind(signal).label for signal in self.urgent]

    @property
    def change_direction(self) -> str:
        """"up" (worse), "down" (better) or "same"; "" when there is no change to show."""
        change = self.change
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
            return bool(self.urgent)
        if wanted == "not_reporting":
            return self.not_reporting
        return self.status == wanted

    def sort_key(self) -> tuple:
        """Urgent signals first, then refer, watch, insufficient data, ok; ties by longer streak, higher average."""
        average = self.weekly_average if self.weekly_average is not None else Decimal(-1)
        return (not self.urgent, STATUS_ORDER.index(self.status), -self.streak_days, -average,
                self.patient.display_name().lower())


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
            values = {name: getattr(stored, name) for name in evaluation.STATUS_FIELDS}
        else:  # never assessed yet: what an empty diary gives under the clinic's policy
            clinic_policy = clinic_policy or evaluation.policy_for(ClinicPolicy.current())
            values = evaluation.status_values(rules.assess([], patient.local_today(), clinic_policy), None)
        rows.append(_row(patient, values))
    return sorted(rows, key=TriageRow.sort_key)


def _row(patient: User, values: dict) -> TriageRow:
    last_entry = values["last_entry_date"]
    return TriageRow(patient=patient, values=values, open_alerts=patient.open_alert_count,
                     days_since_last_entry=(patient.local_today() - last_entry).days if last_entry else None)


def status_counts(rows: list[TriageRow]) -> dict[str, int]:
    """How many rows each filter would show."""
    return {name: sum(row.matches(name) for row in rows) for name in FILTERS}
