"""API-wide behaviour: every error is JSON (unknown paths and server errors included), names the field
where there is one, never a 500; a body's unknown fields are refused; the schema says all of this.

Every error body is one of two shapes, both components of the schema: `Error` (`{"detail": ...}`)
and `FieldErrors` (`{field: [messages]}`, `non_field_errors` for the body as a whole).
"""

from collections.abc import Mapping

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import exceptions, serializers
from rest_framework.parsers import JSONParser
from rest_framework.views import exception_handler as drf_exception_handler

# The diary's words for the same refusal (symptoms.entry_fields), so the two read alike.
UNKNOWN_FIELD_MESSAGE = _("Unknown field.")
NOT_FOUND_MESSAGE = _("Not found.")
SERVER_ERROR_MESSAGE = exceptions.APIException.default_detail  # DRF's words, translated in its own catalog
# Django's forms carry the CSRF token in the body; it is how a form is sent, not one of its fields.
FORM_TRANSPORT_FIELDS = frozenset({"csrfmiddlewaretoken"})
# The database refuses NUL in text, and DRF's CharField refuses it first (ProhibitNullCharactersValidator).
NO_NUL_PATTERN = "^[^\\u0000]*$"


class SafeJSONParser(JSONParser):
    """JSON that nests too deeply for Python's parser is bad input (400), not a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON is nested too deeply.")) from None


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError(_("The request body is too large."))
    return drf_exception_handler(exc, context)


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


# Django's CSRF check would answer its HTML 403 before this could say there is nothing here.
@csrf_exempt
def api_not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Any method, any path under /api/v1/ that names no operation: a JSON 404."""
    return JsonResponse({"detail": str(NOT_FOUND_MESSAGE)}, status=404)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: JSON under /api/, the site's own page elsewhere."""
    if is_api_request(request):
        return api_not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: JSON under /api/, the site's own page elsewhere."""
    if is_api_request(request):
        return JsonResponse({"detail": str(SERVER_ERROR_MESSAGE)}, status=500)
    return defaults.server_error(request)


# --- Strict input ------------------------------------------------------------------------------------------

def unknown_fields(data: object, known: set[str]) -> dict[str, list[str]]:
    """Each field of a body that is not one of `known`, with the message that refuses it."""
    if not isinstance(data, Mapping):
        return {}
    if isinstance(data, QueryDict):
        known = known | FORM_TRANSPORT_FIELDS
    return {str(name): [str(UNKNOWN_FIELD_MESSAGE)] for name in sorted(set(data) - known, key=str)}


class StrictSerializer(serializers.Serializer):
    """A request body that names a field this serializer does not declare is refused (400, naming it),
    together with whatever else is wrong, rather than dropped: a client's typo must not pass as sent.
    The schema says so (`additionalProperties: false`, see StrictSerializerSchema)."""

    def to_internal_value(self, data):
        writable = {name for name, field in self.fields.items() if not field.read_only}
        refused = unknown_fields(data, writable)
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
            raise serializers.ValidationError({**detail, **refused}) from None
        if refused:
            raise serializers.ValidationError(refused)
        return values


class StrictSerializerSchema(OpenApiSerializerExtension):
    target_class = StrictSerializer
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["additionalProperties"] = False
            schema.update(getattr(self.target, "request_schema_constraints", {}))
            for field_schema in schema.get("properties", {}).values():
                if field_schema.get("type") == "string" and not {"format", "enum", "pattern"} & set(field_schema):
                    field_schema["pattern"] = NO_NUL_PATTERN
        return schema


# --- Errors in the schema ----------------------------------------------------------------------------------

class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="what went wrong, in the reader's language")


class FieldErrorsSerializer(serializers.Serializer):
    """For the schema: `{field: [messages]}`; an extension writes its shape."""


class FieldErrorsSchema(OpenApiSerializerExtension):
    target_class = FieldErrorsSerializer

    def get_name(self, auto_schema, direction):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "Each field that is wrong, with its messages; `non_field_errors` for the body as a "
                           "whole; an unknown field is refused with \"Unknown field.\"",
            "minProperties": 1,
            "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        }


BAD_INPUT = PolymorphicProxySerializer(
    component_name="BadInput", serializers=[FieldErrorsSerializer, ErrorSerializer], resource_type_field_name=None)

DESCRIPTIONS: dict[int | str, str] = {
    400: "bad input: the fields named with their messages, or `detail` when the body cannot be read at all",
    401: "not signed in: no credentials, or a token that is unknown, expired or ended",
    403: "signed in, but not in a role that may do this (or a session write without its CSRF token)",
    404: "nothing here that you may see: no such object among yours (never a 403 that would confirm "
         "someone else's exists), or no such path",
    405: "this path does not take that method (see Allow)",
    415: "the body must be JSON (application/json)",
    "415-form": "the body must be JSON or a form, as the request body's media types say",
    429: "too many attempts: try again after Retry-After seconds",
}


def error_responses(*statuses: int, forms: bool = False, **descriptions: str) -> dict[int, OpenApiResponse]:
    """The documented error answers of an operation; `s403="..."` replaces a status's description, and
    `forms` says the body may be a form as well as JSON."""
    defaults = {**DESCRIPTIONS, 415: DESCRIPTIONS["415-form"]} if forms else DESCRIPTIONS
    return {status: OpenApiResponse(BAD_INPUT if status == 400 else ErrorSerializer,
                                    description=descriptions.get(f"s{status}", defaults[status]))
            for status in statuses}


RETRY_AFTER = OpenApiParameter("Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, required=True,
                               description="seconds until trying again can succeed", response=[429])
