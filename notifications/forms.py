from typing import Any

from django import forms

from notifications.models import Preferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["email_alerts", "email_weekly_summary", "email_reminders"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.user.is_patient:
            del self.fields["email_reminders"]
