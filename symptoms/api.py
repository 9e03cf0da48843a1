"""API v1 for the patient's own diary: list, and create/replace/read/delete one day."""

import re
from datetime import date

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from symptoms import evaluation, rules, services, triage
from symptoms.access import own_patient_or_404
from symptoms.models import (
    FLAG_FIELDS,
    LOCATIONS,
    NOTES_MAX_LENGTH,
    SCORE_MAX,
    SCORE_MIN,
    Alert,
    RecordAccessAction,
)
from symptoms.presenting import reasons_text


class RolePermission(permissions.BasePermission):
    """Signed in with one of `roles`; anyone else signed in gets a 403 with `message`."""

    roles: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.role in self.roles)


class IsPatient(RolePermission):
    roles = ("patient",)
    message = _("Only patients keep a symptom diary.")


class ScoreField(serializers.IntegerField):
    """A 0–10 score sent as a JSON number; "5", 5.5 and true are refused."""

    default_error_messages = {"invalid": _("Must be a whole number from 0 to 10.")}

    def __init__(self, **kwargs):
        super().__init__(min_value=SCORE_MIN, max_value=SCORE_MAX, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": _("Must be text.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EntrySerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    numbness = ScoreField()
    pain = ScoreField()
    locations = serializers.ListField(
        child=serializers.ChoiceField(choices=LOCATIONS), required=False, default=list, max_length=2
    )
    notes = StrictCharField(
        required=False, default="", allow_blank=True, max_length=NOTES_MAX_LENGTH, trim_whitespace=False
    )
    updated_at = serializers.DateTimeField(read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        for flag in FLAG_FIELDS:
            fields[flag] = StrictBooleanField(required=False, default=False)
        return fields

    def to_internal_value(self, data):
        if isinstance(data, dict):
            allowed = set(self.fields) - {"updated_at"}
            unknown = sorted(set(data) - allowed)
            if unknown:
                raise ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_day(value: str | None, field: str) -> date | None:
    """Only `YYYY-MM-DD`: Python also reads `20261119` and `2026-W47-4`, a client's likely mistakes."""
    if value in (None, ""):
        return None
    try:
        if not ISO_DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: [_("Use a date in the form YYYY-MM-DD.")]}) from None


ENTRY_RANGE = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day, inclusive"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, inclusive"),
]


# Older days cannot hold entries, and the rules look two weeks back from the day asked for.
EARLIEST_AS_OF = date(2000, 1, 1)
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="day assessed; default today")


class EntryListView(APIView):
    permission_classes = [IsPatient]

    @extend_schema(parameters=ENTRY_RANGE, responses=EntrySerializer(many=True))
    def get(self, request):
        """Your own entries, newest first."""
        return entries_response(request, request.user)


def entries_response(request, patient) -> Response:
    """A patient's entries between `from` and `to` (both optional, inclusive), newest first."""
    first = parse_day(request.query_params.get("from"), "from")
    last = parse_day(request.query_params.get("to"), "to")
    if first and last and first > last:
        raise ValidationError({"from": [_("Must not be after 'to'.")]})
    entries = services.patient_entries(patient, first, last)
    return Response(EntrySerializer(entries, many=True).data)


class EntryDayView(APIView):
    permission_classes = [IsPatient]

    def _day(self, value: str) -> date:
        return parse_day(value, "date")

    @extend_schema(responses=EntrySerializer)
    def get(self, request, day: str):
        """Your entry for one day."""
        entry = services.patient_entries(request.user).filter(date=self._day(day)).first()
        if entry is None:
            raise Http404
        return Response(EntrySerializer(entry).data)

    @extend_schema(request=EntrySerializer, responses={200: EntrySerializer, 201: EntrySerializer})
    def put(self, request, day: str):
        """Create or replace your entry for one day: 201 when created, 200 when replaced."""
        the_day = self._day(day)
        if isinstance(request.data, dict) and "date" in request.data \
                and request.data["date"] != the_day.isoformat():
            raise ValidationError({"date": [_("Does not match the date in the URL.")]})
        serializer = EntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recorded = services.record_entry(request.user, the_day, serializer.validated_data)
        code = status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        return Response(EntrySerializer(recorded.entry).data, status=code)

    @extend_schema(responses={204: None})
    def delete(self, request, day: str):
        """Delete your entry for a day that can still be changed."""
        if not services.delete_entry(request.user, self._day(day)):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssessmentSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    status = serializers.ChoiceField(choices=rules.STATUSES)
    weekly_average = serializers.FloatField(allow_null=True, help_text="2 decimals; null when too few days logged")
    previous_weekly_average = serializers.FloatField(allow_null=True)
    days_logged = serializers.IntegerField()
    threshold = serializers.FloatField()
    streak_days = serializers.IntegerField()
    streak_start = serializers.DateField(allow_null=True)
    urgent = serializers.ListField(child=serializers.ChoiceField(choices=rules.URGENT_SIGNALS))
    functional_impact = serializers.ChoiceField(choices=(rules.NO_IMPACT, rules.INSTRUMENTAL, rules.SELF_CARE))
    reasons = serializers.ListField(child=serializers.CharField())


def assessment_json(values: dict) -> dict:
    """Stored-status values as the API's assessment: averages as numbers, reasons as sentences."""
    def number(value):
        return None if value is None else float(value)

    return {
        **{name: values[name] for name in ("as_of", "status", "days_logged", "streak_days", "streak_start",
                                            "urgent", "functional_impact")},
        "weekly_average": number(values["weekly_average"]),
        "previous_weekly_average": number(values["previous_weekly_average"]),
        "threshold": number(values["threshold"]),
        "reasons": reasons_text(values["reasons"]),
    }


class AssessmentView(APIView):
    permission_classes = [IsPatient]

    @extend_schema(parameters=[AS_OF], responses=AssessmentSerializer)
    def get(self, request):
        """Your assessment on a day: status, averages, streak, urgent signals, functional impact, reasons."""
        return assessment_response(request, request.user)


def assessment_response(request, patient) -> Response:
    """A patient's assessment on `as_of` (default: their today); never a future day."""
    as_of = parse_day(request.query_params.get("as_of"), "as_of") or patient.local_today()
    if as_of > patient.local_today():
        raise ValidationError({"as_of": [_("Must not be in the future.")]})
    if as_of < EARLIEST_AS_OF:
        raise ValidationError({"as_of": [_("Use a date from %(day)s on.") % {"day": EARLIEST_AS_OF.isoformat()}]})
    assessment = evaluation.assess_patient(patient, as_of)
    data = assessment_json(evaluation.status_values(assessment, last_entry_date=None))  # not in the API
    return Response(AssessmentSerializer(data).data)


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = serializers.SerializerMethodField()
    kind = serializers.CharField()
    state = serializers.SerializerMethodField()
    signal_days = serializers.ListField(child=serializers.DateField())
    last_signal_day = serializers.DateField()
    opened_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.SerializerMethodField()
    note = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)

    def get_patient(self, alert) -> dict:
        return {"id": alert.patient_id, "name": alert.patient.display_name()}

    def get_state(self, alert) -> str:
        if alert.resolved_at is not None:
            return "resolved"
        return "acknowledged" if alert.acknowledged_at is not None else "open"

    def get_acknowledged_by(self, alert) -> str | None:
        return alert.acknowledged_by.display_name() if alert.acknowledged_by else None


class IsPatientOrClinician(RolePermission):
    roles = ("patient", "clinician")
    message = _("Only patients and clinicians have alerts.")


class IsClinician(RolePermission):
    roles = ("clinician",)
    message = _("Only clinicians have patients.")


ALERT_STATES = ("open", "resolved")


class AlertListView(APIView):
    permission_classes = [IsPatientOrClinician]

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=ALERT_STATES,
                                                description="open (not yet resolved) or resolved; default all")],
                   responses=AlertSerializer(many=True))
    def get(self, request):
        """Alerts you may see: a patient their own, a clinician those of their own patients; newest first."""
        state = request.query_params.get("status") or None
        if state is not None and state not in ALERT_STATES:
            raise ValidationError({"status": [_("Use open or resolved.")]})
        return Response(AlertSerializer(services.visible_alerts(request.user, state), many=True).data)


class AcknowledgeSerializer(serializers.Serializer):
    note = StrictCharField(required=False, default="", allow_blank=True, max_length=NOTES_MAX_LENGTH)


class AlertAcknowledgeView(APIView):
    permission_classes = [permissions.IsAuthenticated]  # anyone not on the care team gets a 404

    @extend_schema(request=AcknowledgeSerializer, responses=AlertSerializer)
    def post(self, request, alert_id: int):
        """Acknowledge an alert about one of your patients, optionally with a note (who and when are kept)."""
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            alert = services.acknowledge_alert(request.user, alert_id, body.validated_data["note"])
        except Alert.DoesNotExist:
            raise Http404 from None
        return Response(AlertSerializer(alert).data)


# --- A clinician's own patients ----------------------------------------------------------------------------

class PatientSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    last_entry_date = serializers.DateField(allow_null=True)
    days_since_last_entry = serializers.IntegerField(allow_null=True)
    not_reporting = serializers.BooleanField(help_text="no entry for 3 days or more")
    open_alerts = serializers.IntegerField()
    assessment = AssessmentSerializer()


class PatientListView(APIView):
    permission_classes = [IsClinician]

    @extend_schema(responses=PatientSerializer(many=True))
    def get(self, request):
        """Your own patients with their current assessment, most urgent first."""
        rows = triage.triage_rows(request.user)
        data = [{
            "id": row.patient.pk, "name": row.patient.display_name(), "last_entry_date": row.last_entry_date,
            "days_since_last_entry": row.days_since_last_entry, "not_reporting": row.not_reporting,
            "open_alerts": row.open_alerts,
            "assessment": assessment_json(row.values),
        } for row in rows]
        response = Response(PatientSerializer(data, many=True).data)
        services.log_list_access(request.user, [row.patient for row in rows],
                                 RecordAccessAction.VIEWED_PATIENT_LIST_API)
        return response


class OwnPatientView(APIView):
    """One of the caller's own patients; anyone else's, or a caller who is not a clinician, gets a 404."""

    permission_classes = [permissions.IsAuthenticated]
    audit_action: RecordAccessAction

    def patient(self, request, patient_id: int):
        return own_patient_or_404(request.user, patient_id)

    def logged(self, request, patient, response: Response) -> Response:
        """Write the read to the access log once it has succeeded."""
        services.log_record_access(request.user, patient, self.audit_action)
        return response


class PatientEntriesView(OwnPatientView):
    audit_action = RecordAccessAction.VIEWED_ENTRIES_API

    @extend_schema(parameters=ENTRY_RANGE, responses=EntrySerializer(many=True))
    def get(self, request, patient_id: int):
        """One of your patients' entries, newest first."""
        patient = self.patient(request, patient_id)
        return self.logged(request, patient, entries_response(request, patient))


class PatientAssessmentView(OwnPatientView):
    audit_action = RecordAccessAction.VIEWED_ASSESSMENT_API

    @extend_schema(parameters=[AS_OF], responses=AssessmentSerializer)
    def get(self, request, patient_id: int):
        """One of your patients' assessment on a day (default their today)."""
        patient = self.patient(request, patient_id)
        return self.logged(request, patient, assessment_response(request, patient))
