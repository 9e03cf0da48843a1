"""Recording and removing daily entries: validation, the upsert, the transaction.

Views and API endpoints parse input and call one function here; the rules for
which days may be changed live here and nowhere else.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from symptoms import evaluation, rules
from symptoms.models import (
    FLAG_FIELDS,
    LOCATIONS,
    NOTES_MAX_LENGTH,
    Alert,
    AlertKind,
    ClinicPolicy,
    PatientStatus,
    PatientThreshold,
    RecordAccess,
    RecordAccessAction,
    SymptomEntry,
)

logger = logging.getLogger(__name__)

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
        _lock_patient(patient)
        entry, created = SymptomEntry.objects.update_or_create(
            patient=patient, date=day, defaults=columns
        )
        evaluation.evaluate_patient(patient, now=now)
    return RecordedEntry(entry=entry, created=created)


def delete_entry(patient: User, day: date, *, now: datetime | None = None) -> bool:
    """Remove a patient's entry for a day still inside the editable window.

    Returns False when there was no entry for that day.
    """
    check_day_is_editable(patient, day, now)
    with transaction.atomic():
        _lock_patient(patient)
        deleted, _rows = SymptomEntry.objects.filter(patient=patient, date=day).delete()
        if deleted:
            evaluation.evaluate_patient(patient, now=now)
    return deleted > 0


def _lock_patient(patient: User) -> None:
    """One change to a patient's diary at a time, so their status always matches their entries."""
    User.objects.select_for_update().filter(pk=patient.pk).values_list("pk", flat=True).first()


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


def care_team_patient(clinician: User, patient_id: int) -> User:
    """One of the clinician's own patients; anyone else's raises User.DoesNotExist (a 404 to the caller)."""
    if not clinician.is_clinician:
        raise User.DoesNotExist
    return clinician.patients.get(pk=patient_id)


def log_record_access(actor: User, patient: User, action: RecordAccessAction,
                      now: datetime | None = None) -> RecordAccess:
    """Write who looked at or changed which patient's record, and when, to the audit log."""
    return RecordAccess.objects.create(
        at=now or timezone.now(), actor=actor, actor_username=actor.username,
        patient=patient, patient_username=patient.username, action=action,
    )


def log_list_access(actor: User, patients: list[User], action: RecordAccessAction) -> None:
    """One access-log row per patient whose details a list handed over; one statement."""
    at = timezone.now()
    RecordAccess.objects.bulk_create([
        RecordAccess(at=at, actor=actor, actor_username=actor.username, patient=patient,
                     patient_username=patient.username, action=action)
        for patient in patients
    ])


def patient_trend(patient: User, first: date | None = None, policy: rules.Policy | None = None) -> list[rules.TrendDay]:
    """Each day from `first` (default: the first entry) to the patient's today, with its 7-day average and streak."""
    today = patient.local_today()
    entries = evaluation.day_entries([patient.pk])[patient.pk]
    if first is None:
        first = min((entry.date for entry in entries), default=today)
    return rules.trend(entries, min(first, today), today, policy or evaluation.patient_policy(patient))


@dataclass(frozen=True)
class PatientRecord:
    """What a clinician sees of one patient; a fixed number of queries however long the diary."""

    patient: User
    status: dict
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


RECORD_ENTRY_DAYS = 84
CLOSED_ALERTS_SHOWN = 10


def patient_record(patient: User, all_entries: bool = False) -> PatientRecord:
    """A patient's chart data, entries (the last 12 weeks, or all), alerts, thresholds and care team."""
    own = PatientThreshold.objects.filter(patient=patient).values_list("threshold", flat=True).first()
    clinic = ClinicPolicy.current()
    entries = patient_entries(patient)
    if not all_entries:
        entries = entries.filter(date__gt=patient.local_today() - timedelta(days=RECORD_ENTRY_DAYS))
    alerts = list(Alert.objects.filter(patient=patient).select_related("acknowledged_by")
                  .order_by("resolved_at", "-opened_at")[:CLOSED_ALERTS_SHOWN + len(AlertKind)])
    return PatientRecord(
        patient=patient, status=current_status_values(patient),
        trend=patient_trend(patient, policy=evaluation.policy_for(clinic, own)),
        entries=list(entries), entry_count=SymptomEntry.objects.filter(patient=patient).count(),
        open_alerts=[alert for alert in alerts if alert.is_open],
        closed_alerts=[alert for alert in alerts if not alert.is_open][:CLOSED_ALERTS_SHOWN],
        own_threshold=own, clinic_threshold=clinic.threshold,
        care_team=list(patient.care_team.order_by("last_name", "first_name", "username")),
    )


def patient_entries(patient: User, first: date | None = None, last: date | None = None) -> QuerySet:
    """A patient's own entries, newest first, optionally between two days inclusive."""
    entries = SymptomEntry.objects.filter(patient=patient)
    if first is not None:
        entries = entries.filter(date__gte=first)
    if last is not None:
        entries = entries.filter(date__lte=last)
    return entries.order_by("-date")


def acknowledge_alert(clinician: User, alert_id: int, note: str = "", now: datetime | None = None,
                      patient_id: int | None = None) -> Alert:
    """A clinician on the patient's care team acknowledges an alert, optionally with a note.

    Who and when are kept. An urgent alert (fall, severe score, worsening) is closed by
    it; a referral alert stays open until the patient's average settles. Raises
    Alert.DoesNotExist for an alert outside the clinician's own patients (or not `patient_id`'s).
    """
    if len(note) > NOTES_MAX_LENGTH:
        raise ValidationError({"note": _("Keep the note under %(n)d characters.") % {"n": NOTES_MAX_LENGTH}})
    if not clinician.is_clinician:
        raise Alert.DoesNotExist
    now = now or timezone.now()
    with transaction.atomic():
        alerts = Alert.objects.select_for_update().filter(patient__care_team_memberships__clinician=clinician)
        if patient_id is not None:
            alerts = alerts.filter(patient_id=patient_id)
        alert = alerts.get(pk=alert_id)
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = now, clinician
        if note:
            alert.note = note
        if alert.kind != AlertKind.REFER and alert.resolved_at is None:
            alert.resolved_at = now
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "note", "resolved_at"])
        log_record_access(clinician, alert.patient, RecordAccessAction.ACKNOWLEDGED_ALERT, now)
    return alert


def visible_alerts(user: User, status: str | None = None) -> QuerySet:
    """Alerts a user may see: a patient their own, a clinician those of their own patients."""
    if user.is_patient:
        alerts = Alert.objects.filter(patient=user)
    elif user.is_clinician:
        alerts = Alert.objects.filter(patient__care_team_memberships__clinician=user)
    else:
        alerts = Alert.objects.none()
    if status == "open":
        alerts = alerts.filter(resolved_at__isnull=True)
    elif status == "resolved":
        alerts = alerts.filter(resolved_at__isnull=False)
    return alerts.select_related("patient", "acknowledged_by").order_by("-opened_at")


def current_status_values(patient: User) -> dict:
    """The patient's assessment for today: stored when fresh, otherwise worked out now (nothing stored)."""
    today = patient.local_today()
    stored = PatientStatus.objects.filter(patient=patient, as_of=today).values(*evaluation.STATUS_FIELDS).first()
    if stored is not None:
        return stored
    entries = patient_entries(patient)
    last = entries.values_list("date", flat=True).first()
    return evaluation.status_values(evaluation.assess_patient(patient, today), last)


def set_patient_threshold(by: User, patient: User, threshold: Decimal | str | None) -> None:
    """Set (or with None, clear) a patient-specific threshold, 4.0 to 5.0, and re-assess the patient.

    A clinician may do this only for their own patients (others raise User.DoesNotExist);
    admins for anyone. Out-of-range or malformed values raise ValidationError on `threshold`.
    """
    if by.is_clinician and not by.patients.filter(pk=patient.pk).exists():
        raise User.DoesNotExist
    if not (by.is_clinician or by.role == Role.ADMIN):
        raise PermissionDenied
    with transaction.atomic():
        _lock_patient(patient)
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


def schedule_full_reevaluation() -> bool:
    """Ask a worker to re-assess every patient (after a policy change). False if the broker is unreachable."""
    from symptoms.tasks import evaluate_all_patients

    try:
        evaluate_all_patients.apply_async(retry=False)
    except Exception:  # any broker failure: the nightly full run catches up
        logger.warning("could not queue the full re-evaluation; the nightly run will apply the policy")
        return False
    return True
