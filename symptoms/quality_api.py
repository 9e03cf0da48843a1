"""`GET /api/v1/quality/?weeks=`: Quality of care for a clinician's own patients, or for an admin the whole
clinic and each clinician (`symptoms/quality.py`)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cipn_tracker.api import error_responses
from symptoms.access_log import log_list_access
from symptoms.models import RecordAccessAction
from symptoms.quality import WEEKS_VALUES, Quality, chosen_weeks, may_see_quality, quality_for
from symptoms.quality_figures import WEEKS_DEFAULT, WEEKS_MAX, WEEKS_MIN, Figures


class MaySeeQuality(permissions.BasePermission):
    message = "Only clinicians and clinic admins see the quality-of-care figures."

    def has_permission(self, request, view) -> bool:
        return may_see_quality(request.user)


def rate(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, min_value=0, help_text=help_text)


class PeriodSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()


class WeekSerializer(serializers.Serializer):
    first = serializers.DateField(help_text="the week's first day, in the clinic's zone")
    last = serializers.DateField()
    expected_days = serializers.IntegerField(min_value=0)
    logged_days = serializers.IntegerField(min_value=0)
    completion_rate = rate("logged ÷ expected days that week; null with none expected")


class FiguresSerializer(serializers.Serializer):
    patients = serializers.IntegerField(min_value=0, help_text="patients with at least one expected day")
    expected_days = serializers.IntegerField(min_value=0)
    logged_days = serializers.IntegerField(min_value=0)
    completion_rate = rate("logged ÷ expected days (0 to 1); null with none expected")
    alerts_opened = serializers.IntegerField(min_value=0)
    alerts_per_100_patient_weeks = rate("null with no expected days")
    acknowledged_within_24h = rate("share of the alerts opened (0 to 1); null with none opened")
    acknowledged_within_72h = rate("share of the alerts opened (0 to 1); null with none opened")
    median_hours_to_acknowledge = rate("of the alerts acknowledged; null if none was")
    p90_hours_to_acknowledge = rate("of the alerts acknowledged; null if none was")
    not_reporting = serializers.IntegerField(min_value=0, help_text="patients with no entry in the last 3 days")


class ClinicianFiguresSerializer(FiguresSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PatientCompletionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    expected_days = serializers.IntegerField(min_value=0)
    logged_days = serializers.IntegerField(min_value=0)
    completion_rate = rate("null with no expected days")
    days_since_last_entry = serializers.IntegerField(allow_null=True, min_value=0)


class QualitySerializer(FiguresSerializer):
    weeks = serializers.IntegerField(min_value=WEEKS_MIN, max_value=WEEKS_MAX)
    period = PeriodSerializer(help_text="in the clinic's zone; each patient's figures use their own days")
    trend = WeekSerializer(many=True, help_text="completion week by week, oldest first")
    clinicians = ClinicianFiguresSerializer(many=True, allow_null=True, help_text="an admin's: each clinician")
    patients_completion = PatientCompletionSerializer(
        many=True, allow_null=True, help_text="a clinician's: each own patient, least complete first")


def figures_json(figures: Figures) -> dict:
    return {name: getattr(figures, name) for name in FiguresSerializer().fields}


def quality_json(quality: Quality) -> dict:
    return {
        **figures_json(quality.figures), "weeks": quality.weeks,
        "period": {"first": quality.period.first, "last": quality.period.last},
        "trend": [{"first": days.first, "last": days.last, "expected_days": week.expected_days,
                   "logged_days": week.logged_days, "completion_rate": week.completion_rate}
                  for days, week in quality.trend],
        "clinicians": None if quality.clinicians is None else [
            {"id": row.pk, "name": row.name, **figures_json(row.figures)} for row in quality.clinicians],
        "patients_completion": None if quality.patients is None else [
            {"id": row.pk, "name": row.name, "expected_days": row.expected_days, "logged_days": row.logged_days,
             "completion_rate": row.completion_rate, "days_since_last_entry": row.days_since_last_entry}
            for row in quality.patients],
    }


class QualityView(APIView):
    permission_classes = [MaySeeQuality]

    @extend_schema(
        parameters=[OpenApiParameter("weeks", {"type": "string", "enum": list(WEEKS_VALUES), "minLength": 1},
                                     description=f"weeks ending yesterday, {WEEKS_MIN} to {WEEKS_MAX}; leave out "
                                                 f"for {WEEKS_DEFAULT}", allow_blank=False)],
        responses={200: QualitySerializer, **error_responses(400, 401, 403, s403="signed in, but neither a "
                                                                                "clinician nor an admin")})
    def get(self, request):
        """Quality of care: for a clinician their own patients (with each one's completion), for an admin the
        whole clinic (with the same figures per clinician). Each patient listed is in the access log."""
        # A bad `weeks` is Django's ValidationError: the API's exception handler answers it as a 400.
        quality = quality_for(request.user, chosen_weeks(request.query_params.get("weeks")))
        response = Response(QualitySerializer(quality_json(quality)).data)
        log_list_access(request.user, quality.patients or [], RecordAccessAction.VIEWED_QUALITY)
        return response
