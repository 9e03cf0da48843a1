"""A patient's treatment with the diary read cycle by cycle: courses, their cycle summaries, grades."""

from dataclasses import dataclass
from datetime import date

from accounts.models import User
from symptoms import cycles
from symptoms.assessments import day_entries, patient_policy
from treatment import calendar
from treatment.courses import courses_of, grades_of
from treatment.models import ClinicianGrade, Course


@dataclass(frozen=True)
class CourseRecord:
    course: Course
    cycles: list[cycles.CycleSummary]


@dataclass(frozen=True)
class TreatmentRecord:
    courses: list[CourseRecord]
    grades: list[ClinicianGrade]


def course_cycles(course: Course) -> list[calendar.Cycle]:
    """The cycles of a course whose administrations were prefetched (`courses_of`)."""
    doses = [calendar.Dose(given.date, given.dose_percent) for given in course.administrations.all()]
    return calendar.cycles(doses, course.cycle_length_days, course.ended_on)


def treatment_record(patient: User, as_of: date | None = None) -> TreatmentRecord:
    """Each course with a summary of every cycle started by `as_of` (the patient's today by default),
    and the clinicians' grades; a fixed number of queries however long the diary or the treatment."""
    as_of = as_of or patient.local_today()
    courses = list(courses_of(patient))
    grades = list(grades_of(patient))
    if not courses:
        return TreatmentRecord([], grades)
    entries = day_entries([patient.pk])[patient.pk]
    policy = patient_policy(patient)
    graded = [cycles.Grade(grade.date, grade.grade) for grade in grades]
    return TreatmentRecord(
        [CourseRecord(course, cycles.summarize(course_cycles(course), entries, as_of, policy, graded))
         for course in courses],
        grades)
