"""Accounts: one user model with a role, personal preferences and care teams."""

import re
import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone."), params={"zone": value})


PHONE = re.compile(r"\+?[0-9][0-9 ()-]{2,30}")


def validate_phone(value: str) -> None:
    if not PHONE.fullmatch(value.strip()):
        raise ValidationError(_("Enter the number with digits, spaces, brackets or dashes, optionally starting "
                                "with +, e.g. +886 2 2312 3456."))


def tel_link(phone: str) -> str:
    """The `tel:` address of a number as written ("+886 2 2312-3456" → "tel:+886223123456")."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def clinic_time_zone() -> str:
    return settings.TIME_ZONE


class Role(models.TextChoices):
    PATIENT = "patient", _("Patient")
    CLINICIAN = "clinician", _("Clinician")
    ADMIN = "admin", _("Admin")


class ClinicUserManager(UserManager):
    def get_by_natural_key(self, username: str):
        # Usernames are unique ignoring case, so "Nurse.Chen" signs in as nurse.chen.
        return self.get(username__iexact=username)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PATIENT)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=clinic_time_zone, validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    reminder_hour = models.PositiveSmallIntegerField(
        _("reminder hour"),
        default=19,
        validators=[MaxValueValidator(23), MinValueValidator(0)],
        help_text=_("Hour of the day (0–23, own time zone) for the daily logging reminder."),
    )
    care_team = models.ManyToManyField(
        "self",
        through="CareTeamMember",
        through_fields=("patient", "clinician"),
        symmetrical=False,
        related_name="patients",
        blank=True,
        verbose_name=_("care team"),
    )

    objects = ClinicUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ignoring_case"),
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_known"
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_hour__lte=23), name="user_reminder_hour_0_23"
            ),
        ]

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    @property
    def is_clinician(self) -> bool:
        return self.role == Role.CLINICIAN

    @property
    def is_clinic_admin(self) -> bool:
        """Runs the clinic: the admin role, or a superuser (made with `createsuperuser`)."""
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self, now: datetime | None = None) -> date:
        """The calendar date it is now where this person lives."""
        return local_today(self.time_zone, now)

    def save(self, *args, **kwargs) -> None:
        # A superuser made with `createsuperuser` is a clinic admin. After that the
        # role decides: admins run the clinic in /admin/; losing the role loses access.
        if self._state.adding and self.is_superuser:
            self.role = Role.ADMIN
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.username)


def local_today(time_zone: str, now: datetime | None = None) -> date:
    """The calendar date it is now in a zone (for lists read as plain values, without User objects)."""
    return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def display_name(first_name: str, last_name: str, username: str) -> str:
    """A person's name as every page shows it: their full name, else their username."""
    return f"{first_name} {last_name}".strip() or username


class CareTeamMember(models.Model):
    """A clinician responsible for a patient; a patient may have several."""

    patient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="care_team_memberships",
        limit_choices_to={"role": Role.PATIENT},
    )
    clinician = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="patient_memberships",
        limit_choices_to={"role": Role.CLINICIAN},
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("care team member")
        constraints = [
            models.UniqueConstraint(fields=["patient", "clinician"], name="care_team_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.clinician} → {self.patient}"

    def clean(self) -> None:
        errors = {}
        if self.patient_id and self.patient.role != Role.PATIENT:
            errors["patient"] = _("Only a patient can have a care team.")
        if self.clinician_id and self.clinician.role != Role.CLINICIAN:
            errors["clinician"] = _("Only a clinician can be on a care team.")
        if errors:
            raise ValidationError(errors)


class ClinicContact(models.Model):
    """How a patient reaches their care team: there is exactly one, edited by admins in both languages."""

    name_en = models.CharField(_("clinic name (English)"), max_length=120, blank=True)
    name_zh_hant = models.CharField(_("clinic name (Traditional Chinese)"), max_length=120, blank=True)
    phone = models.CharField(
        _("telephone"), max_length=32, blank=True, validators=[validate_phone],
        help_text=_("As patients should dial it, e.g. +886 2 2312 3456 or 02 2312 3456."),
    )
    hours_en = models.CharField(_("opening hours (English)"), max_length=200, blank=True,
                                help_text=_("e.g. Monday to Friday, 8:30 to 17:30"))
    hours_zh_hant = models.CharField(_("opening hours (Traditional Chinese)"), max_length=200, blank=True)
    out_of_hours_en = models.TextField(
        _("out of hours and emergencies (English)"), max_length=500, blank=True,
        help_text=_("What to do when the clinic is closed, or in an emergency."),
    )
    out_of_hours_zh_hant = models.TextField(
        _("out of hours and emergencies (Traditional Chinese)"), max_length=500, blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("clinic contact")
        verbose_name_plural = _("clinic contact")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="clinic_contact_singleton")]

    def __str__(self) -> str:
        return str(_("How patients reach the clinic"))

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "ClinicContact":
        """The clinic's contact details; an unsaved empty one until an admin fills them in."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def in_language(self, field: str, language: str) -> str:
        """A text in the reader's language, else in the other one (better than nothing)."""
        wanted, other = ("zh_hant", "en") if language.lower().startswith("zh") else ("en", "zh_hant")
        return getattr(self, f"{field}_{wanted}") or getattr(self, f"{field}_{other}")
