"""The save path's plain SQL reads exactly what the ORM would."""

from decimal import Decimal

from symptoms import plain_sql
from symptoms.models import PatientStatus
from tests.factories import PatientFactory


def test_rows_read_back_typed_as_the_orm_reads_them(db):
    patient = PatientFactory()
    status = PatientStatus(patient=patient, as_of=patient.local_today(), status="watch",
                           weekly_average=Decimal("4.57"), previous_weekly_average=None, days_logged=6,
                           threshold=Decimal("4.00"), streak_days=3, streak_start=patient.local_today(),
                           urgent=["fall"], functional_impact="instrumental",
                           reasons=[{"code": "fall", "message": "A fall.", "params": {}}],
                           last_entry_date=patient.local_today())
    status.save()
    names = ["as_of", "weekly_average", "previous_weekly_average", "threshold", "urgent", "reasons", "updated_at"]
    fields = [plain_sql.field(PatientStatus, name) for name in names]
    [row] = plain_sql.read_rows(
        f"SELECT {', '.join(field.column for field in fields)}, 1 FROM {PatientStatus._meta.db_table}", [],
        [*fields, None])
    orm = PatientStatus.objects.values_list(*names).get()
    assert row[:-1] == list(orm) and row[-1] == 1
    assert row[1] == Decimal("4.57") and row[4] == ["fall"] and row[6].tzinfo is not None
