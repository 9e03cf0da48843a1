"""The clinician's pages cost a fixed number of queries, however many patients or entries there are."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import CareTeamMember, Role, User
from symptoms import evaluation
from symptoms.models import Alert, PatientStatus, RecordAccess, SymptomEntry
from tests.conftest import api_as
from tests.factories import ClinicianFactory
from treatment.models import Administration, ClinicianGrade, Course

# Every signed-in page: the session, the signed-in user, whether they have an authenticator (second factor),
# and the session's new end (idle timeout: an update in a savepoint, 3 statements). That is SIGNED_IN.
SIGNED_IN = 6
# Where every patient of the care team stands (plain values, one query), the page's rows with stored statuses
# and open-alert counts, the clinic policy (for the patients never assessed), the unread notices, and their
# alerts with patients.
DASHBOARD_QUERIES = SIGNED_IN + 5
# The patient (care-team check), own threshold, clinic policy, alerts (with who acknowledged and the dose they
# are about), stored status, the trend's entries, the entries shown, entry count, care team; then treatment:
# courses with their dose days (2), grades, the diary for the cycle summaries and the policy (own threshold,
# clinic policy); the latest changes to the diary (who entered what). (Plus the access log's row, counted apart.)
RECORD_QUERIES = SIGNED_IN + 9 + 6 + 1
# The care team with stored statuses and open-alert counts, and the clinic policy (for those never assessed);
# the API client is force-authenticated, so no session or user query.
API_PATIENTS_QUERIES = 2


def make_patients(prefix: str, count: int) -> list[User]:
    return User.objects.bulk_create([
        User(username=f"{prefix}{n}", first_name=f"{prefix.title()}{n}", last_name=f"Zz{n:04d}", role=Role.PATIENT,
             time_zone="Europe/London", password="!")
        for n in range(count)
    ])


def entries(patient: User, days: int, *, numbness: int = 2, fell_days_ago: int | None = None,
            skip_recent: int = 0) -> list[SymptomEntry]:
    today = patient.local_today()
    return [SymptomEntry(patient_id=patient.pk, date=today - timedelta(days=ago), numbness=numbness,
                         pain=(numbness + ago) % 4, hands=True, feet=ago % 2 == 0, fell=ago == fell_days_ago,
                         dropped_objects=ago % 5 == 0, notes="tingling" if ago % 3 == 0 else "")
            for ago in range(skip_recent, days)]


def care_team(clinician: User, prefix: str, count: int) -> list[User]:
    """`count` patients for one clinician, six kinds in turn: never assessed (no stored status), assessed but
    never logged, referral (open alert), a fall (open alert), not reporting lately, too few entries."""
    patients = make_patients(prefix, count)
    CareTeamMember.objects.bulk_create([CareTeamMember(patient=patient, clinician=clinician) for patient in patients])
    diary = []
    for n, patient in enumerate(patients):
        kind = n % 6
        if kind == 2:
            diary += entries(patient, 20, numbness=7)
        elif kind == 3:
            diary += entries(patient, 7, fell_days_ago=1)
        elif kind == 4:
            diary += entries(patient, 14, numbness=1, skip_recent=4)
        elif kind == 5:
            diary += entries(patient, 2)
    SymptomEntry.objects.bulk_create(diary)
    evaluation.evaluate_patients([patient.pk for n, patient in enumerate(patients) if n % 6])
    return patients


def count_queries(client, url: str, **params) -> tuple[int, object]:
    """The page's reads; its access-log rows must be one multi-row INSERT (SQLite splits it every ~140 rows)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    audit_table = RecordAccess._meta.db_table
    reads = [q for q in queries if audit_table not in q["sql"]]
    inserts = len(queries) - len(reads)
    logged = RecordAccess.objects.filter(actor=response.wsgi_request.user).count()
    assert inserts == 1 or (connection.vendor == "sqlite" and 1 <= inserts <= logged // 100 + 1), inserts
    return len(reads), response


@pytest.fixture
def two_teams(db) -> dict[int, tuple[User, list[User]]]:
    teams = {}
    for size in (10, 300):
        clinician = ClinicianFactory()
        teams[size] = clinician, care_team(clinician, f"team{size}p", size)
    statuses = PatientStatus.objects.filter(patient__in=teams[300][1])
    assert statuses.count() == 250  # one in six never assessed
    assert set(statuses.values_list("status", flat=True)) >= {"refer", "insufficient_data", "ok"}
    assert Alert.objects.filter(patient__in=teams[10][1], resolved_at__isnull=True).count() >= 2
    return teams


def test_the_dashboard_costs_the_same_for_10_and_300_patients(two_teams):
    counts = {}
    for size, (clinician, patients) in two_teams.items():
        client = Client()
        client.force_login(clinician)
        counts[size], response = count_queries(client, "/clinician/")
        body = response.content.decode()
        assert len(response.context["rows"]) == min(size, 50) == body.count('<th scope="row">')
        assert response.context["total"] == size
        assert response.context["notices"]  # the notice list is drawn too
        seen = []
        for number in range(1, response.context["page"].paginator.num_pages + 1):
            queries, page = count_queries(client, "/clinician/", page=number)
            assert queries == DASHBOARD_QUERIES
            seen += [row.patient.pk for row in page.context["rows"]]
        assert sorted(seen) == sorted(patient.pk for patient in patients)  # every patient on exactly one page
    assert counts == {10: DASHBOARD_QUERIES, 300: DASHBOARD_QUERIES}


def test_a_status_filter_costs_the_same(two_teams):
    clinician, _patients = two_teams[300]
    client = Client()
    client.force_login(clinician)
    for status in ("urgent", "refer", "not_reporting"):
        assert count_queries(client, "/clinician/", status=status)[0] == DASHBOARD_QUERIES


def test_the_patients_api_costs_the_same_for_10_and_300_patients(two_teams):
    """Reading costs the same; the access log is one multi-row INSERT (SQLite splits it every ~140 rows)."""
    counts = {}
    for size, (clinician, _patients) in two_teams.items():
        with CaptureQueriesContext(connection) as queries:
            response = api_as(clinician).get("/api/v1/patients/")
        assert response.status_code == 200 and len(response.json()) == size
        audit_table = RecordAccess._meta.db_table
        reads = [q for q in queries if audit_table not in q["sql"]]
        counts[size] = len(reads)
        assert RecordAccess.objects.filter(actor=clinician).count() == size
        inserts = len(queries) - len(reads)
        assert inserts == 1 or (connection.vendor == "sqlite" and inserts <= size // 100 + 1)
    assert counts == {10: API_PATIENTS_QUERIES, 300: API_PATIENTS_QUERIES}


@pytest.fixture
def diaries(db) -> tuple[User, dict[int, User]]:
    """One clinician; a patient with 30 days of entries and one with 365, each with open and closed alerts."""
    clinician, colleague = ClinicianFactory(), ClinicianFactory()
    by_days = dict(zip((30, 365), make_patients("diary", 2), strict=True))
    for days, patient in by_days.items():
        CareTeamMember.objects.bulk_create([CareTeamMember(patient=patient, clinician=clinician),
                                            CareTeamMember(patient=patient, clinician=colleague)])
        diary = entries(patient, days, numbness=6, fell_days_ago=1)
        for entry in diary[:3]:
            entry.numbness = 9  # severe, a second urgent alert
        SymptomEntry.objects.bulk_create(diary)
        course = Course.objects.create(patient=patient, agent="oxaliplatin", cycle_length_days=14)
        Administration.objects.bulk_create([Administration(course=course, date=patient.local_today() - timedelta(
            days=ago)) for ago in range(-2, days, 14)])  # every 14 days, the next in 2 days
        ClinicianGrade.objects.create(patient=patient, date=patient.local_today(), grade=2)
        evaluation.evaluate_patient(patient)
        fall = Alert.objects.get(patient=patient, kind="fall")
        Alert.objects.filter(pk=fall.pk).update(acknowledged_by=colleague, acknowledged_at=fall.opened_at,
                                                resolved_at=fall.opened_at, note="Seen in clinic.")
        assert Alert.objects.filter(patient=patient, resolved_at__isnull=True).exists()
    return clinician, by_days


@pytest.mark.parametrize("params", [{}, {"entries": "all"}], ids=["last-12-weeks", "all-entries"])
def test_a_patients_record_costs_the_same_for_30_and_365_days(diaries, params):
    clinician, by_days = diaries
    client = Client()
    client.force_login(clinician)
    counts = {}
    for days, patient in by_days.items():
        counts[days], response = count_queries(client, f"/clinician/patients/{patient.pk}/", **params)
        shown = days if params else min(days, 84)
        assert len(response.context["record"].entries) == shown
        assert response.content.decode().count('<td class="notes"') == shown
        assert len(response.context["treatment"].courses[0].cycles) == len(range(12, days, 14))  # given so far
    assert counts == {30: RECORD_QUERIES, 365: RECORD_QUERIES}
