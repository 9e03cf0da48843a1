"""Admins edit courses and their dose days; the patient is re-assessed at once, as from the record page."""

from datetime import timedelta

from symptoms.models import Alert, PatientStatus
from tests.factories import EntryFactory
from treatment.models import Course


def inline(prefix="administrations", rows=()):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for index, (day, dose) in enumerate(rows):
        data.update({f"{prefix}-{index}-date": day.isoformat(), f"{prefix}-{index}-dose_percent": str(dose),
                     f"{prefix}-{index}-note": ""})
    return data


def test_a_course_added_in_the_admin_reassesses_the_patient_and_its_removal_too(client, clinic):
    today = clinic.patient.local_today()
    for days_ago in range(10):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=5, pain=0)
    client.force_login(clinic.admin)
    response = client.post("/admin/treatment/course/add/", {
        "patient": clinic.patient.pk, "agent": "paclitaxel", "regimen": "", "cycle_length_days": "7",
        "ended_on": "", **inline(rows=[(today - timedelta(days=5), 100), (today + timedelta(days=2), 80)])})
    assert response.status_code == 302, response.context["adminform"].form.errors
    course = Course.objects.get(patient=clinic.patient)
    assert course.created_by == clinic.admin
    status = PatientStatus.objects.get(patient=clinic.patient)
    assert status.next_administration == today + timedelta(days=2) and status.needs_review
    assert Alert.objects.filter(patient=clinic.patient, kind="dose_review", resolved_at__isnull=True).count() == 1
    response = client.post(f"/admin/treatment/course/{course.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    status = PatientStatus.objects.get(patient=clinic.patient)
    assert status.next_administration is None and status.cycle is None and not status.needs_review
    assert not Alert.objects.filter(patient=clinic.patient, kind="dose_review", resolved_at__isnull=True).exists()
