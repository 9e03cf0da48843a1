"""The second factor (django-otp): an authenticator app (TOTP) and one-time recovery codes.

Who is asked for a code (STAFF_TWO_FACTOR): with `required`, clinicians and admins must enrol and then
give a code at every sign-in; with `optional`, whoever has enrolled gives one; with `off`, nobody.
"""

import base64
import math
from binascii import unhexlify

import django_otp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from signin import tokens

RECOVERY_CODE_COUNT = 10
STAFF_ROLES = (Role.CLINICIAN, Role.ADMIN)
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def must_enrol(user: User) -> bool:
    """Staff under `required` may not reach anything until they have an authenticator."""
    return settings.STAFF_TWO_FACTOR == "required" and user.role in STAFF_ROLES


def asks_for_code(user: User) -> bool:
    """Whether signing in as `user` takes a code as well as the password."""
    if settings.STAFF_TWO_FACTOR == "off":
        return False
    return must_enrol(user) or is_enrolled(user)


def may_turn_off(user: User) -> bool:
    return not must_enrol(user)


def authenticator_being_set_up(user: User, device_id: int | None) -> TOTPDevice:
    """The unconfirmed authenticator this session is setting up (`device_id`, kept in the session), or a
    new one with a new key. Any other unconfirmed one goes: a key someone else saw in another session
    before the person enrolled can never become their second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first() if device_id else None
    if device is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def setup_key(device: TOTPDevice) -> str:
    """The secret as authenticator apps ask for it when typed or pasted (base32, no padding)."""
    return base64.b32encode(unhexlify(device.key)).decode().rstrip("=")


def normalise_code(code: str) -> str:
    """Codes are accepted as typed or pasted: spaces and dashes are ignored, and case."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def confirm_authenticator(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator being set up if `code` comes from it; returns new recovery codes."""
    if not django_otp.verify_token(device.user, device.persistent_id, normalise_code(code)):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    device.confirmed = True
    # API tokens taken with the password alone end: from now on a token needs a code too.
    tokens.end_tokens(device.user)
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh one-time codes; the old ones stop working."""
    recovery, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    return codes


def _confirmed_devices(user: User) -> list[Device]:
    """The authenticator first, then the recovery codes: the order a code is tried in."""
    return [*TOTPDevice.objects.filter(user=user, confirmed=True),
            *StaticDevice.objects.filter(user=user, confirmed=True)]


def device_for_code(user: User, code: str) -> Device | None:
    """The device (authenticator, or a recovery code, used up now) that `code` belongs to, if any.

    Each device limits guessing on its own: after a wrong code it waits longer before trying again.
    """
    code = normalise_code(code)
    if not code:
        return None
    for device in _confirmed_devices(user):
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def seconds_to_wait(user: User) -> int:
    """After wrong codes, how long until the next one is even tried (each failure doubles the wait)."""
    now = timezone.now()
    waits = [0.0]
    for device in _confirmed_devices(user):
        allowed, details = device.verify_is_allowed()
        if not allowed and details and "locked_until" in details:
            waits.append((details["locked_until"] - now).total_seconds())
    return math.ceil(max(waits))


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def turn_off(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
