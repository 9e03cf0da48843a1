"""Admin: API tokens and second-factor devices can be seen and ended, never read or made here.

Lockouts are django-axes' own admin ("Access attempts"): deleting an attempt unlocks that account
from that address.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from accounts.admin import UserAdmin as AccountsUserAdmin
from accounts.models import User

for model in (AuthToken, TOTPDevice, StaticDevice):
    admin.site.unregister(model)


class SeeAndEndOnly:
    """Listed and deletable; nothing to add or edit (a token or a secret key is never shown)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuthToken)
class AuthTokenAdmin(SeeAndEndOnly, admin.ModelAdmin):
    list_display = ["user", "created", "expiry"]
    list_filter = ["user__role"]
    search_fields = ["user__username"]
    fields = ["user", "created", "expiry"]
    readonly_fields = fields


@admin.register(TOTPDevice)
class AuthenticatorAdmin(SeeAndEndOnly, admin.ModelAdmin):
    """Deleting a person's authenticator lets them set up a new one (a lost phone)."""

    list_display = ["user", "confirmed", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    fields = ["user", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields


@admin.register(StaticDevice)
class RecoveryCodesAdmin(SeeAndEndOnly, admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at"]
    search_fields = ["user__username"]
    fields = ["user", "created_at", "last_used_at"]
    readonly_fields = fields


class AuthTokenInline(SeeAndEndOnly, admin.TabularInline):
    model = AuthToken
    extra = 0
    fields = ["created", "expiry"]
    readonly_fields = fields
    verbose_name = _("API token")
    verbose_name_plural = _("API tokens (tick Delete and save to end one)")


@admin.action(description=_("End all API tokens of the selected users"))
def end_api_tokens(modeladmin, request, queryset) -> None:
    count, _by_model = AuthToken.objects.filter(user__in=queryset).delete()
    modeladmin.message_user(request, _("%(count)d API tokens ended.") % {"count": count})


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AccountsUserAdmin):
    actions = [end_api_tokens]

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), AuthTokenInline] if obj is not None else []
