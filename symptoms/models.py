"""The daily symptom entry: one per patient per calendar day (patient's zone)."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

SCORE_MIN, SCORE_MAX = 0, 10
NOTES_MAX_LENGTH = 2000
LOCATIONS = ("hands", "feet")

# Yes/no questions about daily life, in the order a patient is asked them.
FLAG_FIELDS = (
    "dropped_objects",
    "balance_problems",
    "fine_motor_difficulty",
    "sleep_disturbed",
    "fell",
    "cold_sensitivity",
)


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
    dropped_objects = models.BooleanField(_("dropped things"), default=False)
    balance_problems = models.BooleanField(_("unsteady or held on to walls"), default=False)
    fine_motor_difficulty = models.BooleanField(_("trouble with buttons, writing or lids"), default=False)
    sleep_disturbed = models.BooleanField(_("symptoms disturbed sleep"), default=False)
    fell = models.BooleanField(_("had a fall"), default=False)
    cold_sensitivity = models.BooleanField(_("cold made it worse"), default=False)
    notes = models.TextField(
        _("notes"), blank=True, default="", validators=[MaxLengthValidator(NOTES_MAX_LENGTH)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
    def day_score(self) -> int:
        return max(self.numbness, self.pain)
