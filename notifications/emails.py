"""Emails from templates (text and HTML), in the recipient's language, linking back to the app.

Subjects never carry health details: what matters is behind a sign-in.
"""

from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from notifications.models import Kind, Notification
from symptoms import summaries
from symptoms.models import Alert, SymptomEntry
from symptoms.presenting import patient_summary


def build_email(notification: Notification) -> EmailMultiAlternatives | None:
    """The message for a notification, or None when it is no longer needed."""
    recipient = notification.recipient
    with translation.override(recipient.language):
        built = BUILDERS[notification.kind](notification)
        if built is None:
            return None
        subject, template, context = built
        context = {**context, "recipient": recipient, "site_url": settings.SITE_URL}
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def _alert(notification: Notification):
    alert = Alert.objects.select_related("patient").get(pk=notification.subject["alert_id"])
    if notification.recipient.is_patient:
        summary = patient_summary(_current(alert.patient))
        return _("A message from your CIPN Tracker"), "alert_patient", {"summary": summary, "path": "/log/"}
    return (_("A patient on your list needs attention"), "alert_clinician",
            {"alert": alert, "patient": alert.patient, "path": "/clinician/"})


def _weekly_summary(notification: Notification):
    patient = notification.recipient
    week = summaries.patient_week(patient, date.fromisoformat(notification.subject["today"]))
    return (_("Your weekly CIPN Tracker summary"), "weekly_summary",
            {"week": week, "summary": patient_summary(week["current"]), "path": "/history/"})


def _clinician_digest(notification: Notification):
    digest = summaries.clinician_digest(notification.recipient)
    return _("Your weekly patient digest"), "clinician_digest", {"digest": digest, "path": "/clinician/"}


def _reminder(notification: Notification):
    day = date.fromisoformat(notification.subject["day"])
    if SymptomEntry.objects.filter(patient=notification.recipient, date=day).exists():
        return None
    return _("A reminder to log today"), "reminder", {"day": day, "path": "/log/"}


def _current(patient) -> dict:
    from symptoms.services import current_status_values

    return current_status_values(patient)


BUILDERS = {
    Kind.ALERT: _alert,
    Kind.WEEKLY_SUMMARY: _weekly_summary,
    Kind.CLINICIAN_DIGEST: _clinician_digest,
    Kind.REMINDER: _reminder,
}
