"""Clinicians' emails carry counts and a link, never a patient's name or figures, unless the clinic sets
EMAIL_HEALTH_DETAILS; a patient's own weekly summary keeps their figures (they chose it)."""

from datetime import timedelta

import pytest
from django.core import mail

from notifications import tasks
from notifications.models import Kind, Notification
from symptoms import evaluation
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
