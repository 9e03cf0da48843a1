"""API v1 for treatment: the patient's own courses and cycle summaries; a clinician's courses,
administrations and grades for their own patients. Other clinicians' patients and their courses are
a 404; every staff read and change is in the access log."""

from dataclasses import asdict

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services import care_team_patient
from cipn_tracker.api import SafeJSONParser, StrictSerializer, error_responses
from symptoms import rules, treatment_changes, treatment_record
from symptoms.access_log import log_record_access
from symptoms.api import NOT_A_PATIENT, NOT_YOUR_PATIENT, PATIENT_ID, IsPatient, day_in_path, id_in_path
from symptoms.assessments import two_places
from symptoms.entry_fields import parse_day
from symptoms.models import RecordAccessAction
from treatment import courses
from treatment.calendar import (
    CYCLE_DAYS_MAX,
    CYCLE_DAYS_MIN,
    DOSE_MAX,
    DOSE_MIN,
    GRADE_MAX,
    GRADE_MIN,
    NOTE_MAX_LENGTH,
    REGIMEN_MAX_LENGTH,
)
from treatment.models import Agent, Course

COURSE_ID = id_in_path("course_id", "a course of one of your own patients")
NOT_YOUR_COURSE = "no such course among your own patients' (anyone not on the care team gets this)"


# --- What is sent ---------------------------------------------------------------------------------------------

class CourseRequestSerializer(StrictSerializer):
    agent = serializers.ChoiceField(choices=Agent.choices)
    regimen = serializers.CharField(max_length=REGIMEN_MAX_LENGTH, allow_blank=True, required=False, default="",
                                    trim_whitespace=True)
    cycle_length_days = serializers.IntegerField(min_value=CYCLE_DAYS_MIN, max_value=CYCLE_DAYS_MAX)
    ended_on = serializers.DateField(allow_null=True, required=False, default=None)


class AdministrationRequestSerializer(StrictSerializer):
    dose_percent = serializers.IntegerField(min_value=DOSE_MIN, max_value=DOSE_MAX, required=False, default=100)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")


class GradeRequestSerializer(StrictSerializer):
    date = serializers.DateField()
    grade = serializers.IntegerField(min_value=GRADE_MIN, max_value=GRADE_MAX)
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, allow_blank=True, required=False, default="")


# --- What is answered -----------------------------------------------------------------------------------------

class AdministrationSerializer(serializers.Serializer):
    date = serializers.DateField()
    dose_percent = serializers.IntegerField()
    note = serializers.CharField()


class CycleSummarySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    dose_percent = serializers.IntegerField()
    days_logged = serializers.IntegerField()
    worst_weekly_average = serializers.FloatField(allow_null=True, help_text="2 decimals; null when none counted")
    days_above_threshold = serializers.IntegerField()
    worst_day_score = serializers.IntegerField(allow_null=True)
    falls = serializers.IntegerField()
    functional_impact = serializers.ChoiceField(choices=rules.FUNCTIONAL_IMPACTS)
    settled_before_next = serializers.BooleanField(allow_null=True)
    rising = serializers.BooleanField()
    clinician_grade = serializers.IntegerField(allow_null=True)
    disagreement = serializers.BooleanField()


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    agent = serializers.ChoiceField(choices=Agent.choices)
    regimen = serializers.CharField()
    cycle_length_days = serializers.IntegerField()
    ended_on = serializers.DateField(allow_null=True)
    administrations = AdministrationSerializer(many=True)
    cycles = CycleSummarySerializer(many=True)


class GradeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    grade = serializers.IntegerField()
    note = serializers.CharField()


class TreatmentSerializer(serializers.Serializer):
    courses = CourseSerializer(many=True)
    grades = GradeSerializer(many=True)


def course_values(record: treatment_record.CourseRecord) -> dict[str, object]:
    course = record.course
    return {
        "id": course.pk, "agent": course.agent, "regimen": course.regimen,
        "cycle_length_days": course.cycle_length_days, "ended_on": course.ended_on,
        "administrations": list(course.administrations.all()),
        "cycles": [{**asdict(summary), "worst_weekly_average": two_places(summary.worst_weekly_average)}
                   for summary in record.cycles],
    }


def treatment_values(patient: User, only_course: int | None = None) -> dict[str, object]:
    """The patient's courses (or just one) with cycle summaries, and the clinicians' grades."""
    record = treatment_record.treatment_record(patient)
    return {"courses": [course_values(course) for course in record.courses
                        if only_course is None or course.course.pk == only_course],
            "grades": record.grades}


def course_answer(course: Course, code: int = status.HTTP_200_OK) -> Response:
    [shown] = treatment_values(course.patient, only_course=course.pk)["courses"]  # type: ignore[misc]
    return Response(CourseSerializer(shown).data, status=code)


def validated(serializer_class: type[StrictSerializer], request, partial: bool = False) -> dict:
    body = serializer_class(data=request.data, partial=partial)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


class ClinicianTreatmentView(APIView):
    """A clinician's view of their own patients' treatment. What the asker may not see (another
    clinician's patient or course, a dose day that is not there) is a 404, whoever asks."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [SafeJSONParser]

    def handle_exception(self, exc):
        if isinstance(exc, ObjectDoesNotExist):
            exc = NotFound()
        return super().handle_exception(exc)


# --- The views ----------------------------------------------------------------------------------------------

class PatientTreatmentView(APIView):
    permission_classes = [IsPatient]

    @extend_schema(responses={200: TreatmentSerializer, **error_responses(401, 403, s403=NOT_A_PATIENT)})
    def get(self, request):
        """Your own courses, their administrations and cycle summaries, and your clinicians' grades."""
        return Response(TreatmentSerializer(treatment_values(request.user)).data)


class PatientCoursesView(ClinicianTreatmentView):
    @extend_schema(parameters=[PATIENT_ID], responses={200: TreatmentSerializer,
                                                       **error_responses(401, 404, s404=NOT_YOUR_PATIENT)})
    def get(self, request, patient_id: int):
        """One of your patients' courses (with administrations and cycle summaries) and grades."""
        patient = care_team_patient(request.user, patient_id)
        body = TreatmentSerializer(treatment_values(patient)).data
        log_record_access(request.user, patient, RecordAccessAction.VIEWED_TREATMENT_API)
        return Response(body)

    @extend_schema(parameters=[PATIENT_ID], request=CourseRequestSerializer,
                   responses={201: CourseSerializer, **error_responses(400, 401, 404, 415, s404=NOT_YOUR_PATIENT)})
    def post(self, request, patient_id: int):
        """Add a course for one of your patients."""
        course = treatment_changes.create_course(request.user, patient_id, validated(CourseRequestSerializer, request))
        return course_answer(course, status.HTTP_201_CREATED)


class CourseView(ClinicianTreatmentView):
    @extend_schema(parameters=[COURSE_ID], request=CourseRequestSerializer,
                   responses={200: CourseSerializer, **error_responses(400, 401, 404, 415, s404=NOT_YOUR_COURSE)})
    def patch(self, request, course_id: int):
        """Change a course: any of its fields (an end date when it is stopped, say)."""
        course = treatment_changes.change_course(request.user, course_id,
                                                 validated(CourseRequestSerializer, request, partial=True))
        return course_answer(course)

    @extend_schema(parameters=[COURSE_ID], responses={204: None, **error_responses(401, 404, s404=NOT_YOUR_COURSE)})
    def delete(self, request, course_id: int):
        """Remove a course with its administrations."""
        treatment_changes.delete_course(request.user, course_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


ADMINISTRATION_DAY = "the dose day, `YYYY-MM-DD`; after the patient's today it is a planned dose"


class AdministrationView(ClinicianTreatmentView):
    def _day(self, value: str):
        day = parse_day(value, "date")
        if day is None:
            raise Http404
        return day

    @extend_schema(parameters=[COURSE_ID, day_in_path(ADMINISTRATION_DAY)], request=AdministrationRequestSerializer,
                   responses={200: AdministrationSerializer, 201: AdministrationSerializer,
                              **error_responses(400, 401, 404, 415, s404=NOT_YOUR_COURSE)})
    def put(self, request, course_id: int, date: str):
        """Record or plan a dose: 201 when created, 200 when it replaced the one on that day."""
        values = validated(AdministrationRequestSerializer, request)
        given, created = treatment_changes.record_administration(request.user, course_id, self._day(date), values)
        return Response(AdministrationSerializer(given).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(parameters=[COURSE_ID, day_in_path(ADMINISTRATION_DAY)],
                   responses={204: None, **error_responses(400, 401, 404,
                                                           s404="not your patient's course, or no dose that day")})
    def delete(self, request, course_id: int, date: str):
        """Remove a recorded or planned dose."""
        treatment_changes.delete_administration(request.user, course_id, self._day(date))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PatientGradesView(ClinicianTreatmentView):
    @extend_schema(parameters=[PATIENT_ID], responses={200: GradeSerializer(many=True),
                                                       **error_responses(401, 404, s404=NOT_YOUR_PATIENT)})
    def get(self, request, patient_id: int):
        """The CTCAE grades of peripheral sensory neuropathy clinicians recorded for one of your patients."""
        patient = care_team_patient(request.user, patient_id)
        body = GradeSerializer(courses.grades_of(patient), many=True).data
        log_record_access(request.user, patient, RecordAccessAction.VIEWED_TREATMENT_API)
        return Response(body)

    @extend_schema(parameters=[PATIENT_ID], request=GradeRequestSerializer,
                   responses={201: GradeSerializer, **error_responses(400, 401, 404, 415, s404=NOT_YOUR_PATIENT)})
    def post(self, request, patient_id: int):
        """Record a grade seen at a visit."""
        grade = treatment_changes.record_grade(request.user, patient_id, validated(GradeRequestSerializer, request))
        return Response(GradeSerializer(grade).data, status=status.HTTP_201_CREATED)

