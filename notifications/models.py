"""The outbox: every notification is a row first, written with the event that causes it.

A worker sends what is pending; a sweep re-sends what a broker outage or a crash
left behind. The unique `key` makes a second attempt to create the same notification
a no-op, and a sent row is never sent again.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


class Kind(models.TextChoices):
    ALERT = "alert", _("Alert")
    WEEKLY_SUMMARY = "weekly_summary", _("Weekly summary")
    CLINICIAN_DIGEST = "clinician_digest", _("Weekly digest")
    REMINDER = "reminder", _("Reminder")
    PASSWORD_RESET = "password_reset", _("Password reset")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In the app")


class State(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("No longer needed")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # What this is about, as ids and dates only (e.g. {"alert_id": 7}); never health details.
    subject = models.JSONField(default=dict)
    key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # After a failed send: not before this (backoff). While sending: when the claim was made.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], condition=Q(state="pending"),
                                name="notification_pending")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False), name="notification_sent_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} notification {self.pk}"


def default_choices(role: str) -> dict[str, bool]:
    """The one default for each email choice, for someone who has not chosen: clinicians get alert
    emails, patients opt in to them; everyone gets the weekly email and (patients) reminders."""
    return {"email_alerts": role == Role.CLINICIAN, "email_weekly_summary": True, "email_reminders": True}


class Preferences(models.Model):
    """What each person wants by email; in-app notices are always kept.

    A choice left unset when the row is first saved takes its default from `default_choices`.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="notification_preferences")
    email_alerts = models.BooleanField(
        _("email me when an alert opens"),
        help_text=_("Clinicians: alerts about your patients. Patients: when your care team should be contacted."),
    )
    email_weekly_summary = models.BooleanField(_("email me a weekly summary on Monday morning"))
    email_reminders = models.BooleanField(_("email me a reminder when I have not logged by my reminder hour"))

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"preferences of user {self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        for name, default in default_choices(self.user.role).items():
            if getattr(self, name) is None:
                setattr(self, name, default)
        super().save(*args, **kwargs)
