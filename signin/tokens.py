"""API tokens (django-rest-knox): stored as hashes, expiring after API_TOKEN_DAYS, one per sign-in.

Every token of a person ends when their password changes, however it changes (their own settings, a
reset link, an admin, `changepassword`), and when their account is deactivated: both are caught where
the account is saved.
"""

from datetime import datetime
from typing import Any

from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User


def issue_token(user: User) -> tuple[str, datetime]:
    """A new token for `user` (the only time it exists in clear) and when it expires; their
    expired tokens are deleted."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user=user)
    return token, instance.expiry


def end_tokens(user: User) -> int:
    """End every API token of `user`; returns how many there were."""
    count, _by_model = AuthToken.objects.filter(user=user).delete()
    return count


def _note_credential_change(sender: type[User], instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    instance._tokens_must_end = False  # type: ignore[attr-defined]
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    stored = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is not None:
        instance._tokens_must_end = (  # type: ignore[attr-defined]
            stored["password"] != instance.password or (stored["is_active"] and not instance.is_active))


def _end_tokens_after_credential_change(sender: type[User], instance: User, **kwargs: Any) -> None:
    if getattr(instance, "_tokens_must_end", False):
        end_tokens(instance)
        instance._tokens_must_end = False  # type: ignore[attr-defined]


def connect_signals() -> None:
    pre_save.connect(_note_credential_change, sender=User, dispatch_uid="signin-note-credential-change")
    post_save.connect(_end_tokens_after_credential_change, sender=User, dispatch_uid="signin-end-tokens")
