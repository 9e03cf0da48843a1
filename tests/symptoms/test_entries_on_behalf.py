"""A clinician of the care team enters or corrects a day on the patient's behalf (after a telephone call):
the patient's own validation and window, re-assessed at once, named as entered by them wherever the entry
shows, written to the access log, with a trail of who changed what; anyone else gets a 404."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.http import Http404

from symptoms import diary
from symptoms.models import EntryChange, PatientStatus, RecordAccess, RecordAccessAction, SymptomEntry
from tests.conftest import api_as
from tests.factories import EntryFactory

CALLED_IN = {"numbness": 7, "pain": 3, "locations": ["feet"], "balance_problems": True, "notes": "phoned in"}


@pytest.fixture
def nurse(clinic):
    clinic.clinician.first_name, clinic.clinician.last_name = "Grace", "Chen"
    clinic.clinician.save()
    return clinic.clinician


def entry_path(patient, day) -> str:
    return f"/api/v1/patients/{patient.pk}/entries/{day.isoformat()}/"


def audit(actor, patient, action) -> int:
    return RecordAccess.objects.filter(actor=actor, patient=patient, action=action).count()


def test_a_day_entered_by_the_care_team_is_stored_re_assessed_named_and_logged(clinic, nurse):
    patient, today = clinic.patient, clinic.patient.local_today()
    response = api_as(nurse).put(entry_path(patient, today), CALLED_IN, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["entered_by"] == "care_team" and response.json()["entered_by_name"] == "Grace Chen"
    entry = SymptomEntry.objects.get(patient=patient, date=today)
    assert (entry.numbness, entry.feet, entry.balance_problems, entry.entered_by) == (7, True, True, nurse)
    assert PatientStatus.objects.get(patient=patient).last_entry_date == today, "re-assessed in the same save"
    assert audit(nurse, patient, RecordAccessAction.ENTERED_ON_BEHALF) == 1
    change = EntryChange.objects.get(patient=patient)
    assert (change.changed_by, change.on_behalf, change.action) == (nurse, True, "created")
    # The patient reads it back through their own API, marked as entered for them.
    own = api_as(patient).get(f"/api/v1/entries/{today.isoformat()}/").json()
    assert (own["entered_by"], own["entered_by_name"], own["numbness"]) == ("care_team", "Grace Chen", 7)
    # Saving the same again replaces it: 200, still one entry.
    again = api_as(nurse).put(entry_path(patient, today), CALLED_IN, format="json")
    assert again.status_code == 200 and SymptomEntry.objects.filter(patient=patient).count() == 1


def test_the_patients_own_entries_say_patient(clinic):
    today = clinic.patient.local_today()
    response = api_as(clinic.patient).put(f"/api/v1/entries/{today.isoformat()}/", CALLED_IN, format="json")
    assert (response.json()["entered_by"], response.json()["entered_by_name"]) == ("patient", None)


@pytest.mark.parametrize(("body", "field"), [
    ({**CALLED_IN, "numbness": 11}, "numbness"),
    ({**CALLED_IN, "pain": "3"}, "pain"),
    ({**CALLED_IN, "locations": []}, "locations"),
    ({**CALLED_IN, "fell": "yes"}, "fell"),
    ({**CALLED_IN, "notes": "x" * 2001}, "notes"),
    ({**CALLED_IN, "mood": 3}, "mood"),
])
def test_bad_answers_on_behalf_get_the_patients_own_messages_and_change_nothing(clinic, nurse, body, field):
    patient, today = clinic.patient, clinic.patient.local_today()
    EntryFactory(patient=patient, date=today, numbness=2, pain=1, feet=True, notes="mine")
    response = api_as(nurse).put(entry_path(patient, today), body, format="json")
    assert response.status_code == 400 and field in response.json()
    own = api_as(patient).put(f"/api/v1/entries/{today.isoformat()}/", body, format="json")
    assert own.status_code == 400 and own.json()[field] == response.json()[field], "one validation for both"
    entry = SymptomEntry.objects.get(patient=patient, date=today)
    assert (entry.numbness, entry.notes, entry.entered_by) == (2, "mine", None), "the stored day is unchanged"
    assert audit(nurse, patient, RecordAccessAction.ENTERED_ON_BEHALF) == 0
    assert not EntryChange.objects.filter(patient=patient).exists()


@pytest.mark.parametrize("days_ago", [-1, settings.SYMPTOM_BACKFILL_DAYS + 1])
def test_the_care_team_has_the_patients_window_and_no_more(clinic, nurse, days_ago):
    patient = clinic.patient
    day = patient.local_today() - timedelta(days=days_ago)
    response = api_as(nurse).put(entry_path(patient, day), CALLED_IN, format="json")
    assert response.status_code == 400 and "date" in response.json()
    assert not SymptomEntry.objects.filter(patient=patient).exists()
    oldest = patient.local_today() - timedelta(days=settings.SYMPTOM_BACKFILL_DAYS)
    assert api_as(nurse).put(entry_path(patient, oldest), CALLED_IN, format="json").status_code == 201


@pytest.mark.parametrize("who", ["other_clinician", "patient", "other_patient", "admin"])
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_anyone_but_the_care_team_gets_a_404_and_nothing_changes(clinic, who, method):
    patient, today = clinic.patient, clinic.patient.local_today()
    EntryFactory(patient=patient, date=today, numbness=2, pain=0, feet=True)
    caller = getattr(clinic, who)
    client = api_as(caller)
    response = getattr(client, method)(entry_path(patient, today), CALLED_IN if method == "put" else None,
                                       format="json")
    assert response.status_code == 404
    entry = SymptomEntry.objects.get(patient=patient, date=today)
    assert (entry.numbness, entry.entered_by) == (2, None)
    assert not RecordAccess.objects.filter(actor=caller).exists()
    # A patient id that names nobody, or the other clinician's own patient, are the same 404.
    assert getattr(api_as(clinic.clinician), method)(
        entry_path(clinic.other_patient, today), CALLED_IN if method == "put" else None,
        format="json").status_code == 404
    assert api_as(clinic.clinician).get(f"/api/v1/patients/999999/entries/{today}/").status_code == 404


def test_the_care_team_reads_and_deletes_a_day_on_behalf_and_both_are_logged(clinic, nurse):
    patient, today = clinic.patient, clinic.patient.local_today()
    EntryFactory(patient=patient, date=today, numbness=4, pain=0, feet=True)
    client = api_as(nurse)
    read = client.get(entry_path(patient, today))
    assert read.status_code == 200 and read.json()["numbness"] == 4
    assert audit(nurse, patient, RecordAccessAction.VIEWED_ENTRIES_API) == 1
    assert client.delete(entry_path(patient, today)).status_code == 204
    assert not SymptomEntry.objects.filter(patient=patient).exists()
    assert audit(nurse, patient, RecordAccessAction.DELETED_ON_BEHALF) == 1
    assert EntryChange.objects.get(patient=patient).action == "deleted"
    assert client.delete(entry_path(patient, today)).status_code == 404
    assert client.get(entry_path(patient, today)).status_code == 404


def test_the_patients_later_edit_keeps_the_trail_of_who_changed_what(clinic, nurse):
    patient, today = clinic.patient, clinic.patient.local_today()
    api_as(nurse).put(entry_path(patient, today), CALLED_IN, format="json")
    corrected = {**CALLED_IN, "pain": 5, "notes": "it was worse than I said"}
    assert api_as(patient).put(f"/api/v1/entries/{today.isoformat()}/", corrected, format="json").status_code == 200
    entry = SymptomEntry.objects.get(patient=patient, date=today)
    assert (entry.pain, entry.entered_by, entry.by_care_team) == (5, None, False), "now the patient's own"
    trail = [(c.changed_by, c.on_behalf, c.action, c.fields) for c in EntryChange.objects.order_by("at", "pk")]
    assert trail == [(nurse, True, "created", ["numbness", "pain", "dropped_objects", "balance_problems",
                                                 "fine_motor_difficulty", "sleep_disturbed", "fell",
                                                 "cold_sensitivity", "hands", "feet", "notes"]),
                     (patient, False, "replaced", ["pain", "notes"])]


@pytest.mark.parametrize("who", ["other_patient", "other_clinician", "admin"])
def test_the_diary_itself_refuses_anyone_but_the_care_team_on_behalf(clinic, who):
    with pytest.raises(ValueError, match="care team"):
        diary.record_entry(clinic.patient, clinic.patient.local_today(), CALLED_IN, by=getattr(clinic, who))
    assert not SymptomEntry.objects.exists()


def test_saving_the_same_answers_again_keeps_who_entered_them(clinic, nurse):
    patient, today = clinic.patient, clinic.patient.local_today()
    own = f"/api/v1/entries/{today.isoformat()}/"
    api_as(patient).put(own, CALLED_IN, format="json")
    assert api_as(nurse).put(entry_path(patient, today), CALLED_IN, format="json").json()["entered_by"] == "patient"
    assert SymptomEntry.objects.get(patient=patient).entered_by is None, "the nurse changed no answer"
    api_as(nurse).put(entry_path(patient, today), {**CALLED_IN, "pain": 4}, format="json")
    assert api_as(patient).put(own, {**CALLED_IN, "pain": 4}, format="json").json()["entered_by"] == "care_team"
    assert [(c.changed_by, c.fields) for c in EntryChange.objects.order_by("at", "pk")][1:] == [
        (nurse, []), (nurse, ["pain"]), (patient, [])]


# --- The pages ---------------------------------------------------------------------------------------------

def page_form(values: dict) -> dict:
    form = {"numbness": values["numbness"], "pain": values["pain"], "locations": values["locations"],
            "notes": values.get("notes", "")}
    form.update({flag: "on" for flag in ("balance_problems",) if values.get(flag)})
    return form


def test_the_nurse_enters_a_called_in_day_from_the_record_and_it_shows_everywhere(client, clinic, nurse):
    patient = clinic.patient
    day = patient.local_today() - timedelta(days=1)
    client.force_login(nurse)
    record = client.get(f"/clinician/patients/{patient.pk}/").content.decode()
    assert f'href="/clinician/patients/{patient.pk}/log/"' in record
    page = client.get(f"/clinician/patients/{patient.pk}/log/{day.isoformat()}/")
    assert page.status_code == 200 and "saved as entered by you on the patient's behalf" in page.content.decode()
    assert "days can still be filled in or corrected" in page.content.decode()
    assert f'href="/clinician/patients/{patient.pk}/log/{day.isoformat()}/"' in page.content.decode()
    assert audit(nurse, patient, RecordAccessAction.VIEWED_RECORD) == 2
    saved = client.post(f"/clinician/patients/{patient.pk}/log/{day.isoformat()}/", page_form(CALLED_IN))
    assert saved.status_code == 302 and saved["Location"] == f"/clinician/patients/{patient.pk}/#entries-heading"
    assert patient.display_name() not in saved.cookies.output(), "the message cookie names no patient"
    assert SymptomEntry.objects.get(patient=patient, date=day).entered_by == nurse
    assert audit(nurse, patient, RecordAccessAction.ENTERED_ON_BEHALF) == 1
    record = client.get(f"/clinician/patients/{patient.pk}/").content.decode()
    assert "entered by Grace Chen for the patient" in record
    assert "Who changed the diary lately" in record and "Grace Chen entered the entry for" in record

    client.force_login(patient)
    for path in ("/history/", f"/log/{day.isoformat()}/"):
        assert "entered by Grace Chen on your behalf" in client.get(path).content.decode(), path
    report = client.get("/report/").content.decode()
    assert "Entered by your care team on your behalf:" in report and "(Grace Chen)" in report
    rows = list(csv.DictReader(io.StringIO(b"".join(
        client.get("/api/v1/export/", {"format": "csv"}).streaming_content).decode("utf-8-sig"))))
    assert [row["entered_by"] for row in rows] == ["Grace Chen"]
    exported = json.loads(b"".join(client.get("/api/v1/export/", {"format": "json"}).streaming_content))
    assert exported["entries"][0]["entered_by_name"] == "Grace Chen"
    bundle = json.loads(b"".join(client.get("/api/v1/export/", {"format": "fhir"}).streaming_content))
    performers = {json.dumps(e["resource"].get("performer")) for e in bundle["entry"]
                  if e["resource"]["resourceType"] == "Observation" and e["resource"].get("category")
                  and e["resource"]["category"][0]["coding"][0]["code"] == "survey"}
    assert performers == {json.dumps([{"display": "Grace Chen"}])}


def test_a_bad_form_on_behalf_names_the_field_and_keeps_the_stored_day(client, clinic, nurse):
    patient, today = clinic.patient, clinic.patient.local_today()
    EntryFactory(patient=patient, date=today, numbness=2, pain=0, feet=True, notes="mine")
    client.force_login(nurse)
    response = client.post(f"/clinician/patients/{patient.pk}/log/", {**page_form(CALLED_IN), "locations": []})
    assert response.status_code == 400
    assert 'href="#field-locations"' in response.content.decode()
    entry = SymptomEntry.objects.get(patient=patient, date=today)
    assert (entry.numbness, entry.notes, entry.entered_by) == (2, "mine", None)
    too_old = today - timedelta(days=settings.SYMPTOM_BACKFILL_DAYS + 1)
    refused = client.post(f"/clinician/patients/{patient.pk}/log/{too_old.isoformat()}/", page_form(CALLED_IN))
    assert refused.status_code == 400 and not SymptomEntry.objects.filter(date=too_old).exists()


@pytest.mark.parametrize("who", ["other_clinician", "patient", "admin"])
def test_the_page_on_behalf_is_a_404_for_anyone_but_the_care_team(client, clinic, who):
    patient = clinic.patient
    client.force_login(getattr(clinic, who))
    assert client.get(f"/clinician/patients/{patient.pk}/log/").status_code == 404
    assert client.post(f"/clinician/patients/{patient.pk}/log/", page_form(CALLED_IN)).status_code == 404
    assert not SymptomEntry.objects.exists()


def test_a_patient_erased_while_their_day_is_saved_is_a_404_not_a_500(clinic, nurse):
    patient = clinic.patient
    type(patient).objects.filter(pk=patient.pk).delete()  # erased between the care-team check and the save
    for save in (lambda: diary.record_entry(patient, patient.local_today(), CALLED_IN),
                 lambda: diary.delete_entry(patient, patient.local_today())):
        with pytest.raises(Http404):
            save()
    assert not SymptomEntry.objects.exists() and not EntryChange.objects.exists()
