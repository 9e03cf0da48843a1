from django import forms
from django.utils.translation import gettext_lazy as _

from symptoms.models import (
    FLAG_FIELDS,
    NOTES_MAX_LENGTH,
    SCORE_MAX,
    SCORE_MIN,
    THRESHOLD_MAX,
    THRESHOLD_MIN,
    SymptomEntry,
)

SCORE_CHOICES = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]
LOCATION_CHOICES = [("hands", _("Hands")), ("feet", _("Feet"))]

FLAG_QUESTIONS = {
    "dropped_objects": _("I dropped things or could not keep hold of them"),
    "balance_problems": _("I felt unsteady or held on to walls or furniture"),
    "fine_motor_difficulty": _("Buttons, writing, lids or chopsticks were hard"),
    "sleep_disturbed": _("Symptoms at night disturbed my sleep"),
    "fell": _("I had a fall"),
    "cold_sensitivity": _("Cold set off or worsened my symptoms"),
}


def score_choice_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=SCORE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a score from 0 to 10."),
            "invalid_choice": _("Choose a score from 0 to 10."),
        },
    )


class EntryForm(forms.Form):
    """Parses the daily entry page; the service decides what may be stored."""

    numbness = score_choice_field(_("Numbness or tingling"))
    pain = score_choice_field(_("Pain"))
    locations = forms.MultipleChoiceField(
        label=_("Where did you feel it?"), choices=LOCATION_CHOICES,
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    notes = forms.CharField(
        label=_("Anything else you want your care team to know? (optional)"),
        required=False, max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NOTES_MAX_LENGTH}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for flag in FLAG_FIELDS:
            self.fields[flag] = forms.BooleanField(label=FLAG_QUESTIONS[flag], required=False)

    @classmethod
    def initial_from(cls, entry: SymptomEntry | None) -> dict:
        if entry is None:
            return {}
        initial = {name: getattr(entry, name) for name in ("numbness", "pain", "notes", *FLAG_FIELDS)}
        initial["locations"] = entry.locations
        return initial

    def flag_fields(self):
        return [self[flag] for flag in FLAG_FIELDS]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTES_MAX_LENGTH}),
    )


class ThresholdForm(forms.Form):
    """A patient-specific threshold from 4.0 to 5.0; left empty, the clinic's applies."""

    threshold = forms.DecimalField(
        label=_("Patient-specific threshold"), required=False, min_value=THRESHOLD_MIN, max_value=THRESHOLD_MAX,
        max_digits=3, decimal_places=2,
        help_text=_("From 4.0 to 5.0. Leave empty to use the clinic's threshold."),
        error_messages={
            "invalid": _("Enter a number from 4.0 to 5.0, such as 4.5."),
            "min_value": _("The threshold must be between 4.0 and 5.0."),
            "max_value": _("The threshold must be between 4.0 and 5.0."),
            "max_digits": _("Use at most two decimal places, such as 4.25."),
            "max_decimal_places": _("Use at most two decimal places, such as 4.25."),
        },
        widget=forms.NumberInput(attrs={"step": "0.05", "min": "4", "max": "5", "inputmode": "decimal"}),
    )
