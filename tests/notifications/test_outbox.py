"""Notifications are recorded with their event, sent once, and swept up when a hand-off was lost."""

from datetime import datetime, timedelta
from smtplib import SMTPServerDisconnected
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import set_script_prefix
from django.utils import timezone

from accounts.models import CareTeamMember
from notifications import tasks
from notifications.emails import build_email
from notifications.models import Notification, Preferences, State
from symptoms import evaluation, notices
from tests.factories import CareTeamMemberFactory, EntryFactory

UTC = ZoneInfo("UTC")


@pytest.fixture
def team(clinic):
    """The patient's care team has two clinicians with email addresses."""

    CareTeamMemberFactory(patient=clinic.patient, clinician=clinic.other_clinician)
    for person in (clinic.patient, clinic.clinician, clinic.other_clinician):
        person.email = f"{person.username}@example.org"
        person.save()
    return clinic


def fall_today(patient) -> None:
    for days_ago in range(7):
        EntryFactory(patient=patient, date=patient.local_today() - timedelta(days=days_ago), numbness=2,
                     fell=days_ago == 0)


def test_a_new_alert_notifies_each_clinician_in_app_and_by_email(team, django_capture_on_commit_callbacks,
                                                                   dispatched):
    fall_today(team.patient)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.evaluate_patient(team.patient)
    rows = set(Notification.objects.values_list("recipient__username", "channel", "state"))
    assert rows == {
        (team.clinician.username, "in_app", "sent"), (team.clinician.username, "email", "pending"),
        (team.other_clinician.username, "in_app", "sent"), (team.other_clinician.username, "email", "pending"),
        (team.patient.username, "in_app", "sent"),  # patients opt in to alert emails
    }
    emails = set(Notification.objects.filter(channel="email").values_list("pk", flat=True))
    assert [set(call) for call in dispatched] == [emails]


def test_a_patient_who_opted_in_also_gets_the_email(team):
    Preferences.objects.create(user=team.patient, email_alerts=True)
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    assert Notification.objects.filter(recipient=team.patient, channel="email").count() == 1


def test_re_evaluating_never_records_a_notification_twice(team):
    fall_today(team.patient)
    for _run in range(3):
        evaluation.evaluate_patient(team.patient)
    assert Notification.objects.count() == 5


def test_delivery_sends_one_email_with_text_html_and_a_link_and_never_twice(team, settings):
    settings.SITE_URL = "https://cipn.example.org"
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    ids = list(Notification.objects.filter(channel="email").values_list("pk", flat=True))
    assert tasks.deliver(ids) == 2
    assert tasks.deliver(ids) == 0  # a retry or a duplicate message changes nothing
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [team.clinician.email, team.other_clinician.email])
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "https://cipn.example.org/clinician/" in message.body and "https://cipn.example.org/clinician/" in html
    assert team.patient.display_name() not in message.body + html  # unless EMAIL_HEALTH_DETAILS
    assert set(Notification.objects.filter(pk__in=ids).values_list("state", flat=True)) == {State.SENT}


def test_a_failed_send_waits_with_backoff_and_is_tried_again_by_the_sweep(team, monkeypatch, dispatched):
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    one = Notification.objects.filter(channel="email").first()
    real_send = mail.EmailMultiAlternatives.send

    def refuse(self, *args, **kwargs):
        raise SMTPServerDisconnected("gone")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refuse)
    assert tasks.deliver([one.pk]) == 0  # the others in a chunk would still go
    one.refresh_from_db()
    assert (one.state, one.attempts, one.last_error) == ("pending", 1, "SMTPServerDisconnected")
    assert one.next_attempt_at > timezone.now()
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    dispatched.clear()
    tasks.sweep()
    assert all(one.pk not in call for call in dispatched)  # not before its backoff is over
    Notification.objects.filter(pk=one.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    tasks.sweep()
    assert any(one.pk in call for call in dispatched)
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", real_send)
    assert tasks.deliver([one.pk]) == 1


def test_after_the_last_attempt_it_is_marked_failed(team, monkeypatch):
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    one = Notification.objects.filter(channel="email").first()
    Notification.objects.filter(pk=one.pk).update(attempts=tasks.MAX_ATTEMPTS - 1)
    monkeypatch.setattr(mail.EmailMultiAlternatives, "send",
                        lambda self, *a, **k: (_ for _ in ()).throw(SMTPServerDisconnected("gone")))
    tasks.deliver([one.pk])
    one.refresh_from_db()
    assert (one.state, one.attempts) == ("failed", tasks.MAX_ATTEMPTS)


def test_a_dead_workers_claim_is_sent_again_after_a_while(team, dispatched):
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    one = Notification.objects.filter(channel="email").first()
    Notification.objects.filter(pk=one.pk).update(state="sending", claimed_at=timezone.now() - timedelta(minutes=3),
                                                  created_at=timezone.now() - timedelta(minutes=30))
    tasks.sweep()
    assert Notification.objects.get(pk=one.pk).state == "sending"  # maybe still being sent
    Notification.objects.filter(pk=one.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
    tasks.sweep()
    assert Notification.objects.get(pk=one.pk).state == "pending" and any(one.pk in call for call in dispatched)


def test_each_email_has_a_stable_message_id(team, settings):
    settings.EMAIL_MESSAGE_DOMAIN = "cipn.example.org"
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    ids = list(Notification.objects.filter(channel="email").values_list("pk", flat=True))
    tasks.deliver(ids)
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        f"<notification-{pk}@cipn.example.org>" for pk in ids)


def test_the_sweep_hands_over_what_has_waited_too_long(team, dispatched):
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    waiting = Notification.objects.filter(channel="email")
    assert tasks.sweep() == 0  # just created: the normal hand-off may still be on its way
    waiting.update(created_at=timezone.now() - timedelta(minutes=5))
    assert tasks.sweep() == 2 and set(dispatched[-1]) == set(waiting.values_list("pk", flat=True))


# --- Reminders --------------------------------------------------------------------

def at(zone: str, *when: int) -> datetime:
    return datetime(*when, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def test_a_reminder_goes_only_to_patients_who_have_not_logged_today(clinic):
    for patient in (clinic.patient, clinic.other_patient):
        patient.email, patient.time_zone, patient.reminder_hour = f"{patient.username}@example.org", "Asia/Taipei", 19
        patient.save()
    now = at("Asia/Taipei", 2026, 11, 20, 19, 5)
    EntryFactory(patient=clinic.patient, date=now.astimezone(ZoneInfo("Asia/Taipei")).date())
    assert notices.queue_reminders(now) == 1
    assert notices.queue_reminders(now + timedelta(hours=1)) == 0  # one a day
    assert Notification.objects.get(kind="reminder").recipient == clinic.other_patient


def test_a_reminder_waits_for_the_patients_own_hour_across_a_dst_change(clinic):
    patient = clinic.patient
    patient.email, patient.time_zone, patient.reminder_hour = "p@example.org", "America/New_York", 19
    patient.save()
    # 1 November 2026: clocks go back at 2 a.m. in New York (UTC-4 -> UTC-5); 19:00 local is 00:00 UTC.
    assert notices.queue_reminders(datetime(2026, 11, 1, 23, 30, tzinfo=UTC)) == 0  # 18:30 local
    assert notices.queue_reminders(datetime(2026, 11, 2, 0, 5, tzinfo=UTC)) == 1  # 19:05 local


def test_a_reminder_is_cancelled_if_the_patient_logs_before_it_goes(clinic):
    patient = clinic.patient
    patient.email, patient.reminder_hour = "p@example.org", 0
    patient.save()
    notices.queue_reminders(timezone.now())
    EntryFactory(patient=patient)
    reminder = Notification.objects.get(kind="reminder")
    assert tasks.deliver([reminder.pk]) == 0 and not mail.outbox
    reminder.refresh_from_db()
    assert reminder.state == "cancelled"


def test_no_reminder_email_for_those_who_turned_it_off(clinic):
    patient = clinic.patient
    patient.email, patient.reminder_hour = "p@example.org", 0
    patient.save()
    Preferences.objects.create(user=patient, email_reminders=False)
    assert notices.queue_reminders(timezone.now()) == 0


def test_a_clinician_sees_new_alerts_in_the_app_and_can_mark_them_read(client, team):
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    client.force_login(team.clinician)
    page = client.get("/clinician/").content.decode()
    assert "1 new alert" in page and team.patient.display_name() in page and "Fall" in page
    client.post("/clinician/")
    assert "new alert" not in client.get("/clinician/").content.decode()
    # The other clinician on the team still has theirs; a clinician off the team never had one.
    client.force_login(team.other_clinician)
    assert "1 new alert" in client.get("/clinician/").content.decode()


def test_a_clinician_off_the_care_team_sees_nothing(client, clinic):
    fall_today(clinic.patient)
    evaluation.evaluate_patient(clinic.patient)
    client.force_login(clinic.other_clinician)
    page = client.get("/clinician/").content.decode()
    assert "new alert" not in page and clinic.patient.display_name() not in page


def test_notices_disappear_when_the_clinician_leaves_the_care_team(client, team):
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    CareTeamMember.objects.filter(patient=team.patient, clinician=team.clinician).delete()
    client.force_login(team.clinician)
    assert team.patient.display_name() not in client.get("/clinician/").content.decode()


def test_inactive_clinicians_are_not_notified(team):
    team.other_clinician.is_active = False
    team.other_clinician.save()
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    assert not Notification.objects.filter(recipient=team.other_clinician).exists()
    assert Notification.objects.filter(recipient=team.clinician, channel="email").exists()


def test_email_links_follow_the_url_configuration_not_hard_coded_paths(team, settings):
    """Served under a prefix (say /cipn/ behind a proxy), every link in an email still opens the right page."""
    settings.SITE_URL = "https://hospital.example.org"
    fall_today(team.patient)
    evaluation.evaluate_patient(team.patient)
    set_script_prefix("/cipn/")
    try:
        message = build_email(Notification.objects.filter(channel="email").first())
    finally:
        set_script_prefix("/")
    assert "https://hospital.example.org/cipn/clinician/" in message.body
    assert "https://hospital.example.org/cipn/settings/" in message.body
    assert "https://hospital.example.org/settings/" not in message.body


def test_a_kind_without_a_registered_builder_is_a_clear_error(team):
    notification = Notification(recipient=team.clinician, kind="no_such_kind", channel="email", key="k")
    with pytest.raises(LookupError, match="no_such_kind"):
        build_email(notification)
