"""Password reset by email (Django's views and tokens), sent through the outbox.

A request only records that an email is due; the worker writes the one-time link when it sends,
so the link is never stored, and the page answers at once and the same way whether or not the
address belongs to an account. A request the outbox could not send within an hour is dropped.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import User
from notifications import services
from notifications.emails import EmailContent, register_builder
from notifications.models import Channel, Kind, Notification

STALE_AFTER = timedelta(hours=1)


def request_reset(user: User) -> None:
    """Queue a reset email for `user` (called only for active accounts with that address)."""
    now = timezone.now()
    services.record([Notification(recipient=user, kind=Kind.PASSWORD_RESET, channel=Channel.EMAIL,
                                  subject={"requested_at": now.isoformat()},
                                  key=f"password-reset:{user.pk}:{secrets.token_hex(8)}")])


def reset_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def password_reset_email(notification: Notification) -> EmailContent | None:
    requested_at = parse_datetime(notification.subject["requested_at"])
    user = notification.recipient
    if requested_at is None or timezone.now() - requested_at > STALE_AFTER or not user.is_active:
        return None
    return EmailContent(_("Reset your CIPN Tracker password"), "signin/email/password_reset", reset_path(user),
                        {"username": user.get_username()})


def register() -> None:
    register_builder(Kind.PASSWORD_RESET, password_reset_email)
