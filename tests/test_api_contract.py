"""The OpenAPI schema is the contract, and schemathesis holds the API to it.

For every operation in /api/v1/schema/, as a patient and as a clinician (each signed in with a knox
token made here), schemathesis generates requests from the schema, valid and invalid, sends them to
the WSGI application (no server) and runs every one of its checks on each answer: no server error,
only documented statuses, content types and headers, bodies matching their schema, valid input
accepted and invalid input refused, authentication not ignored, undocumented methods refused.

`API_CONTRACT_CASES` (default 50, CI's minimum) is how many cases the fuzzing phase generates per
operation and role, on top of the schema's examples and the coverage phase's edge cases; the run
ends with a line saying how many cases were sent.
"""

import os
import time
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import schemathesis
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

from cipn_tracker.wsgi import application
from signin.tokens import issue_token
from symptoms import evaluation
from symptoms.models import Alert
from tests.conftest import REQUIRE_SERVICES
from tests.factories import TEST_PASSWORD, EntryFactory

CASES = int(os.environ.get("API_CONTRACT_CASES", "50"))
CI_MINIMUM_CASES = 50
SIGN_IN = "POST /api/v1/auth/token/"
SIGN_OUT = "DELETE /api/v1/auth/token/"

# Signing in with a well-formed body for an account that does not exist, or the wrong password, is a 400:
# the schema says what a request looks like, not which accounts exist. (Schemathesis allows this on its
# own for endpoints it recognises as handing out credentials, OAuth2's tokenUrl; a knox token is not one.)
CONFIG = schemathesis.Config.from_dict({"operations": [{
    "include-path": "/api/v1/auth/token/", "include-method": "POST",
    "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]}},
}]})
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)


# --- What the schema cannot say ----------------------------------------------------------------------------
# JSON Schema cannot say "no later than the patient's today" or "a day that can still be changed" (both
# move every day), so the dates generated are days of the past week, which every operation takes. Days
# outside are refused with a 400 naming the field: tests/symptoms/test_entries_api.py and
# test_assessment_api.py try them.

PATIENTS_ZONE = ZoneInfo("Europe/London")  # where the factories' patients live


def recent_day(days_ago: int) -> str:
    # "Today" is the patients', read when the case is drawn; the window's first and last days are left
    # out, so a run across midnight still draws only days that can be changed.
    return (timezone.now().astimezone(PATIENTS_ZONE).date() - timedelta(days=days_ago)).isoformat()


schemathesis.openapi.format(
    "date", st.integers(min_value=1, max_value=max(1, django_settings.SYMPTOM_BACKFILL_DAYS - 1)).map(recent_day))


def is_day(value: object) -> bool:
    try:
        date.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def keep_to_rules_across_fields(case) -> None:
    """Two rules span fields, which JSON Schema cannot state: `from` not after `to`, and an entry's
    `date`, when sent, the day in its URL. Valid values are put in order; invalid ones are left to be
    refused."""
    query = case.query if isinstance(case.query, dict) else {}
    if is_day(query.get("from")) and is_day(query.get("to")) and query["from"] > query["to"]:
        query["from"], query["to"] = query["to"], query["from"]
    path_day = (case.path_parameters or {}).get("date")
    if isinstance(case.body, dict) and is_day(case.body.get("date")) and is_day(path_day):
        case.body["date"] = path_day
    if case.media_type == "application/x-www-form-urlencoded" and isinstance(case.body, dict):
        # Schemathesis's WSGI transport leaves out form fields whose names are empty or unprintable, then
        # judges the answer against the body it meant to send: such a case tests the tool, not the app.
        # (The app's refusal of those names: tests/test_api_strict_input.py.)
        assume(all(isinstance(name, str) and name and name.isprintable() for name in case.body))


EXISTING: dict[str, object] = {}  # path parameter -> the id of an object the clinic has; the account signing in


@schema.hook
def before_generate_path_parameters(context, strategy):
    """Half the ids drawn name an object that exists (the clinic's patient, their open alert), so answers
    about real objects are held to the schema too, not only 404s."""
    return st.tuples(strategy, st.booleans()).map(lambda drawn: point_at_existing(*drawn))


def point_at_existing(parameters, existing: bool):
    if not (existing and isinstance(parameters, dict)):
        return parameters
    return {name: EXISTING[name] if name in EXISTING and isinstance(value, int) and value > 0 else value
            for name, value in parameters.items()}


@schema.hook
def before_generate_body(context, strategy):
    """Half the sign-ins drawn are for the account of the role under test, with its password (a code,
    when drawn, is not asked of it), so a token's answer is held to the schema too."""
    if context.operation.label != SIGN_IN:
        return strategy
    return st.tuples(strategy, st.booleans()).map(lambda drawn: as_the_account(*drawn))


def as_the_account(body, existing: bool):
    # Only a valid body is a plain dict here (an invalid one comes wrapped), so nothing invalid is mended.
    if not (existing and isinstance(body, dict) and isinstance(body.get("username"), str)
            and isinstance(body.get("password"), str)):
        return body
    return {**body, "username": EXISTING["username"], "password": TEST_PASSWORD}


# --- The run -----------------------------------------------------------------------------------------------

class ContractReport:
    """Counts the cases sent, and says so at the end of the run (visible with -q)."""

    def __init__(self) -> None:
        self.cases: Counter[tuple[str, str]] = Counter()
        self.statuses: Counter[int] = Counter()
        self.started = self.finished = time.monotonic()

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.cases:
            return
        operations = {operation for operation, _role in self.cases}
        fewest = min(self.cases, key=self.cases.__getitem__)
        terminalreporter.write_sep("-", "API contract (schemathesis)")
        terminalreporter.write_line(
            f"{sum(self.cases.values())} cases over {len(operations)} operations x {len(ROLES)} roles "
            f"in {self.finished - self.started:.0f} s; fuzzing up to {CASES} per operation and role; "
            f"fewest {self.cases[fewest]} ({' as '.join(fewest)})")
        terminalreporter.write_line("answers (checked and passed): " + ", ".join(
            f"{status} x {count}" for status, count in sorted(self.statuses.items())))


@pytest.fixture(scope="module")
def report(request) -> ContractReport:
    if REQUIRE_SERVICES and CASES < CI_MINIMUM_CASES:
        pytest.fail(f"API_CONTRACT_CASES={CASES}: CI runs at least {CI_MINIMUM_CASES} cases per operation and role")
    plugin = ContractReport()
    request.config.pluginmanager.register(plugin, "api-contract-report")
    return plugin


@contextmanager
def connection_kept_between_requests():
    """The WSGI handler closes the database connection after each request, as it should when serving;
    here that would end the test's transaction, so it is kept open (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


ROLES = ("patient", "clinician")


@pytest.fixture
def signed_in(clinic, role):
    """The clinic with entries on every other day of the past week (a fall yesterday, so an open alert),
    and the role's user with a token."""
    today = clinic.patient.local_today()
    for days_ago in (0, 1, 3, 5):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=2, fell=days_ago == 1)
    evaluation.evaluate_patient(clinic.patient)
    user = getattr(clinic, role)
    EXISTING.update(patient_id=clinic.patient.pk, alert_id=Alert.objects.get(patient=clinic.patient).pk,
                    username=user.username)
    with connection_kept_between_requests():
        yield user, issue_token(user)[0]
    EXISTING.clear()


def forget_sign_in_attempts() -> None:
    """The sign-in throttle (per address, per minute) and the lockout (per account and address) answer 429
    depending on earlier cases and on the clock; each generated sign-in starts with neither, so its answer
    depends on what it sends alone and a failure can be replayed. Both 429s are tested on their own:
    test_a_sign_in_refused_for_too_many_attempts_keeps_to_the_schema below, tests/signin/test_lockout.py."""
    cache.clear()
    AccessAttempt.objects.all().delete()


# Schemathesis calls the app through WSGI and reads the body as sent; gzip (tests/test_compression.py) aside.
UNCOMPRESSED = {"Accept-Encoding": "identity"}


@schema.parametrize()
# One clinic for all of an operation's cases, on purpose: what one case writes, the next may read or
# delete, as with a real client.
@settings(max_examples=CASES, suppress_health_check=[HealthCheck.function_scoped_fixture])
@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_to_the_schema(case, role, signed_in, report):
    user, token = signed_in
    if case.operation.label == SIGN_OUT:
        token = issue_token(user)[0]  # each case ends the token it is sent with
    if case.operation.label == SIGN_IN:
        forget_sign_in_attempts()
    keep_to_rules_across_fields(case)
    report.cases[case.operation.label, role] += 1
    response = case.call_and_validate(headers={"Authorization": f"Token {token}", **UNCOMPRESSED})
    report.statuses[response.status_code] += 1
    report.finished = time.monotonic()


# --- What the generated run leaves out, checked on its own -------------------------------------------------

def sign_in_case(username: str, password: str):
    return schema["/api/v1/auth/token/"]["POST"].Case(body={"username": username, "password": password},
                                                      media_type="application/json")


@pytest.mark.parametrize("cause", ["throttle", "lockout"])
def test_a_sign_in_refused_for_too_many_attempts_keeps_to_the_schema(clinic, cause):
    """A 429 answer, with its Retry-After, is as the schema says: from the per-address throttle (wrong
    passwords for many accounts) and from the lockout (for one account)."""
    with connection_kept_between_requests():
        for attempt in range(11):
            username = f"someone{attempt}" if cause == "throttle" else clinic.patient.username
            response = sign_in_case(username, "guess").call_and_validate(headers=UNCOMPRESSED)
            if response.status_code == 429:
                break
    assert response.status_code == 429 and int(response.headers["retry-after"][0]) > 0
    # the 11th attempt from one address; the LOGIN_ATTEMPTS-th wrong password for one account
    assert attempt + 1 == (11 if cause == "throttle" else django_settings.LOGIN_ATTEMPTS)


def test_ending_a_token_is_not_slowed_by_the_sign_in_throttle(clinic):
    with connection_kept_between_requests():
        answers = [schema["/api/v1/auth/token/"]["DELETE"].Case().call_and_validate(
            headers={"Authorization": f"Token {issue_token(clinic.patient)[0]}", **UNCOMPRESSED}).status_code
            for _ in range(12)]
    assert answers == [204] * 12


def test_every_parameter_is_typed_and_every_operation_documents_its_errors(client, db):
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                kind = parameter["schema"]
                if parameter["in"] == "path":
                    assert kind == ({"type": "string", "format": "date"} if parameter["name"] == "date"
                                    else {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}), (path, parameter)
                elif parameter["in"] == "query":
                    assert kind.get("format") == "date" or kind.get("enum"), (path, parameter)
                    assert kind["minLength"] == 1, "an empty value is refused"
            responses = operation["responses"]
            if operation.get("security") != [{}]:
                assert "401" in responses, (method, path)
            if "400" in responses:
                assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/BadInput")
            for status, answer in responses.items():
                assert status.startswith("2") or "content" in answer, ("an error has a body", method, path, status)
    assert paths["/api/v1/auth/token/"]["post"]["responses"]["429"]["headers"]["Retry-After"]["required"] is True
