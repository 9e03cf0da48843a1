"""`POST /api/v1/auth/token/` signs in for a token; `DELETE` ends the token the request was made with."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.models import User
from cipn_tracker.api import RETRY_AFTER, StrictSerializer, error_responses
from signin import token_auth, tokens, two_factor
from signin.lockout import ClientAddressThrottle, lockout_response


class TokenScheme(KnoxTokenScheme):
    """The API schema describes our token check (knox's, reading one row) exactly as knox's own."""

    target_class = "signin.token_auth.TokenAuthentication"


class SignInSerializer(StrictSerializer, AuthTokenSerializer):
    """`username`, `password` and, for accounts with a second factor, `code`; nothing else."""

    # No account has a longer one, and the lockout's record of the attempt could not hold it.
    username = serializers.CharField(write_only=True, max_length=User._meta.get_field("username").max_length)
    code = serializers.CharField(label=_("Code"), required=False, allow_blank=True, max_length=64,
                                 help_text=_("From the authenticator app (or a recovery code), for accounts that "
                                             "sign in with a second factor."))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        if two_factor.asks_for_code(user):
            if not two_factor.is_enrolled(user):
                raise ValidationError({"code": [_("Set up two-step sign-in in the web app first.")]})
            if two_factor.device_for_code(user, attrs.get("code") or "") is None:
                raise ValidationError({"code": [_("Enter the current code from your authenticator app.")]})
        return attrs


TOKEN_RESPONSE = inline_serializer("SignInToken", {"token": serializers.CharField(),
                                                   "expiry": serializers.DateTimeField()})


SIGN_IN_REFUSED = ("wrong username or password, a missing or wrong code, or a field that is not one of these "
                   "(each named with its messages)")
SIGN_IN_PAUSED = ("too many attempts from this address (API_SIGN_IN_RATE), or this account locked from this "
                  "address for LOGIN_LOCKOUT_MINUTES after LOGIN_ATTEMPTS wrong passwords: try again after "
                  "Retry-After seconds")


class SignInTokenView(APIView):
    throttle_classes = [ClientAddressThrottle]
    throttle_scope = "sign_in"
    # DRF's own parsers would be pinned otherwise; ours turn hostile JSON into a 400.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def _ending_a_token(self) -> bool:
        return getattr(self.request, "method", None) == "DELETE"  # no request while the schema is written

    def get_authenticators(self):
        # Signing in needs no credentials but the password; ending a token needs that token.
        return [token_auth.TokenAuthentication()] if self._ending_a_token() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._ending_a_token() else [AllowAny()]

    def get_throttles(self):
        # Only signing in is password guessing; ending the token one holds is not.
        return [] if self._ending_a_token() else super().get_throttles()

    @extend_schema(request=SignInSerializer, parameters=[RETRY_AFTER],
                   responses={200: TOKEN_RESPONSE,
                              **error_responses(400, 415, 429, forms=True, s400=SIGN_IN_REFUSED, s429=SIGN_IN_PAUSED)})
    def post(self, request: Request) -> Response:
        serializer = SignInSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise ValidationError(serializer.errors)
        token, expiry = tokens.issue_token(serializer.validated_data["user"])
        return Response({"token": token, "expiry": expiry})

    @extend_schema(request=None, responses={204: None, **error_responses(
        401, s401="not signed in with a token (a session cannot end a token)")})
    def delete(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
