"""`manage.py adduser`: accounts from the command line, with clear refusals."""

import io
import sys

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.models import User

STRONG = "a-long-unusual-passphrase\n"


def adduser(*args, stdin: str = STRONG) -> str:
    out = io.StringIO()

    saved, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command("adduser", *args, "--password-stdin", stdout=out)
    finally:
        sys.stdin = saved
    return out.getvalue()


def test_patient_with_care_team_zone_and_language(clinic):
    out = adduser("mei", "--role", "patient", "--clinician", clinic.clinician.username,
                  "--clinician", clinic.other_clinician.username, "--timezone", "Asia/Taipei", "--language", "zh-hant")
    mei = User.objects.get(username="mei")
    assert (mei.role, mei.time_zone, mei.language) == ("patient", "Asia/Taipei", "zh-hant")
    assert set(mei.care_team.all()) == {clinic.clinician, clinic.other_clinician}
    assert authenticate(RequestFactory().post("/"), username="mei", password=STRONG.strip()) == mei
    assert "Created patient mei" in out


def test_clinician_names_match_ignoring_case(clinic):
    adduser("lee", "--role", "patient", "--clinician", clinic.clinician.username.upper())
    assert list(User.objects.get(username="lee").care_team.all()) == [clinic.clinician]


def test_patient_time_zone_defaults_to_the_clinics(db, settings):
    adduser("sam", "--role", "patient")
    assert User.objects.get(username="sam").time_zone == settings.TIME_ZONE


def test_admin_can_use_the_django_admin(db):
    adduser("boss", "--role", "admin")
    boss = User.objects.get(username="boss")
    assert boss.is_staff and boss.is_superuser


@pytest.mark.parametrize("args,stdin,words", [
    (["x", "--role", "patient", "--timezone", "Mars/Olympus"], STRONG, "time_zone"),
    (["x", "--role", "patient", "--clinician", "nobody"], STRONG, "No clinician named nobody"),
    (["x", "--role", "clinician", "--clinician", "anyone"], STRONG, "Only patients have a care team"),
    (["x", "--role", "patient"], "123\n", "password"),
    (["x", "--role", "patient"], "\n", "password is empty"),
])
def test_bad_arguments_are_refused_and_nothing_is_created(clinic, args, stdin, words):
    before = User.objects.count()
    with pytest.raises(CommandError, match=words):
        adduser(*args, stdin=stdin)
    assert User.objects.count() == before


def test_existing_username_is_refused(clinic):
    with pytest.raises(CommandError, match="already exists"):
        adduser(clinic.patient.username.upper(), "--role", "patient")


def test_unknown_role_is_refused(db):
    with pytest.raises(CommandError):
        adduser("x", "--role", "nurse")
