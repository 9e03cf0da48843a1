import zoneinfo

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That username and password do not match. Please try again."),
    }


def time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())
            if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/"))] + [("UTC", "UTC")]


class AccountSettingsForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["email", "language", "time_zone", "reminder_hour"]
        labels = {"email": _("Email address (for the emails you choose below)")}
        widgets = {"reminder_hour": forms.Select(choices=[(h, f"{h:02d}:00") for h in range(24)])}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_patient:
            del self.fields["reminder_hour"]
