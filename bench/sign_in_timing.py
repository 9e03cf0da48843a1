"""Does a wrong password take as long for an account that does not exist as for one that does?

    .venv/bin/python bench/sign_in_timing.py [--rounds 40]

A wrong sign-in must not tell an attacker whether a username exists, by its answer or by its
time. This posts a wrong password to the sign-in page (`/`) and to the API token endpoint,
alternately for an existing account and for an unknown username, with the production password
hasher (PBKDF2, as configured), in a throw-away SQLite database. Each attempt names another
username of its kind, so no lockout or throttle is reached. It prints the median time of each
kind and their ratio (1.00 means the same); the answers' status codes are printed too, and must
be the same.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    database = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    os.environ.update({"DJANGO_SETTINGS_MODULE": "cipn_tracker.settings", "DJANGO_SECRET_KEY": "bench-only",
                       "DATABASE_URL": f"sqlite:///{database}", "CACHE_URL": "locmem://",
                       "CIPN_MANAGEMENT_COMMAND": "1"})
    import django  # noqa: PLC0415 (after the environment is set)

    django.setup()
    import logging  # noqa: PLC0415

    from django.core.management import call_command  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import setup_test_environment  # noqa: PLC0415
    from rest_framework.test import APIClient  # noqa: PLC0415

    from accounts.models import User  # noqa: PLC0415

    for noisy in ("django.request", "axes"):  # a line per refused attempt is not a figure
        logging.getLogger(noisy).setLevel(logging.ERROR)
    setup_test_environment()
    call_command("migrate", verbosity=0)
    for n in range(rounds):
        User.objects.create_user(f"patient{n}", password="the-right-passphrase-123")

    def page(username: str) -> int:
        return Client().post("/", {"username": username, "password": "wrong"}).status_code

    def api(username: str) -> int:
        return APIClient().post("/api/v1/auth/token/", {"username": username, "password": "wrong"},
                                format="json").status_code

    for name, attempt in [("sign-in page", page), ("API token", api)]:
        times: dict[str, list[float]] = {"existing": [], "unknown": []}
        answers: dict[str, set[int]] = {"existing": set(), "unknown": set()}
        attempt("warm-up")
        for n in range(rounds):
            for kind, username in [("existing", f"patient{n}"), ("unknown", f"nobody{n}")]:
                start = time.perf_counter()
                answers[kind].add(attempt(username))
                times[kind].append(time.perf_counter() - start)
            if name == "API token" and n % 4 == 3:
                from django.core.cache import cache  # noqa: PLC0415
                cache.clear()  # the per-address throttle (10 a minute) is not what is measured here
        existing, unknown = (statistics.median(times[k]) * 1000 for k in ("existing", "unknown"))
        print(f"{name:13} wrong password, median of {rounds}: existing account {existing:6.1f} ms, "
              f"unknown username {unknown:6.1f} ms, ratio {unknown / existing:.2f}; "
              f"answers {sorted(answers['existing'])} / {sorted(answers['unknown'])}")


if __name__ == "__main__":
    main()
