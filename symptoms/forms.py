"""The page forms: they turn what a browser posts into typed values; what may be stored, and the
message when it may not, is decided by `entry_fields` (the same rules and words as the API)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from symptoms.assessments import format_number
from symptoms.entry_fields import (
    FLAGS,
    LOCATIONS_MESSAGE,
    NOTES_MAX_LENGTH,
    SCORE_MAX,
    SCORE_MESSAGE,
    SCORE_MIN,
)
from symptoms.models import THRESHOLD_MAX, THRESHOLD_MIN, SymptomEntry
from treatment.calendar import CYCLE_DAYS_MAX, CYCLE_DAYS_MIN, DOSE_MAX, DOSE_MIN, NOTE_MAX_LENGTH, REGIMEN_MAX_LENGTH
from treatment.models import Agent


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal shown on the form: each message next to its field, or above the form when
    the form has no such field."""
    for field, messages in error.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


SCORE_CHOICES = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]
LOCATION_CHOICES = [("hands", _("Hands")), ("feet", _("Feet"))]


def score_choice_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": SCORE_MESSAGE, "invalid_choice": SCORE_MESSAGE},
    )


def note_field(label: str, rows: int) -> forms.CharField:
    """Free text; its length and characters are checked by the service that stores it (the browser
    is told the length too)."""
    field = forms.CharField(label=label, required=False,
                            widget=forms.Textarea(attrs={"rows": rows, "maxlength": NOTES_MAX_LENGTH}))
    field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
    return field


TICKED = ("on", "true", "1")
UNTICKED = ("", "false", "0")


def is_ticked(value: Any) -> bool:
    """Shown ticked only for what a ticked box sends (so "false" or "maybe" comes back unticked)."""
    return value is True or str(value).strip().lower() in TICKED


class TickBox(forms.CheckboxInput):
    """Hands the field what was posted, so a value no tick box sends is refused, not read as a tick."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=is_ticked)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class TickBoxField(forms.BooleanField):
    """A yes/no question as a tick box: ticked ("on", as browsers send it) or not; anything else is an error."""

    widget = TickBox
    default_error_messages = {"invalid": _("Tick the box or leave it empty.")}

    def to_python(self, value: Any) -> bool:
        if value is None or value is False:
            return False
        if value is True:
            return True
        word = str(value).strip().lower()
        if word in TICKED:
            return True
        if word in UNTICKED:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: Any) -> None:  # not required: unticked is an answer
        pass


class EntryForm(forms.Form):
    """Parses the daily entry page; the diary decides what may be stored."""

    numbness = score_choice_field(_("Numbness or tingling"))
    pain = score_choice_field(_("Pain"))
    locations = forms.MultipleChoiceField(
        label=_("Where did you feel it?"), choices=LOCATION_CHOICES,
        widget=forms.CheckboxSelectMultiple, required=False, error_messages={"invalid_choice": LOCATIONS_MESSAGE},
    )
    notes = note_field(_("Anything else you want your care team to know? (optional)"), rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for flag in FLAGS:
            self.fields[flag.field] = TickBoxField(label=flag.question, required=False)

    @classmethod
    def initial_from(cls, entry: SymptomEntry | None) -> dict[str, object]:
        if entry is None:
            return {}
        initial: dict[str, object] = {name: getattr(entry, name) for name in ("numbness", "pain", "notes")}
        initial.update({flag.field: getattr(entry, flag.field) for flag in FLAGS})
        initial["locations"] = entry.locations
        return initial

    def flag_fields(self) -> list[forms.BoundField]:
        return [self[flag.field] for flag in FLAGS]

    # How the summary above the form names a field whose label is a question.
    SUMMARY_LABELS = {"locations": _("Where you felt it"), "notes": _("Your note")}

    def problems(self) -> list[dict[str, str]]:
        """Every error, in the order of the page, for the summary at its top: which field (to link to its
        place on the page), what to call it and the message."""
        return [{"name": name, "label": str(self.SUMMARY_LABELS.get(name, self.fields[name].label)),
                 "message": str(message)}
                for name in self.fields for message in self.errors.get(name, ())]


class AcknowledgeForm(forms.Form):
    note = note_field(_("Note (optional)"), rows=2)


class DecimalCommaField(forms.DecimalField):
    """A decimal number typed either way: "4.5" or, as many keyboards and languages write it, "4,5"."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):  # shown as every page writes a threshold, "4.50"
            return format_number(value)
        return value


class ThresholdForm(forms.Form):
    """A patient-specific threshold from 4.00 to 5.00; left empty, the clinic's applies."""

    threshold = DecimalCommaField(
        label=_("Patient-specific threshold"), required=False, min_value=THRESHOLD_MIN, max_value=THRESHOLD_MAX,
        max_digits=3, decimal_places=2,
        help_text=_("From 4.00 to 5.00, such as 4.50 (4,50 works too). Leave empty to use the clinic's threshold."),
        error_messages={
            "invalid": _("Enter a number from 4.00 to 5.00, such as 4.50."),
            "min_value": _("The threshold must be between 4.00 and 5.00."),
            "max_value": _("The threshold must be between 4.00 and 5.00."),
            "max_digits": _("Use at most two decimal places, such as 4.25."),
            "max_decimal_places": _("Use at most two decimal places, such as 4.25."),
        },
        # A text box, not type="number": a number box drops "4,5" before the server sees it.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": "6"}),
    )


# --- Treatment, on the clinician's record page ---------------------------------------------------------------

class DayInput(forms.DateInput):
    input_type = "date"


GRADE_CHOICES = [
    (0, _("0 — no neuropathy")),
    (1, _("1 — mild: numbness or tingling, or reflexes lost, without symptoms that get in the way")),
    (2, _("2 — moderate: limits everyday tasks such as cooking, shopping or buttons")),
    (3, _("3 — severe: limits self-care such as washing, dressing or walking safely")),
    (4, _("4 — life-threatening; urgent intervention needed")),
]


class CourseForm(forms.Form):
    agent = forms.ChoiceField(label=_("Agent"), choices=Agent.choices,
                              error_messages={key: _("Choose the agent from the list.")
                                              for key in ("required", "invalid_choice")})
    regimen = forms.CharField(label=_("Regimen (optional)"), required=False, max_length=REGIMEN_MAX_LENGTH,
                              help_text=_("For example mFOLFOX6."))
    cycle_length_days = forms.IntegerField(
        label=_("Cycle length (days)"), min_value=CYCLE_DAYS_MIN, max_value=CYCLE_DAYS_MAX,
        error_messages={key: _("Enter a cycle length from 1 to 42 days.")
                        for key in ("required", "invalid", "min_value", "max_value")},
        help_text=_("7 for weekly doses, 14 or 21 for two- or three-weekly; from 1 to 42 days."))
    ended_on = forms.DateField(label=_("Ended on (optional)"), required=False, widget=DayInput,
                               help_text=_("Only when the course was stopped or finished."))


class DoseForm(forms.Form):
    """Record a dose given, or plan one: a day after the patient's today is a planned dose."""

    course = forms.TypedChoiceField(label=_("Course"), coerce=int,
                                    error_messages={key: _("Choose one of this patient's courses.")
                                                    for key in ("required", "invalid_choice")})
    date = forms.DateField(label=_("Dose day"), widget=DayInput,
                           error_messages={"required": _("Enter the dose day."),
                                           "invalid": _("Enter the dose day as a date, such as 2026-12-14.")},
                           help_text=_("A day after today plans the dose. The same day again replaces it."))
    dose_percent = forms.IntegerField(label=_("Dose (% of the full planned dose)"), min_value=DOSE_MIN,
                                      max_value=DOSE_MAX, initial=DOSE_MAX,
                                      error_messages={key: _("Enter a dose from 1 to 100 percent of the full dose.")
                                                      for key in ("required", "invalid", "min_value", "max_value")},
                                      help_text=_("100 for the full dose; 80 when reduced by a fifth."))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=NOTE_MAX_LENGTH)

    def __init__(self, *args, courses: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = courses


class GradeForm(forms.Form):
    """The CTCAE grade of peripheral sensory neuropathy seen at a visit."""

    date = forms.DateField(label=_("Day of the visit"), widget=DayInput,
                           error_messages={"required": _("Enter the day of the visit."),
                                           "invalid": _("Enter the day of the visit as a date, such as 2026-12-14.")})
    grade = forms.TypedChoiceField(label=_("Grade (CTCAE, peripheral sensory neuropathy)"), choices=GRADE_CHOICES,
                                   coerce=int, widget=forms.RadioSelect,
                                   error_messages={key: _("Choose a grade from 0 to 4.")
                                                   for key in ("required", "invalid_choice")})
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=NOTE_MAX_LENGTH)
