"""Up to two articles suggested on /log/ and /history/ from what the patient logged this week."""

from datetime import timedelta

import pytest

from education.models import Article, Category
from education.suggestions import patient_signals, suggestions_for
from symptoms import evaluation
from symptoms.assessments import current_assessment
from tests.factories import EntryFactory


def suggested_to(patient):
    return suggestions_for(patient, current_assessment(patient))


EXPECTED = {  # signal logged this week -> the shipped article suggested first
    "balance_problems": "preventing-falls-at-home",
    "fell": "preventing-falls-at-home",
    "sleep_disturbed": "sleep-and-night-symptoms",
    "cold_sensitivity": "keeping-warm",
    "dropped_objects": "hand-and-foot-exercises",
    "fine_motor_difficulty": "hand-and-foot-exercises",
}


@pytest.mark.parametrize(("flag", "slug"), EXPECTED.items())
def test_each_logged_flag_suggests_its_article(clinic, flag, slug):
    EntryFactory(patient=clinic.patient, numbness=1, pain=0, **{flag: True})
    evaluation.evaluate_patients([clinic.patient.pk])
    assert suggested_to(clinic.patient)[0].slug == slug


def test_referral_suggests_when_to_seek_help_first(clinic):
    today = clinic.patient.local_today()
    for back in range(20):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=back), numbness=7, pain=2,
                     cold_sensitivity=back == 0)
    evaluation.evaluate_patients([clinic.patient.pk])
    assert patient_signals(clinic.patient, current_assessment(clinic.patient))[0] == "refer"
    slugs = [article.slug for article in suggested_to(clinic.patient)]
    assert slugs[0] == "when-to-contact-your-care-team" and len(slugs) == 2


def test_at_most_two_suggestions_never_the_same_article_twice(clinic):
    EntryFactory(patient=clinic.patient, numbness=2, pain=1, fell=True, balance_problems=True,
                 sleep_disturbed=True, cold_sensitivity=True, dropped_objects=True)
    evaluation.evaluate_patients([clinic.patient.pk])
    slugs = [article.slug for article in suggested_to(clinic.patient)]
    assert len(slugs) == 2 and len(set(slugs)) == 2


def test_nothing_logged_this_week_means_no_suggestions(clinic):
    EntryFactory(patient=clinic.patient, date=clinic.patient.local_today() - timedelta(days=8), sleep_disturbed=True)
    assert suggested_to(clinic.patient) == []


def test_suggestions_come_in_the_patients_language_and_skip_unpublished(clinic):
    clinic.patient.language = "zh-hant"
    clinic.patient.save()
    Article.objects.filter(slug="keeping-warm", language="zh-hant").update(published=False)
    EntryFactory(patient=clinic.patient, numbness=1, pain=0, cold_sensitivity=True, sleep_disturbed=True)
    suggested = {article.slug: article.language for article in suggested_to(clinic.patient)}
    assert suggested == {"sleep-and-night-symptoms": "zh-hant", "keeping-warm": "en"}
    Article.objects.filter(slug="keeping-warm").update(published=False)
    assert [a.slug for a in suggested_to(clinic.patient)] == ["sleep-and-night-symptoms"]


def test_log_and_history_pages_show_the_suggestions(client, clinic):
    EntryFactory(patient=clinic.patient, numbness=1, pain=0, cold_sensitivity=True)
    client.force_login(clinic.patient)
    for path in ("/log/", "/history/"):
        page = client.get(path).content.decode()
        assert "Suggested reading for this week" in page and "/learn/keeping-warm/" in page, path


def test_an_editors_own_article_can_be_suggested(clinic):
    Article.objects.create(slug="cold-weather-walks", language="en", title="Cold weather walks", summary="s",
                           body="b", category=Category.SELF_CARE, order=1, signals=["cold_sensitivity"],
                           published=True)
    EntryFactory(patient=clinic.patient, numbness=1, pain=0, cold_sensitivity=True)
    assert suggested_to(clinic.patient)[0].slug == "cold-weather-walks"
