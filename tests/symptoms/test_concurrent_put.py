"""Twenty simultaneous PUTs of the same day: one row, one 201, no server error (PostgreSQL)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from symptoms.models import SymptomEntry
from tests.conftest import api_as
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_simultaneous_puts_make_exactly_one_entry(requires_postgres):
    patient = PatientFactory()
    day = patient.local_today()
    start = threading.Barrier(20)
    statuses: list[int] = []

    def put(score: int) -> None:
        try:
            client = api_as(patient)
            start.wait()
            response = client.put(f"/api/v1/entries/{day.isoformat()}/",
                                  {"numbness": score % 11, "pain": 1, "locations": ["feet"]}, format="json")
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=put, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(statuses) == Counter({201: 1, 200: 19})
    assert SymptomEntry.objects.filter(patient=patient, date=day).count() == 1
