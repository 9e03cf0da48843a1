"""Clinicians' emails carry counts and a link, never a patient's name or figures, unless the clinic sets
EMAIL_HEALTH_DETAILS; a patient's own weekly summary keeps their figures (they chose it)."""

from datetime import timedelta

import pytest
from django.core import mail

from notifications import tasks
from notifications.models import Kind, Notification
from symptoms import evaluation
from symptoms.models import Alert
from tests.factories import EntryFactory
from tests.notifications.test_outbox import fall_today, team  # noqa: F401
from tests.notifications.test_weekly import with_email


def sent_to(person) -> tuple[str, str, str]:
    message = next(m for m in mail.outbox if m.to == [person.email])
    return message.subject, message.body, message.alternatives[0][0]


def send_everything() -> None:
    tasks.deliver(list(Notification.objects.filter(channel="email").values_list("pk", flat=True)))


def digest_for(clinician) -> None:
    Notification.objects.create(recipient=clinician, kind=Kind.CLINICIAN_DIGEST, channel="email",
                                subject={"week": "2026-W48"}, key=f"digest-{clinician.pk}")
    send_everything()


@pytest.mark.parametrize("details", [False, True])
def test_the_alert_email_names_the_patient_only_with_health_details(team, settings, details):  # noqa: F811
    settings.EMAIL_HEALTH_DETAILS = details
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    send_everything()
    subject, text, html = sent_to(team.clinician)
    name = team.patient.display_name()
    assert (name in text, name in html, "Fall" in text) == (details, details, details)
    assert name not in subject and "/clinician/" in text
    if not details:
        assert "A patient on your list has a new alert." in text


@pytest.mark.parametrize("details", [False, True])
def test_the_digest_gives_counts_unless_health_details(clinic, settings, details):
    settings.EMAIL_HEALTH_DETAILS = details
    with_email(clinic.clinician)
    today = clinic.patient.local_today()
    for days_ago in range(0, 20):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=7, pain=2)
    evaluation.evaluate_patient(clinic.patient)
    digest_for(clinic.clinician)
    _subject, text, html = sent_to(clinic.clinician)
    name = clinic.patient.display_name()
    assert (name in text, name in html, "7-day average" in text) == (details, details, details)
    assert "Your 1 patient this week" in text and "Open alerts: 1" in text
    if not details:
        assert "- Professional evaluation recommended: 1" in text


def test_the_patients_own_summary_keeps_their_figures(clinic, settings):
    settings.EMAIL_HEALTH_DETAILS = False
    with_email(clinic.patient)
    today = clinic.patient.local_today()
    for days_ago in range(0, 10):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=6, pain=2)
    Notification.objects.create(recipient=clinic.patient, kind=Kind.WEEKLY_SUMMARY, channel="email",
                                subject={"today": today.isoformat()}, key="summary-1")
    send_everything()
    _subject, text, _html = sent_to(clinic.patient)
    assert "6" in text and "average" in text.lower()


@pytest.mark.parametrize("details", [False, True])
def test_the_digest_says_last_weeks_completion_and_the_alerts_waiting_over_72_hours_as_counts(
        clinic, settings, details):
    settings.EMAIL_HEALTH_DETAILS = details
    with_email(clinic.clinician)
    patient = clinic.patient
    type(patient).objects.filter(pk=patient.pk).update(date_joined=patient.date_joined - timedelta(days=30))
    today = patient.local_today()
    for days_ago in (1, 2, 4, 5, 7):  # five of last week's seven days (from the first entry), and a fall
        EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=1, pain=0, feet=True,
                     fell=days_ago == 4)
    evaluation.evaluate_patient(patient)
    alert = Alert.objects.get(patient=patient, kind="fall")
    Alert.objects.filter(pk=alert.pk).update(opened_at=alert.opened_at - timedelta(hours=73))
    digest_for(clinic.clinician)
    subject, text, html = sent_to(clinic.clinician)
    line = "Last week your patients logged 5 of 7 expected days (71%). 1 alert still unacknowledged after 72 hours."
    assert line in text and line in html
    assert patient.display_name() not in subject
