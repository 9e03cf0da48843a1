"""The daily symptom entry: one per patient per calendar day (patient's zone)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from symptoms.entry_fields import FLAG_LABELS, FLAGS, LOCATIONS, NOTES_MAX_LENGTH, SCORE_MAX, SCORE_MIN, Flag
from symptoms.rules import DayEntry


def score_field(verbose_name: str, help_text: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=help_text,
    )


class SymptomEntry(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="symptom_entries"
    )
    date = models.DateField(_("date"))
    numbness = score_field(_("numbness or tingling"), _("At its worst today: 0 none, 10 unbearable."))
    pain = score_field(_("pain"), _("Burning, stabbing or pins-and-needles at its worst today."))
    hands = models.BooleanField(_("felt in the hands"), default=False)
    feet = models.BooleanField(_("felt in the feet"), default=False)
    dropped_objects = models.BooleanField(FLAG_LABELS["dropped_objects"], default=False)
    balance_problems = models.BooleanField(FLAG_LABELS["balance_problems"], default=False)
    fine_motor_difficulty = models.BooleanField(FLAG_LABELS["fine_motor_difficulty"], default=False)
    sleep_disturbed = models.BooleanField(FLAG_LABELS["sleep_disturbed"], default=False)
    fell = models.BooleanField(FLAG_LABELS["fell"], default=False)
    cold_sensitivity = models.BooleanField(FLAG_LABELS["cold_sensitivity"], default=False)
    notes = models.TextField(
        _("notes"), blank=True, default="", validators=[MaxLengthValidator(NOTES_MAX_LENGTH)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who last saved the day: empty for the patient themself, else a clinician of the care team who entered it
    # on their behalf (after a telephone call, say). The name is copied in, so it survives the account;
    # every change, with who made it, is kept in EntryChange.
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    entered_by_name = models.CharField(_("entered by (name)"), max_length=150, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("symptom entry")
        verbose_name_plural = _("symptom entries")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "date"], name="entry_one_per_patient_day"),
            models.CheckConstraint(
                condition=Q(numbness__gte=SCORE_MIN, numbness__lte=SCORE_MAX), name="entry_numbness_0_10"
            ),
            models.CheckConstraint(condition=Q(pain__gte=SCORE_MIN, pain__lte=SCORE_MAX), name="entry_pain_0_10"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("notes"), NOTES_MAX_LENGTH), name="entry_notes_max_2000"
            ),
            models.CheckConstraint(
                condition=Q(numbness=0, pain=0) | Q(hands=True) | Q(feet=True),
                name="entry_location_when_symptomatic",
            ),
        ]

    def __str__(self) -> str:
        return f"entry {self.pk} ({self.date})"

    @property
    def locations(self) -> list[str]:
        return [place for place in LOCATIONS if getattr(self, place)]

    @property
    def by_care_team(self) -> bool:
        """Entered on the patient's behalf by someone of their care team."""
        return bool(self.entered_by_name)

    @property
    def flags_answered_yes(self) -> list[Flag]:
        """The daily-life questions answered yes that day, in the order they are asked."""
        return [flag for flag in FLAGS if getattr(self, flag.field)]

    @property
    def day_score(self) -> int:
        """The day's score as the referral rules define it."""
        return DayEntry(self.date, self.numbness, self.pain).day_score


class EntryChangeAction(models.TextChoices):
    CREATED = "created", _("entered")
    REPLACED = "replaced", _("changed")
    DELETED = "deleted", _("deleted")


class EntryChange(models.Model):
    """One change to a patient's diary day: who made it (the patient, or a clinician on their behalf), when,
    and which answers it changed (their names, not their values: the entry itself holds the values).

    Written once in the transaction that changes the entry, and never changed; erased with the patient.
    """

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry_changes")
    date = models.DateField(_("day"))
    at = models.DateTimeField(_("when"))
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("who"))
    changed_by_name = models.CharField(_("who (name)"), max_length=150)
    on_behalf = models.BooleanField(_("on the patient's behalf"), default=False)
    action = models.CharField(_("what"), max_length=16, choices=EntryChangeAction.choices)
    fields = models.JSONField(_("answers changed"), default=list)

    class Meta:
        verbose_name = _("entry change")
        verbose_name_plural = _("entry changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["patient", "-at"], name="entry_change_patient_at")]

    def __str__(self) -> str:
        return f"entry change {self.pk} ({self.date})"


# --- Referral policy --------------------------------------------------------

THRESHOLD_MIN, THRESHOLD_MAX = Decimal("4.00"), Decimal("5.00")


def threshold_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(
        _("threshold"), max_digits=3, decimal_places=2,
        validators=[MinValueValidator(THRESHOLD_MIN, _("The threshold must be between 4.00 and 5.00.")),
                    MaxValueValidator(THRESHOLD_MAX, _("The threshold must be between 4.00 and 5.00."))],
        help_text=_("A 7-day average strictly above this counts as above threshold (4.00 to 5.00)."),
        **kwargs,
    )


def threshold_in_range(field: str) -> Q:
    return Q(**{f"{field}__gte": THRESHOLD_MIN, f"{field}__lte": THRESHOLD_MAX})


class ClinicPolicy(models.Model):
    """The clinic's referral policy; there is exactly one (edited in the admin)."""

    threshold = threshold_field(default=Decimal("4.00"))
    min_days_per_week = models.PositiveSmallIntegerField(
        _("minimum days logged per week"), default=4,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text=_("A 7-day average counts only when at least this many of the 7 days are logged (1 to 7)."),
    )
    persist_days = models.PositiveSmallIntegerField(
        _("days above threshold before referral"), default=14,
        validators=[MinValueValidator(7), MaxValueValidator(42)],
        help_text=_("Days in a row above threshold after which professional evaluation is recommended (7 to 42)."),
    )
    functional_days = models.PositiveSmallIntegerField(
        _("days with daily-life difficulty for 'watch'"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text=_("Days in the last 7 with dropped objects, balance or fine-motor trouble (1 to 7)."),
    )
    review_days = models.PositiveSmallIntegerField(
        _("days ahead to review a planned dose"), default=3,
        validators=[MinValueValidator(0), MaxValueValidator(7)],
        help_text=_("A patient who is not well is flagged for review when a planned dose is this many days "
                    "away or fewer (0 to 7; 0: never)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("clinic referral policy")
        verbose_name_plural = _("clinic referral policy")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="clinic_policy_singleton"),
            models.CheckConstraint(condition=threshold_in_range("threshold"), name="clinic_policy_threshold_4_5"),
            models.CheckConstraint(condition=Q(min_days_per_week__gte=1, min_days_per_week__lte=7),
                                   name="clinic_policy_min_days_1_7"),
            models.CheckConstraint(condition=Q(persist_days__gte=7, persist_days__lte=42),
                                   name="clinic_policy_persist_days_7_42"),
            models.CheckConstraint(condition=Q(functional_days__gte=1, functional_days__lte=7),
                                   name="clinic_policy_functional_days_1_7"),
            models.CheckConstraint(condition=Q(review_days__gte=0, review_days__lte=7),
                                   name="clinic_policy_review_days_0_7"),
        ]

    def __str__(self) -> str:
        return str(_("Clinic referral policy"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "ClinicPolicy":
        # One statement once the row exists (every save reads it); created on first use.
        return cls.objects.filter(pk=1).first() or cls.objects.get_or_create(pk=1)[0]


class PatientThreshold(models.Model):
    """A clinician's patient-specific threshold, replacing the clinic's for this patient."""

    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="own_threshold"
    )
    threshold = threshold_field()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("patient-specific threshold")
        constraints = [
            models.CheckConstraint(condition=threshold_in_range("threshold"), name="patient_threshold_4_5"),
        ]

    def __str__(self) -> str:  # no value: names show up in admin history, logs and confirmations
        return f"threshold of patient {self.patient_id}"


# --- Current status and alerts -----------------------------------------------

class Status(models.TextChoices):
    REFER = "refer", _("Professional evaluation recommended")
    WATCH = "watch", _("Watch")
    INSUFFICIENT_DATA = "insufficient_data", _("Not enough entries")
    OK = "ok", _("OK")


class FunctionalImpact(models.TextChoices):
    NONE = "none", _("No effect on daily activities logged")
    INSTRUMENTAL = "instrumental", _("Limits everyday tasks (estimate)")
    SELF_CARE = "self_care", _("Limits self-care or safety (estimate)")


class PatientStatus(models.Model):
    """The latest assessment of each patient, kept current so a dashboard never recomputes it."""

    patient = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="current_status"
    )
    as_of = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    weekly_average = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    previous_weekly_average = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    days_logged = models.PositiveSmallIntegerField()
    threshold = models.DecimalField(max_digits=3, decimal_places=2)
    streak_days = models.PositiveIntegerField()
    streak_start = models.DateField(null=True)
    urgent = models.JSONField(default=list)
    functional_impact = models.CharField(max_length=16, choices=FunctionalImpact.choices)
    reasons = models.JSONField(default=list)  # [{"code", "message", "params"}], translated when shown
    last_entry_date = models.DateField(null=True)
    # Treatment on `as_of`: the next dose day, the cycle the day is in ({course, number, day}), and
    # whether a dose on one of the next review days needs a clinician's review first.
    next_administration = models.DateField(null=True)
    cycle = models.JSONField(null=True)
    needs_review = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("patient status")
        verbose_name_plural = _("patient statuses")

    def __str__(self) -> str:
        return f"status of patient {self.patient_id}"


class AlertKind(models.TextChoices):
    REFER = "refer", _("Referral recommended")
    FALL = "fall", _("Fall")
    SEVERE_SCORE = "severe_score", _("Severe symptoms")
    WORSENING = "worsening", _("Rapid worsening")
    DOSE_REVIEW = "dose_review", _("Review before next dose")


class Alert(models.Model):
    """Something a care team should look at; at most one open alert per patient and kind, except
    `dose_review`: one per planned administration, ever.

    Urgent alerts (fall, severe score, worsening) close when a clinician acknowledges
    them; a `refer` alert stays open until the 7-day average has been at or below
    threshold for 7 days; a `dose_review` closes when acknowledged or once its dose day
    has passed. `signal_days` are the days whose signals the alert carries (for a
    `dose_review`, the day it opened).
    """

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    signal_days = models.JSONField(default=list)
    last_signal_day = models.DateField()
    opened_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True, default="", validators=[MaxLengthValidator(NOTES_MAX_LENGTH)])
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The planned dose a `dose_review` is about (null for the other kinds, or once that dose was removed).
    administration = models.ForeignKey("treatment.Administration", on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="+")

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["patient", "kind", "last_signal_day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind"], condition=Q(resolved_at__isnull=True) & ~Q(kind="dose_review"),
                name="alert_one_open_per_patient_and_kind",
            ),
            models.UniqueConstraint(
                fields=["administration"], condition=Q(kind="dose_review"),
                name="alert_one_dose_review_per_administration",
            ),
            models.CheckConstraint(
                condition=Q(kind="dose_review") | Q(administration__isnull=True),
                name="alert_administration_only_for_dose_review",
            ),
        ]

    def __str__(self) -> str:  # no kind: names show up in admin history, logs and confirmations
        return f"alert {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


# --- Audit log -----------------------------------------------------------------

class RecordAccessAction(models.TextChoices):
    VIEWED_RECORD = "viewed_record", _("Viewed the patient's record")
    VIEWED_ENTRIES_API = "viewed_entries_api", _("Read the patient's entries (API)")
    VIEWED_ASSESSMENT_API = "viewed_assessment_api", _("Read the patient's assessment (API)")
    VIEWED_PATIENT_LIST_API = "viewed_patient_list_api", _("Read the patient's assessment in the patient list (API)")
    VIEWED_DASHBOARD = "viewed_dashboard", _("Saw the patient's status and alerts on the triage dashboard")
    VIEWED_ALERTS_API = "viewed_alerts_api", _("Read the patient's alerts (API)")
    ADMIN_VIEWED_ENTRIES = "admin_viewed_entries", _("Read the patient's entries in the admin")
    ADMIN_VIEWED_STATUS = "admin_viewed_status", _("Read the patient's status in the admin")
    ADMIN_VIEWED_ALERTS = "admin_viewed_alerts", _("Read the patient's alerts in the admin")
    ADMIN_VIEWED_THRESHOLD = "admin_viewed_threshold", _("Read the patient's threshold in the admin")
    ACKNOWLEDGED_ALERT = "acknowledged_alert", _("Acknowledged an alert")
    CHANGED_THRESHOLD = "changed_threshold", _("Changed the patient's threshold")
    VIEWED_TREATMENT_API = "viewed_treatment_api", _("Read the patient's treatment and grades (API)")
    CHANGED_TREATMENT = "changed_treatment", _("Changed the patient's treatment")
    RECORDED_GRADE = "recorded_grade", _("Recorded a neuropathy grade")
    ADMIN_VIEWED_TREATMENT = "admin_viewed_treatment", _("Read the patient's treatment or grades in the admin")
    EXPORTED_RECORD = "exported_record", _("Downloaded the patient's data")
    ENTERED_ON_BEHALF = "entered_on_behalf", _("Entered or corrected a day on the patient's behalf")
    DELETED_ON_BEHALF = "deleted_on_behalf", _("Deleted a day's entry on the patient's behalf")
    VIEWED_QUALITY = "viewed_quality", _("Saw the patient's reporting on the quality-of-care page")
    ERASED_PATIENT = "erased_patient", _("Erased the patient and all their data")


class RecordAccess(models.Model):
    """One look at (or change to) a patient's record by a clinician: who, which patient, when, what.

    Written once and never changed. Names are copied in, so the trail survives an
    account being deleted.
    """

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+", verbose_name=_("who"))
    actor_username = models.CharField(_("who (username)"), max_length=150)
    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                related_name="record_accesses", verbose_name=_("patient"))
    patient_username = models.CharField(_("patient (username)"), max_length=150)
    action = models.CharField(_("what"), max_length=32, choices=RecordAccessAction.choices)
    # Once the patient was erased: their name is gone from the row, which keeps "erased patient #<old id>".
    patient_erased = models.BooleanField(_("patient erased"), default=False)

    class Meta:
        verbose_name = _("record access")
        verbose_name_plural = _("record access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["patient", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.patient_username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("the record access log is append-only")
        super().save(*args, **kwargs)
