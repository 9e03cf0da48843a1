from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from signin.password_reset import request_reset

# Authenticator apps, password managers and pasting all work here (WCAG 2.2, 3.3.8): a plain text
# field that says it takes a one-time code, with no limit that would cut a pasted code short.
CODE_WIDGET = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autocapitalize": "off",
                                     "spellcheck": "false", "autofocus": True})


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=64, widget=CODE_WIDGET,
                           error_messages={"required": _("Enter the code from your authenticator app.")})


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email handed to the outbox instead of sent during the request."""

    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, *args, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            request_reset(user)
