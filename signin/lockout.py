"""What django-axes needs from us: whose account an attempt is for, where it comes from, and what a
locked-out person is told. The counting, the lockout and the unlocking are axes' own."""

import ipaddress
import math

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

from accounts.forms import SignInForm
from accounts.models import User

# An IPv6 network this size is what one home or one server gets: counted as one address.
IPV6_SITE_PREFIX = 64


def attempted_username(request: HttpRequest, credentials: dict | None) -> str:
    """The account an attempt is for, as the database finds it: usernames sign in ignoring case (the
    database's own idea of case, which knows more letters than Python's), so every spelling that
    reaches an account counts against that one account."""
    typed = str((credentials or {}).get("username") or request.POST.get("username", "")).strip()
    stored = User.objects.filter(username__iexact=typed).values_list("username", flat=True).first()
    # Lower-casing can lengthen a name ("İ" is two letters lower-case); axes keeps 255 characters.
    return (stored or typed).lower()[:255]


def client_address(request: HttpRequest) -> str:
    """The address the lockout and the throttles count: REMOTE_ADDR, or with DJANGO_TRUSTED_PROXIES = N
    the address the outermost trusted proxy saw in X-Forwarded-For (DRF's own rule, NUM_PROXIES).
    An IPv6 address counts as its /64 network, since one machine can use any address in it."""
    raw = BaseThrottle().get_ident(request)  # type: ignore[arg-type]  # it reads only the headers
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:  # a proxy count larger than the real chain let a client's text through
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "0.0.0.0"))
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_SITE_PREFIX}", strict=False).network_address)
    return str(address)


class ClientAddressThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, counting the same client address as the lockout."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request)


def minutes_left(request: HttpRequest, credentials: dict | None) -> int:
    """Until the lock on this account from this address ends (it is counted from the attempt that set it)."""
    lockout = settings.AXES_COOLOFF_TIME
    last = (AccessAttempt.objects.filter(username=attempted_username(request, credentials),
                                         ip_address=client_address(request))
            .order_by("-attempt_time").values_list("attempt_time", flat=True).first())
    if last is None:
        return math.ceil(lockout.total_seconds() / 60)
    return max(1, math.ceil((last + lockout - timezone.now()).total_seconds() / 60))


def lockout_message(minutes: int) -> str:
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
    the sign-in page (with the message) everywhere else, the admin's login included. Someone signed in
    who is locked out (guessing the old password when changing it) is signed out too."""
    minutes = minutes_left(request, credentials)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": lockout_message(minutes)}, status=429)
    else:
        if request.user.is_authenticated:
            logout(request)
        context = {"form": SignInForm(request), "lockout_message": lockout_message(minutes),
                   "next": request.POST.get("next", "")}
        response = render(request, "accounts/sign_in.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
