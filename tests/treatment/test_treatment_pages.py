"""Treatment on the pages: the record page's courses, cycle table, overlay chart and forms; the patient's
cycle line on /log/, dose lines on /history/ and the cycle table on /report/, in both languages."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import translation

from symptoms.alerts import acknowledge_alert
from symptoms.models import Alert, PatientStatus, RecordAccess, SymptomEntry
from tests.factories import weekly_course_getting_worse
from treatment.models import Administration, ClinicianGrade, Course


def record_url(patient) -> str:
    return f"/clinician/patients/{patient.pk}/"


@pytest.fixture
def treated(clinic):
    """clinic.patient on a weekly course getting worse (see `weekly_course_getting_worse`)."""
    return weekly_course_getting_worse(clinic.patient, clinic.clinician)


def cycle_rows(page: str) -> list[str]:
    table = re.search(r'<table class="entries compact cycles">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


def test_the_record_page_shows_the_cycles_with_rising_and_disagreement_in_words(client, clinic, treated):
    client.force_login(clinic.clinician)
    response = client.get(record_url(clinic.patient))
    page = response.content.decode()
    newest, first = cycle_rows(page)
    assert newest.startswith("Cycle 2") and "▲ rising" in newest and "◆ patient and clinician disagree" in newest
    assert first.startswith("Cycle 1") and "rising" not in first and "✓ yes" in first  # settled before cycle 2
    assert "Review before the next dose" in page and "Rising: cycle 2" in page
    overlay = json.loads(re.search(r'<script id="overlay-\d+" type="application/json">(.*?)</script>', page,
                                   re.S).group(1))
    assert [line["name"] for line in overlay["data"]] == ["Cycle 1 (100%)", "Cycle 2 (100%)"]
    assert overlay["data"][0]["y"] == [1] * 7 and overlay["data"][1]["y"] == [5] * 6
    assert overlay["data"][1]["line"]["width"] > overlay["data"][0]["line"]["width"]  # the newest stands out
    trend = response.context["figure"]
    assert [note["text"] for note in trend["layout"]["annotations"]] == [
        "Cycle 1 · 100%", "Cycle 2 · 100%"]  # the planned dose is beyond the chart
    review = Alert.objects.get(patient=clinic.patient, kind="dose_review")
    assert review.administration.date == clinic.patient.local_today() + timedelta(days=2)


def test_a_clinician_adds_a_course_plans_a_reduced_dose_and_records_a_grade(client, clinic):
    client.force_login(clinic.clinician)
    url = record_url(clinic.patient)
    response = client.post(url + "courses/", {"course-agent": "oxaliplatin", "course-regimen": "mFOLFOX6",
                                              "course-cycle_length_days": "14", "course-ended_on": ""})
    assert response.status_code == 302 and response["Location"].endswith("#treatment-heading")
    course = Course.objects.get(patient=clinic.patient)
    assert (course.agent, course.regimen, course.created_by) == ("oxaliplatin", "mFOLFOX6", clinic.clinician)
    planned = clinic.patient.local_today() + timedelta(days=2)
    response = client.post(url + "doses/", {"dose-course": course.pk, "dose-date": planned.isoformat(),
                                            "dose-dose_percent": "80", "dose-note": "Reduced after grade 2"})
    assert response.status_code == 302
    assert Administration.objects.get(course=course, date=planned).dose_percent == 80
    assert PatientStatus.objects.get(patient=clinic.patient).next_administration == planned
    response = client.post(url + "grades/", {"grade-date": clinic.patient.local_today().isoformat(),
                                             "grade-grade": "2", "grade-note": ""})
    assert response.status_code == 302
    assert ClinicianGrade.objects.get(patient=clinic.patient).recorded_by == clinic.clinician
    assert RecordAccess.objects.filter(actor=clinic.clinician, patient=clinic.patient,
                                       action__in=["changed_treatment", "recorded_grade"]).count() == 3
    page = client.get(url).content.decode()
    assert "Oxaliplatin (mFOLFOX6)" in page and "(80%)" in page


@pytest.mark.parametrize("path,data,field", [
    ("courses/", {"course-agent": "aspirin", "course-cycle_length_days": "14"}, "agent"),
    ("courses/", {"course-agent": "oxaliplatin", "course-cycle_length_days": "0"}, "cycle_length_days"),
    ("courses/", {"course-agent": "oxaliplatin", "course-cycle_length_days": "43"}, "cycle_length_days"),
    ("courses/", {"course-agent": "oxaliplatin", "course-cycle_length_days": "14", "course-regimen": "x" * 101},
     "regimen"),
    ("doses/", {"dose-date": "2026-02-30", "dose-dose_percent": "100"}, "date"),
    ("doses/", {"dose-date": "2026-12-01", "dose-dose_percent": "101"}, "dose_percent"),
    ("doses/", {"dose-date": "2026-12-01", "dose-dose_percent": "0"}, "dose_percent"),
    ("doses/", {"dose-date": "2026-12-01", "dose-dose_percent": "100", "dose-note": "x" * 501}, "note"),
    ("grades/", {"grade-date": "2026-12-01", "grade-grade": "5"}, "grade"),
    ("grades/", {"grade-date": "", "grade-grade": "2"}, "date"),
])
def test_bad_treatment_input_is_shown_next_to_its_field_and_nothing_changes(client, clinic, treated, path, data,
                                                                             field):
    client.force_login(clinic.clinician)
    if path == "doses/":
        data = {"dose-course": treated.pk, **data}
    before = (list(Course.objects.values()), list(Administration.objects.values()),
              list(ClinicianGrade.objects.values()))
    response = client.post(record_url(clinic.patient) + path, data)
    assert response.status_code == 400
    form = response.context["treatment_forms"][{"courses/": "course", "doses/": "dose", "grades/": "grade"}[path]]
    assert field in form.errors
    page = response.content.decode()
    assert f'id="id_{form.prefix}-{field}_error"' in page
    # At the top of the page too, with the field's label, linking to the message beside the field.
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert f'href="#id_{form.prefix}-{field}_error">{form.fields[field].label}</a>' in summary
    assert before == (list(Course.objects.values()), list(Administration.objects.values()),
                      list(ClinicianGrade.objects.values()))


def test_another_clinicians_patient_or_course_is_never_changed(client, clinic, treated):
    client.force_login(clinic.other_clinician)
    for path in ("", "courses/", "doses/", "grades/"):
        assert client.post(record_url(clinic.patient) + path, {}).status_code in (404, 405)
    other_course = Course.objects.create(patient=clinic.other_patient, agent="docetaxel", cycle_length_days=21)
    client.force_login(clinic.clinician)
    # clinic.clinician names the other clinician's course on their own patient's form: not a choice.
    response = client.post(record_url(clinic.patient) + "doses/", {
        "dose-course": other_course.pk, "dose-date": "2026-12-01", "dose-dose_percent": "100"})
    assert response.status_code == 400 and "course" in response.context["treatment_forms"]["dose"].errors
    assert not Administration.objects.filter(course=other_course).exists()
    client.force_login(clinic.patient)
    assert client.post(record_url(clinic.patient) + "grades/", {"grade-date": "2026-12-01",
                                                                "grade-grade": "1"}).status_code == 404


@pytest.mark.parametrize("language,expected", [("en", "Cycle 2, day 6 · next treatment on {day} {month}"),
                                               ("zh-hant", "第 2 週期第 6 天 · 下次治療：{month_zh}{day}日")])
def test_the_patient_sees_their_cycle_and_next_treatment_on_log(client, clinic, treated, language, expected):
    clinic.patient.language = language
    clinic.patient.save()
    client.force_login(clinic.patient)
    page = client.get("/log/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    line = " ".join(re.sub(r"<[^>]+>", " ", re.search(r'<p class="cycle-line">(.*?)</p>', page, re.S)
                           .group(1)).split())
    planned = clinic.patient.local_today() + timedelta(days=2)
    with translation.override("en"):
        month = f"{planned:%B}"
    assert line == expected.format(day=planned.day, month=month, month_zh=f"{planned.month}月")


def test_history_has_dose_lines_and_the_report_the_cycle_table(client, clinic, treated):
    client.force_login(clinic.patient)
    history = client.get("/history/")
    assert [note["text"] for note in history.context["figure"]["layout"]["annotations"]] == [
        "Cycle 1 · 100%", "Cycle 2 · 100%"]
    assert "Dotted vertical lines: treatment days" in history.content.decode()
    report = client.get("/report/").content.decode()
    assert "Treatment cycles" in report
    assert cycle_rows(report)[0].startswith("Cycle 2") and "▲ rising" in cycle_rows(report)[0]


def test_no_treatment_means_no_cycle_line_and_no_table(client, clinic):
    SymptomEntry.objects.create(patient=clinic.patient, date=clinic.patient.local_today(), numbness=2, pain=0,
                                hands=True)
    client.force_login(clinic.patient)
    assert 'class="cycle-line"' not in client.get("/log/").content.decode()
    assert "Treatment cycles" not in client.get("/report/").content.decode()


def test_once_acknowledged_the_review_shows_who_reviewed_it(client, clinic, treated):
    review = Alert.objects.get(patient=clinic.patient, kind="dose_review")
    acknowledge_alert(clinic.clinician, review.pk, note="Dose reduced to 80%")
    client.force_login(clinic.clinician)
    page = client.get(record_url(clinic.patient)).content.decode()
    assert "Reviewed before this dose by" in page and "Dose reduced to 80%" in page
    assert "⚑ Review before the next dose" not in page


def test_the_patient_reads_their_own_words_in_the_report_cycle_table(client, clinic, treated):
    clinic.patient.language = "zh-hant"
    clinic.patient.save()
    client.force_login(clinic.patient)
    report = client.get("/report/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "您的自評" in report and "病人自評" not in report
    row = cycle_rows(report)[-1]  # cycle 1: nothing limited
    assert "none" not in row and "無" in row
