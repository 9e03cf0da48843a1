from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SymptomsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "symptoms"
    verbose_name = _("Symptom diary")

    def ready(self) -> None:
        # Lazy for Django's sake, not a circle: the builders use models, which exist only once apps are ready.
        from symptoms import emails  # noqa: PLC0415

        emails.register()
