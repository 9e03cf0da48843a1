"""A patient's treatment with the diary read cycle by cycle: courses, their cycle summaries, grades."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from symptoms import charts, cycles, rules
from symptoms.assessments import PatientAssessment, day_entries, patient_policy, two_places
from treatment import calendar
from treatment.courses import courses_of, grades_of
from treatment.models import Administration, ClinicianGrade, Course


@dataclass(frozen=True)
class CourseRecord:
    course: Course
    cycles: list[cycles.CycleSummary]
    # Each summarised cycle's day scores from its day 1 up to its end or today (None: no entry).
    day_scores: list[list[int | None]]
    as_of: date

    @property
    def planned(self) -> list[Administration]:
        """Dose days still to come."""
        return [given for given in self.course.administrations.all() if given.date > self.as_of]

    @property
    def rows(self) -> list[dict[str, object]]:
        return cycle_rows(self)


@dataclass(frozen=True)
class TreatmentRecord:
    courses: list[CourseRecord]
    grades: list[ClinicianGrade]

    @property
    def dose_marks(self) -> list[charts.DoseMark]:
        return dose_marks(course.course for course in self.courses)


def current_cycles(record: TreatmentRecord, assessment: PatientAssessment) -> tuple[
        cycles.CycleSummary | None, cycles.CycleSummary | None]:
    """The summary of the cycle the assessment's day falls in, and of the cycle before it (or None)."""
    position = assessment.cycle
    for course in record.courses:
        if position is not None and course.course.pk == position["course"] and position["number"] <= len(course.cycles):
            number = position["number"]
            return course.cycles[number - 1], course.cycles[number - 2] if number >= 2 else None
    return None, None


def course_name(course: Course) -> str:
    """"Paclitaxel (weekly), 7-day cycles": how the pages name a course."""
    name = course.get_agent_display()
    if course.regimen:
        name = f"{name} ({course.regimen})"
    return ngettext("%(name)s, %(days)s-day cycle", "%(name)s, %(days)s-day cycles", course.cycle_length_days) % {
        "name": name, "days": course.cycle_length_days}


def dose_marks(courses: Iterable[Course]) -> list[charts.DoseMark]:
    """Every dose day of these courses (administrations prefetched, `courses_of`), given or planned,
    labelled with its cycle number and dose (and the agent, when there are several courses), for the
    trend chart."""
    courses = list(courses)
    marks = []
    for course in courses:
        for cycle in course_cycles(course):
            label = _("Cycle %(number)s · %(dose)s%%") % {"number": cycle.number, "dose": cycle.dose_percent}
            if len(courses) > 1:
                label = f"{course.get_agent_display()} · {label}"
            marks.append(charts.DoseMark(cycle.start, label))
    return marks


def overlay_figure(course: CourseRecord, static: bool = False) -> dict:
    """The course's cycle overlay chart: each cycle's day scores by day of cycle."""
    return charts.cycle_overlay_figure(
        [(_("Cycle %(number)s (%(dose)s%%)") % {"number": summary.number, "dose": summary.dose_percent}, scores)
         for summary, scores in zip(course.cycles, course.day_scores, strict=True)], static=static)


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
    scores = {entry.date: entry.day_score for entry in entries}
    records = []
    for course in courses:
        summaries = cycles.summarize(course_cycles(course), entries, as_of, policy, graded)
        day_scores = [[scores.get(summary.start + timedelta(days=offset))
                       for offset in range((min(summary.end, as_of) - summary.start).days + 1)]
                      for summary in summaries]
        records.append(CourseRecord(course, summaries, day_scores, as_of))
    return TreatmentRecord(records, grades)


IMPACT_LABELS = {rules.NO_IMPACT: gettext_lazy("none"), rules.INSTRUMENTAL: gettext_lazy("everyday tasks"),
                 rules.SELF_CARE: gettext_lazy("self-care or safety")}


def cycle_rows(course: CourseRecord) -> list[dict[str, object]]:
    """The cycle table's rows, newest cycle first, with each figure as the pages show it."""
    return [{
        "summary": summary, "worst_weekly_average": two_places(summary.worst_weekly_average),
        "impact": IMPACT_LABELS[summary.functional_impact],
        "settled": {True: _("yes"), False: _("no"), None: _("not known")}[summary.settled_before_next],
        "settled_value": summary.settled_before_next,
    } for summary in reversed(course.cycles)]
