"""Until someone who must give a code has given one, the only pages they can reach are the code page
(or, for staff not yet enrolled, setting up an authenticator), signing out and the static files."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from signin import two_factor

ALWAYS_OPEN = ("/static/", "/i18n/", "/sign-out/", "/password-reset/")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (not user.is_authenticated or user.is_verified() or request.path.startswith(ALWAYS_OPEN)
                or not two_factor.asks_for_code(user)):
            return self.get_response(request)
        target = reverse("two_factor_verify") if two_factor.is_enrolled(user) else reverse("two_factor_enrol")
        if request.path == target:
            request.second_factor_pending = True  # type: ignore[attr-defined]  # pages hide the menu
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Finish signing in with your second factor first.")}, status=401)
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
