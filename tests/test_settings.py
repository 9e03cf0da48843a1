"""Configuration from the environment: a bad value stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

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
    ("CACHE_URL", "memcached://127.0.0.1"), ("CACHE_URL", "db://"), ("LOGIN_ATTEMPTS", "0"),
    ("LOGIN_LOCKOUT_MINUTES", "soon"), ("SESSION_IDLE_MINUTES", "-5"), ("API_TOKEN_DAYS", "forever"),
    ("STAFF_TWO_FACTOR", "sometimes"), ("DJANGO_TRUSTED_PROXIES", "many"), ("DJANGO_TRUSTED_PROXIES", "-1"),
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


def test_sign_in_security_settings_come_from_the_environment():
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()), s.SESSION_COOKIE_AGE, "
            "s.REST_KNOX['TOKEN_TTL'].days, s.STAFF_TWO_FACTOR, s.REST_FRAMEWORK['NUM_PROXIES'], "
            "s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1], s.CACHES['default']['LOCATION'])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={
        **os.environ, "DJANGO_SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "cipn_tracker.settings",
        "LOGIN_ATTEMPTS": "3", "LOGIN_LOCKOUT_MINUTES": "60", "SESSION_IDLE_MINUTES": "10", "API_TOKEN_DAYS": "7",
        "STAFF_TWO_FACTOR": "Optional", "DJANGO_TRUSTED_PROXIES": "1", "CACHE_URL": "redis://127.0.0.1:6379/3"})
    assert result.stdout.split() == ["3", "3600", "600", "7", "optional", "1", "RedisCache", "redis://127.0.0.1:6379/3"]


def test_postgresql_connections_are_reused_checked_and_safe_behind_a_transaction_pooler():
    code = ("import django; django.setup(); from django.conf import settings as s; d = s.DATABASES['default']; "
            "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d['DISABLE_SERVER_SIDE_CURSORS'])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env={
        **os.environ, "DJANGO_SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "cipn_tracker.settings",
        "DATABASE_URL": "postgres://app@db.example.org:6432/cipn"})
    assert result.stdout.split() == ["60", "True", "True"], result.stderr


def test_the_embedded_cache_is_a_table_that_migrate_makes(transactional_db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                   "LOCATION": "cipn_cache_made_by_migrate"}}
    assert "cipn_cache_made_by_migrate" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)
    assert "cipn_cache_made_by_migrate" in connection.introspection.table_names()
    caches["default"].set("counter", 1)
    assert caches["default"].get("counter") == 1
    with connection.schema_editor() as editor:
        editor.execute("DROP TABLE cipn_cache_made_by_migrate")



def gunicorn_settings(**env: str) -> subprocess.CompletedProcess:
    """The production gunicorn config as gunicorn reads it: from anywhere (it is loaded before --chdir)."""
    code = (f"import runpy; s = runpy.run_path({str(ROOT / 'cipn_tracker' / 'gunicorn.conf.py')!r}); "
            "print(s['workers'], s['threads'], s['bind'], s['worker_class'])")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND")}
    return subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True,
                          env={**environment, **env})


def test_gunicorn_runs_a_threaded_process_per_core_unless_told_otherwise():
    assert gunicorn_settings().stdout.split() == [str(os.cpu_count()), "4", "127.0.0.1:8000", "gthread"]
    told = gunicorn_settings(WEB_CONCURRENCY="3", GUNICORN_THREADS="8", GUNICORN_BIND="0.0.0.0:9000")
    assert told.stdout.split() == ["3", "8", "0.0.0.0:9000", "gthread"]


@pytest.mark.parametrize("name,value", [("WEB_CONCURRENCY", "0"), ("WEB_CONCURRENCY", "many"),
                                        ("GUNICORN_THREADS", "65")])
def test_a_bad_gunicorn_value_stops_start_up_naming_it(name, value):
    result = gunicorn_settings(**{name: value})
    assert result.returncode != 0 and name in result.stderr
