"""One way to write the numbers and days a patient or clinician reads on a page.

Averages, changes and thresholds always have two decimals ("4.50", "+0.19"), as the API reports them, so a
shown average above a shown threshold is really above it (one decimal would show 4.04 against 4.0 as
"4.0 above 4.0"). Days are written in the reader's language, never as ISO dates.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format

from symptoms.assessments import format_number

register = template.Library()

EMPTY = "—"


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def two_places(value) -> str:
    """4.5 -> "4.50"; None -> "—"."""
    number = _number(value)
    return EMPTY if number is None else format_number(number)


@register.filter
def signed_change(value) -> str:
    """A change since last week with its sign: "+0.19", "−1.25" (a real minus sign), "0.00"."""
    number = _number(value)
    if number is None:
        return EMPTY
    text = format_number(abs(number))
    number = Decimal(text).copy_sign(number)  # the sign of what is shown: -0.004 is "0.00"
    return f"+{text}" if number > 0 else f"\u2212{text}" if number < 0 else text


@register.filter
def day_list(days, format_string: str = "DATE_FORMAT") -> str:
    """ISO days (as alerts store them) in the reader's language, joined by commas."""
    shown = []
    for day in days or ():
        try:
            shown.append(date_format(day if isinstance(day, date) else date.fromisoformat(str(day)), format_string))
        except ValueError:
            shown.append(str(day))
    return ", ".join(shown)


@register.filter
def percent(value) -> str:
    """A share from 0 to 1 as a whole percentage: 0.9149 -> "91%"; None -> "—"."""
    number = _number(value)
    return EMPTY if number is None else f"{(number * 100).quantize(Decimal('1'))}%"
