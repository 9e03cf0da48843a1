"""Second factor (django-otp): with STAFF_TWO_FACTOR=required, clinicians and admins reach no patient
data until they have set up an authenticator, and then only with a valid code; recovery codes work once."""

import re
import time

import pyotp
import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from signin import two_factor
from tests.factories import TEST_PASSWORD

STAFF_PAGES = {"clinician": ["/clinician/", "/history/", "/settings/"], "admin": ["/admin/", "/admin/accounts/user/"]}


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR = "required"


def sign_in(user) -> tuple[Client, object]:
    client = Client()
    return client, client.post("/", {"username": user.username, "password": TEST_PASSWORD})


def authenticator(user) -> pyotp.TOTP:
    return pyotp.TOTP(two_factor.setup_key(TOTPDevice.objects.get(user=user)))


def code_for_next_step(totp: pyotp.TOTP) -> str:
    """A code the device has not seen yet: each code works once, and one step of clock drift is allowed."""
    return totp.at(time.time() + 30)


def a_moment_later(user) -> None:
    """After a wrong code each device waits a little (1 s, then 2 s, 4 s...) before it tries another."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=None)


def enrol(client, user) -> list[str]:
    page = client.get("/two-factor/")
    assert page.status_code == 200
    response = client.post("/two-factor/", {"password": TEST_PASSWORD, "code": authenticator(user).now()})
    assert response.status_code == 200, response.content.decode()
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_staff_not_yet_enrolled_reach_nothing_but_the_set_up_page(clinic, required, who):
    client, response = sign_in(getattr(clinic, who))
    assert response.status_code == 302
    for path in [response.url, *STAFF_PAGES[who]]:
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.url.startswith("/two-factor/?next="), path
    api = client.get("/api/v1/patients/")
    assert api.status_code == 401 and api.json()["detail"].startswith("Finish signing in")


def test_a_clinician_enrols_then_reaches_their_patients(clinic, required):
    client, _ = sign_in(clinic.clinician)
    codes = enrol(client, clinic.clinician)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/clinician/").status_code == 200
    assert client.get("/api/v1/patients/").status_code == 200


def test_a_wrong_code_does_not_enrol_and_says_so_next_to_the_field(clinic, required):
    client, _ = sign_in(clinic.clinician)
    client.get("/two-factor/")
    key_before = TOTPDevice.objects.get(user=clinic.clinician).key
    response = client.post("/two-factor/", {"password": TEST_PASSWORD, "code": "000000"})
    assert response.status_code == 400 and "That code did not match" in response.content.decode()
    device = TOTPDevice.objects.get(user=clinic.clinician)
    assert not device.confirmed and device.key == key_before  # the same key to try again with
    assert client.get("/clinician/").status_code == 302


def test_the_next_sign_in_needs_a_valid_code(clinic, required):
    first, _ = sign_in(clinic.clinician)
    enrol(first, clinic.clinician)
    client, response = sign_in(clinic.clinician)
    assert client.get(response.url).url.startswith("/two-factor/verify/")
    assert client.get("/clinician/").status_code == 302
    assert 'href="/clinician/"' not in client.get("/two-factor/verify/").content.decode()  # no menu yet
    wrong = client.post("/two-factor/verify/?next=/clinician/", {"code": "123456"})
    assert wrong.status_code == 400 and "That code did not work" in wrong.content.decode()
    assert "in 1 second" in wrong.content.decode()
    assert client.get("/clinician/").status_code == 302
    a_moment_later(clinic.clinician)
    right = client.post("/two-factor/verify/?next=/clinician/",
                        {"code": code_for_next_step(authenticator(clinic.clinician)), "next": "/clinician/"})
    assert right.status_code == 302 and right.url == "/clinician/"
    assert client.get("/clinician/").status_code == 200


def test_a_recovery_code_works_once(clinic, required):
    first, _ = sign_in(clinic.clinician)
    codes = enrol(first, clinic.clinician)
    client, _ = sign_in(clinic.clinician)
    assert client.post("/two-factor/verify/", {"code": codes[0].upper()}).status_code == 302
    assert client.get("/clinician/").status_code == 200
    again, _ = sign_in(clinic.clinician)
    assert again.post("/two-factor/verify/", {"code": codes[0]}).status_code == 400
    assert again.get("/clinician/").status_code == 302


def test_wrong_codes_in_a_row_wait_longer_each_time(clinic):
    client, _ = sign_in(clinic.patient)
    enrol(client, clinic.patient)
    other, _ = sign_in(clinic.patient)
    other.post("/two-factor/verify/", {"code": "000000"})
    TOTPDevice.objects.filter(user=clinic.patient).update(throttling_failure_timestamp=None)  # past the 1 s
    other.post("/two-factor/verify/", {"code": "000001"})
    # Now 2 s: even the right code is not tried yet.
    refused = other.post("/two-factor/verify/", {"code": code_for_next_step(authenticator(clinic.patient))})
    assert refused.status_code == 400 and "in 2 seconds" in refused.content.decode()


def test_setting_up_needs_the_password_and_a_wrong_one_counts_towards_the_lockout(clinic, required):
    client, _ = sign_in(clinic.clinician)
    client.get("/two-factor/")
    code = authenticator(clinic.clinician).now()
    wrong = client.post("/two-factor/", {"password": "not-it", "code": code})
    assert wrong.status_code == 400 and "That is not your password." in wrong.content.decode()
    assert not two_factor.is_enrolled(clinic.clinician)
    answers = [client.post("/two-factor/", {"password": f"guess-{n}", "code": code}).status_code for n in range(4)]
    assert answers == [400, 400, 400, 429]
    assert client.get("/two-factor/").status_code == 302  # signed out: the session cannot guess on


def test_a_key_seen_in_another_session_never_becomes_the_second_factor(clinic):
    """Someone with the password (or an unattended session) opens the set-up page and copies the key;
    when the person sets up their own, the key they get is a new one."""
    intruder, _ = sign_in(clinic.patient)
    intruder.get("/two-factor/")
    copied = authenticator(clinic.patient)
    owner, _ = sign_in(clinic.patient)
    enrol(owner, clinic.patient)
    assert authenticator(clinic.patient).secret != copied.secret
    assert TOTPDevice.objects.filter(user=clinic.patient).count() == 1
    later, _ = sign_in(clinic.patient)
    assert later.post("/two-factor/verify/", {"code": code_for_next_step(copied)}).status_code == 400


def test_a_pasted_code_with_spaces_works(clinic, required):
    client, _ = sign_in(clinic.clinician)
    client.get("/two-factor/")
    code = authenticator(clinic.clinician).now()
    pasted = f" {code[:3]} {code[3:]} "
    assert client.post("/two-factor/", {"password": TEST_PASSWORD, "code": pasted}).status_code == 200


def test_the_code_field_lets_password_managers_and_pasting_work(clinic, required):
    client, _ = sign_in(clinic.clinician)
    html = client.get("/two-factor/").content.decode()
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", html).group(0)
    assert 'autocomplete="one-time-code"' in field and 'type="text"' in field
    password = re.search(r"<input[^>]*name=\"password\"[^>]*>", html).group(0)
    assert 'autocomplete="current-password"' in password
    assert "onpaste" not in html and 'maxlength="6"' not in field
    assert two_factor.setup_key(TOTPDevice.objects.get(user=clinic.clinician)) in html  # to type or paste


def test_the_api_token_needs_the_code_for_staff(clinic, required):
    api = APIClient()
    body = {"username": clinic.clinician.username, "password": TEST_PASSWORD}
    not_enrolled = api.post("/api/v1/auth/token/", body, format="json")
    assert not_enrolled.status_code == 400 and "code" in not_enrolled.json()
    client, _ = sign_in(clinic.clinician)
    enrol(client, clinic.clinician)
    missing = api.post("/api/v1/auth/token/", body, format="json")
    assert missing.status_code == 400 and "code" in missing.json() and "token" not in missing.json()
    with_code = api.post("/api/v1/auth/token/", {**body, "code": code_for_next_step(authenticator(clinic.clinician))},
                         format="json")
    assert with_code.status_code == 200 and with_code.json()["token"]


def test_patients_are_not_asked_unless_they_enrol(clinic, required):
    client, response = sign_in(clinic.patient)
    assert client.get(response.url).status_code == 200
    enrol(client, clinic.patient)
    again, response = sign_in(clinic.patient)
    assert again.get(response.url).url.startswith("/two-factor/verify/")


def test_optional_lets_staff_in_with_the_password_alone(clinic, settings):
    settings.STAFF_TWO_FACTOR = "optional"
    client, response = sign_in(clinic.clinician)
    assert client.get("/clinician/").status_code == 200


def test_an_enrolled_patient_turns_it_off_with_a_code(clinic):
    client, _ = sign_in(clinic.patient)
    enrol(client, clinic.patient)
    refused = client.post("/two-factor/", {"action": "turn_off", "code": "000000"})
    assert refused.status_code == 400 and two_factor.is_enrolled(clinic.patient)
    a_moment_later(clinic.patient)
    code = code_for_next_step(authenticator(clinic.patient))
    done = client.post("/two-factor/", {"action": "turn_off", "code": code})
    assert done.status_code == 302 and not two_factor.is_enrolled(clinic.patient)


def test_staff_under_required_cannot_turn_it_off(clinic, required):
    client, _ = sign_in(clinic.clinician)
    enrol(client, clinic.clinician)
    page = client.get("/two-factor/")
    assert "Turn off" not in page.content.decode()
    client.post("/two-factor/", {"action": "turn_off", "code": code_for_next_step(authenticator(clinic.clinician))})
    assert two_factor.is_enrolled(clinic.clinician)


def test_new_recovery_codes_replace_the_old_ones(clinic):
    client, _ = sign_in(clinic.patient)
    old = enrol(client, clinic.patient)
    refused = client.post("/two-factor/", {"action": "new_codes", "code": ""})
    assert refused.status_code == 400 and "Enter the code" in refused.content.decode()
    code = code_for_next_step(authenticator(clinic.patient))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>",
                     client.post("/two-factor/", {"action": "new_codes", "code": code}).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other, _ = sign_in(clinic.patient)
    assert other.post("/two-factor/verify/", {"code": old[0]}).status_code == 400
    a_moment_later(clinic.patient)
    assert other.post("/two-factor/verify/", {"code": new[0]}).status_code == 302


def test_off_asks_nobody_and_hides_the_pages(clinic, settings):
    client, _ = sign_in(clinic.patient)
    enrol(client, clinic.patient)
    settings.STAFF_TWO_FACTOR = "off"
    again, response = sign_in(clinic.patient)
    assert again.get(response.url).status_code == 200
    assert again.get("/two-factor/").status_code == 404


def test_an_admin_removes_a_lost_authenticator_without_seeing_its_key(clinic, required):
    client, _ = sign_in(clinic.clinician)
    enrol(client, clinic.clinician)
    device = TOTPDevice.objects.get(user=clinic.clinician)
    admin, _ = sign_in(clinic.admin)
    enrol(admin, clinic.admin)
    page = admin.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert page.status_code == 200 and device.key not in page.content.decode()
    assert two_factor.setup_key(device) not in page.content.decode()
    admin.post("/admin/otp_totp/totpdevice/", {"action": "delete_selected", "_selected_action": [device.pk],
                                               "post": "yes"})
    assert not two_factor.is_enrolled(clinic.clinician)
    again, _ = sign_in(clinic.clinician)
    assert again.get("/clinician/").url.startswith("/two-factor/?next=")  # set up a new one


def test_setting_up_ends_api_tokens_taken_with_the_password_alone(clinic):
    api = APIClient()
    token = api.post("/api/v1/auth/token/", {"username": clinic.patient.username, "password": TEST_PASSWORD},
                     format="json").json()["token"]
    client, _ = sign_in(clinic.patient)
    enrol(client, clinic.patient)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/entries/").status_code == 401


def test_the_session_gets_a_new_id_once_the_code_is_given(clinic):
    first, _ = sign_in(clinic.patient)
    enrol(first, clinic.patient)
    client, _ = sign_in(clinic.patient)
    before = client.cookies["sessionid"].value
    client.post("/two-factor/verify/", {"code": code_for_next_step(authenticator(clinic.patient))})
    assert client.cookies["sessionid"].value != before
    assert client.get("/log/").status_code == 200
