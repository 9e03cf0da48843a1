"""One PUT of a day's entry, the least a real endpoint must do: find the token's owner (by the token's
prefix, then its hash, as knox does), parse and check the JSON, one INSERT … ON CONFLICT … RETURNING."""

import hashlib
import hmac
import json
from datetime import date

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

KEY_LENGTH = 15  # knox's CONSTANTS.TOKEN_KEY_LENGTH
FLAGS = ("dropped_objects", "balance_problems", "fine_motor_difficulty", "sleep_disturbed", "fell",
         "cold_sensitivity")
COLUMNS = ("numbness", "pain", "hands", "feet", *FLAGS, "notes")
UPSERT = (
    f"INSERT INTO baseline_entry (patient_id, date, {', '.join(COLUMNS)}, created_at, updated_at) "
    f"VALUES (%s, %s, {', '.join(['%s'] * len(COLUMNS))}, now(), now()) "
    f"ON CONFLICT (patient_id, date) DO UPDATE SET "
    f"{', '.join(f'{column} = EXCLUDED.{column}' for column in COLUMNS)}, updated_at = EXCLUDED.updated_at "
    f"RETURNING id, (xmax = 0)"
)


def token_owner(request: HttpRequest) -> int | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Token" or not token:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id, digest FROM baseline_token WHERE token_key = %s AND expiry > now()",
                       [token[:KEY_LENGTH]])
        rows = cursor.fetchall()
    digest = hashlib.sha512(token.encode()).hexdigest()
    return next((user_id for user_id, stored in rows if hmac.compare_digest(stored, digest)), None)


def score(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10


@csrf_exempt
def put_entry(request: HttpRequest, day: str) -> JsonResponse:
    if request.method != "PUT":
        return JsonResponse({"detail": "Method not allowed."}, status=405)
    patient_id = token_owner(request)
    if patient_id is None:
        return JsonResponse({"detail": "Invalid token."}, status=401)
    try:
        the_day = date.fromisoformat(day)
        values = json.loads(request.body)
    except ValueError:
        return JsonResponse({"detail": "Bad date or JSON."}, status=400)
    locations = values.get("locations", []) if isinstance(values, dict) else None
    if (not isinstance(locations, list) or not score(values.get("numbness")) or not score(values.get("pain"))
            or not set(locations) <= {"hands", "feet"}):
        return JsonResponse({"detail": "Invalid entry."}, status=400)
    row = [values["numbness"], values["pain"], "hands" in locations, "feet" in locations,
           *(bool(values.get(flag, False)) for flag in FLAGS), str(values.get("notes", ""))]
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [patient_id, the_day, *row])
        entry_id, created = cursor.fetchone()
    return JsonResponse({"id": entry_id, "date": the_day.isoformat(), "numbness": row[0], "pain": row[1]},
                        status=201 if created else 200)
