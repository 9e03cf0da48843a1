"""The loop closes: once a clinician acknowledges an alert, the patient sees that their care team saw it,
and when; colleagues' banners drop it."""

from datetime import timedelta

from django.utils import timezone

from notifications.models import Notification
from symptoms.alerts import SEEN_SHOWN_DAYS, acknowledge_alert
from symptoms.models import Alert


def status_panel(client, path="/log/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('class="status-panel'):page.index("</section>", page.index('class="status-panel'))]


def test_the_patient_sees_that_their_care_team_saw_the_alert_and_when(client, clinic, fall_alert):
    client.force_login(clinic.patient)
    assert "Your care team saw" not in status_panel(client)
    acknowledge_alert(clinic.clinician, fall_alert.pk, note="Private: spoke to the daughter")
    for path in ("/log/", "/history/"):
        panel = status_panel(client, path)
        assert "✓ Your care team saw the alert “Fall” on" in panel
        assert "Private" not in panel  # never the clinician's note


def test_in_chinese_too_and_only_for_two_weeks(client, clinic, fall_alert):
    clinic.patient.language = "zh-hant"
    clinic.patient.save()
    acknowledge_alert(clinic.clinician, fall_alert.pk)
    client.force_login(clinic.patient)
    assert "您的醫療團隊已於" in status_panel(client)
    Alert.objects.filter(pk=fall_alert.pk).update(
        acknowledged_at=timezone.now() - timedelta(days=SEEN_SHOWN_DAYS, minutes=1))
    assert "您的醫療團隊已於" not in status_panel(client)


def test_a_colleague_no_longer_sees_an_acknowledged_alert_as_new(client, clinic, fall_alert):
    colleague = clinic.other_clinician
    clinic.patient.care_team_memberships.create(clinician=colleague)
    Notification.objects.create(recipient=colleague, kind="alert", channel="in_app",
                                subject={"alert_id": fall_alert.pk}, key=f"alert:{fall_alert.pk}:{colleague.pk}:x")
    client.force_login(colleague)
    assert "1 new alert" in client.get("/clinician/").content.decode()
    acknowledge_alert(clinic.clinician, fall_alert.pk)
    assert "new alert" not in client.get("/clinician/").content.decode()


def test_the_dashboard_row_says_who_saw_it_and_drops_the_urgent_bar(client, clinic, fall_alert):
    client.force_login(clinic.clinician)
    row = next(line for line in client.get("/clinician/").content.decode().split("<tr ")[1:]
               if clinic.patient.display_name() in line)
    assert row.startswith('class="row-urgent') and "seen by" not in row
    acknowledge_alert(clinic.clinician, fall_alert.pk)
    row = next(line for line in client.get("/clinician/").content.decode().split("<tr ")[1:]
               if clinic.patient.display_name() in line)
    assert row.startswith('class="row-urgent-seen"')  # still an urgent signal this week, but handled
    assert f"✓ seen by {clinic.clinician.display_name()}," in row
