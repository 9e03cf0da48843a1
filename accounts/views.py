from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.forms import AccountSettingsForm, PreferencesForm, SignInForm
from accounts.models import Role
from accounts.services import save_settings
from notifications.services import preferences_for

HOME_BY_ROLE = {
    Role.PATIENT: "symptoms:log_today",
    Role.CLINICIAN: "symptoms:clinician_home",
    Role.ADMIN: "admin:index",
}


def home_url_for(user) -> str:
    return reverse(HOME_BY_ROLE.get(user.role, "symptoms:log_today"))


class HomeView(auth_views.LoginView):
    """`/`: the sign-in page, or straight to the signed-in user's home."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(home_url_for(request.user))
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return home_url_for(self.request.user)


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def settings_page(request):
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
