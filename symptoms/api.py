"""API v1 for the patient's own diary (list, and create/replace/read/delete one day), assessments,
alerts, and a clinician's own patients.

Query values are strict: a parameter given empty (`?from=`) is refused with a 400 naming it, as the
schema says (`minLength: 1`); leave a parameter out to mean "no filter" or "the default".
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from cipn_tracker.api import SafeJSONParser, StrictSerializer, error_responses
from symptoms import diary, rules, triage
from symptoms.access import own_patient_or_404
from symptoms.access_log import log_list_access, log_record_access
from symptoms.alerts import ALERT_STATES, acknowledge_alert, visible_alerts
from symptoms.assessments import PatientAssessment, assess_patient, treatment_on
from symptoms.entry_fields import (
    DATE_FORMAT_MESSAGE,
    FLAG_FIELDS,
    LOCATIONS,
    NOTES_MAX_LENGTH,
    SCORE_FIELDS,
    SCORE_MAX,
    SCORE_MIN,
    TEXT_MESSAGE,
    parse_day,
    text_too_long_message,
)
from symptoms.models import Alert, AlertKind, RecordAccessAction
from symptoms.presenting import reasons_text

# Ids are 64-bit keys; a larger one names nothing (a 404, as Django finds no row for it).
LARGEST_ID = 2**63 - 1


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


def query_day(request: Request, name: str) -> date | None:
    """A `YYYY-MM-DD` query parameter, or None when it is left out; given empty, it is refused."""
    if name in request.query_params and not request.query_params[name]:
        raise ValidationError({name: [str(DATE_FORMAT_MESSAGE)]})
    return parse_day(request.query_params.get(name), name)


def query_choice(request: Request, name: str, choices: tuple[str, ...], message: str) -> str | None:
    """One of `choices`, or None when the parameter is left out; anything else (empty too) is refused."""
    if name not in request.query_params:
        return None
    value = request.query_params[name]
    if value not in choices:
        raise ValidationError({name: [message]})
    return value


def day_in_path(description: str) -> OpenApiParameter:
    return OpenApiParameter("date", OpenApiTypes.DATE, OpenApiParameter.PATH, description=description)


def id_in_path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, {"type": "integer", "minimum": 1, "maximum": LARGEST_ID},
                            OpenApiParameter.PATH, description=description)


ENTERED_BY_CHOICES = ("patient", "care_team")


class EntrySerializer(serializers.Serializer):
    """An entry as the API shows it."""

    date = serializers.DateField()
    numbness = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    pain = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    locations = serializers.ListField(child=serializers.ChoiceField(choices=LOCATIONS), max_length=len(LOCATIONS))
    notes = serializers.CharField(allow_blank=True, max_length=NOTES_MAX_LENGTH)
    updated_at = serializers.DateTimeField()
    entered_by = serializers.SerializerMethodField(
        help_text="`patient`, or `care_team` when a clinician of the care team last saved it on the patient's behalf")
    entered_by_name = serializers.SerializerMethodField(help_text="that clinician's name; null for the patient")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for flag in FLAG_FIELDS:
            fields[flag] = serializers.BooleanField()
        return fields

    @extend_schema_field({"type": "string", "enum": list(ENTERED_BY_CHOICES)})
    def get_entered_by(self, entry) -> str:
        return ENTERED_BY_CHOICES[1] if entry.by_care_team else ENTERED_BY_CHOICES[0]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_entered_by_name(self, entry) -> str | None:
        return entry.entered_by_name or None


@extend_schema_serializer(component_name="Entry")  # "EntryRequest" in the schema, the request's side of an Entry
class EntryRequestSerializer(StrictSerializer):
    """An entry as a client sends it, for the schema; what may be stored is checked by the diary
    (`entry_fields.clean_entry`), with the same messages as the page. Where the symptoms were felt
    is needed when either score is above 0. Unknown fields are refused."""

    date = serializers.DateField(required=False, help_text="may be left out; if sent, the day in the URL")
    numbness = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    pain = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    locations = serializers.ListField(child=serializers.ChoiceField(choices=LOCATIONS), required=False,
                                      max_length=len(LOCATIONS), help_text="needed when either score is above 0")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=NOTES_MAX_LENGTH)
    # Read by StrictSerializerSchema: the rule the diary applies across fields, as JSON Schema.
    request_schema_constraints = {"anyOf": [
        {"properties": {score: {"maximum": 0} for score in SCORE_FIELDS}},
        {"required": ["locations"], "properties": {"locations": {"minItems": 1}}},
    ]}

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for flag in FLAG_FIELDS:
            fields[flag] = serializers.BooleanField(required=False, default=False)
        return fields


ENTRY_RANGE = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day, inclusive; leave out for no limit",
                     allow_blank=False),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, inclusive, not before `from`; leave out for "
                     "no limit", allow_blank=False),
]


# Older days cannot hold entries, and the rules look two weeks back from the day asked for.
EARLIEST_AS_OF = date(2000, 1, 1)
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, allow_blank=False,
                         description=f"day assessed, from {EARLIEST_AS_OF.isoformat()} to the patient's today; "
                                     "leave out for today")
NOT_A_PATIENT = "signed in, but not as a patient"


class EntryListView(APIView):
    permission_classes = [IsPatient]

    @extend_schema(parameters=ENTRY_RANGE, responses={200: EntrySerializer(many=True),
                                                      **error_responses(400, 401, 403, s403=NOT_A_PATIENT)})
    def get(self, request):
        """Your own entries, newest first."""
        return entries_response(request, request.user)


def entries_response(request, patient) -> Response:
    """A patient's entries between `from` and `to` (both optional, inclusive), newest first."""
    first, last = query_day(request, "from"), query_day(request, "to")
    if first and last and first > last:
        raise ValidationError({"from": [_("Must not be after 'to'.")]})
    entries = diary.patient_entries(patient, first, last)
    return Response(EntrySerializer(entries, many=True).data)


DAY_DESCRIPTION = ("the day, `YYYY-MM-DD` (any other spelling is a 400); it can be changed from "
                   "SYMPTOM_BACKFILL_DAYS ago to the patient's today, and is a 400 naming `date` otherwise")


def path_day(value: str) -> date:
    """The day in an entry's path; a spelling that is no day names no entry (a 404)."""
    day = parse_day(value, "date")
    if day is None:
        raise Http404
    return day


def entry_response(patient: User, value: str) -> Response:
    entry = diary.patient_entries(patient).filter(date=path_day(value)).first()
    if entry is None:
        raise Http404
    return Response(EntrySerializer(entry).data)


def put_entry_response(request, patient: User, value: str, by: User | None = None) -> Response:
    """Create or replace the patient's entry for the day in the path (as `by`, on their behalf, if given)."""
    the_day = path_day(value)
    if not isinstance(request.data, dict):
        raise ValidationError({"non_field_errors": [_("Send the entry as a JSON object.")]})
    values = dict(request.data)
    if values.pop("date", the_day.isoformat()) != the_day.isoformat():
        raise ValidationError({"date": [_("Does not match the date in the URL.")]})
    recorded = diary.record_entry(patient, the_day, values, by=by)  # refuses unknown fields too
    code = status.HTTP_201_CREATED if recorded.created else status.HTTP_200_OK
    return Response(EntrySerializer(recorded.entry).data, status=code)


def delete_entry_response(patient: User, value: str, by: User | None = None) -> Response:
    if not diary.delete_entry(patient, path_day(value), by=by):
        raise Http404
    return Response(status=status.HTTP_204_NO_CONTENT)


PUT_ENTRY_DOC = ("Every field that is wrong is named at once (unknown fields too), and nothing is stored then.")


class EntryDayView(APIView):
    permission_classes = [IsPatient]
    # The diary takes JSON's own types (whole numbers, true/false, a list); a form's strings are not those.
    parser_classes = [SafeJSONParser]

    @extend_schema(parameters=[day_in_path("the day, `YYYY-MM-DD` (any other spelling is a 400)")],
                   responses={200: EntrySerializer,
                              **error_responses(400, 401, 403, 404, s403=NOT_A_PATIENT,
                                                s404="no entry for that day")})
    def get(self, request, date: str):
        """Your entry for one day."""
        return entry_response(request.user, date)

    @extend_schema(parameters=[day_in_path(DAY_DESCRIPTION)], request=EntryRequestSerializer,
                   responses={200: EntrySerializer, 201: EntrySerializer,
                              **error_responses(400, 401, 403, 404, 415, s403=NOT_A_PATIENT)},
                   description="Create or replace your entry for one day: 201 when created, 200 when replaced. "
                               + PUT_ENTRY_DOC)
    def put(self, request, date: str):
        return put_entry_response(request, request.user, date)

    @extend_schema(parameters=[day_in_path(DAY_DESCRIPTION)],
                   responses={204: None, **error_responses(400, 401, 403, 404, s403=NOT_A_PATIENT,
                                                           s404="no entry for that day")})
    def delete(self, request, date: str):
        """Delete your entry for a day that can still be changed."""
        return delete_entry_response(request.user, date)


class CyclePositionSerializer(serializers.Serializer):
    course = serializers.IntegerField(help_text="the course's id")
    number = serializers.IntegerField(help_text="1 for the cycle of the course's first dose")
    day = serializers.IntegerField(help_text="1 on the cycle's dose day")


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
    functional_impact = serializers.ChoiceField(choices=rules.FUNCTIONAL_IMPACTS)
    reasons = serializers.ListField(child=serializers.CharField())
    next_administration = serializers.DateField(allow_null=True, help_text="the next dose day after as_of, if any")
    cycle = CyclePositionSerializer(allow_null=True, help_text="the treatment cycle as_of falls in, if any")
    needs_review = serializers.BooleanField(
        help_text="a dose on one of the next review days needs a clinician's review first")


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
        "next_administration": assessment.next_administration, "cycle": assessment.cycle,
        "needs_review": assessment.needs_review,
    }


class AssessmentView(APIView):
    permission_classes = [IsPatient]

    @extend_schema(parameters=[AS_OF], responses={200: AssessmentSerializer,
                                                  **error_responses(400, 401, 403, s403=NOT_A_PATIENT)})
    def get(self, request):
        """Your assessment on a day: status, averages, streak, urgent signals, functional impact, reasons."""
        return assessment_response(request, request.user)


def assessment_response(request, patient) -> Response:
    """A patient's assessment on `as_of` (default: their today); never a future day."""
    as_of = query_day(request, "as_of") or patient.local_today()
    if as_of > patient.local_today():
        raise ValidationError({"as_of": [_("Must not be in the future.")]})
    if as_of < EARLIEST_AS_OF:
        raise ValidationError({"as_of": [_("Use a date from %(day)s on.") % {"day": EARLIEST_AS_OF.isoformat()}]})
    assessed = assess_patient(patient, as_of)
    assessment = PatientAssessment.from_rules(assessed, last_entry_date=None,  # not in the API
                                              treatment=treatment_on(patient, as_of, assessed))
    data = assessment_json(assessment)
    return Response(AssessmentSerializer(data).data)


class AlertPatientSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


ALERT_STATE_CHOICES = ("open", "acknowledged", "resolved")


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    patient = AlertPatientSerializer()
    kind = serializers.ChoiceField(choices=AlertKind.values)
    state = serializers.SerializerMethodField()
    signal_days = serializers.ListField(child=serializers.DateField())
    last_signal_day = serializers.DateField()
    opened_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.SerializerMethodField()
    note = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=ALERT_STATE_CHOICES))
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

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=ALERT_STATES, allow_blank=False,
                                                description="open (not yet resolved) or resolved; leave out "
                                                            "for all")],
                   responses={200: AlertSerializer(many=True),
                              **error_responses(400, 401, 403, s403="signed in, but neither a patient nor a "
                                                                    "clinician")})
    def get(self, request):
        """Alerts you may see: a patient their own, a clinician those of their own patients; newest first.
        A clinician's read is written to the access log, one row per patient whose alerts it returned."""
        state = query_choice(request, "status", ALERT_STATES, str(_("Use open or resolved.")))
        alerts = list(visible_alerts(request.user, state))
        response = Response(AlertSerializer(alerts, many=True).data)
        if request.user.is_clinician:
            patients = {alert.patient_id: alert.patient for alert in alerts}
            log_list_access(request.user, patients.values(), RecordAccessAction.VIEWED_ALERTS_API)
        return response


class AcknowledgeSerializer(StrictSerializer):
    """An optional note; the alert's id is in the URL. Unknown fields are refused."""

    note = StrictCharField(required=False, default="", allow_blank=True, trim_whitespace=False,
                           max_length=NOTES_MAX_LENGTH, error_messages={"max_length": text_too_long_message()})


class AlertAcknowledgeView(APIView):
    permission_classes = [permissions.IsAuthenticated]  # anyone not on the care team gets a 404
    # No multipart: nothing here is a file, and a multipart body whose parts cannot be read counts as an
    # empty form, which for a body whose only field is optional would acknowledge without what was sent.
    parser_classes = [SafeJSONParser, FormParser]

    @extend_schema(parameters=[id_in_path("alert_id", "the alert")], request=AcknowledgeSerializer,
                   responses={200: AlertSerializer, **error_responses(
                       400, 401, 403, 404, 415, forms=True, s403="a session write without its CSRF token",
                       s404="no such alert about one of your patients (anyone not on the care team, patients and "
                            "admins included, gets this)")})
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

    @extend_schema(responses={200: PatientSerializer(many=True),
                              **error_responses(401, 403, s403="signed in, but not as a clinician")})
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


PATIENT_ID = id_in_path("patient_id", "one of your own patients")
NOT_YOUR_PATIENT = ("no such patient among your own (anyone not on the care team, patients and admins "
                    "included, gets this)")


class OwnPatientView(APIView):
    """One of the caller's own patients; anyone else's, or a caller who is not a clinician, gets a 404."""

    permission_classes = [permissions.IsAuthenticated]
    audit_action: RecordAccessAction

    def patient(self, request, patient_id: int):
        return own_patient_or_404(request.user, patient_id)

    def logged(self, request, patient, response: Response, action: RecordAccessAction | None = None) -> Response:
        """Write the read (or the change, `action`) to the access log once it has succeeded."""
        log_record_access(request.user, patient, action or self.audit_action)
        return response


class PatientEntriesView(OwnPatientView):
    audit_action = RecordAccessAction.VIEWED_ENTRIES_API

    @extend_schema(parameters=[PATIENT_ID, *ENTRY_RANGE],
                   responses={200: EntrySerializer(many=True),
                              **error_responses(400, 401, 404, s404=NOT_YOUR_PATIENT)})
    def get(self, request, patient_id: int):
        """One of your patients' entries, newest first."""
        patient = self.patient(request, patient_id)
        return self.logged(request, patient, entries_response(request, patient))


class PatientAssessmentView(OwnPatientView):
    audit_action = RecordAccessAction.VIEWED_ASSESSMENT_API

    @extend_schema(parameters=[PATIENT_ID, AS_OF],
                   responses={200: AssessmentSerializer, **error_responses(400, 401, 404, s404=NOT_YOUR_PATIENT)})
    def get(self, request, patient_id: int):
        """One of your patients' assessment on a day (default their today)."""
        patient = self.patient(request, patient_id)
        return self.logged(request, patient, assessment_response(request, patient))


class PatientEntryDayView(OwnPatientView):
    """A day of one of your patients' diaries, entered or corrected on their behalf (after a telephone call,
    say): exactly the patient's own rules and window; the entry names you, and the access log records it
    (in the same transaction as the change)."""

    parser_classes = [SafeJSONParser]
    audit_action = RecordAccessAction.VIEWED_ENTRIES_API

    @extend_schema(parameters=[PATIENT_ID, day_in_path("the day, `YYYY-MM-DD` (any other spelling is a 400)")],
                   responses={200: EntrySerializer,
                              **error_responses(400, 401, 404, s404=NOT_YOUR_PATIENT + "; or no entry for that day")})
    def get(self, request, patient_id: int, date: str):
        """One of your patients' entries for one day."""
        patient = self.patient(request, patient_id)
        return self.logged(request, patient, entry_response(patient, date))

    @extend_schema(parameters=[PATIENT_ID, day_in_path(DAY_DESCRIPTION)], request=EntryRequestSerializer,
                   responses={200: EntrySerializer, 201: EntrySerializer,
                              **error_responses(400, 401, 404, 415, s404=NOT_YOUR_PATIENT)},
                   description="Create or replace one of your patients' entries for one day on their behalf: 201 "
                               "when created, 200 when replaced. " + PUT_ENTRY_DOC)
    def put(self, request, patient_id: int, date: str):
        patient = self.patient(request, patient_id)
        with transaction.atomic():
            return self.logged(request, patient, put_entry_response(request, patient, date, by=request.user),
                               RecordAccessAction.ENTERED_ON_BEHALF)

    @extend_schema(parameters=[PATIENT_ID, day_in_path(DAY_DESCRIPTION)],
                   responses={204: None, **error_responses(400, 401, 404,
                                                           s404=NOT_YOUR_PATIENT + "; or no entry for that day")})
    def delete(self, request, patient_id: int, date: str):
        """Delete one of your patients' entries for a day that can still be changed, on their behalf."""
        patient = self.patient(request, patient_id)
        with transaction.atomic():
            return self.logged(request, patient, delete_entry_response(patient, date, by=request.user),
                               RecordAccessAction.DELETED_ON_BEHALF)
