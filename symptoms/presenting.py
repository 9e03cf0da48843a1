"""Assessments in words: reasons translated into the reader's language, and what to do next."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from symptoms import rules
from symptoms.assessments import PatientAssessment, StoredReason, format_number
from symptoms.cycles import CycleSummary
from symptoms.models import FunctionalImpact, Status

DATE_PARAMS = {"since", "day"}
NUMBER_PARAMS = {"average", "threshold", "previous"}  # written as format_number writes them

NEXT_STEP = {
    Status.REFER: gettext_lazy("Please contact your care team: a professional evaluation is recommended."),
    Status.WATCH: gettext_lazy(
        "Keep logging every day. If things get worse, or you are worried, contact your care team."
    ),
    Status.INSUFFICIENT_DATA: gettext_lazy("Log on most days, so that your weekly average can be worked out."),
    Status.OK: gettext_lazy("Keep logging every day so you and your care team can see how you are doing."),
}
URGENT_STEP = gettext_lazy("Contact your care team soon, today if you were hurt or feel unsafe.")
URGENT_CODES = set(rules.URGENT_SIGNALS)


def reason_text(reason: StoredReason) -> str:
    """One stored reason as a sentence in the active language, dates in the local style."""
    params = {name: _format_param(name, value) for name, value in reason["params"].items()}
    return _(reason["message"]) % params


def reasons_text(reasons: Iterable[StoredReason]) -> list[str]:
    return [reason_text(reason) for reason in reasons]


def _format_param(name: str, value: object) -> object:
    if name in DATE_PARAMS and isinstance(value, str):
        return formats.date_format(date.fromisoformat(value), long_date_format())
    if name in NUMBER_PARAMS and isinstance(value, str):  # stored before every number had two decimals
        try:
            return format_number(Decimal(value))
        except ArithmeticError:
            return value
    return value


def long_date_format() -> str:
    """"21 November 2026", or the reader's language's way of writing a date."""
    return pgettext("date format", "j F Y")


@dataclass(frozen=True)
class PatientSummary:
    """What the patient sees: their status in words, the reasons, and what to do next."""

    status: str
    label: str
    weekly_average: Decimal | None
    threshold: Decimal
    urgent_reasons: list[str]
    reasons: list[str]
    next_step: str
    urgent: bool
    urgent_step: str
    contact_care_team: bool


def patient_summary(assessment: PatientAssessment) -> PatientSummary:
    """The assessment as the patient reads it: urgent reasons first, and what to do next."""
    status = Status(assessment.status)
    urgent = [reason for reason in assessment.reasons if reason["code"] in URGENT_CODES]
    return PatientSummary(
        status=status.value, label=str(status.label), weekly_average=assessment.weekly_average,
        threshold=assessment.threshold, urgent_reasons=reasons_text(urgent),
        reasons=reasons_text([reason for reason in assessment.reasons if reason not in urgent]),
        next_step=str(NEXT_STEP[status]), urgent=bool(urgent), urgent_step=str(URGENT_STEP) if urgent else "",
        contact_care_team=bool(urgent) or status == Status.REFER,
    )


def review_reasons(assessment: PatientAssessment, current: CycleSummary | None,
                   previous: CycleSummary | None) -> list[str]:
    """Why a clinician should review before the next dose, in words (`cycles.needs_review`): the status,
    urgent signals, daily life affected, and the current cycle rising against the one before."""
    reasons = []
    if assessment.status in (Status.REFER, Status.WATCH):
        reasons.append(_("Status today: %(status)s.") % {"status": assessment.status_label})
    if assessment.urgent:
        reasons.append(_("Urgent signals: %(signals)s.") % {"signals": ", ".join(assessment.urgent_labels)})
    if assessment.functional_impact != rules.NO_IMPACT:
        reasons.append(_("Daily life: %(impact)s.") % {
            "impact": FunctionalImpact(assessment.functional_impact).label})
    if (current is not None and previous is not None and current.rising
            and current.worst_weekly_average is not None and previous.worst_weekly_average is not None):
        reasons.append(_("Rising: cycle %(number)s's worst 7-day average, %(now)s, is at least a point above "
                         "cycle %(before_number)s's, %(before)s.") % {
            "number": current.number, "now": format_number(current.worst_weekly_average),
            "before_number": previous.number, "before": format_number(previous.worst_weekly_average)})
    return reasons
