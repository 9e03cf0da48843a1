"""A small clinic for every test: two patients, two clinicians, an admin."""

import os
import threading
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from rest_framework.test import APIClient

from notifications import services
from symptoms import evaluation
from symptoms.models import Alert
from tests.factories import AdminFactory, CareTeamMemberFactory, ClinicianFactory, EntryFactory, PatientFactory

# CI sets this: a test that needs PostgreSQL, Redis or Chromium then fails instead of skipping.
REQUIRE_SERVICES = os.environ.get("CIPN_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CIPN_REQUIRE_SERVICES=1: CI must not skip this)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A request leaves its reader's language active in the thread; the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Tests create many users; strong hashing is for real accounts, not fixtures.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def second_factor_optional(settings):
    # Most tests are about something else; the second-factor tests set `required` themselves.
    settings.STAFF_TWO_FACTOR = "optional"


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Throttle and limit counters live in the shared cache (a table, or Redis in CI): each test starts
    with none, so no test is throttled by another's attempts. (A test without the database cannot
    reach a cache table, and has no counters to clear.)"""
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        database = next((name for name in ("transactional_db", "db") if name in request.fixturenames), None)
        if database is None:
            yield
            return
        request.getfixturevalue(database)  # the table is reachable only once the test has its database
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    # The hashed manifest needs collectstatic; CI runs that as a separate step.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def dispatched(request, monkeypatch) -> list[list[int]]:
    """Notifications handed to workers, captured instead of published (tests marked real_broker publish)."""
    calls: list[list[int]] = []
    if "real_broker" not in request.keywords:
        monkeypatch.setattr(services, "dispatch", lambda ids: calls.append(list(ids)) or True)
    return calls


@pytest.fixture
def requires_postgres():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...")


@dataclass
class Clinic:
    patient: object
    other_patient: object
    clinician: object
    other_clinician: object
    admin: object


@pytest.fixture
def clinic(db) -> Clinic:
    clinician, other_clinician = ClinicianFactory(), ClinicianFactory()
    patient, other_patient = PatientFactory(), PatientFactory()
    CareTeamMemberFactory(patient=patient, clinician=clinician)
    CareTeamMemberFactory(patient=other_patient, clinician=other_clinician)
    return Clinic(patient, other_patient, clinician, other_clinician, AdminFactory())


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def fall_alert(clinic) -> Alert:
    """clinic.patient's open fall alert: a week of low scores with a fall yesterday."""
    today = clinic.patient.local_today()
    for days_ago in range(7):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=2, fell=days_ago == 1)
    evaluation.evaluate_patient(clinic.patient)
    return Alert.objects.get(patient=clinic.patient)


def at_once(*jobs) -> None:
    """Run each job in its own thread, all released together (each with its own database connection);
    fails the test with any job's error."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
