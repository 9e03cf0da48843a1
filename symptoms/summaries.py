"""The week and the month in figures: a patient's weekly summary, a clinician's weekly digest and the
four-week appointment report, all computed by the referral rules (never by templates)."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import User
from symptoms import rules, triage
from symptoms.assessments import (
    ENTRY_COLUMNS,
    PatientAssessment,
    current_assessment,
    patient_policy,
    patient_trend,
    two_places,
)
from symptoms.diary import patient_entries
from symptoms.entry_fields import FLAGS
from symptoms.models import SymptomEntry
from symptoms.quality import ACK_72H, alerts_waiting, quality_for
from symptoms.quality_figures import Figures


def previous_week(today: date) -> tuple[date, date]:
    """Monday and Sunday of the last full week before `today`."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def flag_counts(entries: Iterable[SymptomEntry]) -> list[tuple[str, int]]:
    """Each daily-life question answered yes at least once, with how many days."""
    counts = Counter(flag.field for entry in entries for flag in FLAGS if getattr(entry, flag.field))
    return [(str(flag.label), counts[flag.field]) for flag in FLAGS if counts[flag.field]]


@dataclass(frozen=True)
class PatientWeek:
    """A patient's last full week (Monday to Sunday) and their status today."""

    monday: date
    sunday: date
    days_logged: int
    weekly_average: Decimal | None
    previous_weekly_average: Decimal | None
    change: Decimal | None
    flags: list[tuple[str, int]]
    current: PatientAssessment


def patient_week(patient: User, today: date) -> PatientWeek:
    """A patient's last full week: days logged, 7-day averages and change, daily-life flags, status."""
    monday, sunday = previous_week(today)
    entries = list(SymptomEntry.objects.filter(patient=patient, date__lte=today).order_by("date"))
    diary = [rules.DayEntry(*(getattr(entry, name) for name in ENTRY_COLUMNS)) for entry in entries]
    policy = patient_policy(patient)
    week_end = rules.assess(diary, sunday, policy)
    average, previous = week_end.weekly_average, week_end.previous_weekly_average
    return PatientWeek(
        monday=monday, sunday=sunday, days_logged=week_end.days_logged,
        weekly_average=two_places(average), previous_weekly_average=two_places(previous),
        change=two_places(average - previous) if average is not None and previous is not None else None,
        flags=flag_counts(entry for entry in entries if monday <= entry.date <= sunday),
        current=PatientAssessment.from_rules(rules.assess(diary, today, policy),
                                             entries[-1].date if entries else None),
    )


REPORT_WEEKS = 4
REPORT_DAYS = REPORT_WEEKS * rules.WEEK_DAYS


@dataclass(frozen=True)
class ReportWeek:
    first: date
    last: date
    days_logged: int
    weekly_average: Decimal | None
    worst_day_score: int | None
    flags: list[tuple[str, int]]


def appointment_weeks(trend: list[rules.TrendDay], entries: list[SymptomEntry]) -> list[ReportWeek]:
    """The last four 7-day weeks ending on the trend's last day, newest first: average, days logged,
    worst day, and how often each daily-life question was answered yes."""
    by_day = {day.date: day for day in trend}
    last_day = trend[-1].date
    weeks = []
    for back in range(REPORT_WEEKS):
        last = last_day - timedelta(days=back * rules.WEEK_DAYS)
        first = last - timedelta(days=rules.WEEK_DAYS - 1)
        logged = [entry for entry in entries if first <= entry.date <= last]
        weeks.append(ReportWeek(
            first=first, last=last, days_logged=len(logged),
            weekly_average=two_places(by_day[last].weekly_average) if last in by_day else None,
            worst_day_score=max((entry.day_score for entry in logged), default=None),
            flags=flag_counts(logged),
        ))
    return weeks


@dataclass(frozen=True)
class AppointmentReport:
    """What a patient takes to an appointment: the last four weeks and their status today."""

    first: date
    last: date
    status: PatientAssessment
    trend: list[rules.TrendDay]
    weeks: list[ReportWeek]
    noted_entries: list[SymptomEntry]
    care_team_entries: list[SymptomEntry]  # days the care team entered on the patient's behalf, newest first


def appointment_report(patient: User) -> AppointmentReport:
    last = patient.local_today()
    first = last - timedelta(days=REPORT_DAYS - 1)
    trend = patient_trend(patient, first=first)
    entries = list(patient_entries(patient, first, last))
    return AppointmentReport(
        first=first, last=last, status=current_assessment(patient), trend=trend,
        weeks=appointment_weeks(trend, entries), noted_entries=[entry for entry in entries if entry.notes],
        care_team_entries=[entry for entry in entries if entry.by_care_team],
    )


@dataclass(frozen=True)
class ClinicianDigest:
    """A clinician's patients grouped by status (most urgent first), their open alerts, who stopped logging."""

    groups: list[tuple[str, list[triage.TriageRow]]]
    open_alerts: int
    not_reporting: list[User]
    patients: int
    # Upcoming doses that need a review first, soonest first.
    reviews: list[triage.TriageRow]
    # Last week's completion (Quality of care over one week) and the alerts still waiting after 72 hours:
    # counts only, so the email may carry them whatever EMAIL_HEALTH_DETAILS says.
    last_week: Figures
    waiting_over_72h: int


def clinician_digest(clinician: User) -> ClinicianDigest:
    """A clinician's patients grouped by status (most urgent first, as on the dashboard), their open
    alerts, who has stopped logging, and the upcoming doses that need a review first."""
    rows = triage.triage_rows(clinician)
    groups = [(str(status.label), [row for row in rows if row.assessment.status == status])
              for status in triage.STATUS_ORDER]
    return ClinicianDigest(groups=[(label, members) for label, members in groups if members],
                           open_alerts=sum(row.open_alerts for row in rows),
                           not_reporting=[row.patient for row in rows if row.not_reporting], patients=len(rows),
                           reviews=sorted((row for row in rows if row.assessment.needs_review),
                                          key=lambda row: (row.assessment.next_administration, row.sort_key())),
                           last_week=quality_for(clinician, 1, patients=False).figures,
                           waiting_over_72h=alerts_waiting(clinician, ACK_72H))
