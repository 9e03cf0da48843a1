from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse

from accounts.forms import SignInForm
from accounts.models import Role

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
