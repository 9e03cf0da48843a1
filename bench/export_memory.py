"""Peak memory of the three downloads (CSV, JSON, FHIR) for diaries of 1 and 3 years: streaming keeps it flat.

    .venv/bin/python bench/export_memory.py [--years 1,3,6]

PostgreSQL in a database of its own: DATABASE_URL when it points at PostgreSQL, otherwise
postgres://postgres@127.0.0.1:5432/cipn_bench_export (created if missing; it must hold nothing but
this benchmark's patients). For each length it makes one patient with an entry every day (notes on
some, a weekly course of doses, a grade), then downloads each format through the API view as a
client does (the streamed body consumed a chunk at a time, never joined), measuring with
`tracemalloc` the peak of Python memory allocated during the download. It prints the bytes sent,
the peak, and the peak's ratio between the longest diary and the shortest that fills two pages of the
diary (`export.PAGE_SIZE` entries each; at most two are in memory at once): built in memory, that ratio
would follow the diary's length; streamed it stays near 1.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from assess_all import database_url, ensure_database, setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cipn_bench_export"
PREFIX = "bench-export-"
FORMATS = ("csv", "json", "fhir")


def make_patient(years: int):
    from accounts.models import Role, User
    from symptoms import evaluation
    from symptoms.models import SymptomEntry
    from treatment.models import Administration, ClinicianGrade, Course

    username = f"{PREFIX}{years}y"
    User.objects.filter(username=username).delete()
    patient = User.objects.create(username=username, role=Role.PATIENT, password="!", time_zone="Asia/Taipei")
    today, days = patient.local_today(), 365 * years
    SymptomEntry.objects.bulk_create([
        SymptomEntry(patient=patient, date=today - timedelta(days=ago), numbness=2 + ago % 5, pain=ago % 4,
                     hands=True, feet=ago % 2 == 0, dropped_objects=ago % 9 == 0,
                     notes="指尖刺麻，扣扣子很困難。" if ago % 6 == 0 else "")
        for ago in range(days)], batch_size=2_000)
    course = Course.objects.create(patient=patient, agent="paclitaxel", cycle_length_days=7)
    Administration.objects.bulk_create([Administration(course=course, date=today - timedelta(days=ago))
                                        for ago in range(0, 7 * 12, 7)])
    ClinicianGrade.objects.create(patient=patient, date=today, grade=2)
    evaluation.evaluate_patients([patient.pk])
    return patient, days


def measure(patient, kind: str) -> tuple[int, int, float]:
    """Bytes sent and the peak of memory allocated while the download is consumed chunk by chunk."""
    from rest_framework.test import APIRequestFactory, force_authenticate

    from symptoms.export_api import ExportView

    request = APIRequestFactory().get("/api/v1/export/", {"format": kind})
    force_authenticate(request, user=patient)
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    response = ExportView.as_view()(request)
    sent = sum(len(chunk) for chunk in response.streaming_content)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if response.status_code != 200:
        sys.exit(f"export_memory: {kind} answered {response.status_code}")
    return sent, peak, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", default="1,3,6", help="diary lengths in years (1,3,6)")
    years = sorted({int(value) for value in parser.parse_args().years.split(",")})
    url = database_url(DEFAULT_DATABASE_URL)
    ensure_database(url)
    setup_django(url, own_prefixes=(PREFIX,))
    patients = {length: make_patient(length) for length in years}
    print(f"{'format':<6} {'diary':>12} {'sent':>12} {'peak memory':>12} {'time':>8}")
    peaks: dict[str, dict[int, int]] = {kind: {} for kind in FORMATS}
    for kind in FORMATS:
        for length, (patient, days) in patients.items():
            measure(patient, kind)  # warm: imports and caches are not the download's
            sent, peak, elapsed = measure(patient, kind)
            peaks[kind][length] = peak
            print(f"{kind:<6} {days:>7,} days {sent / 1024:>9,.0f} KiB {peak / 1024:>9,.0f} KiB {elapsed:>7.2f}s")
    from symptoms.export import PAGE_SIZE

    # At most two pages are alive at once (the one being sent and the next): from two full pages on, flat.
    paged = [length for length in years if 365 * length >= 2 * PAGE_SIZE] or years
    shortest, longest = paged[0], years[-1]
    for kind in FORMATS:
        ratio = peaks[kind][longest] / peaks[kind][shortest]
        print(f"{kind}: peak at {longest} years / at {shortest} = {ratio:.2f} (the diary is {longest / shortest:.1f}x "
              "longer)")


if __name__ == "__main__":
    main()
