from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import CareTeamMember, User


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
