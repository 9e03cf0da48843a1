import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from symptoms import erasure, evaluation
from symptoms.access_log import log_list_access, log_record_access
from symptoms.models import (
    Alert,
    ClinicPolicy,
    PatientStatus,
    PatientThreshold,
    RecordAccess,
    RecordAccessAction,
    SymptomEntry,
)
from symptoms.patient_record import set_patient_threshold
from treatment.models import Administration, ClinicianGrade, Course

logger = logging.getLogger(__name__)


class HealthDataAdmin(admin.ModelAdmin):
    """Pages that show patients' health data write the access log like the clinicians' pages do: the list,
    one row per patient on the page (one statement); an object's page, one row for its patient."""

    read_action: RecordAccessAction

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            ids = {row.patient_id for row in changelist.result_list}  # the page's rows, read once
            log_list_access(request.user, User.objects.filter(pk__in=ids), self.read_action)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._logged(request, object_id, response)

    def history_view(self, request, object_id, extra_context=None):
        return self._logged(request, object_id, super().history_view(request, object_id, extra_context))

    def delete_view(self, request, object_id, extra_context=None):
        return self._logged(request, object_id, super().delete_view(request, object_id, extra_context))

    def _logged(self, request, object_id, response):
        """One row for the patient whose object a page showed (its form, history or delete confirmation)."""
        shown = self.get_object(request, unquote(object_id)) if response.status_code == 200 else None
        if shown is not None and shown.patient_id is not None:
            log_record_access(request.user, shown.patient, self.read_action)
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """Computed or clinical records: visible to admins, never edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClinicPolicy)
class ClinicPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "threshold", "min_days_per_week", "persist_days", "functional_days", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return not ClinicPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        ClinicPolicy.current()  # there is always one policy to edit
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: self._reassess_everyone(request))

    def _reassess_everyone(self, request) -> None:
        if evaluation.schedule_full_reevaluation():
            self.message_user(request, _("Every patient's status is being re-assessed with the new policy."))
        else:
            self.message_user(request, _("The task queue is unreachable: statuses follow the new policy "
                                         "after the next nightly re-assessment."), messages.WARNING)


@admin.register(PatientThreshold)
class PatientThresholdAdmin(HealthDataAdmin):
    read_action = RecordAccessAction.ADMIN_VIEWED_THRESHOLD
    list_display = ["patient", "threshold", "set_by", "set_at"]
    autocomplete_fields = ["patient"]
    readonly_fields = ["set_by", "set_at"]

    def save_model(self, request, obj, form, change) -> None:
        set_patient_threshold(request.user, obj.patient, obj.threshold)

    def delete_model(self, request, obj) -> None:
        set_patient_threshold(request.user, obj.patient, None)

    def delete_queryset(self, request, queryset) -> None:
        for own in queryset.select_related("patient"):  # each patient is re-assessed
            set_patient_threshold(request.user, own.patient, None)


@admin.register(PatientStatus)
class PatientStatusAdmin(ReadOnlyAdmin, HealthDataAdmin):
    read_action = RecordAccessAction.ADMIN_VIEWED_STATUS
    list_display = ["patient", "status", "weekly_average", "streak_days", "urgent", "as_of", "updated_at"]
    list_filter = ["status", "functional_impact"]
    search_fields = ["patient__username", "patient__last_name"]


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin, HealthDataAdmin):
    read_action = RecordAccessAction.ADMIN_VIEWED_ALERTS
    list_display = ["patient", "kind", "opened_at", "last_signal_day", "acknowledged_by", "acknowledged_at",
                    "resolved_at"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["patient__username", "patient__last_name"]


@admin.register(SymptomEntry)
class SymptomEntryAdmin(ReadOnlyAdmin, HealthDataAdmin):
    read_action = RecordAccessAction.ADMIN_VIEWED_ENTRIES
    list_display = ["patient", "date", "numbness", "pain", "fell"]
    list_filter = ["date"]
    search_fields = ["patient__username"]
    date_hierarchy = "date"


@admin.register(RecordAccess)
class RecordAccessAdmin(ReadOnlyAdmin):
    """The audit trail of clinicians' views of and changes to patients' records; nobody may edit it."""

    list_display = ["at", "actor_username", "patient_username", "action"]
    list_filter = ["action", "at"]
    search_fields = ["actor_username", "patient_username"]
    date_hierarchy = "at"
    list_select_related = False


class AdministrationInline(admin.TabularInline):
    model = Administration
    extra = 1
    fields = ["date", "dose_percent", "note"]


class RecordsWhoAddsAdmin(admin.ModelAdmin):
    """A new row remembers the admin who added it, in `added_by_field`."""

    added_by_field: str

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            setattr(obj, self.added_by_field, request.user)
        super().save_model(request, obj, form, change)


@admin.register(Course)
class CourseAdmin(RecordsWhoAddsAdmin, HealthDataAdmin):
    """Treatment courses with their dose days; clinicians record them on the record page or the API."""

    read_action = RecordAccessAction.ADMIN_VIEWED_TREATMENT
    list_display = ["patient", "agent", "regimen", "cycle_length_days", "ended_on"]
    list_filter = ["agent"]
    search_fields = ["patient__username", "patient__last_name"]
    autocomplete_fields = ["patient"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [AdministrationInline]
    added_by_field = "created_by"

    # A course changed here re-assesses its patient at once (next dose, cycle, review before a dose), as
    # a change on the record page or through the API does; in the admin's own transaction.
    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        evaluation.evaluate_patients({form.instance.patient_id, *([form.initial["patient"]]
                                                                  if form.initial.get("patient") else [])})

    def delete_model(self, request, obj) -> None:
        patient_id = obj.patient_id
        super().delete_model(request, obj)
        evaluation.evaluate_patients([patient_id])

    def delete_queryset(self, request, queryset) -> None:
        patient_ids = set(queryset.values_list("patient_id", flat=True))
        super().delete_queryset(request, queryset)
        evaluation.evaluate_patients(patient_ids)


@admin.register(ClinicianGrade)
class ClinicianGradeAdmin(RecordsWhoAddsAdmin, HealthDataAdmin):
    read_action = RecordAccessAction.ADMIN_VIEWED_TREATMENT
    list_display = ["patient", "date", "grade", "recorded_by"]
    search_fields = ["patient__username", "patient__last_name"]
    autocomplete_fields = ["patient"]
    readonly_fields = ["recorded_by", "recorded_at"]
    added_by_field = "recorded_by"


# --- Erasing a patient -----------------------------------------------------------------------------------------

class EraseForm(forms.Form):
    username = forms.CharField(label=_("Type the patient's username to confirm"), max_length=150)


class ErasureMixin(admin.ModelAdmin):
    """"Erase this patient" on a patient's page of the user admin (symptoms.erasure). A patient is never
    deleted the ordinary way, which would leave their name in the access log and notifications about
    them behind: the Delete button is gone for patients, and so is the list's bulk delete."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_patient:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "erase_link"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.is_patient:
            fieldsets = (*fieldsets, (_("Erasure"), {"fields": ["erase_link"]}))
        return fieldsets

    @admin.display(description=_("erase"))
    def erase_link(self, obj) -> str:
        url = reverse("admin:accounts_user_erase", args=[obj.pk])
        return format_html('<a class="deletelink" href="{}">{}</a>', url,
                           _("Erase this patient and everything the app holds about them…"))

    def get_urls(self):
        erase = path("<int:user_id>/erase/", self.admin_site.admin_view(self.erase_view), name="accounts_user_erase")
        return [erase, *super().get_urls()]

    def erase_view(self, request, user_id: int):
        patient = User.objects.filter(pk=user_id, role="patient").first()
        if patient is None or not (request.user.is_superuser or request.user.role == "admin"):
            raise Http404
        form = EraseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["username"] != patient.username:
                form.add_error("username", _("That is not this patient's username; nothing was erased."))
            else:
                name = erasure.erased_name(patient.pk)
                erasure.erase_patient(request.user, patient, form.cleaned_data["username"])
                messages.success(request, _("Erased %(name)s and everything the app held about them.") % {"name": name})
                return redirect("admin:accounts_user_changelist")
        context = {**self.admin_site.each_context(request), "title": _("Erase a patient"), "patient": patient,
                   "form": form, "opts": self.model._meta, "references": erasure.REFERENCES}
        return TemplateResponse(request, "admin/accounts/user/erase.html", context,
                                status=400 if form.errors else 200)


def add_erasure_to_the_user_admin(site: admin.AdminSite = admin.site) -> None:
    """Give whichever user admin is registered (accounts', extended by signin's) the erasure page; called
    once every app's admin module has been read (SymptomsConfig.ready)."""
    registered = type(site._registry[User])
    site.unregister(User)
    site.register(User, type(f"{registered.__name__}WithErasure", (ErasureMixin, registered), {}))
