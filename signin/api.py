"""`POST /api/v1/auth/token/` signs in for a token; `DELETE` ends the token the request was made with."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from signin import tokens, two_factor
from signin.lockout import ClientAddressThrottle, lockout_response


class SignInSerializer(AuthTokenSerializer):
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


class SignInTokenView(APIView):
    throttle_classes = [ClientAddressThrottle]
    throttle_scope = "sign_in"
    # DRF's own parsers would be pinned otherwise; ours turn hostile JSON into a 400.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def _ending_a_token(self) -> bool:
        return getattr(self.request, "method", None) == "DELETE"  # no request while the schema is written

    def get_authenticators(self):
        # Signing in needs no credentials but the password; ending a token needs that token.
        return [TokenAuthentication()] if self._ending_a_token() else []

    def get_permissions(self):
        return [IsAuthenticated()] if self._ending_a_token() else [AllowAny()]

    @extend_schema(request=SignInSerializer, responses={200: TOKEN_RESPONSE, 400: OpenApiResponse(
        description="wrong username or password, or a missing or wrong code"), 429: OpenApiResponse(
        description="too many attempts: locked for LOGIN_LOCKOUT_MINUTES (see Retry-After)")})
    def post(self, request: Request) -> Response:
        serializer = SignInSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise ValidationError(serializer.errors)
        token, expiry = tokens.issue_token(serializer.validated_data["user"])
        return Response({"token": token, "expiry": expiry})

    @extend_schema(request=None, responses={204: None, 401: OpenApiResponse(description="not signed in with a token")})
    def delete(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
