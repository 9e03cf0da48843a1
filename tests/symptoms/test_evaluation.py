"""Status kept current and alerts opened, merged and resolved, never duplicated."""

import time as clock
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from symptoms import alerts, diary, evaluation, patient_record
from symptoms.models import Alert, ClinicPolicy, PatientStatus, PatientThreshold, SymptomEntry
from tests.conftest import at_once
from tests.factories import EntryFactory, PatientFactory

NOW = timezone.now()


def at(days_later: int) -> datetime:
    return NOW + timedelta(days=days_later)


def log_days(patient, scores: list[int | None], ending_days_ago: int = 0, **flags_on: list[int]) -> None:
    """Entries ending `ending_days_ago` before today; scores[-1] is the last day; None is a gap."""
    today = patient.local_today(NOW)
    for offset, score in enumerate(reversed(scores)):
        days_ago = ending_days_ago + offset
        if score is None:
            continue
        flags = {flag: days_ago in days for flag, days in flags_on.items()}
        EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=score, pain=0, **flags)


def status_of(patient) -> PatientStatus:
    return PatientStatus.objects.get(patient=patient)


def test_saving_an_entry_updates_the_status_in_the_same_transaction(clinic):
    log_days(clinic.patient, [5] * 16, ending_days_ago=1)
    diary.record_entry(clinic.patient, clinic.patient.local_today(), {"numbness": 6, "pain": 2,
                                                                         "locations": ["feet"]})
    status = status_of(clinic.patient)
    assert (status.status, status.streak_days, status.days_logged) == ("refer", 14, 7)
    assert status.weekly_average == Decimal("5.14") and status.last_entry_date == clinic.patient.local_today()


def test_deleting_an_entry_re_assesses(clinic):
    log_days(clinic.patient, [5, 5, 5, None, None, None], ending_days_ago=1)
    today = clinic.patient.local_today()
    diary.record_entry(clinic.patient, today, {"numbness": 5, "pain": 0, "locations": ["hands"]})
    assert status_of(clinic.patient).status == "watch"
    diary.delete_entry(clinic.patient, today)
    assert status_of(clinic.patient).status == "insufficient_data"


def test_a_patient_who_stops_logging_becomes_insufficient_without_logging(clinic):
    log_days(clinic.patient, [2] * 10)
    evaluation.evaluate_due_patients(now=NOW)
    assert status_of(clinic.patient).status == "ok"
    evaluation.evaluate_due_patients(now=at(5))
    status = status_of(clinic.patient)
    assert (status.status, status.as_of) == ("insufficient_data", clinic.patient.local_today(at(5)))


def test_the_daily_task_run_twice_changes_nothing_the_second_time(clinic):
    log_days(clinic.patient, [6] * 20, fell=[1])
    log_days(clinic.other_patient, [3] * 9)
    # Local noon of the day the entries end on, so the second run never crosses midnight.
    noon = datetime.combine(clinic.patient.local_today(NOW), time(12), tzinfo=ZoneInfo(clinic.patient.time_zone))
    assert evaluation.evaluate_due_patients(now=noon) == 2
    before = list(PatientStatus.objects.order_by("pk").values())
    alerts_before = list(Alert.objects.order_by("pk").values())
    assert evaluation.evaluate_due_patients(now=noon + timedelta(minutes=30)) == 0
    assert evaluation.evaluate_all_patients(now=noon + timedelta(minutes=40)) == 0
    assert list(PatientStatus.objects.order_by("pk").values()) == before
    assert list(Alert.objects.order_by("pk").values()) == alerts_before


def test_entering_refer_opens_one_alert_that_re_running_never_duplicates(clinic):
    log_days(clinic.patient, [6] * 19, ending_days_ago=1)
    for hours in (0, 1, 25, 49):
        evaluation.evaluate_patients([clinic.patient.pk], now=NOW + timedelta(hours=hours))
    alerts = Alert.objects.filter(patient=clinic.patient, kind="refer")
    assert alerts.count() == 1 and alerts.get().is_open


def test_a_second_fall_joins_the_open_fall_alert(clinic):
    log_days(clinic.patient, [3] * 7, fell=[3])
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    SymptomEntry.objects.filter(patient=clinic.patient, date=clinic.patient.local_today(NOW)).update(fell=True)
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    alert = Alert.objects.get(patient=clinic.patient, kind="fall")
    assert len(alert.signal_days) == 2


def test_acknowledging_an_urgent_alert_keeps_who_when_and_note_and_closes_it(clinic):
    log_days(clinic.patient, [3] * 7, fell=[2])
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    alert = Alert.objects.get(patient=clinic.patient, kind="fall")
    alerts.acknowledge_alert(clinic.clinician, alert.pk, note="Called; no injury.")
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinic.clinician and alert.acknowledged_at and alert.resolved_at
    assert alert.note == "Called; no injury."
    # The same fall does not alert again; a new fall does.
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW + timedelta(hours=2))
    assert Alert.objects.filter(patient=clinic.patient, kind="fall").count() == 1
    SymptomEntry.objects.filter(patient=clinic.patient, date=clinic.patient.local_today(NOW)).update(fell=True)
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW + timedelta(hours=3))
    assert Alert.objects.filter(patient=clinic.patient, kind="fall", resolved_at__isnull=True).count() == 1


def test_another_clinician_cannot_acknowledge(clinic):
    log_days(clinic.patient, [3] * 7, fell=[2])
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    alert = Alert.objects.get(patient=clinic.patient)
    with pytest.raises(Alert.DoesNotExist):
        alerts.acknowledge_alert(clinic.other_clinician, alert.pk)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_a_refer_alert_stays_open_when_acknowledged_and_resolves_after_seven_days_at_or_below(clinic):
    # 20 days at 6, then low days: the 7-day average is at or below 4 from the 4th low day on.
    log_days(clinic.patient, [6] * 20 + [1] * 9)
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW - timedelta(days=9))
    alert = Alert.objects.get(patient=clinic.patient, kind="refer")
    alerts.acknowledge_alert(clinic.clinician, alert.pk, note="Referred to physio")
    alert.refresh_from_db()
    assert alert.is_open
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW - timedelta(days=1))  # 6 days at or below
    alert.refresh_from_db()
    assert alert.is_open
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)  # the 7th
    alert.refresh_from_db()
    assert not alert.is_open


def test_worsening_that_continues_after_acknowledgement_does_not_alert_daily(clinic):
    log_days(clinic.patient, [2] * 7 + [5] * 9)
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW - timedelta(days=2))
    alert = Alert.objects.get(patient=clinic.patient, kind="worsening")
    alerts.acknowledge_alert(clinic.clinician, alert.pk)
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW - timedelta(days=1))
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    assert Alert.objects.filter(patient=clinic.patient, kind="worsening").count() == 1


def test_the_database_allows_one_open_alert_per_patient_and_kind(clinic):
    day = clinic.patient.local_today()
    Alert.objects.create(patient=clinic.patient, kind="fall", signal_days=[day.isoformat()], last_signal_day=day)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(patient=clinic.patient, kind="fall", signal_days=[], last_signal_day=day)


def test_a_patient_specific_threshold_changes_the_status(clinic):
    log_days(clinic.patient, [5, 4] * 10)
    evaluation.evaluate_patients([clinic.patient.pk], now=NOW)
    assert status_of(clinic.patient).status == "refer"
    patient_record.set_patient_threshold(clinic.clinician, clinic.patient, Decimal("4.5"))
    status = status_of(clinic.patient)
    assert (status.status, status.threshold) == ("ok", Decimal("4.50"))
    patient_record.set_patient_threshold(clinic.clinician, clinic.patient, None)
    assert status_of(clinic.patient).status == "refer"


@pytest.mark.parametrize("value", ["3.99", "5.01", "abc", "-4"])
def test_a_threshold_out_of_range_is_refused_naming_it(clinic, value):
    patient_record.set_patient_threshold(clinic.clinician, clinic.patient, Decimal("4.2"))
    with pytest.raises(ValidationError) as error:
        patient_record.set_patient_threshold(clinic.clinician, clinic.patient, value)
    assert "threshold" in error.value.message_dict
    assert PatientThreshold.objects.get(patient=clinic.patient).threshold == Decimal("4.20")


def test_only_the_care_team_or_an_admin_sets_a_patients_threshold(clinic):
    with pytest.raises(User.DoesNotExist):
        patient_record.set_patient_threshold(clinic.other_clinician, clinic.patient, Decimal("4.5"))
    with pytest.raises(PermissionDenied):
        patient_record.set_patient_threshold(clinic.other_patient, clinic.patient, Decimal("4.5"))
    patient_record.set_patient_threshold(clinic.admin, clinic.patient, Decimal("4.5"))


@pytest.mark.parametrize("field,value", [("threshold", Decimal("3.9")), ("threshold", Decimal("5.5")),
                                         ("min_days_per_week", 0), ("min_days_per_week", 8),
                                         ("persist_days", 6), ("functional_days", 9)])
def test_clinic_policy_out_of_range_is_refused_with_a_message(db, field, value):
    policy = ClinicPolicy.current()
    setattr(policy, field, value)
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        policy.save()


def test_the_clinic_policy_applies_to_everyone(clinic):
    log_days(clinic.patient, [5] * 10)
    policy = ClinicPolicy.current()
    policy.persist_days = 7
    policy.save()
    evaluation.evaluate_all_patients(now=NOW)
    assert status_of(clinic.patient).status == "refer"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_evaluations_open_exactly_one_alert(requires_postgres, monkeypatch):
    # Widen the race: every evaluation pauses after assessing, before touching alerts.
    sync_alerts = alerts.sync_alerts

    def slow_sync_alerts(*args, **kwargs):
        clock.sleep(0.2)
        return sync_alerts(*args, **kwargs)

    monkeypatch.setattr(alerts, "sync_alerts", slow_sync_alerts)
    patient = PatientFactory()
    log_days(patient, [7] * 20, fell=[1])
    # Statuses already stored and unchanged (nothing else serialises the runs); alerts lost.
    evaluation.evaluate_patients([patient.pk], now=NOW)
    Alert.objects.all().delete()
    at_once(*[lambda: evaluation.evaluate_patients([patient.pk], now=NOW)] * 8)
    assert sorted(Alert.objects.filter(patient=patient).values_list("kind", flat=True)) == ["fall", "refer"]
