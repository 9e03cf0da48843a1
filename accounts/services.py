"""Creating accounts and care teams (shared by `adduser`, `seed_demo` and the admin), and finding a
clinician's own patient."""

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import CareTeamMember, Role, User


@transaction.atomic
def create_account(
    username: str,
    role: str,
    password: str | None,
    *,
    clinician_usernames: Iterable[str] = (),
    time_zone: str | None = None,
    language: str | None = None,
    check_password: bool = True,
) -> User:
    """Create a user of `role`; a patient is joined to the named clinicians' care team.

    Raises ValidationError naming the offending field; nothing is saved then.
    """
    clinician_usernames = list(clinician_usernames)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user named %(name)s already exists.") % {"name": username}})
    if clinician_usernames and role != Role.PATIENT:
        raise ValidationError({"clinician": _("Only patients have a care team.")})
    user = User(username=username, role=role)
    if time_zone:
        user.time_zone = time_zone
    if language:
        user.language = language
    user.full_clean(exclude=["password"])
    if password is None:
        user.set_unusable_password()
    else:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise ValidationError({"password": error.messages}) from None
        user.set_password(password)
    user.save()
    add_to_care_team(user, clinician_usernames)
    return user


def add_to_care_team(patient: User, clinician_usernames: Iterable[str]) -> None:
    for name in clinician_usernames:
        clinician = User.objects.filter(username__iexact=name, role=Role.CLINICIAN).first()
        if clinician is None:
            raise ValidationError({"clinician": _("No clinician named %(name)s.") % {"name": name}})
        CareTeamMember.objects.get_or_create(patient=patient, clinician=clinician)


@transaction.atomic
def save_settings(account_form, preferences_form) -> None:
    """A person's own settings and email choices, saved together or not at all (forms already valid)."""
    account_form.save()
    preferences_form.save()


def care_team_patient(clinician: User, patient_id: int) -> User:
    """One of the clinician's own patients; anyone else's raises User.DoesNotExist (a 404 to the caller)."""
    if not clinician.is_clinician:
        raise User.DoesNotExist
    return clinician.patients.get(pk=patient_id)
