"""The quality-of-care page and API: who may see what, `weeks` checked and named, the patients listed in
the access log, and a number of queries that does not grow with the number of patients."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import CareTeamMember
from symptoms.models import RecordAccess, RecordAccessAction, SymptomEntry
from tests.conftest import api_as
from tests.factories import ClinicianFactory, PatientFactory


@pytest.mark.parametrize("value", ["0", "53", "-1", "4.5", "four", "", "４", " 4", "04"])
def test_a_bad_weeks_is_a_400_naming_it_on_the_api_and_the_page(client, clinic, value):
    response = api_as(clinic.clinician).get("/api/v1/quality/", {"weeks": value})
    assert response.status_code == 400 and list(response.json()) == ["weeks"]
    assert "from 1 to 52" in response.json()["weeks"][0]
    client.force_login(clinic.clinician)
    page = client.get("/clinician/quality/", {"weeks": value})
    assert page.status_code == 400 and 'href="#weeks-choices"' in page.content.decode()


def test_the_weeks_message_is_in_the_readers_language(clinic):
    clinic.clinician.language = "zh-hant"
    clinic.clinician.save()
    response = api_as(clinic.clinician).get("/api/v1/quality/", {"weeks": "60"}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.json()["weeks"] == ["請輸入 1 到 52 之間的整數週數。"]


def test_a_deactivated_clinician_is_not_in_the_admins_table(clinic):
    clinic.other_clinician.is_active = False
    clinic.other_clinician.save()
    rows = api_as(clinic.admin).get("/api/v1/quality/").json()["clinicians"]
    assert [row["id"] for row in rows] == [clinic.clinician.pk]


@pytest.mark.parametrize("weeks", [1, 52])
def test_weeks_1_and_52_answer_that_many_weeks(clinic, weeks):
    body = api_as(clinic.clinician).get("/api/v1/quality/", {"weeks": weeks}).json()
    assert body["weeks"] == weeks and len(body["trend"]) == weeks
    # The weeks tile the period, oldest first, seven days each, the last ending yesterday (clinic zone).
    first, last = date.fromisoformat(body["period"]["first"]), date.fromisoformat(body["period"]["last"])
    assert last == timezone.localdate() - timedelta(days=1) and (last - first).days + 1 == 7 * weeks
    starts = [date.fromisoformat(week["first"]) for week in body["trend"]]
    assert starts == [first + timedelta(days=7 * index) for index in range(weeks)]
    assert body["trend"][-1]["last"] == body["period"]["last"]


def test_signed_out_the_quality_page_asks_to_sign_in(client, db):
    response = client.get("/clinician/quality/?weeks=4")
    assert response.status_code == 302 and response["Location"].startswith("/?next=")


def test_a_clinician_gets_their_own_patients_and_an_admin_the_clinic_per_clinician(clinic):
    today = clinic.patient.local_today()
    SymptomEntry.objects.create(patient=clinic.patient, date=today - timedelta(days=1), numbness=0, pain=0)
    # The other patient joined three days ago and never logged: three expected days, none logged.
    type(clinic.other_patient).objects.filter(pk=clinic.other_patient.pk).update(
        date_joined=clinic.other_patient.date_joined - timedelta(days=3))
    mine = api_as(clinic.clinician).get("/api/v1/quality/").json()
    assert [row["id"] for row in mine["patients_completion"]] == [clinic.patient.pk]
    assert mine["clinicians"] is None and mine["patients"] == 1
    clinic_wide = api_as(clinic.admin).get("/api/v1/quality/").json()
    assert clinic_wide["patients_completion"] is None and clinic_wide["patients"] == 2
    by_id = {row["id"]: row for row in clinic_wide["clinicians"]}
    assert by_id[clinic.clinician.pk]["patients"] == 1 and by_id[clinic.other_clinician.pk]["patients"] == 1
    assert (by_id[clinic.other_clinician.pk]["expected_days"], by_id[clinic.other_clinician.pk]["logged_days"]) == (
        3, 0)
    assert set(by_id[clinic.clinician.pk]) >= {"completion_rate", "acknowledged_within_24h", "not_reporting"}


def test_a_patient_gets_a_403_and_signed_out_a_401(clinic, client):
    assert api_as(clinic.patient).get("/api/v1/quality/").status_code == 403
    assert client.get("/api/v1/quality/").status_code == 401
    client.force_login(clinic.patient)
    assert client.get("/clinician/quality/").status_code == 403


def test_each_patient_listed_to_a_clinician_is_in_the_access_log(client, clinic):
    api_as(clinic.clinician).get("/api/v1/quality/")
    client.force_login(clinic.clinician)
    page = client.get("/clinician/quality/").content.decode()
    assert f'href="/clinician/patients/{clinic.patient.pk}/"' in page
    rows = RecordAccess.objects.filter(actor=clinic.clinician, action=RecordAccessAction.VIEWED_QUALITY)
    assert [row.patient for row in rows] == [clinic.patient, clinic.patient]
    assert clinic.other_patient.display_name() not in page


def test_the_admin_index_links_to_the_quality_page_and_the_admin_sees_each_clinician(client, clinic):
    client.force_login(clinic.admin)
    assert 'href="/clinician/quality/"' in client.get("/admin/").content.decode()
    page = client.get("/clinician/quality/").content.decode()
    assert clinic.clinician.display_name() in page and clinic.other_clinician.display_name() in page
    assert not RecordAccess.objects.filter(actor=clinic.admin).exists(), "no patient is named to the admin"


def queries(user, path: str) -> int:
    client = api_as(user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def add_patients(clinicians, count: int, zones=("Europe/London", "Asia/Taipei")) -> None:
    for index in range(count):
        patient = PatientFactory(time_zone=zones[index % len(zones)])
        CareTeamMember.objects.create(patient=patient, clinician=clinicians[index % len(clinicians)])
        SymptomEntry.objects.create(patient=patient, date=patient.local_today() - timedelta(days=1 + index % 5),
                                    numbness=0, pain=0)


@pytest.mark.parametrize("path", ["/api/v1/quality/?weeks=12", "/clinician/quality/?weeks=12"])
def test_the_queries_do_not_grow_with_the_number_of_patients(clinic, path):
    clinicians = [clinic.clinician, clinic.other_clinician, ClinicianFactory()]
    add_patients(clinicians, 3)
    small = (queries(clinic.clinician, path), queries(clinic.admin, path))
    add_patients(clinicians, 30)
    assert (queries(clinic.clinician, path), queries(clinic.admin, path)) == small
