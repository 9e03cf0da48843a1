from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig


class SigninConfig(AppConfig):
    """Sign-in security: lockouts, API tokens, the second factor and password reset, on top of
    accounts (who people are) and the outbox (which sends the reset email)."""

    default = True  # the app's own config, among the libraries' configs below
    default_auto_field = "django.db.models.BigAutoField"
    name = "signin"
    verbose_name = _("Sign-in security")

    def ready(self) -> None:
        # Lazy for Django's sake, not a circle: these use models, which exist only once apps are ready.
        from signin import password_reset, tokens  # noqa: PLC0415

        password_reset.register()
        tokens.connect_signals()
        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(**kwargs) -> None:
    """The embedded cache is a table in the app's database: `migrate` makes it (a no-op if it exists)."""
    from django.core.management import call_command  # noqa: PLC0415 (commands load the whole project)

    call_command("createcachetable", database=kwargs.get("using", "default"), verbosity=0)


# The libraries' apps, named in the admin in the clinic's words (and translated) rather than as
# "KNOX", "OTP_TOTP"... Each keeps its own label, models and tables.
class LockoutsConfig(AxesConfig):
    verbose_name = _("Sign-in attempts and lockouts")


class ApiTokensConfig(AppConfig):
    name = "knox"
    verbose_name = _("API tokens")


class AuthenticatorsConfig(TotpConfig):
    verbose_name = _("Second factor: authenticator apps")


class RecoveryCodesConfig(StaticConfig):
    verbose_name = _("Second factor: recovery codes")
