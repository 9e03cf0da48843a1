"""The record access log: who looked at or changed which patient's record, and when.

Append-only (`RecordAccess` refuses updates). Every read of a patient's health
data by staff writes a row here once it has succeeded: the triage dashboard (a
row per patient shown), the record page, the API's patient list, entries,
assessments and alerts, and the admin's pages of entries, statuses, alerts and
thresholds; so does every acknowledgement and threshold change by a clinician.
(An admin's changes are in Django's own admin history too.)
`tests/test_access_log_coverage.py` walks every page to keep it so.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from django.utils import timezone

from accounts.models import User
from symptoms.models import RecordAccess, RecordAccessAction


def log_record_access(actor: User, patient: User, action: RecordAccessAction,
                      now: datetime | None = None) -> RecordAccess:
    """Write who looked at or changed which patient's record, and when, to the audit log."""
    return RecordAccess.objects.create(
        at=now or timezone.now(), actor=actor, actor_username=actor.username,
        patient=patient, patient_username=patient.username, action=action,
    )


class NamesPatient(Protocol):
    """A patient as a list shows them: a User, or a row read with their id and username."""

    @property
    def pk(self) -> int: ...

    @property
    def username(self) -> str: ...


def log_list_access(actor: User, patients: Iterable[NamesPatient], action: RecordAccessAction) -> None:
    """One access-log row per patient whose details a list handed over; one statement."""
    at = timezone.now()
    RecordAccess.objects.bulk_create([
        RecordAccess(at=at, actor=actor, actor_username=actor.username, patient_id=patient.pk,
                     patient_username=patient.username, action=action)
        for patient in patients
    ])
