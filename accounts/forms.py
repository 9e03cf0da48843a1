import functools
import zoneinfo

from babel.dates import get_timezone_location
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That username and password do not match. Please try again."),
    }


# Offered first, after the clinic's own zone: where this clinic's patients mostly live or travel.
COMMON_TIME_ZONES = (
    "Asia/Taipei", "Asia/Hong_Kong", "Asia/Shanghai", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
    "Pacific/Auckland", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "UTC",
)


def all_time_zones() -> list[str]:
    return sorted(zone for zone in zoneinfo.available_timezones()
                  if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/"))) + ["UTC"]


@functools.cache
def time_zone_label(zone: str, language: str) -> str:
    """A zone as people name it, in their language where CLDR has a name ("Taiwan Time", "台灣時間"), with
    its identifier so two places in one country stay apart."""
    if zone == "UTC":
        return _("Coordinated Universal Time (UTC)")
    try:
        place = get_timezone_location(zone, locale=to_locale(language))
    except (LookupError, ValueError):
        return zone.replace("_", " ")
    return f"{place} ({zone.replace('_', ' ')})"


def time_zone_choices(language: str | None = None) -> list[tuple[str, object]]:
    """The clinic's zone and the common ones first, then every other zone by its name in `language`."""
    language = language or get_language() or settings.LANGUAGE_CODE
    zones = all_time_zones()
    first = [settings.TIME_ZONE, *(zone for zone in COMMON_TIME_ZONES if zone != settings.TIME_ZONE)]
    rest = sorted((zone for zone in zones if zone not in first), key=lambda zone: time_zone_label(zone, language))
    return [
        (_("The clinic's zone and common zones"), [(zone, time_zone_label(zone, language)) for zone in first]),
        (_("All zones"), [(zone, time_zone_label(zone, language)) for zone in rest]),
    ]


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
