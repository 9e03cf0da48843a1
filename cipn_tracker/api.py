"""API-wide behaviour: every error is JSON, names the field where there is one, never a 500."""

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.views import exception_handler as drf_exception_handler


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


def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": str(_("Not found."))}, status=404)
