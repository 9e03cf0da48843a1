"""Configuration from the environment: a bad value stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cipn_tracker.env import env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DJANGO_SECRET_KEY": "x", **env}
    code = "import django; django.setup()"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={
        **environment, "DJANGO_SETTINGS_MODULE": "cipn_tracker.settings"}, capture_output=True, text=True)


@pytest.mark.parametrize("name,value", [
    ("SYMPTOM_BACKFILL_DAYS", "seven"), ("SYMPTOM_BACKFILL_DAYS", "-1"), ("DJANGO_DEBUG", "perhaps"),
    ("DATABASE_URL", "nosuchdb://x"), ("TIME_ZONE", "Moon/Base"), ("EMAIL_URL", "carrier-pigeon://x"),
    ("CELERY_BROKER_URL", "bogus"), ("SITE_URL", "cipn.example.org"),
])
def test_bad_value_stops_start_up_naming_the_variable(name, value):
    result = start_django(**{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_debug_is_off_and_a_secret_key_is_required_unless_asked_for():
    environment = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG")}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env={
        **environment, "DJANGO_SETTINGS_MODULE": "cipn_tracker.settings"}, capture_output=True, text=True)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_helpers_read_good_values(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    monkeypatch.setenv("X_DAYS", " 14 ")
    assert env_bool("X_FLAG") is True
    assert env_int("X_DAYS", 7, minimum=0) == 14
    monkeypatch.setenv("X_DAYS", "400")
    with pytest.raises(ImproperlyConfigured, match="X_DAYS must be at most 366"):
        env_int("X_DAYS", 7, maximum=366)


def test_email_url_file_path_is_absolute():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH)"],
        cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DJANGO_SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "cipn_tracker.settings",
             "EMAIL_URL": "file:///var/spool/cipn-mail"})
    assert result.stdout.split() == ["django.core.mail.backends.filebased.EmailBackend", "/var/spool/cipn-mail"]


def test_management_commands_run_without_a_secret_key_but_serving_does_not():
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG", "CIPN_MANAGEMENT_COMMAND")}
    check = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=environment,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr[-500:]
    serve = subprocess.run([sys.executable, "-c", "import cipn_tracker.wsgi"], cwd=ROOT, env=environment,
                           capture_output=True, text=True)
    assert serve.returncode != 0 and "DJANGO_SECRET_KEY" in serve.stderr
