"""Monday-morning summaries and digests: who gets one when, what they say, and subjects without health data."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from notifications import tasks
from notifications.models import Notification, Preferences
from symptoms import evaluation, notices, summaries
from tests.factories import EntryFactory

UTC = ZoneInfo("UTC")
MONDAY = date(2026, 11, 16)


def with_email(*people, zone=None):
    for person in people:
        person.email = f"{person.username}@example.org"
        if zone:
            person.time_zone = zone
        person.save()


def test_summary_of_a_known_week(clinic):
    patient = clinic.patient
    # The week before (2-8 Nov): 3s every day. Last week (9-15 Nov): 5 days logged at 6, two flags.
    for day in range(2, 9):
        EntryFactory(patient=patient, date=date(2026, 11, day), numbness=3, pain=1)
    for day in (9, 10, 11, 13, 15):
        EntryFactory(patient=patient, date=date(2026, 11, day), numbness=6, pain=2,
                     balance_problems=day in (10, 13), fell=day == 13)
    week = summaries.patient_week(patient, MONDAY)
    assert (week.monday, week.sunday, week.days_logged) == (date(2026, 11, 9), date(2026, 11, 15), 5)
    assert (str(week.weekly_average), str(week.previous_weekly_average), str(week.change)) == \
        ("6.00", "3.00", "3.00")
    assert [(str(label), days) for label, days in week.flags] == [("unsteady or held on to walls", 2),
                                                                      ("had a fall", 1)]


def test_the_summary_email_says_it_in_words_and_links_back(clinic, settings):
    settings.SITE_URL = "https://cipn.example.org"
    with_email(clinic.patient, zone="Europe/London")
    for day in range(9, 16):
        EntryFactory(patient=clinic.patient, date=date(2026, 11, day), numbness=2)
    notices.queue_weekly_summaries(datetime(2026, 11, 16, 7, 30, tzinfo=UTC))
    tasks.deliver(list(Notification.objects.values_list("pk", flat=True)))
    message = next(m for m in mail.outbox if m.to == [clinic.patient.email])
    assert "You logged 7 days out of 7." in message.body
    assert "https://cipn.example.org/history/" in message.body
    assert message.alternatives and "https://cipn.example.org/history/" in message.alternatives[0][0]


def test_the_clinician_digest_groups_patients_and_names_who_is_not_reporting(clinic):
    with_email(clinic.clinician)
    today = clinic.patient.local_today()
    for days_ago in range(4, 20):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=7)
    evaluation.evaluate_patient(clinic.patient)
    digest = summaries.clinician_digest(clinic.clinician)
    assert digest.patients == 1 and digest.not_reporting == [clinic.patient]
    assert [str(label) for label, _rows in digest.groups] == ["Not enough entries"]  # 3 of the last 7 days
    assert digest.open_alerts == 0


@pytest.mark.parametrize("zone,due_utc,early_utc", [
    ("Asia/Taipei", datetime(2026, 11, 15, 23, 10), datetime(2026, 11, 15, 22, 10)),  # Mon 07:10 / 06:10 local
    ("America/New_York", datetime(2026, 11, 16, 12, 10), datetime(2026, 11, 16, 11, 10)),
    # Europe/London on the Monday after clocks went forward (29 March 2026): 07:00 BST is 06:00 UTC.
    ("Europe/London", datetime(2026, 3, 30, 6, 10), datetime(2026, 3, 30, 5, 10)),
])
def test_monday_morning_in_each_persons_own_zone(clinic, zone, due_utc, early_utc):
    with_email(clinic.patient, zone=zone)
    assert notices.queue_weekly_summaries(early_utc.replace(tzinfo=UTC)) == 0
    assert notices.queue_weekly_summaries(due_utc.replace(tzinfo=UTC)) == 1
    assert notices.queue_weekly_summaries((due_utc + timedelta(hours=3)).replace(tzinfo=UTC)) == 0  # once a week


def test_exactly_one_summary_per_person_per_week_whatever_the_retries(clinic):
    with_email(clinic.patient, clinic.other_patient, clinic.clinician, zone="UTC")
    monday_morning = datetime(2026, 11, 16, 7, 10, tzinfo=UTC)
    for hours in range(0, 10):
        notices.queue_weekly_summaries(monday_morning + timedelta(hours=hours))
    ids = list(Notification.objects.values_list("pk", flat=True))
    tasks.deliver(ids)
    tasks.deliver(ids)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [clinic.patient.email, clinic.other_patient.email, clinic.clinician.email])


def test_no_subject_line_carries_health_details(clinic):
    clinic.patient.first_name, clinic.patient.last_name = "Rosalind", "Okonkwo"
    with_email(clinic.patient, clinic.clinician, zone="UTC")
    clinic.patient.reminder_hour = 0
    clinic.patient.save()
    for days_ago in range(1, 20):
        EntryFactory(patient=clinic.patient, date=clinic.patient.local_today() - timedelta(days=days_ago),
                     numbness=9, fell=days_ago == 2)

    Preferences.objects.create(user=clinic.patient, email_alerts=True)
    evaluation.evaluate_patient(clinic.patient)
    notices.queue_reminders(datetime.now(UTC))
    notices.queue_weekly_summaries(datetime(2026, 11, 16, 7, 10, tzinfo=UTC))
    tasks.deliver(list(Notification.objects.filter(channel="email").values_list("pk", flat=True)))
    subjects = {message.subject for message in mail.outbox}
    assert len(subjects) >= 4  # alert (clinician and patient), summary, digest (the reminder is cancelled if logged)
    health_words = ("fall", "refer", "severe", "worsen", "pain", "numb", "score", "average", "watch",
                    clinic.patient.first_name.lower(), clinic.patient.last_name.lower())
    for subject in subjects:
        assert not any(word in subject.lower() for word in health_words), subject
        assert not any(character.isdigit() for character in subject), subject
