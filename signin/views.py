"""Pages: the second factor (set up, give a code at sign-in, manage) and password reset."""

import hashlib

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import SimpleRateThrottle

from accounts.views import home_url_for
from signin import two_factor
from signin.forms import CodeForm, EnrolForm, LockedPasswordChangeForm, QueuedPasswordResetForm
from signin.lockout import client_address

# The unconfirmed authenticator this session is setting up.
ENROLLING_DEVICE = "two_factor_enrolling_device"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return home_url_for(request.user)


def _signed_in_with(request: HttpRequest, device) -> None:
    django_otp.login(request, device)
    request.session.cycle_key()  # a new session id once the second factor is given


def _qr_code_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 (our own generated SVG, no user text)


def _two_factor_in_use() -> None:
    if settings.STAFF_TWO_FACTOR == "off":
        raise Http404


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """`/two-factor/`: set up an authenticator, or (once set up) new recovery codes and turning it off."""
    _two_factor_in_use()
    user = request.user
    if two_factor.is_enrolled(user):
        return _manage(request)
    device = two_factor.authenticator_being_set_up(user, request.session.get(ENROLLING_DEVICE))
    request.session[ENROLLING_DEVICE] = device.pk
    form = EnrolForm(request, request.POST or None)
    if form.is_valid():
        codes = two_factor.confirm_authenticator(device, form.cleaned_data["code"])
        if codes is not None:
            del request.session[ENROLLING_DEVICE]
            _signed_in_with(request, device)
            return render(request, "signin/recovery_codes.html", {"codes": codes, "next": _next_url(request),
                                                                  "first_time": True})
        form.add_error("code", _("That code did not match. Check that the time on your phone is right, "
                                 "then type the code the app shows now."))
    context = {"form": form, "qr_code": _qr_code_svg(device.config_url), "setup_key": two_factor.setup_key(device),
               "required": two_factor.must_enrol(user), "next": request.GET.get("next", "")}
    return render(request, "signin/enrol.html", context, status=400 if form.errors else 200)


def _manage(request: HttpRequest) -> HttpResponse:
    """New recovery codes, or turning it off: both need a code now, since an unattended session is not
    enough to take over someone's second factor."""
    user = request.user
    action = request.POST.get("action")
    allowed = ["new_codes", *(["turn_off"] if two_factor.may_turn_off(user) else [])]
    forms = {name: CodeForm(request.POST if name == action else None, auto_id=f"{name}-%s") for name in allowed}
    form = forms.get(action)
    if form is not None and form.is_valid():
        if two_factor.device_for_code(user, form.cleaned_data["code"]) is None:
            form.add_error("code", _wrong_code_message(user))
        elif action == "new_codes":
            return render(request, "signin/recovery_codes.html", {"codes": two_factor.new_recovery_codes(user),
                                                                  "next": reverse("settings")})
        else:
            two_factor.turn_off(user)
            messages.success(request, _("Two-step sign-in is off. You sign in with your password only."))
            return redirect("settings")
    context = {"new_codes_form": forms["new_codes"], "turn_off_form": forms.get("turn_off"),
               "codes_left": two_factor.recovery_codes_left(user)}
    return render(request, "signin/manage.html", context, status=400 if form is not None and form.errors else 200)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """`/two-factor/verify/`: the code after the password (a recovery code works here too, once)."""
    _two_factor_in_use()
    if request.user.is_verified() or not two_factor.is_enrolled(request.user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = two_factor.device_for_code(request.user, form.cleaned_data["code"])
        if device is not None:
            _signed_in_with(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _wrong_code_message(request.user))
    return render(request, "signin/verify.html", {"form": form, "next": request.GET.get("next", "")},
                  status=400 if form.errors else 200)


def _wrong_code_message(user) -> str:
    wait = two_factor.seconds_to_wait(user)
    if wait:
        return ngettext("That code did not work. After a wrong code there is a short wait: in %(seconds)d second, "
                        "type the code your app shows then, or one of your recovery codes.",
                        "That code did not work. After a wrong code there is a short wait: in %(seconds)d seconds, "
                        "type the code your app shows then, or one of your recovery codes.", wait) % {"seconds": wait}
    return _("That code did not work. Type the code your app shows now (it changes every 30 seconds), "
             "or one of your recovery codes.")


class ResetRequestLimit(SimpleRateThrottle):
    """Reset emails one address, or one email address, may ask for (counted in the shared cache)."""

    scope = "password_reset"

    def __init__(self, ident: str) -> None:
        self.ident = ident
        super().__init__()

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


class PasswordResetView(auth_views.PasswordResetView):
    """`/password-reset/`: the same answer whether or not an account uses the address; past the limit,
    the same answer again and no email (so the page cannot be used to flood someone's inbox)."""

    form_class = QueuedPasswordResetForm
    template_name = "signin/password_reset.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        limits = [ResetRequestLimit("address:" + client_address(self.request)),
                  ResetRequestLimit("email:" + hashlib.sha256(email.encode()).hexdigest())]
        if all(limit.allow_request(self.request, None) for limit in limits):  # stops at the first refusal
            form.save()
        return redirect(self.success_url)


class PasswordChangeView(auth_views.PasswordChangeView):
    """`/password-change/`: this session stays signed in; every other session and every API token ends."""

    template_name = "signin/password_change.html"
    success_url = reverse_lazy("settings")
    form_class = LockedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed. You were signed out everywhere else."))
        return response


password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="signin/password_reset_done.html")
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="signin/password_reset_confirm.html", success_url=reverse_lazy("password_reset_complete"))
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="signin/password_reset_complete.html")
