"""Clinician pages: the triage list of their own patients, and one patient's record."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from notifications import services as outbox
from symptoms import charts, treatment_changes, treatment_record, triage, views
from symptoms.access import clinician_required, own_patient_required
from symptoms.access_log import log_list_access, log_record_access
from symptoms.alerts import acknowledge_alert, unread_alert_notices
from symptoms.diary import recent_entry_changes
from symptoms.entry_fields import editable_days
from symptoms.forms import AcknowledgeForm, CourseForm, DoseForm, GradeForm, ThresholdForm, add_service_errors
from symptoms.models import Alert, AlertKind, FunctionalImpact, RecordAccessAction, Status
from symptoms.patient_record import patient_record, set_patient_threshold
from symptoms.presenting import long_date_format, reasons_text, review_reasons
from symptoms.quality import chosen_weeks, may_see_quality, quality_for
from symptoms.quality_figures import WEEKS_DEFAULT
from treatment.courses import courses_of

FILTER_LABELS = {
    "urgent": gettext_lazy("Urgent"), "not_reporting": gettext_lazy("Not reporting"),
    "review": gettext_lazy("Review before next dose"),
    **{status.value: status.label for status in Status},
}


@clinician_required
def clinician_home(request):
    """The clinician's own patients, most urgent first, filtered by status if asked."""
    if request.method == "POST":
        outbox.mark_notices_read(request.user)
        return redirect("symptoms:clinician_home")
    wanted = request.GET.get("status") or None
    filter_error = None
    if wanted is not None and wanted not in triage.FILTERS:
        filter_error, wanted = _("Unknown status filter “%(value)s”; showing all patients.") % {"value": wanted}, None
    listing = triage.triage_page(request.user, wanted, request.GET.get("page"))
    filters = [{"value": name, "label": FILTER_LABELS[name], "count": listing.counts[name]}
               for name in triage.FILTERS]
    shown = listing.rows
    notices = unread_alert_notices(request.user)
    context = {
        "rows": shown, "total": listing.total, "filters": filters, "page": listing.page,
        "wanted": wanted, "filter_error": filter_error, "notices": notices,
    }
    response = render(request, "symptoms/clinician_home.html", context, status=400 if filter_error else 200)
    # Each patient whose status, averages or alerts the page showed: one row each, one statement.
    patients = {row.patient.pk: row.patient for row in shown} | {n.alert.patient_id: n.alert.patient for n in notices}
    log_list_access(request.user, patients.values(), RecordAccessAction.VIEWED_DASHBOARD)
    return response


@own_patient_required
def patient_detail(request, patient: User):
    """One patient's record: chart, entries, alerts, functional impact, threshold and care team."""
    return _render_detail(request, patient)


def _render_detail(request, patient: User, *, threshold_form: ThresholdForm | None = None,
                   ack_forms: dict[int, AcknowledgeForm] | None = None,
                   treatment_forms: dict[str, forms.Form] | None = None, status: int = 200):
    """The record page, also shown again with a form's errors; each showing is logged once it is rendered."""
    period = charts.chosen_period(request.GET.get("period"))
    record = patient_record(patient, all_entries=request.GET.get("entries") == "all",
                            trend_from=charts.period_start(period, patient.local_today()))
    threshold = record.threshold
    ack_forms = ack_forms or {}
    treatment = treatment_record.treatment_record(patient)
    treatment_forms = {
        "course": CourseForm(prefix="course"),
        "grade": GradeForm(prefix="grade", initial={"date": record.status.as_of}),
        "dose": DoseForm(prefix="dose", courses=[(c.course.pk, treatment_record.course_name(c.course))
                                                 for c in treatment.courses],
                         initial={"date": record.status.next_administration}),
        **(treatment_forms or {})}
    context = {
        "record": record, "patient": patient, "period": period, "period_choices": charts.period_choices(period),
        "reasons": reasons_text(record.status.reasons),
        "status_label": record.status.status_label,
        "functional_impact_label": FunctionalImpact(record.status.functional_impact).label,
        "figure": charts.trend_figure(record.trend, threshold, period=period, doses=treatment.dose_marks),
        "treatment": treatment, "treatment_forms": treatment_forms,
        "overlays": [(course, treatment_record.overlay_figure(course), f"overlay-{course.course.pk}")
                     for course in treatment.courses if course.cycles],
        "review_reasons": (review_reasons(record.status, *treatment_record.current_cycles(treatment, record.status))
                           if record.status.needs_review else []),
        "review": _review_state(record),
        "form_problems": form_problems([threshold_form, *treatment_forms.values()]),
        "chart_rows": charts.chart_rows(record.trend), "first_editable": editable_days(patient)[0],
        "entry_changes": recent_entry_changes(patient),
        "threshold": threshold,
        "threshold_form": threshold_form or ThresholdForm(initial={"threshold": record.own_threshold}),
        "open_alerts": [(alert, ack_forms.get(alert.pk) or AcknowledgeForm(prefix=f"alert-{alert.pk}"))
                        for alert in record.open_alerts],
        "showing_all_entries": request.GET.get("entries") == "all",
    }
    response = render(request, "symptoms/patient_detail.html", context, status=status)
    log_record_access(request.user, patient, RecordAccessAction.VIEWED_RECORD)
    return response


@require_POST
@own_patient_required
def acknowledge(request, patient: User, alert_id: int):
    form = AcknowledgeForm(request.POST, prefix=f"alert-{alert_id}")
    if form.is_valid():
        try:
            acknowledge_alert(request.user, alert_id, form.cleaned_data["note"], patient_id=patient.pk)
        except Alert.DoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alert acknowledged."))
            return redirect("symptoms:patient_detail", patient_id=patient.pk)
    return _render_detail(request, patient, ack_forms={alert_id: form}, status=400)


@require_POST
@own_patient_required
def set_threshold(request, patient: User):
    form = ThresholdForm(request.POST)
    if form.is_valid():
        try:
            set_patient_threshold(request.user, patient, form.cleaned_data["threshold"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Threshold saved; the patient's status has been re-assessed."))
            return redirect("symptoms:patient_detail", patient_id=patient.pk)
    return _render_detail(request, patient, threshold_form=form, status=400)


def _review_state(record) -> dict[str, object]:
    """The review before the next dose as the record page shows it: still to do (an open alert), or done
    (acknowledged, by whom and when)."""
    open_review = next((alert for alert in record.open_alerts if alert.kind == AlertKind.DOSE_REVIEW), None)
    done = next((alert for alert in record.closed_alerts if alert.kind == AlertKind.DOSE_REVIEW
                 and alert.acknowledged_at is not None and alert.administration is not None
                 and alert.administration.date == record.status.next_administration), None)
    return {"open": open_review, "done": None if open_review else done}


def form_problems(page_forms) -> list[dict[str, str]]:
    """Every error of the forms sent back with the page, for the summary at its top: the field's label, the
    id of its error next to the field (to link to it) and the message."""
    problems = []
    for form in page_forms:
        if form is None or not form.is_bound:
            continue
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            for message in errors:
                problems.append({"label": str(field.label) if field else "", "message": message,
                                 "target": f"{form[name].auto_id}_error" if field else ""})
    return problems


# --- Treatment: add a course, record or plan a dose, record a grade ------------------------------------------

def _treatment_form(request, patient: User, form: forms.Form, save, done: str, name: str):
    """Save a treatment form through `save(cleaned_data)`, or show the record page again with its errors
    (400); a course of someone else's patient is a 404."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ObjectDoesNotExist:
            raise Http404 from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("symptoms:patient_detail", args=[patient.pk]) + "#treatment-heading")
    return _render_detail(request, patient, treatment_forms={name: form}, status=400)


@require_POST
@own_patient_required
def add_course(request, patient: User):
    return _treatment_form(request, patient, CourseForm(request.POST, prefix="course"),
                           lambda values: treatment_changes.create_course(request.user, patient.pk, values),
                           _("Course added."), "course")


@require_POST
@own_patient_required
def record_dose(request, patient: User):
    def save(values):
        day = values.pop("date")
        course = values.pop("course")
        treatment_changes.record_administration(request.user, course, day, values)

    form = DoseForm(request.POST, prefix="dose", courses=_course_choices(patient))
    return _treatment_form(request, patient, form, save, _("Dose saved; the patient has been re-assessed."), "dose")


@require_POST
@own_patient_required
def record_grade(request, patient: User):
    return _treatment_form(request, patient, GradeForm(request.POST, prefix="grade"),
                           lambda values: treatment_changes.record_grade(request.user, patient.pk, values),
                           _("Grade recorded."), "grade")


def _course_choices(patient: User) -> list[tuple[int, str]]:
    return [(course.pk, treatment_record.course_name(course)) for course in courses_of(patient)]


# --- A day entered on the patient's behalf -----------------------------------------------------------------

def _on_behalf_url(patient: User, day) -> str:
    return reverse("symptoms:log_on_behalf", kwargs={"patient_id": patient.pk, "day": day})


@own_patient_required
def log_on_behalf(request, patient: User, day=None):
    """Enter or correct a day of the patient's diary for them (after a telephone call, say): the patient's
    own form, rules and window; saved as entered by this clinician on their behalf. The page shows the day's
    answers, so opening it is logged as reading the record, and saving as entering on their behalf."""
    day = day or patient.local_today()
    if request.method == "POST":
        with transaction.atomic():  # the entry and its access-log row together
            state = views.day_form(request, patient, day, by=request.user)
            if state.saved:
                log_record_access(request.user, patient, RecordAccessAction.ENTERED_ON_BEHALF)
    else:
        state = views.day_form(request, patient, day, by=request.user)
    if state.saved:
        # No name: messages travel in a cookie.
        messages.success(request, _("Saved the entry for %(day)s on the patient's behalf.")
                         % {"day": formats.date_format(day, long_date_format())})
        return redirect(reverse("symptoms:patient_detail", args=[patient.pk]) + "#entries-heading")
    context = {
        "patient": patient, "form": state.form, "day": day, "existing": state.existing, "day_error": state.day_error,
        "is_today": day == patient.local_today(), "today_url": _on_behalf_url(patient, patient.local_today()),
        "recent_days": views.recent_day_links(patient, lambda d: _on_behalf_url(patient, d)),
    }
    response = render(request, "symptoms/log_on_behalf.html", context, status=views.day_form_status(request))
    log_record_access(request.user, patient, RecordAccessAction.VIEWED_RECORD)
    return response


# --- Quality of care -------------------------------------------------------------------------------------

WEEKS_CHOICES = (1, 4, 12, 26, 52)


@login_required
def quality_page(request):
    """How the clinic is doing (PRODUCT.md "Quality of care"): for a clinician their own patients, each
    with their completion; for an admin the whole clinic and each clinician."""
    if not may_see_quality(request.user):
        raise PermissionDenied
    weeks_error, raw = None, request.GET.get("weeks")
    try:
        weeks = chosen_weeks(raw)
    except ValidationError as error:
        weeks_error, weeks = error.message_dict["weeks"][0], WEEKS_DEFAULT
    quality = quality_for(request.user, weeks)
    context = {
        "quality": quality, "figures": quality.figures, "weeks_error": weeks_error, "weeks": weeks,
        "weeks_choices": sorted({*WEEKS_CHOICES, weeks}),
        "figure": charts.completion_figure([(days.first, week.completion_rate) for days, week in quality.trend]),
    }
    response = render(request, "symptoms/quality.html", context, status=400 if weeks_error else 200)
    log_list_access(request.user, quality.patients or [], RecordAccessAction.VIEWED_QUALITY)
    return response
