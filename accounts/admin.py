from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import CareTeamMember, ClinicContact, User


class CareTeamInline(admin.TabularInline):
    model = CareTeamMember
    fk_name = "patient"
    extra = 0
    autocomplete_fields = ["clinician"]
    verbose_name = _("clinician on this patient's care team")
    verbose_name_plural = _("care team")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "time_zone", "language", "is_active"]
    list_filter = ["role", "is_active", "language"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("Clinic"), {"fields": ["role", "time_zone", "language", "reminder_hour"]}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Clinic"), {"fields": ["role", "time_zone", "language"]}),
    )
    inlines = [CareTeamInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.is_patient else []


@admin.register(CareTeamMember)
class CareTeamMemberAdmin(admin.ModelAdmin):
    list_display = ["patient", "clinician", "added_at"]
    search_fields = ["patient__username", "clinician__username"]
    autocomplete_fields = ["patient", "clinician"]


@admin.register(ClinicContact)
class ClinicContactAdmin(admin.ModelAdmin):
    """One page: how patients reach the clinic, in both languages (shown on their status panel, report
    and emails, with the names of their own clinicians)."""

    fieldsets = [
        (None, {"fields": ["phone"]}),
        (_("In English"), {"fields": ["name_en", "hours_en", "out_of_hours_en"]}),
        (_("In Traditional Chinese"), {"fields": ["name_zh_hant", "hours_zh_hant", "out_of_hours_zh_hant"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        # There is one contact to edit: the list goes straight to it (made empty on first visit).
        if not self.has_change_permission(request):
            return super().changelist_view(request, extra_context)
        ClinicContact.objects.get_or_create(pk=1)
        return redirect(reverse("admin:accounts_cliniccontact_change", args=[1]))
