"""Emails from templates (text and HTML), in the recipient's language, linking back to the app.

The outbox does not know what an email says: the app that records a kind of
notification registers a builder for it (`register_builder`), which returns the
subject, the templates and their context, and the page the email links to, or
None when the email is no longer needed. Subjects never carry health details:
what matters is behind a sign-in.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.models import Kind, Notification


@dataclass(frozen=True)
class EmailContent:
    """What a builder hands the outbox: `template` names the pair `<template>.txt` and `<template>.html`;
    `path` is the page the email's link opens, from reverse()."""

    subject: str
    template: str
    path: str
    context: Mapping[str, Any] = field(default_factory=dict)


Builder = Callable[[Notification], EmailContent | None]
_BUILDERS: dict[str, Builder] = {}


def register_builder(kind: Kind, builder: Builder) -> None:
    """The function that writes emails of `kind`; registered once, when the app that owns it is ready."""
    _BUILDERS[kind] = builder


def build_email(notification: Notification) -> EmailMultiAlternatives | None:
    """The message for a notification, or None when it is no longer needed."""
    builder = _BUILDERS.get(notification.kind)
    if builder is None:
        raise LookupError(f"no email builder is registered for {notification.kind!r} notifications")
    recipient = notification.recipient
    with translation.override(recipient.language):
        content = builder(notification)
        if content is None:
            return None
        context = {**content.context, "recipient": recipient, "site_url": settings.SITE_URL, "path": content.path,
                   "settings_path": reverse("settings")}
        text = render_to_string(f"{content.template}.txt", context)
        html = render_to_string(f"{content.template}.html", context)
    message = EmailMultiAlternatives(content.subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    return message
