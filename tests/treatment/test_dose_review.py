"""A review before the next dose: opened once per planned dose that needs it, to the care team only,
closed when acknowledged or once the day has passed; the assessment shows the next dose and the cycle."""

import time as clock
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from symptoms import alerts, evaluation
from symptoms.models import Alert, ClinicPolicy, PatientStatus
from tests.conftest import api_as, at_once
from tests.factories import EntryFactory, PatientFactory
from treatment.models import Administration, Course

NOW = timezone.now()


def at(days_later: int) -> datetime:
    return NOW + timedelta(days=days_later)


def log_days(patient, scores, **flags):
    today = patient.local_today(NOW)
    for days_ago, score in enumerate(reversed(scores)):
        EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=score, pain=0, **flags)


def weekly_course(patient, dose_days, dose_percent=100, **course) -> Course:
    """A weekly paclitaxel course with doses on these days (relative to the patient's today)."""
    values = {"agent": "paclitaxel", "cycle_length_days": 7, **course}
    created = Course.objects.create(patient=patient, **values)
    today = patient.local_today(NOW)
    for offset in dose_days:
        Administration.objects.create(course=created, date=today + timedelta(days=offset), dose_percent=dose_percent)
    return created


def reviews(patient):
    return Alert.objects.filter(patient=patient, kind="dose_review")


def test_a_planned_dose_in_two_days_with_symptoms_above_threshold_opens_one_review(clinic):
    log_days(clinic.patient, [5] * 10)  # above threshold, not yet for long enough to refer: watch
    course = weekly_course(clinic.patient, [-12, -5, 2])
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    evaluation.evaluate_due_patients(now=NOW + timedelta(hours=1))
    [review] = reviews(clinic.patient)
    planned = clinic.patient.local_today(NOW) + timedelta(days=2)
    assert review.is_open and review.administration == Administration.objects.get(course=course, date=planned)
    stored = PatientStatus.objects.get(patient=clinic.patient)
    assert stored.status == "watch" and stored.needs_review is True and stored.next_administration == planned
    assert stored.cycle == {"course": course.pk, "number": 2, "day": 6}
    # The care team hears of it; the patient is not told to worry about a review that is the team's to do.
    told = Notification.objects.filter(subject={"alert_id": review.pk})
    assert {notice.recipient for notice in told} == {clinic.clinician}


def test_nothing_to_review_when_symptoms_are_calm_or_the_dose_is_beyond_the_window(clinic):
    log_days(clinic.patient, [1] * 10)
    weekly_course(clinic.patient, [-5, 2])
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    assert not reviews(clinic.patient).exists()
    stored = PatientStatus.objects.get(patient=clinic.patient)
    assert stored.needs_review is False and stored.next_administration is not None
    log_days(clinic.other_patient, [5] * 10)
    weekly_course(clinic.other_patient, [-3, 4])  # 4 days away, the window is 3
    evaluation.evaluate_patients([clinic.other_patient.pk], now=NOW)
    assert not reviews(clinic.other_patient).exists()
    policy = ClinicPolicy.current()
    policy.review_days = 4
    policy.save()
    evaluation.evaluate_patients([clinic.other_patient.pk], now=NOW)
    assert reviews(clinic.other_patient).count() == 1


def test_acknowledging_closes_it_for_good_and_a_later_dose_gets_its_own(clinic):
    log_days(clinic.patient, [5] * 10)
    weekly_course(clinic.patient, [-5, 2, 9])
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    [review] = reviews(clinic.patient)
    alerts.acknowledge_alert(clinic.clinician, review.pk, note="Seen; dose reduced to 80%")
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    assert [alert.is_open for alert in reviews(clinic.patient)] == [False]
    # A week on, symptoms still high: the next planned dose is reviewed in its own right.
    for day in range(1, 8):
        EntryFactory(patient=clinic.patient, date=clinic.patient.local_today(at(day)), numbness=5, pain=0)
    evaluation.evaluate_patients([clinic.patient.pk], now=at(7))
    open_reviews = reviews(clinic.patient).filter(resolved_at__isnull=True)
    assert [alert.administration.date for alert in open_reviews] == [clinic.patient.local_today(NOW)
                                                                      + timedelta(days=9)]


def test_it_closes_itself_once_the_dose_day_has_passed_or_the_dose_is_removed(clinic):
    log_days(clinic.patient, [5] * 10)
    weekly_course(clinic.patient, [-5, 2])
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    evaluation.evaluate_patients([clinic.patient.pk], now=at(2))  # the dose day itself: still open
    assert reviews(clinic.patient).get().is_open
    evaluation.evaluate_patients([clinic.patient.pk], now=at(3))
    assert not reviews(clinic.patient).get().is_open
    log_days(clinic.other_patient, [5] * 10)
    course = weekly_course(clinic.other_patient, [-5, 2])
    evaluation.evaluate_patients([clinic.other_patient.pk], now=NOW)
    assert reviews(clinic.other_patient).get().is_open
    course.administrations.filter(date__gt=clinic.other_patient.local_today(NOW)).delete()
    evaluation.evaluate_patients([clinic.other_patient.pk], now=NOW)
    review = reviews(clinic.other_patient).get()
    assert not review.is_open and review.administration is None


def test_planning_a_dose_through_the_api_reassesses_the_patient_at_once(clinic):
    log_days(clinic.patient, [5] * 10)
    client = api_as(clinic.clinician)
    course = client.post(f"/api/v1/patients/{clinic.patient.pk}/courses/",
                         {"agent": "oxaliplatin", "regimen": "mFOLFOX6", "cycle_length_days": 14},
                         format="json").json()
    today = clinic.patient.local_today()
    for offset in (-10, 2):
        day = (today + timedelta(days=offset)).isoformat()
        assert client.put(f"/api/v1/courses/{course['id']}/administrations/{day}/", {"dose_percent": 100},
                          format="json").status_code == 201
    assert reviews(clinic.patient).filter(resolved_at__isnull=True).count() == 1
    body = api_as(clinic.patient).get("/api/v1/assessment/").json()
    assert body["next_administration"] == (today + timedelta(days=2)).isoformat()
    assert body["cycle"] == {"course": course["id"], "number": 1, "day": 11} and body["needs_review"] is True
    listed = client.get("/api/v1/patients/").json()
    assert listed[0]["assessment"]["needs_review"] is True
    assert listed[0]["assessment"]["cycle"] == body["cycle"]
    # Removing the planned dose takes the review away again.
    day = (today + timedelta(days=2)).isoformat()
    assert client.delete(f"/api/v1/courses/{course['id']}/administrations/{day}/").status_code == 204
    assert not reviews(clinic.patient).filter(resolved_at__isnull=True).exists()
    assert api_as(clinic.patient).get("/api/v1/assessment/").json()["needs_review"] is False


def test_an_assessment_on_an_earlier_day_shows_the_treatment_of_that_day(clinic):
    log_days(clinic.patient, [5] * 10)
    course = weekly_course(clinic.patient, [-12, -5, 2])
    day = (clinic.patient.local_today() - timedelta(days=7)).isoformat()
    body = api_as(clinic.patient).get(f"/api/v1/assessment/?as_of={day}").json()
    assert body["cycle"] == {"course": course.pk, "number": 1, "day": 6}
    assert body["next_administration"] == (clinic.patient.local_today() - timedelta(days=5)).isoformat()
    assert body["needs_review"] is False  # the dose was 2 days ahead, but only 3 days had been logged


@pytest.mark.django_db(transaction=True)
def test_simultaneous_evaluations_open_exactly_one_review(requires_postgres, monkeypatch):
    sync = alerts.sync_dose_reviews

    def slow_sync(*args, **kwargs):  # widen the race: every evaluation pauses before touching alerts
        clock.sleep(0.2)
        return sync(*args, **kwargs)

    monkeypatch.setattr(alerts, "sync_dose_reviews", slow_sync)
    patient = PatientFactory()
    log_days(patient, [5] * 10)
    weekly_course(patient, [-5, 2])
    # Statuses already stored and unchanged (nothing else serialises the runs); the review lost.
    evaluation.evaluate_patients([patient.pk], now=NOW)
    reviews(patient).delete()
    at_once(*[lambda: evaluation.evaluate_patients([patient.pk], now=NOW)] * 8)
    assert reviews(patient).count() == 1


def test_a_cycle_weeks_after_its_dose_is_still_known_without_a_planned_dose(clinic):
    log_days(clinic.patient, [1] * 5)
    course = weekly_course(clinic.patient, [-40], cycle_length_days=42)
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    stored = PatientStatus.objects.get(patient=clinic.patient)
    assert stored.cycle == {"course": course.pk, "number": 1, "day": 41} and stored.next_administration is None
    course.ended_on = clinic.patient.local_today(NOW) - timedelta(days=1)
    course.save()
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    assert PatientStatus.objects.get(patient=clinic.patient).cycle is None


def test_rising_compares_with_the_whole_previous_cycle_even_beyond_the_recent_weeks(clinic):
    # Four-weekly doses 66, 38 and 10 days ago, the next in 2 days. Cycle 3 (the last 11 days) averages 3.
    def diary(patient, early_score):
        today = patient.local_today(NOW)
        for days_ago in range(44, -1, -1):
            score = early_score if days_ago >= 42 else 1 if days_ago > 10 else 3
            EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=score, pain=0)
        weekly_course(patient, [-66, -38, -10, 2], cycle_length_days=28)
        evaluation.evaluate_patients([patient.pk], now=NOW)

    # Cycle 2's worst 7-day average, on its first day, reaches back to 44 days ago: 25/7 with three 7s
    # there, so cycle 3 is not a point worse; with 1s there it is 1, and cycle 3 is rising.
    diary(clinic.patient, early_score=7)
    diary(clinic.other_patient, early_score=1)
    assert PatientStatus.objects.get(patient=clinic.patient).status == "ok"
    assert not reviews(clinic.patient).exists()
    assert reviews(clinic.other_patient).count() == 1
