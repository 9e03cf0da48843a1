"""Treatment over the API: courses, administrations and grades for a clinician's own patients, the
patient's own treatment with its cycle summaries; bad input named, other people's objects a 404."""

from datetime import timedelta

import pytest

from symptoms.models import RecordAccess
from tests.conftest import api_as
from tests.factories import EntryFactory
from treatment.models import Administration, ClinicianGrade, Course

COURSE = {"agent": "oxaliplatin", "regimen": "mFOLFOX6", "cycle_length_days": 14}


def new_course(clinic, **changes) -> dict:
    response = api_as(clinic.clinician).post(f"/api/v1/patients/{clinic.patient.pk}/courses/", {**COURSE, **changes},
                                             format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_clinician_adds_a_course_and_doses_and_the_patient_sees_the_cycles(clinic):
    today = clinic.patient.local_today()
    for days_ago in range(20):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=6, pain=1,
                     fell=days_ago == 3)
    course = new_course(clinic)
    assert (course["agent"], course["regimen"], course["ended_on"], course["cycles"]) == (
        "oxaliplatin", "mFOLFOX6", None, [])
    doctor = api_as(clinic.clinician)
    for offset, dose in ((-15, 100), (-1, 80), (13, 100)):
        response = doctor.put(f"/api/v1/courses/{course['id']}/administrations/{today + timedelta(days=offset)}/",
                              {"dose_percent": dose}, format="json")
        assert response.status_code == 201 and response.json()["dose_percent"] == dose
    mine = api_as(clinic.patient).get("/api/v1/treatment/")
    assert mine.status_code == 200
    [shown] = mine.json()["courses"]
    assert [given["dose_percent"] for given in shown["administrations"]] == [100, 80, 100]
    first, second = shown["cycles"]  # the planned dose has not started a cycle yet
    assert (first["number"], first["start"], first["end"]) == (1, str(today - timedelta(days=15)),
                                                                str(today - timedelta(days=2)))
    assert first["worst_weekly_average"] == 6.0 and first["falls"] == 1 and first["functional_impact"] == "self_care"
    assert first["settled_before_next"] is False and second["dose_percent"] == 80 and second["days_logged"] == 2


def test_recording_the_same_day_again_replaces_the_dose(clinic):
    course = new_course(clinic)
    day = clinic.patient.local_today() + timedelta(days=2)
    url = f"/api/v1/courses/{course['id']}/administrations/{day}/"
    doctor = api_as(clinic.clinician)
    assert doctor.put(url, {"dose_percent": 100, "note": "planned"}, format="json").status_code == 201
    again = doctor.put(url, {"dose_percent": 75}, format="json")
    assert again.status_code == 200 and again.json() == {"date": str(day), "dose_percent": 75, "note": ""}
    assert Administration.objects.get().dose_percent == 75
    assert doctor.delete(url).status_code == 204 and not Administration.objects.exists()
    assert doctor.delete(url).status_code == 404


@pytest.mark.parametrize("field,value", [
    ("agent", "aspirin"), ("agent", None), ("cycle_length_days", 0), ("cycle_length_days", 43),
    ("cycle_length_days", "fourteen"), ("regimen", "x" * 101), ("ended_on", "14/12/2026"), ("colour", "red"),
])
def test_a_bad_course_is_refused_naming_the_field_and_nothing_is_stored(clinic, field, value):
    response = api_as(clinic.clinician).post(f"/api/v1/patients/{clinic.patient.pk}/courses/",
                                             {**COURSE, field: value}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Course.objects.exists()


def test_a_bad_change_leaves_the_course_as_it_was(clinic):
    course = new_course(clinic)
    doctor = api_as(clinic.clinician)
    assert doctor.patch(f"/api/v1/courses/{course['id']}/", {"cycle_length_days": 99}, format="json").status_code == 400
    assert Course.objects.get().cycle_length_days == 14
    ended = doctor.patch(f"/api/v1/courses/{course['id']}/", {"ended_on": str(clinic.patient.local_today())},
                         format="json")
    assert ended.status_code == 200 and ended.json()["ended_on"] == str(clinic.patient.local_today())
    assert Course.objects.get().cycle_length_days == 14  # what was not sent is kept


@pytest.mark.parametrize("body,field", [({"dose_percent": 0}, "dose_percent"), ({"dose_percent": 101}, "dose_percent"),
                                        ({"note": "x" * 501}, "note"), ({"dose": 50}, "dose")])
def test_a_bad_dose_is_refused_naming_the_field(clinic, body, field):
    course = new_course(clinic)
    url = f"/api/v1/courses/{course['id']}/administrations/{clinic.patient.local_today()}/"
    response = api_as(clinic.clinician).put(url, body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Administration.objects.exists()


def test_a_bad_dose_day_is_named(clinic):
    course = new_course(clinic)
    response = api_as(clinic.clinician).put(f"/api/v1/courses/{course['id']}/administrations/2026-13-01/", {},
                                            format="json")
    assert response.status_code == 400 and "date" in response.json()


def test_grades_are_recorded_listed_and_checked(clinic):
    doctor = api_as(clinic.clinician)
    url = f"/api/v1/patients/{clinic.patient.pk}/grades/"
    day = str(clinic.patient.local_today())
    created = doctor.post(url, {"date": day, "grade": 2, "note": "Cannot do up buttons."}, format="json")
    assert created.status_code == 201 and created.json()["grade"] == 2
    for bad, field in (({"date": day, "grade": 5}, "grade"), ({"grade": 1}, "date"),
                       ({"date": day, "grade": 1, "by": "me"}, "by")):
        response = doctor.post(url, bad, format="json")
        assert response.status_code == 400 and field in response.json()
    assert [grade["note"] for grade in doctor.get(url).json()] == ["Cannot do up buttons."]
    assert ClinicianGrade.objects.get().recorded_by == clinic.clinician


def test_other_clinicians_and_patients_get_404_on_every_clinician_path(clinic):
    course = new_course(clinic)
    day = clinic.patient.local_today()
    paths = [("get", f"/api/v1/patients/{clinic.patient.pk}/courses/", None),
             ("post", f"/api/v1/patients/{clinic.patient.pk}/courses/", COURSE),
             ("patch", f"/api/v1/courses/{course['id']}/", {"regimen": "x"}),
             ("delete", f"/api/v1/courses/{course['id']}/", None),
             ("put", f"/api/v1/courses/{course['id']}/administrations/{day}/", {"dose_percent": 50}),
             ("delete", f"/api/v1/courses/{course['id']}/administrations/{day}/", None),
             ("get", f"/api/v1/patients/{clinic.patient.pk}/grades/", None),
             ("post", f"/api/v1/patients/{clinic.patient.pk}/grades/", {"date": str(day), "grade": 1})]
    for who in (clinic.other_clinician, clinic.patient, clinic.other_patient, clinic.admin):
        for method, path, body in paths:
            response = getattr(api_as(who), method)(path, body, format="json")
            assert response.status_code == 404, (who.username, method, path, response.status_code)
    assert Course.objects.get().regimen == "mFOLFOX6" and not Administration.objects.exists()
    assert not ClinicianGrade.objects.exists()
    assert api_as(clinic.clinician).get("/api/v1/treatment/").status_code == 403
    assert api_as(clinic.other_patient).get("/api/v1/treatment/").json() == {"courses": [], "grades": []}


def test_every_staff_read_and_change_is_in_the_access_log(clinic):
    course = new_course(clinic)
    doctor = api_as(clinic.clinician)
    doctor.put(f"/api/v1/courses/{course['id']}/administrations/{clinic.patient.local_today()}/", {}, format="json")
    doctor.get(f"/api/v1/patients/{clinic.patient.pk}/courses/")
    doctor.post(f"/api/v1/patients/{clinic.patient.pk}/grades/", {"date": str(clinic.patient.local_today()),
                                                                  "grade": 1}, format="json")
    doctor.get(f"/api/v1/patients/{clinic.patient.pk}/grades/")
    doctor.delete(f"/api/v1/courses/{course['id']}/")
    actions = list(RecordAccess.objects.filter(actor=clinic.clinician, patient=clinic.patient)
                   .order_by("pk").values_list("action", flat=True))
    assert actions == ["changed_treatment", "changed_treatment", "viewed_treatment_api", "recorded_grade",
                       "viewed_treatment_api", "changed_treatment"]


def test_a_body_that_is_not_an_object_or_names_an_unknown_field_changes_nothing(clinic):
    course = new_course(clinic)
    doctor = api_as(clinic.clinician)
    listed = doctor.post(f"/api/v1/patients/{clinic.patient.pk}/courses/", [COURSE], format="json")
    assert listed.status_code == 400 and "non_field_errors" in listed.json()
    renamed = doctor.patch(f"/api/v1/courses/{course['id']}/", {"cycle_days": 21}, format="json")
    assert renamed.status_code == 400 and "cycle_days" in renamed.json()
    assert Course.objects.count() == 1 and Course.objects.get().cycle_length_days == 14


def test_a_course_that_was_removed_is_a_404_and_takes_its_doses_with_it(clinic):
    course = new_course(clinic)
    doctor = api_as(clinic.clinician)
    url = f"/api/v1/courses/{course['id']}/administrations/{clinic.patient.local_today()}/"
    assert doctor.put(url, {}, format="json").status_code == 201
    assert doctor.delete(f"/api/v1/courses/{course['id']}/").status_code == 204
    assert not Administration.objects.exists()
    assert doctor.put(url, {}, format="json").status_code == 404
    assert doctor.patch(f"/api/v1/courses/{course['id']}/", {"regimen": "x"}, format="json").status_code == 404
