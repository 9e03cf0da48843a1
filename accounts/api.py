from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class SignInTokenView(ObtainAuthToken):
    """`{username, password}` → `{token}`; repeated guessing is slowed down (429)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sign_in"
    # DRF's view pins its own parsers; use ours, which turn hostile JSON into a 400.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
