"""Pages and API answers are compressed for clients that ask, with random padding against BREACH."""

import gzip
import json
from datetime import timedelta

from django.test import Client

from tests.conftest import api_as
from tests.factories import EntryFactory


def test_a_page_is_gzipped_with_a_length_that_varies_from_answer_to_answer(clinic):
    today = clinic.patient.local_today()
    for days_ago in range(30):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=days_ago % 5)
    client = Client()
    client.force_login(clinic.patient)
    plain = client.get("/history/")
    assert plain.status_code == 200 and "Content-Encoding" not in plain  # nothing asked, nothing compressed
    lengths = set()
    for _ in range(12):
        response = client.get("/history/", headers={"accept-encoding": "gzip, deflate, br"})
        assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
        page = gzip.decompress(response.content).decode()
        assert "<h1" in page and "csrfmiddlewaretoken" in page
        assert len(response.content) < len(page) / 4
        lengths.add(len(response.content))
    # Django's Heal-the-Breach padding: 0-99 random bytes per answer (12 equal lengths: odds ~1e-22).
    assert len(lengths) > 1


def test_an_api_answer_is_gzipped_too(clinic):
    response = api_as(clinic.clinician).get("/api/v1/patients/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert [patient["id"] for patient in json.loads(gzip.decompress(response.content))] == [clinic.patient.pk]
