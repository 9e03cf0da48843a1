"""Admins edit the clinic's referral policy; bad values are refused with a message."""

from decimal import Decimal

import pytest
from kombu.exceptions import OperationalError

from cipn_tracker.celery import app as celery_app
from symptoms import evaluation
from symptoms.models import ClinicPolicy

CHANGE_URL = "/admin/symptoms/clinicpolicy/1/change/"


def form(**changes):
    return {"threshold": "4.00", "min_days_per_week": "4", "persist_days": "14", "functional_days": "3",
            "review_days": "3", **changes}


def test_admin_sets_the_clinic_threshold(client, clinic, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr(evaluation, "schedule_full_reevaluation", lambda: queued.append(True) or True)
    client.force_login(clinic.admin)
    assert client.get("/admin/symptoms/clinicpolicy/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGE_URL, form(threshold="4.50", persist_days="21", review_days="5"))
    assert response.status_code == 302
    policy = ClinicPolicy.current()
    assert (policy.threshold, policy.persist_days, policy.review_days) == (Decimal("4.50"), 21, 5)
    assert queued == [True]  # everyone is re-assessed with the new policy


@pytest.mark.parametrize("field,value", [("threshold", "5.50"), ("threshold", "3.99"), ("min_days_per_week", "0"),
                                         ("persist_days", "100"), ("threshold", "abc"), ("review_days", "8"),
                                         ("review_days", "-1")])
def test_admin_out_of_range_value_is_refused_and_nothing_changes(client, clinic, field, value):
    ClinicPolicy.current()
    client.force_login(clinic.admin)
    response = client.post(CHANGE_URL, form(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert ClinicPolicy.current().threshold == Decimal("4.00")


def test_clinicians_and_patients_cannot_edit_the_policy(client, clinic):
    for who in ("clinician", "patient"):
        client.force_login(getattr(clinic, who))
        assert client.post(CHANGE_URL, form(threshold="5.00")).status_code == 302  # to the admin sign-in
    assert ClinicPolicy.current().threshold == Decimal("4.00")


def test_an_unreachable_queue_does_not_break_a_policy_change(db, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(celery_app, "send_task", refuse)
    assert evaluation.schedule_full_reevaluation() is False
    assert "nightly run" in caplog.text
