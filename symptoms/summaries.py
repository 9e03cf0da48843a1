"""Weekly figures for summaries and digests, computed by the referral rules (never by templates)."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from accounts.models import User
from symptoms import evaluation, rules, services, triage
from symptoms.models import FLAG_FIELDS, SymptomEntry


def previous_week(today: date) -> tuple[date, date]:
    """Monday and Sunday of the last full week before `today`."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def flag_counts(entries: Iterable[SymptomEntry]) -> list[tuple[str, int]]:
    """Each daily-life question answered yes at least once, with how many days."""
    counts = Counter(flag for entry in entries for flag in FLAG_FIELDS if getattr(entry, flag))
    return [(SymptomEntry._meta.get_field(flag).verbose_name, counts[flag]) for flag in FLAG_FIELDS if counts[flag]]


def patient_week(patient: User, today: date) -> dict:
    """A patient's last full week: days logged, 7-day averages and change, daily-life flags, status."""
    monday, sunday = previous_week(today)
    entries = [entry for entry in SymptomEntry.objects.filter(patient=patient, date__lte=today).order_by("date")]
    diary = [rules.DayEntry(*(getattr(entry, name) for name in evaluation.ENTRY_COLUMNS)) for entry in entries]
    policy = evaluation.patient_policy(patient)
    week_end = rules.assess(diary, sunday, policy)
    average, previous = week_end.weekly_average, week_end.previous_weekly_average
    return {
        "monday": monday, "sunday": sunday, "days_logged": week_end.days_logged,
        "weekly_average": evaluation.two_places(average),
        "previous_weekly_average": evaluation.two_places(previous),
        "change": evaluation.two_places(average - previous) if average is not None and previous is not None
        else None,
        "flags": flag_counts(entry for entry in entries if monday <= entry.date <= sunday),
        "current": evaluation.status_values(rules.assess(diary, today, policy), entries[-1].date if entries else None),
    }


REPORT_WEEKS = 4
REPORT_DAYS = REPORT_WEEKS * rules.WEEK_DAYS


def appointment_weeks(trend: list[rules.TrendDay], entries: list[SymptomEntry]) -> list[dict]:
    """The last four 7-day weeks ending on the trend's last day, newest first: average, days logged,
    worst day, and how often each daily-life question was answered yes."""
    by_day = {day.date: day for day in trend}
    last_day = trend[-1].date
    weeks = []
    for back in range(REPORT_WEEKS):
        last = last_day - timedelta(days=back * rules.WEEK_DAYS)
        first = last - timedelta(days=rules.WEEK_DAYS - 1)
        logged = [entry for entry in entries if first <= entry.date <= last]
        weeks.append({
            "first": first, "last": last, "days_logged": len(logged),
            "weekly_average": evaluation.two_places(by_day[last].weekly_average) if last in by_day else None,
            "worst_day_score": max((entry.day_score for entry in logged), default=None),
            "flags": flag_counts(logged),
        })
    return weeks


@dataclass(frozen=True)
class AppointmentReport:
    """What a patient takes to an appointment: the last four weeks and their status today."""

    first: date
    last: date
    status: dict
    trend: list[rules.TrendDay]
    weeks: list[dict]
    noted_entries: list[SymptomEntry]


def appointment_report(patient: User) -> AppointmentReport:
    last = patient.local_today()
    first = last - timedelta(days=REPORT_DAYS - 1)
    trend = services.patient_trend(patient, first=first)
    entries = list(services.patient_entries(patient, first, last))
    return AppointmentReport(
        first=first, last=last, status=services.current_status_values(patient), trend=trend,
        weeks=appointment_weeks(trend, entries), noted_entries=[entry for entry in entries if entry.notes],
    )


def clinician_digest(clinician: User) -> dict:
    """A clinician's patients grouped by status (most urgent first, as on the dashboard), their open
    alerts, and who has stopped logging."""
    rows = triage.triage_rows(clinician)
    groups = [(status.label, [row for row in rows if row.status == status]) for status in triage.STATUS_ORDER]
    return {"groups": [(label, members) for label, members in groups if members],
            "open_alerts": sum(row.open_alerts for row in rows),
            "not_reporting": [row.patient for row in rows if row.not_reporting], "patients": len(rows)}
