"""`/settings/`: a person's own settings and which emails they get; here, above both, because it edits
the account (accounts) and the email choices (the outbox's preferences) together."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.forms import AccountSettingsForm
from accounts.services import save_settings
from notifications.forms import PreferencesForm
from notifications.services import preferences_for


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """`/settings/`: language, time zone, reminder hour, email address and which emails to get."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    account = AccountSettingsForm(data, instance=user, prefix="account")
    preferences = PreferencesForm(data, instance=preferences_for(user), prefix="emails")
    if data is not None:
        if account.is_valid() and preferences.is_valid():
            save_settings(account, preferences)
            translation.activate(user.language)
            messages.success(request, _("Your settings are saved."))
            return redirect("settings")
        status = 400
    else:
        status = 200
    return render(request, "accounts/settings.html", {"account": account, "preferences": preferences},
                  status=status)
