"""What django-axes needs from us: whose account an attempt is for, where it comes from, and what a
locked-out person is told. The counting, the lockout and the unlocking are axes' own."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle

from accounts.forms import SignInForm


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """Usernames sign in ignoring case, so "Nurse.Chen" and "nurse.chen" count as one account."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()


def client_address(request: HttpRequest) -> str:
    """The address the lockout counts, picked exactly as the API's throttles pick it: REMOTE_ADDR, or
    with DJANGO_TRUSTED_PROXIES = N the address the outermost trusted proxy saw in X-Forwarded-For."""
    address = BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # it reads only the headers
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:  # a proxy count larger than the real chain let a client's text through
        return request.META.get("REMOTE_ADDR", "")


def lockout_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return ngettext(
        "Too many sign-in attempts that did not match. To protect the account, signing in from here is "
        "paused. Please try again in %(minutes)d minute.",
        "Too many sign-in attempts that did not match. To protect the account, signing in from here is "
        "paused. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """The same answer whether or not the account exists: 429 with when to try again; JSON for the API,
    the sign-in page (with the message) everywhere else, the admin's login included."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": lockout_message()}, status=429)
    else:
        context = {"form": SignInForm(request), "lockout_message": lockout_message(),
                   "next": request.POST.get("next", "")}
        response = render(request, "accounts/sign_in.html", context, status=429)
    response["Retry-After"] = str(settings.LOGIN_LOCKOUT_MINUTES * 60)
    return response
