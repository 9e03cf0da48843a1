"""The patient's record as a FHIR R4 Bundle of type `collection`, each resource built and validated with
`fhir.resources` (its R4B models, which match R4 for every resource used here).

- `Patient`.
- Per entry: pain as an `Observation` coded LOINC 72514-3 (pain severity, 0-10 numeric rating);
  numbness and tingling in the app's own CodeSystem (no LOINC code exists for it); the day's flags
  as one `Observation` with a boolean component per flag. Each `final`, category `survey`,
  `effectiveDateTime` the day, `subject` the Patient.
- The current assessment as an `Observation` whose value is the status.
- Each clinician's CTCAE grade as an `Observation`.
- Each course as a `MedicationStatement` (what the clinic knows the patient was taking, over the
  course's period), each dose given as a `MedicationAdministration` (an event that happened, with its
  dose %), each dose still planned as a `MedicationRequest` with intent `plan`: a planned dose has not
  been administered, so it is not a MedicationAdministration.

Every resource's id is a UUID derived from what it is (the patient, the kind, the day or the row), so
exporting the same data twice gives the same bundle; `fullUrl` is `urn:uuid:` and the id. The codes
are listed in the README.
"""

import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import date

from django.conf import settings
from django.utils import translation
from fhir.resources.R4B.bundle import BundleEntry
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource

from accounts.models import User
from symptoms.assessments import PatientAssessment
from symptoms.entry_fields import FLAG_FIELDS
from symptoms.export import ExportDay, diary_pages
from treatment.models import ClinicianGrade, Course

# The app's own codes (numbness, the daily flags, the assessment and its statuses, the grade, agents).
CODE_SYSTEM = "https://cipn-tracker.org/fhir/CodeSystem/cipn-tracker"
# A patient's identifier, and every resource's UUID, belong to this installation (its SITE_URL): patient
# #5 of one clinic and #5 of another are different people in a system that imports from both.
PATIENT_ID_PATH = "/fhir/patient-id"
LOINC = "http://loinc.org"
PAIN_LOINC = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CODES = {
    "numbness": "Numbness or tingling, 0-10 numeric rating",
    "daily-flags": "Effects on daily life that day",
    "assessment": "CIPN Tracker referral assessment",
    "ctcae-sensory-neuropathy-grade": "CTCAE grade of peripheral sensory neuropathy, by a clinician",
    "weekly-average": "7-day average of the daily worst score",
    "threshold": "Referral threshold",
}


def _id(patient: User, *parts: object) -> str:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, settings.SITE_URL)
    return str(uuid.uuid5(namespace, "/".join(map(str, (patient.pk, *parts)))))


def _code(code: str, display: str | None = None, system: str = CODE_SYSTEM) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display or CODES[code]}],
            "text": display or CODES[code]}


def _entry(resource: Resource) -> str:
    """One bundle entry as JSON, validated by the library."""
    return BundleEntry.model_validate({"fullUrl": f"urn:uuid:{resource.id}", "resource": resource}).model_dump_json()


def _observation(patient: User, kind: str, day: date, code: dict, category: str | None = "survey",
                 **value: object) -> Observation:
    categories = {"category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": category}]}]} if category else {}
    present = {name: given for name, given in value.items() if given is not None}
    return Observation.model_validate({
        "resourceType": "Observation", "id": _id(patient, kind, day.isoformat()), "status": "final",
        **categories, "code": code, "subject": {"reference": f"urn:uuid:{_id(patient, 'patient')}"},
        "effectiveDateTime": day.isoformat(), **present})


def patient_resource(patient: User) -> Patient:
    name: dict[str, object] = {"text": patient.display_name()}
    if patient.first_name:
        name["given"] = [patient.first_name]
    if patient.last_name:
        name["family"] = patient.last_name
    language = "zh-Hant" if patient.language == "zh-hant" else "en"
    return Patient.model_validate({
        "resourceType": "Patient", "id": _id(patient, "patient"),
        "identifier": [{"system": settings.SITE_URL.rstrip("/") + PATIENT_ID_PATH, "value": str(patient.pk)}],
        "name": [name],
        **({"telecom": [{"system": "email", "value": patient.email}]} if patient.email else {}),
        "communication": [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": language}]}}]})


def day_resources(patient: User, day: ExportDay) -> list[Observation]:
    """A diary day: pain (LOINC), numbness (the app's code) and the day's flags."""
    entry = day.entry
    flags = [{"code": _code(flag, flag.replace("_", " ")), "valueBoolean": getattr(entry, flag)}
             for flag in FLAG_FIELDS]
    # Who gave the answers: the patient, or the clinician who entered them on the patient's behalf.
    performer = [{"display": entry.entered_by_name}] if entry.by_care_team else [
        {"reference": f"urn:uuid:{_id(patient, 'patient')}"}]
    return [
        _observation(patient, "pain", entry.date, _code(PAIN_LOINC, PAIN_DISPLAY, LOINC), valueInteger=entry.pain,
                     performer=performer),
        _observation(patient, "numbness", entry.date, _code("numbness"), valueInteger=entry.numbness,
                     performer=performer),
        _observation(patient, "daily-flags", entry.date, _code("daily-flags"), component=flags,
                     note=[{"text": entry.notes}] if entry.notes else None, performer=performer),
    ]


def assessment_resource(patient: User, assessment: PatientAssessment) -> Observation:
    components = [{"code": _code("threshold"), "valueQuantity": {"value": float(assessment.threshold)}}]
    if assessment.weekly_average is not None:
        components.insert(0, {"code": _code("weekly-average"),
                              "valueQuantity": {"value": float(assessment.weekly_average)}})
    # Worked out by the app, not answered by the patient: no survey category.
    return _observation(patient, "assessment", assessment.as_of, _code("assessment"), category=None,
                        valueCodeableConcept=_code(assessment.status, assessment.status_label), component=components)


def grade_resource(patient: User, grade: ClinicianGrade) -> Observation:
    return _observation(patient, f"grade-{grade.pk}", grade.date, _code("ctcae-sensory-neuropathy-grade"),
                        category="exam", valueInteger=grade.grade,
                        note=[{"text": grade.note}] if grade.note else None)


def course_resources(patient: User, course: Course, today: date) -> Iterator[Resource]:
    """The course as a MedicationStatement; its doses given (MedicationAdministration) and planned
    (MedicationRequest, intent `plan`). Administrations must have been prefetched in date order."""
    subject = {"reference": f"urn:uuid:{_id(patient, 'patient')}"}
    medication = _code(f"agent-{course.agent}", course.get_agent_display())
    doses = list(course.administrations.all())
    period = {"start": doses[0].date.isoformat()} if doses else {}
    if course.ended_on:
        period["end"] = course.ended_on.isoformat()
    statement_id = _id(patient, "course", course.pk)
    notes = [f"{course.cycle_length_days}-day cycles", *([f"Regimen: {course.regimen}"] if course.regimen else [])]
    yield MedicationStatement.model_validate({
        "resourceType": "MedicationStatement", "id": statement_id,
        "status": "completed" if course.ended_on and course.ended_on < today else "active",
        "medicationCodeableConcept": medication, "subject": subject,
        **({"effectivePeriod": period} if period else {}), "note": [{"text": text} for text in notes]})
    for given in doses:
        dose_text = f"{given.dose_percent}% of the full planned dose"
        note = [{"text": given.note}] if given.note else []
        if given.date <= today:
            yield MedicationAdministration.model_validate({
                "resourceType": "MedicationAdministration", "id": _id(patient, "dose-given", given.pk),
                "status": "completed", "medicationCodeableConcept": medication, "subject": subject,
                "effectiveDateTime": given.date.isoformat(), "dosage": {"text": dose_text},
                "supportingInformation": [{"reference": f"urn:uuid:{statement_id}"}],
                **({"note": note} if note else {})})
        else:
            stopped = course.ended_on is not None and given.date > course.ended_on
            yield MedicationRequest.model_validate({
                "resourceType": "MedicationRequest", "id": _id(patient, "dose-planned", given.pk),
                "status": "stopped" if stopped else "active",
                "intent": "plan", "medicationCodeableConcept": medication, "subject": subject,
                "dosageInstruction": [{"text": dose_text, "timing": {"event": [given.date.isoformat()]}}],
                **({"note": note} if note else {})})


def bundle_chunks(patient: User, assessment: PatientAssessment, courses: Iterable[Course],
                  grades: Iterable[ClinicianGrade]) -> Iterator[str]:
    """The bundle as JSON text, a page of the diary at a time: never all of it in memory. Its words are
    English whoever downloads it (codes' displays are the CodeSystem's), so the same data gives the same
    bundle."""
    with translation.override("en"):
        yield from _bundle_chunks(patient, assessment, courses, grades)


def _bundle_chunks(patient: User, assessment: PatientAssessment, courses: Iterable[Course],
                   grades: Iterable[ClinicianGrade]) -> Iterator[str]:
    head = {"resourceType": "Bundle", "id": _id(patient, "bundle"), "type": "collection"}
    yield json.dumps(head)[:-1] + ', "entry": ['
    yield _entry(patient_resource(patient))
    today = patient.local_today()
    for page in diary_pages(patient):
        yield "".join("," + _entry(resource) for day in page for resource in day_resources(patient, day))
    yield "," + _entry(assessment_resource(patient, assessment))
    for grade in grades:
        yield "," + _entry(grade_resource(patient, grade))
    for course in courses:
        for resource in course_resources(patient, course, today):
            yield "," + _entry(resource)
    yield "]}"
