"""Every staff read of health data is in the access log: a walk over every URL the app serves and every
admin page. A new page must be classified here, and a page classified as showing no health data
must not show any."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from symptoms import evaluation
from symptoms.models import Alert, PatientThreshold, RecordAccess, RecordAccessAction, SymptomEntry
from tests.factories import CareTeamMemberFactory, EntryFactory, PatientFactory
from treatment.models import Administration, ClinicianGrade, Course

# What only health data shows: the diary's note, the patient's own threshold, their status's average
# and the note on their alert. A page showing any of them shows health data.
MARKER = "xyzzy-numb-toes-marker"
ALERT_NOTE = "xyzzy-called-back-marker"
THRESHOLD = "4.37"
AVERAGES = ("9.00", "9.0")


def text_of(response) -> str:
    """A response's body as text, streamed (a download) or not."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode()


def health_details_in(body: str) -> list[str]:
    """The markers a page shows, as numbers of their own: a timestamp's seconds ("…:09.001") are not an average."""
    return [marker for marker in (MARKER, ALERT_NOTE, THRESHOLD, *AVERAGES)
            if re.search(rf"(?<![\d:.]){re.escape(marker)}(?![\d])", body)]

# Pages and API calls that show a patient's health data to staff (each must log a read).
HEALTH_DATA = {
    "clinician/": "/clinician/",
    "clinician/patients/<int:patient_id>/": "/clinician/patients/{patient}/",
    "api/v1/patients/": "/api/v1/patients/",
    "api/v1/patients/<int:patient_id>/entries/": "/api/v1/patients/{patient}/entries/",
    "api/v1/patients/<int:patient_id>/assessment/": "/api/v1/patients/{patient}/assessment/",
    "api/v1/alerts/": "/api/v1/alerts/",
    "api/v1/patients/<int:patient_id>/courses/": "/api/v1/patients/{patient}/courses/",
    "api/v1/patients/<int:patient_id>/grades/": "/api/v1/patients/{patient}/grades/",
    "api/v1/patients/<int:patient_id>/export/": "/api/v1/patients/{patient}/export/?format=json",
    # A day's entry, shown to be corrected on the patient's behalf (saving it is logged as that).
    "clinician/patients/<int:patient_id>/log/": "/clinician/patients/{patient}/log/",
    "clinician/patients/<int:patient_id>/log/<isodate:day>/": "/clinician/patients/{patient}/log/{today}/",
    "api/v1/patients/<int:patient_id>/entries/<str:date>/": "/api/v1/patients/{patient}/entries/{today}/",
}
# Who is reporting and who is not, by name, but no scores (the admin's figures name no patient): logged too.
REPORTING = {"clinician/quality/": "/clinician/quality/", "api/v1/quality/": "/api/v1/quality/"}
# Changes, not reads: they are logged as what they do (acknowledged, changed the threshold).
WRITES = {
    "clinician/patients/<int:patient_id>/alerts/<int:alert_id>/acknowledge/",
    "clinician/patients/<int:patient_id>/threshold/",
    "clinician/patients/<int:patient_id>/courses/", "clinician/patients/<int:patient_id>/doses/",
    "clinician/patients/<int:patient_id>/grades/",
    "api/v1/alerts/<int:alert_id>/acknowledge/",
    "api/v1/courses/<int:course_id>/", "api/v1/courses/<int:course_id>/administrations/<str:date>/",
}
# Everything else: signing in and out, settings, the library, the API's description, and the patient's
# own diary (staff get 403 there). Each is fetched below to check it shows no health data to staff.
NO_HEALTH_DATA = {
    "": "/", "sign-out/": None, "two-factor/": "/two-factor/", "two-factor/verify/": "/two-factor/verify/",
    "password-change/": "/password-change/", "password-reset/": "/password-reset/",
    "password-reset/sent/": "/password-reset/sent/", "password-reset/<uidb64>/<token>/": None,
    "password-reset/done/": "/password-reset/done/", "settings/": "/settings/", "log/": "/log/",
    "log/<isodate:day>/": "/log/{today}/", "history/": "/history/", "report/": "/report/",
    "learn/": "/learn/", "learn/<slug:slug>/": None, "i18n/setlang/": None,
    "admin/password_change/": "/admin/password_change/",
    "api/v1/auth/token/": None, "api/v1/schema/": "/api/v1/schema/", "api/v1/docs/": "/api/v1/docs/",
    "api/v1/entries/": "/api/v1/entries/", "api/v1/entries/<str:date>/": "/api/v1/entries/{today}/",
    "api/v1/assessment/": "/api/v1/assessment/", "api/v1/articles/": "/api/v1/articles/", "api/v1/^.*$": None,
    "api/v1/treatment/": "/api/v1/treatment/", "api/v1/export/": "/api/v1/export/?format=json",
}
HEALTH_DATA_ADMIN = {SymptomEntry, Alert, PatientThreshold, "symptoms.patientstatus", Course, ClinicianGrade}


def routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern) == "admin/":
                continue  # the admin's pages are walked model by model below
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


@pytest.fixture
def record(clinic):
    """The clinician's patient, with a diary that carries the marker, an open alert and a threshold."""
    patient = clinic.patient
    for days_ago in range(20):
        EntryFactory(patient=patient, date=patient.local_today() - timedelta(days=days_ago), numbness=9,
                     notes=MARKER, fell=days_ago == 1)
    evaluation.evaluate_patient(patient)
    PatientThreshold.objects.create(patient=patient, threshold=THRESHOLD, set_by=clinic.clinician)
    evaluation.evaluate_patient(patient)
    assert Alert.objects.filter(patient=patient).update(note=ALERT_NOTE)
    course = Course.objects.create(patient=patient, agent="oxaliplatin", cycle_length_days=14)
    Administration.objects.create(course=course, date=patient.local_today() - timedelta(days=10))
    ClinicianGrade.objects.create(patient=patient, date=patient.local_today(), grade=2, note=MARKER)
    return clinic


def logged_reads(staff, patient) -> int:
    return RecordAccess.objects.filter(actor=staff, patient=patient).count()


def test_every_route_is_classified():
    served = set(routes())
    classified = set(HEALTH_DATA) | WRITES | set(NO_HEALTH_DATA) | set(REPORTING)
    assert served - classified == set(), "classify the new page: health data (logged) or not"
    assert classified - served == set(), "a classified page no longer exists"


@pytest.mark.parametrize("route", sorted(REPORTING))
def test_each_page_naming_who_reports_writes_the_log(record, route):
    client = APIClient()
    client.force_login(record.clinician)
    response = client.get(REPORTING[route])
    assert response.status_code == 200 and record.patient.display_name() in text_of(response)
    assert RecordAccess.objects.filter(actor=record.clinician, patient=record.patient,
                                       action=RecordAccessAction.VIEWED_QUALITY).count() == 1


@pytest.mark.parametrize("route", sorted(HEALTH_DATA))
def test_each_health_data_page_writes_the_log(record, route):
    client = APIClient()
    client.force_login(record.clinician)
    before = logged_reads(record.clinician, record.patient)
    response = client.get(HEALTH_DATA[route].format(patient=record.patient.pk,
                                                    today=record.patient.local_today().isoformat()))
    assert response.status_code == 200
    assert health_details_in(text_of(response)), "the walk's markers must show where health data is"
    assert logged_reads(record.clinician, record.patient) > before, f"{route} showed health data unlogged"


@pytest.mark.parametrize("who", ["clinician", "admin"])
@pytest.mark.parametrize("route", sorted(route for route, path in NO_HEALTH_DATA.items() if path))
def test_pages_without_health_data_show_staff_none(record, who, route):
    client = Client()
    client.force_login(getattr(record, who))
    path = NO_HEALTH_DATA[route].format(today=record.patient.local_today().isoformat())
    response = client.get(path)  # a redirect's target is a page of its own, checked on its own
    assert health_details_in(text_of(response)) == [], f"{path} shows health data: classify and log it"


def admin_pages(model, obj) -> list[str]:
    """The list, and for one object its change (or view), history and delete pages."""
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = [reverse(f"{name}_changelist")]
    if obj is not None:
        pages += [reverse(f"{name}_{page}", args=[obj.pk]) for page in ("change", "history", "delete")]
    return pages


def is_health_data(model) -> bool:
    return model in HEALTH_DATA_ADMIN or model._meta.label_lower in HEALTH_DATA_ADMIN


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label_lower)
def test_every_admin_page_with_health_data_writes_the_log(record, model):
    client = Client()
    client.force_login(record.admin)
    obj = model._default_manager.first()
    for page in admin_pages(model, obj):
        before = logged_reads(record.admin, record.patient)
        response = client.get(page, follow=True)  # a one-object admin's list goes to its change page
        if response.status_code == 403:  # a delete page of a record nobody may delete
            continue
        assert response.status_code == 200, page
        if is_health_data(model):
            assert logged_reads(record.admin, record.patient) > before, f"{page} showed health data unlogged"
        else:
            assert health_details_in(text_of(response)) == [], f"{page} shows health data: log it"


def test_the_dashboard_logs_each_patient_it_shows_once_and_only_those(record):
    quiet = PatientFactory()
    CareTeamMemberFactory(patient=quiet, clinician=record.clinician)
    client = Client()
    client.force_login(record.clinician)
    client.get("/clinician/", {"status": "refer"})
    assert list(RecordAccess.objects.filter(actor=record.clinician).values_list("patient", "action")) == [
        (record.patient.pk, "viewed_dashboard")]
    client.get("/clinician/")
    shown = RecordAccess.objects.filter(actor=record.clinician).values_list("patient", flat=True)
    assert sorted(shown) == sorted([record.patient.pk, record.patient.pk, quiet.pk])


def test_an_admin_list_logs_each_patient_on_the_page_once(record):
    client = Client()
    client.force_login(record.admin)
    client.get("/admin/symptoms/symptomentry/")  # 20 entries of one patient
    assert list(RecordAccess.objects.filter(actor=record.admin).values_list("patient", "action")) == [
        (record.patient.pk, "admin_viewed_entries")]
