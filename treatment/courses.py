"""Courses, administrations and grades, changed only by a clinician on the patient's care team.

Every function takes who is asking: another clinician's patient, a course of one, or a dose day
that is not there raises the model's DoesNotExist, which the pages and the API answer with a 404
that confirms nothing. Bad values raise Django's ValidationError naming the field; nothing stored
changes then.
"""

from collections.abc import Mapping
from datetime import date

from django.db import transaction
from django.db.models import Model, Prefetch, QuerySet

from accounts.models import User
from accounts.services import care_team_patient
from treatment.models import Administration, ClinicianGrade, Course

COURSE_FIELDS = ("agent", "regimen", "cycle_length_days", "ended_on")
ADMINISTRATION_FIELDS = ("dose_percent", "note")
GRADE_FIELDS = ("date", "grade", "note")


def own_course(clinician: User, course_id: int) -> Course:
    """A course of one of the clinician's own patients, locked for the caller's transaction."""
    if not clinician.is_clinician:
        raise Course.DoesNotExist
    return (Course.objects.filter(patient__care_team_memberships__clinician=clinician)
            .select_related("patient").select_for_update(of=("self",)).get(pk=course_id))


def courses_of(patient: User) -> QuerySet[Course]:
    """The patient's courses with their administrations in date order (two queries)."""
    return (Course.objects.filter(patient=patient).order_by("id")
            .prefetch_related(Prefetch("administrations", queryset=Administration.objects.order_by("date"))))


def grades_of(patient: User) -> QuerySet[ClinicianGrade]:
    return ClinicianGrade.objects.filter(patient=patient).order_by("date", "id")


def _checked(instance: Model, values: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    """Set `values` (only ever these fields) and check them as the model does."""
    if not set(values) <= set(allowed):
        raise ValueError(f"only {', '.join(allowed)} can be set here")
    for name, value in values.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["patient", "course", "created_by", "recorded_by"])


def create_course(clinician: User, patient_id: int, values: Mapping[str, object]) -> Course:
    patient = care_team_patient(clinician, patient_id)
    course = Course(patient=patient, created_by=clinician)
    _checked(course, values, COURSE_FIELDS)
    course.save()
    return course


def change_course(clinician: User, course_id: int, values: Mapping[str, object]) -> Course:
    with transaction.atomic():
        course = own_course(clinician, course_id)
        _checked(course, values, COURSE_FIELDS)
        course.save()
    return course


def delete_course(clinician: User, course_id: int) -> User:
    """Remove a course with its administrations; returns its patient."""
    with transaction.atomic():
        course = own_course(clinician, course_id)
        patient = course.patient
        course.delete()
    return patient


def record_administration(clinician: User, course_id: int, day: date,
                          values: Mapping[str, object]) -> tuple[Administration, bool]:
    """Record or plan the course's dose on `day`; the same day again replaces it. Returns it and
    whether it was created."""
    with transaction.atomic():
        course = own_course(clinician, course_id)
        existing = Administration.objects.filter(course=course, date=day).first()
        administration = existing or Administration(course=course, date=day)
        if existing is not None:  # a replacement: what is not sent goes back to its default
            administration.dose_percent, administration.note = 100, ""
        _checked(administration, values, ADMINISTRATION_FIELDS)
        administration.save()
    return administration, existing is None


def delete_administration(clinician: User, course_id: int, day: date) -> Course:
    """Remove the course's dose on `day` (Administration.DoesNotExist when there is none); returns the course."""
    with transaction.atomic():
        course = own_course(clinician, course_id)
        deleted, _by_model = Administration.objects.filter(course=course, date=day).delete()
    if not deleted:
        raise Administration.DoesNotExist
    return course


def record_grade(clinician: User, patient_id: int, values: Mapping[str, object]) -> ClinicianGrade:
    patient = care_team_patient(clinician, patient_id)
    grade = ClinicianGrade(patient=patient, recorded_by=clinician)
    _checked(grade, values, GRADE_FIELDS)
    grade.save()
    return grade
