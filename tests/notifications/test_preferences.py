"""One default for each email choice, wherever it is asked: clinicians get alert emails, patients opt
in; everyone gets the weekly email and reminders until they turn them off."""

import pytest

from notifications import services
from notifications.models import Kind, Preferences

EXPECTED = {"clinician": {"email_alerts": True, "email_weekly_summary": True, "email_reminders": True},
            "patient": {"email_alerts": False, "email_weekly_summary": True, "email_reminders": True}}


def choices(preferences: Preferences) -> dict[str, bool]:
    return {name: getattr(preferences, name) for name in EXPECTED["patient"]}


@pytest.mark.parametrize("who", ["clinician", "patient"])
def test_the_settings_page_the_outbox_and_a_new_row_agree_on_the_defaults(clinic, who):
    person = getattr(clinic, who)
    person.email = f"{who}@example.org"  # only people with an address are emailed at all
    wanted = {kind for kind in (Kind.ALERT, Kind.WEEKLY_SUMMARY, Kind.REMINDER)
              if services.wants_email([person], kind)}
    by_field = {services.EMAIL_PREFERENCE[kind]: kind in wanted for kind in (Kind.ALERT, Kind.WEEKLY_SUMMARY,
                                                                             Kind.REMINDER)}
    assert by_field == EXPECTED[who], "without a stored choice"
    assert choices(Preferences.objects.create(user=person)) == EXPECTED[who], "a row saved without choices"
    Preferences.objects.filter(user=person).delete()
    assert choices(services.preferences_for(person)) == EXPECTED[who], "the settings page"


def test_a_stored_choice_wins_over_the_default(clinic):
    clinic.clinician.email = "nurse@example.org"
    Preferences.objects.create(user=clinic.clinician, email_alerts=False)
    assert services.wants_email([clinic.clinician], Kind.ALERT) == set()
    assert services.wants_email([clinic.clinician], Kind.WEEKLY_SUMMARY) == {clinic.clinician.pk}
