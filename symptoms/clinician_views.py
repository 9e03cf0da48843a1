"""Clinician pages: the triage list of their own patients, and one patient's record."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from notifications import services as outbox
from symptoms import charts, triage
from symptoms.access import clinician_required, own_patient_required
from symptoms.access_log import log_list_access, log_record_access
from symptoms.alerts import acknowledge_alert, unread_alert_notices
from symptoms.forms import AcknowledgeForm, ThresholdForm, add_service_errors
from symptoms.models import Alert, FunctionalImpact, RecordAccessAction, Status
from symptoms.patient_record import patient_record, set_patient_threshold
from symptoms.presenting import reasons_text

FILTER_LABELS = {
    "urgent": gettext_lazy("Urgent"), "not_reporting": gettext_lazy("Not reporting"),
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
                   ack_forms: dict[int, AcknowledgeForm] | None = None, status: int = 200):
    """The record page, also shown again with a form's errors; each showing is logged once it is rendered."""
    period = charts.chosen_period(request.GET.get("period"))
    record = patient_record(patient, all_entries=request.GET.get("entries") == "all",
                            trend_from=charts.period_start(period, patient.local_today()))
    threshold = record.threshold
    ack_forms = ack_forms or {}
    context = {
        "record": record, "patient": patient, "period": period,
        "reasons": reasons_text(record.status.reasons),
        "status_label": record.status.status_label,
        "functional_impact_label": FunctionalImpact(record.status.functional_impact).label,
        "figure": charts.trend_figure(record.trend, threshold),
        "chart_rows": charts.chart_rows(record.trend),
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
