"""A clinician changes a patient's treatment: the change (`treatment.courses`, scoped to the care team),
the patient re-assessed at once (their next dose, cycle and any review needed before a dose), and the
access-log row, in one transaction. The API and the record page both change treatment through here."""

from collections.abc import Callable, Mapping
from datetime import date
from typing import TypeVar

from django.db import transaction

from accounts.models import User
from symptoms import evaluation
from symptoms.access_log import log_record_access
from symptoms.models import RecordAccessAction
from treatment import courses
from treatment.models import Administration, ClinicianGrade, Course

T = TypeVar("T")


def _changing(clinician: User, change: Callable[[], T], patient_of: Callable[[T], User]) -> T:
    with transaction.atomic():
        result = change()
        patient = patient_of(result)
        evaluation.evaluate_patients([patient.pk])
        log_record_access(clinician, patient, RecordAccessAction.CHANGED_TREATMENT)
    return result


def create_course(clinician: User, patient_id: int, values: Mapping[str, object]) -> Course:
    return _changing(clinician, lambda: courses.create_course(clinician, patient_id, values),
                     lambda course: course.patient)


def change_course(clinician: User, course_id: int, values: Mapping[str, object]) -> Course:
    return _changing(clinician, lambda: courses.change_course(clinician, course_id, values),
                     lambda course: course.patient)


def delete_course(clinician: User, course_id: int) -> User:
    """Remove a course with its dose days; returns the patient."""
    return _changing(clinician, lambda: courses.delete_course(clinician, course_id), lambda patient: patient)


def record_administration(clinician: User, course_id: int, day: date,
                          values: Mapping[str, object]) -> tuple[Administration, bool]:
    """Record or plan a dose (the same day again replaces it); returns it and whether it was created."""
    return _changing(clinician, lambda: courses.record_administration(clinician, course_id, day, values),
                     lambda recorded: recorded[0].course.patient)


def delete_administration(clinician: User, course_id: int, day: date) -> Course:
    return _changing(clinician, lambda: courses.delete_administration(clinician, course_id, day),
                     lambda course: course.patient)


def record_grade(clinician: User, patient_id: int, values: Mapping[str, object]) -> ClinicianGrade:
    """A grade changes no assessment: it is stored and logged."""
    with transaction.atomic():
        grade = courses.record_grade(clinician, patient_id, values)
        log_record_access(clinician, grade.patient, RecordAccessAction.RECORDED_GRADE)
    return grade
