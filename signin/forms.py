from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from signin.password_reset import request_reset

# Authenticator apps, password managers and pasting all work here (WCAG 2.2, 3.3.8): a plain text
# field that says it takes a one-time code, with no limit that would cut a pasted code short.
CODE_WIDGET = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off",
                                     "spellcheck": "false"})


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=64, widget=CODE_WIDGET,
                           error_messages={"required": _("Enter the code from your authenticator app.")})


def password_matches(request, user, password: str) -> bool:
    """A password check that counts towards the lockout like signing in does (django-axes sees it)."""
    return authenticate(request, username=user.get_username(), password=password) is not None


class EnrolForm(CodeForm):
    """Setting up an authenticator asks for the password again: an unattended session is not enough."""

    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    field_order = ["password", "code"]

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password_matches(self.request, self.request.user, password):
            raise ValidationError(_("That is not your password."), code="password_incorrect")
        return password


class LockedPasswordChangeForm(PasswordChangeForm):
    """Django's form, with the old password checked as a sign-in is (so guesses are locked out)."""

    def __init__(self, request, *args, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not password_matches(self.request, self.user, old_password):
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email handed to the outbox instead of sent during the request."""

    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, *args, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            request_reset(user)
