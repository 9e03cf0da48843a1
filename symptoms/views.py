from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from accounts.contact import care_team_contact
from accounts.models import User
from education.suggestions import suggestions_for
from symptoms import charts, diary, summaries, treatment_record
from symptoms.access import patient_required
from symptoms.alerts import seen_by_care_team
from symptoms.assessments import current_assessment, patient_trend
from symptoms.entry_fields import check_day_is_editable, editable_days
from symptoms.forms import EntryForm, add_service_errors
from symptoms.models import SymptomEntry
from symptoms.presenting import long_date_format, patient_summary
from treatment.courses import courses_of


@dataclass
class DayForm:
    """The entry form for one day of a patient's diary, after a GET or a POST."""

    form: EntryForm
    existing: SymptomEntry | None
    day_error: str | None
    saved: bool


def day_form(request, patient: User, day: date, by: User | None = None) -> DayForm:
    """Show, or save from a POST, one day's entry: the patient's own, or (`by`) a clinician's on their behalf,
    under the same rules and window. On a refusal the form carries every message, and nothing is stored."""
    existing = diary.entry_for_day(patient, day)
    bound_data = request.POST if request.method == "POST" else None
    form = EntryForm(bound_data, initial=EntryForm.initial_from(existing))
    day_error = None
    try:
        check_day_is_editable(patient, day)
    except ValidationError as error:
        day_error = error.message_dict["date"][0]
    if request.method != "POST":
        return DayForm(form, existing, day_error, saved=False)
    if not day_error and form.is_valid():
        try:
            diary.record_entry(patient, day, form.cleaned_data, by=by)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return DayForm(form, existing, None, saved=True)
    return DayForm(form, existing, day_error, saved=False)


def day_form_status(request) -> int:
    """A page showing the day's form again: after a POST it was refused (a saved one redirects)."""
    return 400 if request.method == "POST" else 200


def recent_day_links(patient: User, url_for: Callable[[date], str]) -> list[dict]:
    """The days that can still be logged, newest first, each with its page (`url_for(day)`)."""
    return [{"day": item.day, "logged": item.logged, "is_today": item.is_today, "url": url_for(item.day)}
            for item in diary.recent_days(patient)]


@patient_required
def log_entry(request, day: date | None = None):
    """Today's entry (or a backfill day): eleven score buttons, flags, notes."""
    patient = request.user
    day = day or patient.local_today()
    state = day_form(request, patient, day)
    if state.saved:
        messages.success(request, _("Saved your entry for %(day)s.")
                         % {"day": formats.date_format(day, long_date_format())})
        return redirect(_log_url(patient, day))
    assessment = current_assessment(patient)
    context = {
        "form": state.form, "day": day, "existing": state.existing, "day_error": state.day_error,
        "is_today": day == patient.local_today(),
        "recent_days": recent_day_links(patient, lambda d: _log_url(patient, d)),
        "suggestions": suggestions_for(patient, assessment),
        "summary": patient_summary(assessment), "assessment": assessment,
        "seen": seen_by_care_team(patient), "contact": care_team_contact(patient),
    }
    return render(request, "symptoms/log.html", context, status=day_form_status(request))


def _log_url(patient, day: date) -> str:
    if day == patient.local_today():
        return reverse("symptoms:log_today")
    return reverse("symptoms:log_day", kwargs={"day": day})


@patient_required
def history(request):
    """The trend chart with its numbers as a table, the current status, and the entries of the chosen
    period (12 weeks, a year or everything), newest first."""
    first_editable, today = editable_days(request.user)
    period = charts.chosen_period(request.GET.get("period"))
    first = charts.period_start(period, today)
    entries = diary.patient_entries(request.user, first)
    assessment = current_assessment(request.user)
    trend = patient_trend(request.user, first, status=assessment)
    context = {
        "entries": entries, "first_editable": first_editable, "summary": patient_summary(assessment),
        "period": period, "period_choices": charts.period_choices(period),
        "has_entries": bool(entries) or assessment.last_entry_date is not None,
        "suggestions": suggestions_for(request.user, assessment),
        "figure": charts.trend_figure(trend, assessment.threshold, period=period,
                                      doses=treatment_record.dose_marks(courses_of(request.user))),
        "chart_rows": charts.chart_rows(trend), "assessment": assessment,
        "seen": seen_by_care_team(request.user), "contact": care_team_contact(request.user),
    }
    return render(request, "symptoms/history.html", context)


@patient_required
def report(request):
    """A one-page summary of the last four weeks to print for an appointment."""
    report = summaries.appointment_report(request.user)
    treatment = treatment_record.treatment_record(request.user)
    context = {
        "report": report, "first": report.first, "today": report.last, "weeks": report.weeks,
        "noted_entries": report.noted_entries, "summary": patient_summary(report.status),
        "figure": charts.trend_figure(report.trend, report.status.threshold, range_days=summaries.REPORT_DAYS,
                                      static=True, doses=treatment.dose_marks),
        "treatment": treatment,
        "chart_rows": charts.chart_rows(report.trend, summaries.REPORT_DAYS),
        "contact": care_team_contact(request.user),
    }
    return render(request, "symptoms/report.html", context)
