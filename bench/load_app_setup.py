"""The app side of bench/load.py, run inside the checkout being measured (not on its own).

    <app-dir>/.venv/bin/python bench/load_app_setup.py setup|sql [--sql]   (cwd: the app's directory)

`setup` empties the benchmark database's users (load.py has already refused a database holding
anyone else) and makes, through the checkout's own models: the PUT patients (UTC, 60 days, a third
in a long high streak) with a knox token each, two clinicians (50 and 2,000 patients), a patient
with 60 days and one with 1,000 days on both care teams, everyone evaluated once; it prints one
JSON object (tokens, session cookies, ids) on its last line. `sql` counts the statements of one
PUT that replaces an entry and one that creates one (real token authentication through the test
client) and prints them as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

# Run as a script, Python put bench/ first on the path: the checkout being measured comes first instead.
sys.path[0:1] = [os.getcwd()]

PREFIX = "load-"
PUT_PATIENTS = 200
DAYS = 60
LONG_DAYS = 1_000
BIG_TEAM = 2_000
SMALL_TEAM = 50
CHEAP_DAYS = 5
SQL_PATIENT = f"{PREFIX}sql-patient"


def today() -> date:
    return datetime.now(UTC).date()


def entry(model, patient_id: int, day, numbness: int, pain: int):
    return model(patient_id=patient_id, date=day, numbness=numbness, pain=pain,
                 hands=numbness > 0 or pain > 0, feet=numbness > 3)


def make_patients(user_model, role, names: list[str]) -> list[int]:
    user_model.objects.bulk_create([user_model(username=name, role=role, time_zone="UTC", password="!")
                                    for name in names])
    return list(user_model.objects.filter(username__in=names).order_by("id").values_list("id", flat=True))


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def setup() -> dict:
    from django.conf import settings
    from django.db import connection
    from knox.models import AuthToken

    from accounts.models import CareTeamMember, Role, User
    from symptoms.evaluation import evaluate_patients
    from symptoms.models import SymptomEntry

    started = time.perf_counter()
    with connection.cursor() as cursor:  # load.py refused the database unless every user is ours
        cursor.execute(f"TRUNCATE {User._meta.db_table} CASCADE")
        cursor.execute("TRUNCATE django_session")
    end = today()
    put_ids = make_patients(User, Role.PATIENT, [f"{PREFIX}put-{n:04}" for n in range(PUT_PATIENTS)])
    cheap_ids = make_patients(User, Role.PATIENT, [f"{PREFIX}team-{n:04}" for n in range(BIG_TEAM - 2)])
    short_id, long_id, sql_id = make_patients(User, Role.PATIENT, [f"{PREFIX}days-0060", f"{PREFIX}days-1000",
                                                                   SQL_PATIENT])
    small, big, rest = (User.objects.create(username=f"{PREFIX}clinician-{name}", role=Role.CLINICIAN,
                                            time_zone="UTC", password="!") for name in ("50", "2000", "put"))
    rows = []
    for index, patient_id in enumerate(put_ids + [short_id, sql_id]):
        streak = index % 3 == 0
        for back in range(DAYS):
            day = end - timedelta(days=back)
            numbness = 7 if streak else (index + back) % 6
            rows.append(entry(SymptomEntry, patient_id, day, numbness, (index + back) % 4))
    rows = [row for row in rows if not (row.patient_id == sql_id and row.date == end - timedelta(days=3))]
    for back in range(LONG_DAYS):
        rows.append(entry(SymptomEntry, long_id, end - timedelta(days=back), (back // 30) % 8, back % 3))
    for index, patient_id in enumerate(cheap_ids):
        for back in range(CHEAP_DAYS):
            rows.append(entry(SymptomEntry, patient_id, end - timedelta(days=back), (index + back) % 9, index % 3))
    SymptomEntry.objects.bulk_create(rows, batch_size=5_000)
    teams = [(small, put_ids[:SMALL_TEAM - 2]), (big, cheap_ids), (rest, put_ids[SMALL_TEAM - 2:] + [sql_id])]
    CareTeamMember.objects.bulk_create(
        [CareTeamMember(patient_id=p, clinician=c) for c, ids in teams for p in ids]
        + [CareTeamMember(patient_id=p, clinician=c) for c in (small, big) for p in (short_id, long_id)])
    tokens = [AuthToken.objects.create(User.objects.get(pk=patient_id))[1] for patient_id in put_ids]
    sql_token = AuthToken.objects.create(User.objects.get(pk=sql_id))[1]
    evaluate_patients(put_ids + cheap_ids + [short_id, long_id, sql_id])
    users = {user.pk: user for user in User.objects.filter(pk__in=[small.pk, big.pk, short_id, long_id])}
    return {
        "tokens": tokens, "sql_token": sql_token, "entries": len(rows),
        "patients": len(put_ids) + len(cheap_ids) + 3, "seconds": time.perf_counter() - started,
        "days": [(end - timedelta(days=back)).isoformat() for back in range(7)],
        "short_id": short_id, "session_cookie_name": settings.SESSION_COOKIE_NAME, "long_id": long_id,
        "sessions": {"clinician-50": session_cookie(users[small.pk]), "clinician-2000": session_cookie(users[big.pk]),
                     "patient-60": session_cookie(users[short_id]), "patient-1000": session_cookie(users[long_id])},
    }


def count_statements(token: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from symptoms.models import SymptomEntry

    patient = User.objects.get(username=SQL_PATIENT)
    created_day = today() - timedelta(days=3)
    SymptomEntry.objects.filter(patient=patient, date=created_day).delete()
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    body = json.dumps({"numbness": 6, "pain": 2, "locations": ["feet"], "fell": False})
    result = {}
    for label, day, expected in (("replace", today() - timedelta(days=1), 200), ("create", created_day, 201)):
        with CaptureQueriesContext(connection) as captured:
            response = client.put(f"/api/v1/entries/{day.isoformat()}/", body, content_type="application/json")
        if response.status_code != expected:
            sys.exit(f"load: the {label} PUT answered {response.status_code}, not {expected}: "
                     f"{response.content[:300]!r}")
        result[label] = [query["sql"] for query in captured.captured_queries]
    return result


def main() -> None:
    import django

    django.setup()
    mode = sys.argv[1]
    if mode == "setup":
        result = setup()
    elif mode == "sql":
        result = count_statements(sys.argv[2])
    else:
        sys.exit(f"load: unknown mode {mode!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    if not Path("manage.py").is_file():
        sys.exit("load: run me from the app's directory (the one with manage.py)")
    main()
