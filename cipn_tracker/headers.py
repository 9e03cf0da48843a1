"""`Cache-Control: no-store` on everything a signed-in person sees and on every API answer.

Health pages must not be kept by a shared cache or come back with the Back button on a shared
device after signing out. `Vary: Cookie` tells caches the answer depends on who asks. Static
files never reach this (WhiteNoise serves them first), so they stay cacheable.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers


class PrivateResponsesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # DRF sets it here too when a token signed the request in
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True, max_age=0)
            patch_vary_headers(response, ["Cookie"])
        return response
