"""`/settings/`: each person's language, zone, reminder hour, email and email choices."""

import re

import pytest

from notifications.models import Preferences


def form(**changes):
    return {"account-email": "me@example.org", "account-language": "en", "account-time_zone": "Asia/Taipei",
            "account-reminder_hour": "20", "emails-email_alerts": "on", "emails-email_weekly_summary": "on",
            **changes}


def test_a_patient_saves_settings_and_email_choices(client, clinic):
    client.force_login(clinic.patient)
    page = client.get("/settings/").content.decode()
    assert 'name="account-reminder_hour"' in page and 'name="emails-email_reminders"' in page
    response = client.post("/settings/", form())
    assert response.status_code == 302
    clinic.patient.refresh_from_db()
    assert (clinic.patient.email, clinic.patient.time_zone, clinic.patient.reminder_hour) == \
        ("me@example.org", "Asia/Taipei", 20)
    preferences = Preferences.objects.get(user=clinic.patient)
    assert (preferences.email_alerts, preferences.email_weekly_summary, preferences.email_reminders) == \
        (True, True, False)


def test_patients_get_alert_emails_only_if_they_opt_in(client, clinic):
    client.force_login(clinic.patient)
    page = client.get("/settings/").content.decode()
    assert re.search(r'<input type="checkbox" name="emails-email_alerts"[^>]*>', page)
    assert not re.search(r'<input type="checkbox" name="emails-email_alerts"[^>]*checked>', page)


@pytest.mark.parametrize("field,value", [("account-time_zone", "Mars/Olympus"), ("account-reminder_hour", "24"),
                                         ("account-email", "not-an-address"), ("account-language", "fr")])
def test_bad_settings_are_refused_naming_the_field_and_nothing_changes(client, clinic, field, value):
    client.force_login(clinic.patient)
    response = client.post("/settings/", form(**{field: value}))
    assert response.status_code == 400
    assert field.split("-")[1] in response.context["account"].errors
    clinic.patient.refresh_from_db()
    assert clinic.patient.time_zone == "Europe/London" and clinic.patient.email == ""
    assert not Preferences.objects.filter(user=clinic.patient, email_weekly_summary=False).exists()


def test_clinicians_have_no_reminder_settings(client, clinic):
    client.force_login(clinic.clinician)
    page = client.get("/settings/").content.decode()
    assert "reminder_hour" not in page and "email_reminders" not in page
    assert re.search(r'<input type="checkbox" name="emails-email_alerts"[^>]*checked>', page)  # on by default
    assert client.post("/settings/", form()).status_code == 302


def test_switching_language_changes_the_interface_language(client, clinic):
    client.force_login(clinic.patient)
    client.post("/settings/", form(**{"account-language": "zh-hant"}))
    clinic.patient.refresh_from_db()
    assert clinic.patient.language == "zh-hant"


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get("/settings/").status_code == 302
