"""Up to two articles for a patient, chosen from what they logged this week and their current status."""

from datetime import timedelta

from accounts.models import User
from education.library import published_articles
from education.models import Article
from symptoms.assessments import PatientAssessment
from symptoms.entry_fields import FLAG_FIELDS
from symptoms.models import SymptomEntry

MAX_SUGGESTIONS = 2
# Most pressing first: what needs action comes before comfort and self-care.
SIGNAL_PRIORITY = ("refer", "fell", "severe_score", "worsening", "balance_problems", "dropped_objects",
                   "fine_motor_difficulty", "sleep_disturbed", "cold_sensitivity", "watch")
URGENT_TO_SIGNAL = {"fall": "fell", "severe_score": "severe_score", "worsening": "worsening"}


def patient_signals(patient: User, assessment: PatientAssessment) -> list[str]:
    """This week's signals, most pressing first: the daily-life answers of the last 7 days, and from the
    patient's current assessment refer or watch and any urgent signal."""
    since = patient.local_today() - timedelta(days=6)
    week = SymptomEntry.objects.filter(patient=patient, date__gte=since).values(*FLAG_FIELDS)
    found = {flag for entry in week for flag in FLAG_FIELDS if entry[flag]}
    if assessment.status in ("refer", "watch"):
        found.add(assessment.status)
    found.update(URGENT_TO_SIGNAL[signal] for signal in assessment.urgent if signal in URGENT_TO_SIGNAL)
    return [signal for signal in SIGNAL_PRIORITY if signal in found]


def suggestions_for(patient: User, assessment: PatientAssessment) -> list[Article]:
    """The first article for each of the patient's signals in turn, never the same one twice; at most two."""
    signals = patient_signals(patient, assessment)
    if not signals:
        return []
    articles = published_articles(patient.language)
    chosen: list[Article] = []
    for signal in signals:
        match = next((a for a in articles if signal in (a.signals or []) and a not in chosen), None)
        if match is not None:
            chosen.append(match)
        if len(chosen) == MAX_SUGGESTIONS:
            break
    return chosen
