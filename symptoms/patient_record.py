"""A patient's record as their care team sees it, and who may see it.

Owns care-team access (a clinician sees their own patients only; anyone else's
is "does not exist", a 404 to the caller), what the record page shows (status,
chart data, entries, alerts, thresholds, care team) in a fixed number of
queries however long the diary, and the patient-specific threshold.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Role, User
from symptoms import evaluation, rules
from symptoms.access_log import log_record_access
from symptoms.assessments import PatientAssessment, current_assessment, own_threshold, patient_trend, policy_for
from symptoms.diary import patient_entries
from symptoms.models import (
    Alert,
    AlertKind,
    ClinicPolicy,
    PatientThreshold,
    RecordAccessAction,
    SymptomEntry,
)

RECORD_ENTRY_DAYS = 84
CLOSED_ALERTS_SHOWN = 10


@dataclass(frozen=True)
class PatientRecord:
    """What a clinician sees of one patient; a fixed number of queries however long the diary."""

    patient: User
    status: PatientAssessment
    trend: list[rules.TrendDay]
    entries: list[SymptomEntry]
    entry_count: int
    open_alerts: list[Alert]
    closed_alerts: list[Alert]
    own_threshold: Decimal | None
    clinic_threshold: Decimal
    care_team: list[User]

    @property
    def threshold(self) -> Decimal:
        """The threshold the rules use for this patient: their own if a clinician set one, else the clinic's."""
        return self.own_threshold if self.own_threshold is not None else self.clinic_threshold


def patient_record(patient: User, all_entries: bool = False, trend_from: date | None = None) -> PatientRecord:
    """A patient's chart data (from `trend_from`, or all), entries (the last 12 weeks, or all), alerts,
    thresholds and care team."""
    own = own_threshold(patient)
    clinic = ClinicPolicy.current()
    entries = patient_entries(patient)
    if not all_entries:
        entries = entries.filter(date__gt=patient.local_today() - timedelta(days=RECORD_ENTRY_DAYS))
    alerts = list(Alert.objects.filter(patient=patient).select_related("acknowledged_by", "administration")
                  .order_by("resolved_at", "-opened_at")[:CLOSED_ALERTS_SHOWN + len(AlertKind)])
    status = current_assessment(patient)
    return PatientRecord(
        patient=patient, status=status,
        trend=patient_trend(patient, trend_from, policy=policy_for(clinic, own), status=status),
        entries=list(entries), entry_count=SymptomEntry.objects.filter(patient=patient).count(),
        open_alerts=[alert for alert in alerts if alert.is_open],
        closed_alerts=[alert for alert in alerts if not alert.is_open][:CLOSED_ALERTS_SHOWN],
        own_threshold=own, clinic_threshold=clinic.threshold,
        care_team=list(patient.care_team.order_by("last_name", "first_name", "username")),
    )


def set_patient_threshold(by: User, patient: User, threshold: Decimal | str | None) -> None:
    """Set (or with None, clear) a patient-specific threshold, 4.00 to 5.00, and re-assess the patient.

    A clinician may do this only for their own patients (others raise User.DoesNotExist);
    admins for anyone. Out-of-range or malformed values raise ValidationError on `threshold`.
    """
    if by.is_clinician and not by.patients.filter(pk=patient.pk).exists():
        raise User.DoesNotExist
    if not (by.is_clinician or by.role == Role.ADMIN):
        raise PermissionDenied
    with transaction.atomic():
        evaluation.lock_patients([patient.pk])
        if threshold in (None, ""):
            PatientThreshold.objects.filter(patient=patient).delete()
        else:
            try:
                value = PatientThreshold._meta.get_field("threshold").clean(threshold, None)
            except ValidationError as error:
                raise ValidationError({"threshold": error.messages}) from None
            PatientThreshold.objects.update_or_create(patient=patient, defaults={"threshold": value, "set_by": by})
        evaluation.evaluate_patient(patient)
        if by.is_clinician:
            log_record_access(by, patient, RecordAccessAction.CHANGED_THRESHOLD)
