from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SymptomsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "symptoms"
    verbose_name = _("Symptom diary")

    def ready(self) -> None:
        # Lazy for Django's sake, not a circle: the builders use models, which exist only once apps are ready.
        from symptoms import admin, emails  # noqa: PLC0415

        emails.register()
        # Every app's admin module has been read by now (the admin app comes first): the registered user
        # admin, whichever app last extended it, gains the erasure page.
        admin.add_erasure_to_the_user_admin()
