"""The save path's plain SQL writes and reads exactly what the ORM would."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from symptoms import plain_sql
from symptoms.models import PatientStatus, SymptomEntry
from tests.factories import PatientFactory


def test_an_upsert_creates_then_replaces_keeping_the_first_created_at(db):
    patient = PatientFactory()
    day = patient.local_today()
    first = SymptomEntry(patient=patient, date=day, numbness=3, pain=1, hands=True, notes="tingling")
    plain_sql.upsert([first], unique_fields=["patient", "date"], update_fields=["numbness", "notes", "updated_at"])
    stored = SymptomEntry.objects.get()
    assert stored.pk == first.pk
    assert (stored.numbness, stored.pain, stored.hands, stored.notes) == (3, 1, True, "tingling")
    assert timezone.now() - stored.created_at < timedelta(minutes=1) and stored.updated_at >= stored.created_at
    again = SymptomEntry(patient=patient, date=day, numbness=7, pain=5, hands=True, notes="")
    plain_sql.upsert([again], unique_fields=["patient", "date"], update_fields=["numbness", "notes", "updated_at"])
    replaced = SymptomEntry.objects.get()
    assert again.pk == stored.pk == replaced.pk
    assert (replaced.numbness, replaced.pain, replaced.notes) == (7, 1, "")  # pain was not in update_fields
    assert replaced.created_at == stored.created_at and replaced.updated_at > stored.updated_at


def test_rows_read_back_typed_as_the_orm_reads_them(db):
    patient = PatientFactory()
    status = PatientStatus(patient=patient, as_of=patient.local_today(), status="watch",
                           weekly_average=Decimal("4.57"), previous_weekly_average=None, days_logged=6,
                           threshold=Decimal("4.00"), streak_days=3, streak_start=patient.local_today(),
                           urgent=["fall"], functional_impact="instrumental",
                           reasons=[{"code": "fall", "message": "A fall.", "params": {}}],
                           last_entry_date=patient.local_today())
    plain_sql.upsert([status], unique_fields=["patient"], update_fields=["status"])
    names = ["as_of", "weekly_average", "previous_weekly_average", "threshold", "urgent", "reasons", "updated_at"]
    fields = [plain_sql.field(PatientStatus, name) for name in names]
    [row] = plain_sql.read_rows(
        f"SELECT {', '.join(field.column for field in fields)}, 1 FROM {PatientStatus._meta.db_table}", [],
        [*fields, None])
    orm = PatientStatus.objects.values_list(*names).get()
    assert row[:-1] == list(orm) and row[-1] == 1
    assert row[1] == Decimal("4.57") and row[4] == ["fall"] and row[6].tzinfo is not None
