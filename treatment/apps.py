from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "treatment"
    verbose_name = _("Treatment")
