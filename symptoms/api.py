"""API v1 for the patient's own diary: list, and create/replace/read/delete one day."""

from datetime import date
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from symptoms import diary, rules, triage
from symptoms.access import own_patient_or_404
from symptoms.access_log import log_list_access, log_record_access
from symptoms.alerts import ALERT_STATES, acknowledge_alert, visible_alerts
from symptoms.assessments import PatientAssessment, assess_patient
from symptoms.entry_fields import (
    FLAG_FIELDS,
    LOCATIONS,
    NOTES_MAX_LENGTH,
    SCORE_MAX,
    SCORE_MIN,
    TEXT_MESSAGE,
    parse_day,
)
from symptoms.models import Alert, RecordAccessAction
from symptoms.presenting import reasons_text


class RolePermission(permissions.BasePermission):
    """Signed in with one of `roles`; anyone else signed in gets a 403 with `message`."""

    roles: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.role in self.roles)


class IsPatient(RolePermission):
    roles = ("patient",)
    message = _("Only patients keep a symptom diary.")


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": TEXT_MESSAGE}

    def to_internal_value(self, data: object) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EntrySerializer(serializers.Serializer):
    """An entry as the API shows it (and, for the schema, as a client sends it); what may be stored
    is checked by the diary (`entry_fields.clean_entry`), with the same messages as the page."""

    date = serializers.DateField(read_only=True)
    numbness = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    pain = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    locations = serializers.ListField(child=serializers.ChoiceField(choices=LOCATIONS), required=False,
                                      max_length=len(LOCATIONS))
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTES_MAX_LENGTH)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for flag in FLAG_FIELDS:
            fields[flag] = serializers.BooleanField(required=False, default=False)
        return fields


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
    entries = diary.patient_entries(patient, first, last)
    return Response(EntrySerializer(entries, many=True).data)


class EntryDayView(APIView):
    permission_classes = [IsPatient]

    def _day(self, value: str) -> date:
        day = parse_day(value, "date")
        if day is None:
            raise Http404
        return day

    @extend_schema(responses=EntrySerializer)
    def get(self, request, day: str):
        """Your entry for one day."""
        entry = diary.patient_entries(request.user).filter(date=self._day(day)).first()
        if entry is None:
            raise Http404
        return Response(EntrySerializer(entry).data)

    @extend_schema(request=EntrySerializer, responses={200: EntrySerializer, 201: EntrySerializer})
    def put(self, request, day: str):
        """Create or replace your entry for one day: 201 when created, 200 when replaced."""
        the_day = self._day(day)
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": [_("Send the entry as a JSON object.")]})
        values = dict(request.data)
        if values.pop("date", the_day.isoformat()) != the_day.isoformat():
            raise ValidationError({"date": [_("Does not match the date in the URL.")]})
        recorded = diary.record_entry(request.user, the_day, values)
        code = status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
        return Response(EntrySerializer(recorded.entry).data, status=code)

    @extend_schema(responses={204: None})
    def delete(self, request, day: str):
        """Delete your entry for a day that can still be changed."""
        if not diary.delete_entry(request.user, self._day(day)):
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


def assessment_json(assessment: PatientAssessment) -> dict[str, object]:
    """An assessment as the API shows it: averages as numbers, reasons as sentences."""
    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "as_of": assessment.as_of, "status": assessment.status, "days_logged": assessment.days_logged,
        "streak_days": assessment.streak_days, "streak_start": assessment.streak_start,
        "urgent": list(assessment.urgent), "functional_impact": assessment.functional_impact,
        "weekly_average": number(assessment.weekly_average),
        "previous_weekly_average": number(assessment.previous_weekly_average),
        "threshold": number(assessment.threshold),
        "reasons": reasons_text(assessment.reasons),
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
    assessment = PatientAssessment.from_rules(assess_patient(patient, as_of), last_entry_date=None)  # not in the API
    data = assessment_json(assessment)
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
        return Response(AlertSerializer(visible_alerts(request.user, state), many=True).data)


class AcknowledgeSerializer(serializers.Serializer):
    """For the schema and the type; the note's length is checked by alerts.acknowledge_alert."""

    note = StrictCharField(required=False, default="", allow_blank=True, trim_whitespace=False)


class AlertAcknowledgeView(APIView):
    permission_classes = [permissions.IsAuthenticated]  # anyone not on the care team gets a 404

    @extend_schema(request=AcknowledgeSerializer, responses=AlertSerializer)
    def post(self, request, alert_id: int):
        """Acknowledge an alert about one of your patients, optionally with a note (who and when are kept)."""
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            alert = acknowledge_alert(request.user, alert_id, body.validated_data["note"])
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
            "id": row.patient.pk, "name": row.patient.display_name(),
            "last_entry_date": row.assessment.last_entry_date,
            "days_since_last_entry": row.days_since_last_entry, "not_reporting": row.not_reporting,
            "open_alerts": row.open_alerts,
            "assessment": assessment_json(row.assessment),
        } for row in rows]
        response = Response(PatientSerializer(data, many=True).data)
        log_list_access(request.user, [row.patient for row in rows],
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
        log_record_access(request.user, patient, self.audit_action)
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
