from datetime import timedelta

import pytest

from symptoms import evaluation
from symptoms.models import Alert
from tests.factories import EntryFactory


@pytest.fixture
def fall_alert(clinic) -> Alert:
    """clinic.patient's open fall alert: a week of low scores with a fall yesterday."""
    today = clinic.patient.local_today()
    for days_ago in range(7):
        EntryFactory(patient=clinic.patient, date=today - timedelta(days=days_ago), numbness=2, fell=days_ago == 1)
    evaluation.evaluate_patient(clinic.patient)
    return Alert.objects.get(patient=clinic.patient)
