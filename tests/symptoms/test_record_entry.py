"""diary.record_entry: which days may be logged, what is stored, and what never changes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from symptoms import diary
from symptoms.models import SymptomEntry
from tests.factories import EntryFactory, PatientFactory

GOOD = {"numbness": 5, "pain": 3, "locations": ["feet"], "balance_problems": True, "notes": "stairs were hard"}


def stored(entry):
    entry.refresh_from_db()
    return {f.name: getattr(entry, f.name) for f in SymptomEntry._meta.fields if f.name != "updated_at"}


@pytest.fixture
def patient(db):
    return PatientFactory()


def test_first_save_creates_and_second_save_replaces_the_same_day(patient):
    today = patient.local_today()
    first = diary.record_entry(patient, today, GOOD)
    second = diary.record_entry(patient, today, {"numbness": 1, "pain": 0, "locations": ["hands"]})
    assert first.created and not second.created
    entry = SymptomEntry.objects.get(patient=patient)
    assert (entry.numbness, entry.pain, entry.locations, entry.balance_problems, entry.notes) == (1, 0, ["hands"],
                                                                                                False, "")


def test_entry_for_future_date_is_refused(patient):
    with pytest.raises(ValidationError) as error:
        diary.record_entry(patient, patient.local_today() + timedelta(days=1), GOOD)
    assert "date" in error.value.message_dict
    assert not SymptomEntry.objects.exists()


@pytest.mark.parametrize("zone_ahead,zone_behind", [("Pacific/Kiritimati", "Pacific/Pago_Pago")])
def test_today_and_future_are_judged_in_the_patients_own_zone(db, zone_ahead, zone_behind):
    # Kiritimati (UTC+14) is always at least a calendar day ahead of Pago Pago (UTC-11).
    ahead, behind = PatientFactory(time_zone=zone_ahead), PatientFactory(time_zone=zone_behind)
    ahead_today = ahead.local_today()
    assert diary.record_entry(ahead, ahead_today, GOOD).created
    with pytest.raises(ValidationError) as error:
        diary.record_entry(behind, ahead_today, GOOD)
    assert "future" in error.value.message_dict["date"][0]


def test_backfill_window_edges(patient, settings):
    settings.SYMPTOM_BACKFILL_DAYS = 7
    today = patient.local_today()
    assert diary.record_entry(patient, today - timedelta(days=7), GOOD).created
    with pytest.raises(ValidationError) as error:
        diary.record_entry(patient, today - timedelta(days=8), GOOD)
    assert "7 days" in error.value.message_dict["date"][0]


BAD_VALUES = [
    ("numbness", 11), ("numbness", -1), ("numbness", None), ("numbness", "five"),
    ("pain", 11), ("pain", -3), ("pain", None),
    ("notes", "x" * 2001),
    ("locations", ["knees"]),
]


@pytest.mark.parametrize("field,value", BAD_VALUES)
def test_bad_value_names_the_field_and_keeps_the_stored_entry(patient, field, value):
    entry = EntryFactory(patient=patient, numbness=6, pain=4, notes="before")
    before = stored(entry)
    with pytest.raises(ValidationError) as error:
        diary.record_entry(patient, entry.date, {**GOOD, field: value})
    assert field in error.value.message_dict
    assert stored(entry) == before


def test_missing_score_is_refused(patient):
    values = {key: value for key, value in GOOD.items() if key != "pain"}
    with pytest.raises(ValidationError) as error:
        diary.record_entry(patient, patient.local_today(), values)
    assert "pain" in error.value.message_dict


def test_symptoms_need_a_location_but_a_symptom_free_day_does_not(patient):
    today = patient.local_today()
    with pytest.raises(ValidationError) as error:
        diary.record_entry(patient, today, {"numbness": 2, "pain": 0, "locations": []})
    assert "locations" in error.value.message_dict
    assert diary.record_entry(patient, today, {"numbness": 0, "pain": 0}).created


def test_notes_of_exactly_2000_characters_are_kept(patient):
    recorded = diary.record_entry(patient, patient.local_today(), {**GOOD, "notes": "é" * 2000})
    assert len(stored(recorded.entry)["notes"]) == 2000


def test_unknown_field_is_refused(patient):
    with pytest.raises(ValidationError) as error:
        diary.record_entry(patient, patient.local_today(), {**GOOD, "numbnes": 4})
    assert "numbnes" in error.value.message_dict


def test_only_patients_keep_a_diary(clinic):
    with pytest.raises(ValueError):
        diary.record_entry(clinic.clinician, clinic.clinician.local_today(), GOOD)


def test_delete_removes_only_that_day_and_respects_the_window(patient, settings):
    today = patient.local_today()
    EntryFactory(patient=patient, date=today)
    EntryFactory(patient=patient, date=today - timedelta(days=1))
    old = EntryFactory(patient=patient, date=today - timedelta(days=settings.SYMPTOM_BACKFILL_DAYS + 1))
    assert diary.delete_entry(patient, today) is True
    assert diary.delete_entry(patient, today) is False
    with pytest.raises(ValidationError):
        diary.delete_entry(patient, old.date)
    assert set(SymptomEntry.objects.values_list("date", flat=True)) == {today - timedelta(days=1), old.date}


@pytest.mark.parametrize("columns", [
    {"numbness": 11}, {"pain": -1}, {"notes": "n" * 2001}, {"numbness": 3, "hands": False, "feet": False},
])
def test_database_refuses_what_validation_would_refuse(patient, columns):
    # The last word under concurrency or a buggy caller is the database's.
    values = {"numbness": 2, "pain": 2, "hands": True, **columns}
    with pytest.raises(IntegrityError), transaction.atomic():
        SymptomEntry.objects.create(patient=patient, date=patient.local_today(), **values)


def test_database_refuses_a_second_entry_for_the_same_day(patient):
    EntryFactory(patient=patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        SymptomEntry.objects.create(patient=patient, date=patient.local_today(), numbness=1, pain=1, hands=True)


@pytest.mark.parametrize("flag", ["fell", "balance_problems"])
def test_yes_no_answers_must_be_booleans(patient, flag):
    with pytest.raises(ValidationError) as error:
        diary.record_entry(patient, patient.local_today(), {**GOOD, flag: "false"})
    assert flag in error.value.message_dict
    assert not SymptomEntry.objects.exists()
