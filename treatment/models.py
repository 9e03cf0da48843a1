"""What was prescribed and given: neurotoxic treatment courses, their dose days, and clinicians' grades.

Knows nothing of the symptom diary; `symptoms` reads these to put the diary into cycles.
Clinicians on the care team (and admins) write them; patients read them.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from treatment.calendar import (
    CYCLE_DAYS_MAX,
    CYCLE_DAYS_MIN,
    DOSE_MAX,
    DOSE_MIN,
    GRADE_MAX,
    GRADE_MIN,
    NOTE_MAX_LENGTH,
    REGIMEN_MAX_LENGTH,
)


class Agent(models.TextChoices):
    PACLITAXEL = "paclitaxel", _("Paclitaxel")
    NAB_PACLITAXEL = "nab_paclitaxel", _("Nab-paclitaxel")
    DOCETAXEL = "docetaxel", _("Docetaxel")
    OXALIPLATIN = "oxaliplatin", _("Oxaliplatin")
    CISPLATIN = "cisplatin", _("Cisplatin")
    CARBOPLATIN = "carboplatin", _("Carboplatin")
    VINCRISTINE = "vincristine", _("Vincristine")
    VINBLASTINE = "vinblastine", _("Vinblastine")
    VINORELBINE = "vinorelbine", _("Vinorelbine")
    ERIBULIN = "eribulin", _("Eribulin")
    BORTEZOMIB = "bortezomib", _("Bortezomib")
    THALIDOMIDE = "thalidomide", _("Thalidomide")
    LENALIDOMIDE = "lenalidomide", _("Lenalidomide")
    BRENTUXIMAB_VEDOTIN = "brentuximab_vedotin", _("Brentuximab vedotin")
    OTHER = "other", _("Other")


def _note_field() -> models.TextField:
    return models.TextField(_("note"), blank=True, default="", validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])


class Course(models.Model):
    """One neurotoxic treatment of one patient; several may run one after another or at once."""

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="courses",
                                limit_choices_to={"role": "patient"})
    agent = models.CharField(_("agent"), max_length=24, choices=Agent.choices)
    regimen = models.CharField(_("regimen"), max_length=REGIMEN_MAX_LENGTH, blank=True, default="",
                               help_text=_("For example mFOLFOX6."))
    cycle_length_days = models.PositiveSmallIntegerField(
        _("cycle length (days)"), validators=[MinValueValidator(CYCLE_DAYS_MIN), MaxValueValidator(CYCLE_DAYS_MAX)])
    ended_on = models.DateField(_("ended on"), null=True, blank=True,
                                help_text=_("The day the course was stopped or finished."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["patient", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cycle_length_days__gte=CYCLE_DAYS_MIN,
                                               cycle_length_days__lte=CYCLE_DAYS_MAX),
                                   name="course_cycle_length_1_42"),
            models.CheckConstraint(condition=Q(agent__in=Agent.values), name="course_agent_known"),
            models.CheckConstraint(condition=LessThanOrEqual(Length("regimen"), REGIMEN_MAX_LENGTH),
                                   name="course_regimen_max_100"),
        ]

    def __str__(self) -> str:  # no agent: names show up in admin history and logs
        return f"course {self.pk}"


class Administration(models.Model):
    """One dose day of a course, given or (after the patient's today) planned."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="administrations")
    date = models.DateField(_("date"))
    dose_percent = models.PositiveSmallIntegerField(
        _("dose (% of the full planned dose)"), default=100,
        validators=[MinValueValidator(DOSE_MIN), MaxValueValidator(DOSE_MAX)])
    note = _note_field()

    class Meta:
        ordering = ["course", "date"]
        constraints = [
            models.UniqueConstraint(fields=["course", "date"], name="administration_one_per_course_day"),
            models.CheckConstraint(condition=Q(dose_percent__gte=DOSE_MIN, dose_percent__lte=DOSE_MAX),
                                   name="administration_dose_1_100"),
            models.CheckConstraint(condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH),
                                   name="administration_note_max_500"),
        ]

    def __str__(self) -> str:
        return f"administration {self.pk}"


class ClinicianGrade(models.Model):
    """A clinician's CTCAE grade (0-4) of peripheral sensory neuropathy, recorded at a visit."""

    patient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="neuropathy_grades",
                                limit_choices_to={"role": "patient"})
    date = models.DateField(_("date"))
    grade = models.PositiveSmallIntegerField(
        _("CTCAE grade"), validators=[MinValueValidator(GRADE_MIN), MaxValueValidator(GRADE_MAX)])
    note = _note_field()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["patient", "date", "id"]
        indexes = [models.Index(fields=["patient", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(grade__gte=GRADE_MIN, grade__lte=GRADE_MAX), name="grade_0_4"),
            models.CheckConstraint(condition=LessThanOrEqual(Length("note"), NOTE_MAX_LENGTH),
                                   name="grade_note_max_500"),
        ]

    def __str__(self) -> str:
        return f"grade {self.pk}"
