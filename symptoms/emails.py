"""What the symptom diary's emails say: a new alert (to the care team, or the patient), the patient's
weekly summary, the clinician's weekly digest and the reminder to log. A clinician's emails name no
patient and carry no figures unless the clinic sets EMAIL_HEALTH_DETAILS (email leaves our hands).
Each is registered with the outbox by kind when the app starts (`register`); templates are in
templates/symptoms/email/.
"""

from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.contact import care_team_contact
from notifications.emails import EmailContent, register_builder
from notifications.models import Kind, Notification
from symptoms import summaries
from symptoms.assessments import current_assessment
from symptoms.models import Alert, SymptomEntry
from symptoms.presenting import patient_summary

TEMPLATES = "symptoms/email/"


def alert_email(notification: Notification) -> EmailContent:
    alert = Alert.objects.select_related("patient").get(pk=notification.subject["alert_id"])
    if notification.recipient.is_patient:
        summary = patient_summary(current_assessment(alert.patient))
        return EmailContent(_("A message from your CIPN Tracker"), TEMPLATES + "alert_patient",
                            reverse("symptoms:log_today"),
                            {"summary": summary, "contact": care_team_contact(alert.patient)})
    return EmailContent(_("A patient on your list needs attention"), TEMPLATES + "alert_clinician",
                        reverse("symptoms:clinician_home"),
                        {"alert": alert, "patient": alert.patient, "health_details": settings.EMAIL_HEALTH_DETAILS})


def weekly_summary_email(notification: Notification) -> EmailContent:
    week = summaries.patient_week(notification.recipient, date.fromisoformat(notification.subject["today"]))
    return EmailContent(_("Your weekly CIPN Tracker summary"), TEMPLATES + "weekly_summary",
                        reverse("symptoms:history"), {"week": week, "summary": patient_summary(week.current),
                                                        "contact": care_team_contact(notification.recipient)})


def clinician_digest_email(notification: Notification) -> EmailContent:
    digest = summaries.clinician_digest(notification.recipient)
    return EmailContent(_("Your weekly patient digest"), TEMPLATES + "clinician_digest",
                        reverse("symptoms:clinician_home"),
                        {"digest": digest, "health_details": settings.EMAIL_HEALTH_DETAILS})


def reminder_email(notification: Notification) -> EmailContent | None:
    """None once the patient has logged that day: the reminder is no longer needed."""
    day = date.fromisoformat(notification.subject["day"])
    if SymptomEntry.objects.filter(patient=notification.recipient, date=day).exists():
        return None
    return EmailContent(_("A reminder to log today"), TEMPLATES + "reminder", reverse("symptoms:log_today"),
                        {"day": day})


def register() -> None:
    register_builder(Kind.ALERT, alert_email)
    register_builder(Kind.WEEKLY_SUMMARY, weekly_summary_email)
    register_builder(Kind.CLINICIAN_DIGEST, clinician_digest_email)
    register_builder(Kind.REMINDER, reminder_email)
