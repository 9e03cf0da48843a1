"""API v1 downloads of everything the app holds about a patient: `GET /api/v1/export/?format=` (the
patient's own) and `GET /api/v1/patients/{id}/export/?format=` (a clinician's own patient; written to
the access log). CSV, JSON and FHIR R4, each streamed a page of the diary at a time."""

import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView

from accounts.models import User
from cipn_tracker.api import error_responses
from symptoms import export, fhir
from symptoms.access import own_patient_or_404
from symptoms.access_log import log_record_access
from symptoms.api import (
    NOT_A_PATIENT,
    NOT_YOUR_PATIENT,
    PATIENT_ID,
    AlertSerializer,
    EntrySerializer,
    IsPatient,
    assessment_json,
)
from symptoms.assessments import current_assessment, own_threshold
from symptoms.models import Alert, RecordAccessAction
from symptoms.treatment_api import GradeSerializer, TreatmentSerializer, treatment_values
from treatment.courses import courses_of, grades_of

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
               "fhir": "application/fhir+json"}
EXTENSIONS = {"csv": "csv", "json": "json", "fhir": "fhir.json"}
FORMAT_MESSAGE = _("Choose csv, json or fhir.")
FORMAT = OpenApiParameter(
    "format", str, enum=export.EXPORT_FORMATS, required=True, allow_blank=False,
    description="csv: one row per entry (UTF-8 with a byte-order mark); json: everything, in the API's shapes; "
                "fhir: a FHIR R4 Bundle of type collection")
DOWNLOADS = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="the diary, one row per entry, oldest first"),
    (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT, description=(
        "{patient, entries, assessment, alerts, courses, clinician_grades}")),
    (200, "application/fhir+json"): OpenApiResponse(OpenApiTypes.OBJECT, description="a FHIR R4 Bundle"),
}


class IgnoreFormatParameter(DefaultContentNegotiation):
    """`?format=` names the download here, not the renderer: errors are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def chosen_format(request) -> str:
    value = request.query_params.get("format")
    if value not in export.EXPORT_FORMATS:
        raise ValidationError({"format": [str(FORMAT_MESSAGE)]})
    return value


def download(patient: User, kind: str) -> StreamingHttpResponse:
    chunks = {"csv": export.csv_chunks, "json": json_chunks, "fhir": fhir_chunks}[kind](patient)
    response = StreamingHttpResponse(chunks, content_type=MEDIA_TYPES[kind])
    name = export.download_name(patient.local_today(), EXTENSIONS[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _json(value: object) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def json_chunks(patient: User) -> Iterator[str]:
    """`{patient, entries, assessment, alerts, courses, clinician_grades}`, entries a page at a time."""
    threshold = own_threshold(patient)
    person = {"id": patient.pk, "username": patient.username, "name": patient.display_name(),
              "email": patient.email, "time_zone": patient.time_zone, "language": patient.language,
              "reminder_hour": patient.reminder_hour,
              "own_threshold": None if threshold is None else float(threshold),
              "care_team": [member.display_name() for member in patient.care_team.order_by("last_name", "username")]}
    yield '{"patient": ' + _json(person) + ', "entries": ['
    first = True
    for page in export.diary_pages(patient):
        rows = [_json(EntrySerializer(day.entry).data) for day in page]
        yield ("" if first else ", ") + ", ".join(rows)
        first = False
    treatment = treatment_values(patient)
    alerts = Alert.objects.filter(patient=patient).select_related("patient", "acknowledged_by").order_by("opened_at")
    yield ('], "assessment": ' + _json(assessment_json(current_assessment(patient)))
           + ', "alerts": ' + _json(AlertSerializer(alerts, many=True).data)
           + ', "courses": ' + _json(TreatmentSerializer(treatment).data["courses"])
           + ', "clinician_grades": ' + _json(GradeSerializer(treatment["grades"], many=True).data) + "}")


def fhir_chunks(patient: User) -> Iterator[str]:
    return fhir.bundle_chunks(patient, current_assessment(patient), courses_of(patient), grades_of(patient))


class ExportView(APIView):
    permission_classes = [IsPatient]
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(parameters=[FORMAT], responses={**DOWNLOADS, **error_responses(400, 401, 403, s403=NOT_A_PATIENT)})
    def get(self, request):
        """Download everything the app holds about you: csv, json or fhir."""
        return download(request.user, chosen_format(request))


class PatientExportView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(parameters=[PATIENT_ID, FORMAT],
                   responses={**DOWNLOADS, **error_responses(400, 401, 404, s404=NOT_YOUR_PATIENT)})
    def get(self, request, patient_id: int):
        """Download everything the app holds about one of your patients (written to the access log)."""
        patient = own_patient_or_404(request.user, patient_id)
        kind = chosen_format(request)
        log_record_access(request.user, patient, RecordAccessAction.EXPORTED_RECORD)
        return download(patient, kind)
