"""Who may open each clinician and trend page and endpoint, and what the record access log keeps.

Every page and endpoint is tried as anonymous, the patient, another patient, a
clinician on the patient's care team, a clinician off it, and an admin.
Anything about one patient is a 404 (never a 403, never their name) to anyone
but their care team; each allowed look at or change to a record is logged once.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from symptoms import evaluation
from symptoms.models import Alert, PatientThreshold, RecordAccess, RecordAccessAction
from tests.conftest import api_as
from tests.factories import EntryFactory

SIGNED_IN = ["patient", "other_patient", "clinician", "other_clinician", "admin"]
OFF_THE_CARE_TEAM = ["patient", "other_patient", "other_clinician", "admin"]  # of clinic.patient
NO_SUCH_ID = 999_999
THRESHOLD_BEFORE, THRESHOLD_ASKED = Decimal("4.25"), "4.75"


@dataclass
class Record:
    """clinic.patient's record (distinctive names, an open fall alert, an own threshold) and the other's alert."""

    clinic: object
    alert: Alert
    other_alert: Alert

    @property
    def patient(self):
        return self.clinic.patient

    def secrets(self) -> list[str]:
        """What a refused response must not contain: anything naming the patient."""
        patient = self.patient
        return [patient.first_name, patient.last_name, patient.username, patient.display_name()]


def with_a_fall(patient) -> Alert:
    today = patient.local_today()
    for days_ago in range(7):
        EntryFactory(patient=patient, date=today - timedelta(days=days_ago), numbness=2, fell=days_ago == 1)
    evaluation.evaluate_patient(patient)
    return Alert.objects.get(patient=patient, kind="fall")


@pytest.fixture
def record(clinic) -> Record:
    for user, first, last, username in [(clinic.patient, "Zenobia", "Quillfeather", "zquillfeather"),
                                        (clinic.other_patient, "Ottoline", "Brackenbury", "obrackenbury")]:
        user.first_name, user.last_name, user.username = first, last, username
        user.save()
    PatientThreshold.objects.create(patient=clinic.patient, threshold=THRESHOLD_BEFORE)
    return Record(clinic, with_a_fall(clinic.patient), with_a_fall(clinic.other_patient))


def client_for(record: Record, who: str, url: str):
    """An API client for /api/ URLs, the browser's client for pages; signed in as `who` unless anonymous."""
    user = None if who == "anonymous" else getattr(record.clinic, who)
    if url.startswith("/api/"):
        return api_as(user) if user else APIClient()
    client = Client()
    if user:
        client.force_login(user)
    return client


@dataclass(frozen=True)
class Endpoint:
    """A page or endpoint about one patient; {patient}, {alert} and {today} are filled in."""

    name: str
    method: str
    path: str
    action: RecordAccessAction
    allowed_status: int
    data: dict | None = None

    def url(self, record: Record, patient_id: int | None = None, alert_id: int | None = None) -> str:
        return self.path.format(patient=patient_id or record.patient.pk, alert=alert_id or record.alert.pk,
                                today=record.patient.local_today().isoformat())

    def call(self, record: Record, who: str, **ids):
        url = self.url(record, **ids)
        client = client_for(record, who, url)
        if self.method == "get":
            return client.get(url)
        data = {key.format(alert=ids.get("alert_id") or record.alert.pk): value for key, value in self.data.items()}
        return client.post(url, data, format="json") if url.startswith("/api/") else client.post(url, data)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


RECORD_PAGE = Endpoint("record page", "get", "/clinician/patients/{patient}/", RecordAccessAction.VIEWED_RECORD, 200)
ACK_PAGE = Endpoint("acknowledge page", "post", "/clinician/patients/{patient}/alerts/{alert}/acknowledge/",
                    RecordAccessAction.ACKNOWLEDGED_ALERT, 302, {"alert-{alert}-note": "Phoned: bruised knee."})
THRESHOLD_PAGE = Endpoint("threshold page", "post", "/clinician/patients/{patient}/threshold/",
                          RecordAccessAction.CHANGED_THRESHOLD, 302, {"threshold": THRESHOLD_ASKED})
ENTRIES_API = Endpoint("entries API", "get", "/api/v1/patients/{patient}/entries/",
                       RecordAccessAction.VIEWED_ENTRIES_API, 200)
ASSESSMENT_API = Endpoint("assessment API", "get", "/api/v1/patients/{patient}/assessment/?as_of={today}",
                          RecordAccessAction.VIEWED_ASSESSMENT_API, 200)
ACK_API = Endpoint("acknowledge API", "post", "/api/v1/alerts/{alert}/acknowledge/",
                   RecordAccessAction.ACKNOWLEDGED_ALERT, 200, {"note": "Phoned: bruised knee."})
ONE_PATIENT = [RECORD_PAGE, ACK_PAGE, THRESHOLD_PAGE, ENTRIES_API, ASSESSMENT_API, ACK_API]
ONE_PATIENT_PARAMS = [pytest.param(endpoint, id=endpoint.name) for endpoint in ONE_PATIENT]

def refused_params(whos: list[str]) -> list:
    return [pytest.param(endpoint, who, id=f"{endpoint.name}-{who}") for endpoint in ONE_PATIENT for who in whos]


def assert_nothing_stored(record: Record) -> None:
    """No audit row, the alert still unacknowledged and the threshold as it was."""
    assert not RecordAccess.objects.exists()
    record.alert.refresh_from_db()
    assert (record.alert.acknowledged_at, record.alert.acknowledged_by, record.alert.note,
            record.alert.resolved_at) == (None, None, "", None)
    assert PatientThreshold.objects.get(patient=record.patient).threshold == THRESHOLD_BEFORE


def assert_not_found_without_the_name(response, record: Record) -> None:
    assert response.status_code == 404
    body = response.content.decode()
    for secret in record.secrets():
        assert secret not in body


# --- Anonymous ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("endpoint", ONE_PATIENT_PARAMS)
def test_anonymous_is_sent_to_sign_in_from_pages_and_gets_401_from_the_api(record, endpoint):
    response = endpoint.call(record, "anonymous")
    if endpoint.is_api:
        assert response.status_code == 401
    else:
        assert (response.status_code, response["Location"]) == (302, f"/?next={endpoint.url(record)}")
    assert_nothing_stored(record)


@pytest.mark.parametrize("url", ["/clinician/", "/history/", "/report/"])
def test_anonymous_is_sent_to_sign_in_from_the_role_pages(record, url):
    response = Client().get(url)
    assert (response.status_code, response["Location"]) == (302, f"/?next={url}")


@pytest.mark.parametrize("url", ["/api/v1/patients/", "/api/v1/alerts/", "/api/v1/alerts/?status=open"])
def test_anonymous_gets_401_from_the_list_endpoints(record, url):
    assert APIClient().get(url).status_code == 401


# --- One patient's record: only their care team ---------------------------------------------------------------

@pytest.mark.parametrize("endpoint,who", refused_params(OFF_THE_CARE_TEAM))
def test_anyone_off_the_care_team_gets_404_without_the_name_and_nothing_is_stored(record, endpoint, who):
    assert_not_found_without_the_name(endpoint.call(record, who), record)
    assert_nothing_stored(record)


@pytest.mark.parametrize("endpoint,who", refused_params(SIGNED_IN))
def test_an_unknown_patient_or_alert_is_404_for_everyone_signed_in(record, endpoint, who):
    unknown = {"alert_id": NO_SUCH_ID} if endpoint is ACK_API else {"patient_id": NO_SUCH_ID}
    assert endpoint.call(record, who, **unknown).status_code == 404
    assert_nothing_stored(record)


@pytest.mark.parametrize("who", ["patient", "other_patient", "admin"])
@pytest.mark.parametrize("alert", ["real", "unknown"])
def test_patients_and_admins_get_404_not_403_from_the_acknowledge_api(record, who, alert):
    alert_id = record.alert.pk if alert == "real" else NO_SUCH_ID
    response = ACK_API.call(record, who, alert_id=alert_id)
    assert_not_found_without_the_name(response, record)
    assert_nothing_stored(record)


def test_acknowledging_another_patients_alert_through_this_patients_page_is_404(record):
    response = ACK_PAGE.call(record, "clinician", alert_id=record.other_alert.pk)
    assert response.status_code == 404
    record.other_alert.refresh_from_db()
    assert record.other_alert.acknowledged_at is None
    assert_nothing_stored(record)


def test_an_unknown_alert_of_a_known_patient_is_404_on_the_acknowledge_page(record):
    assert ACK_PAGE.call(record, "clinician", alert_id=NO_SUCH_ID).status_code == 404
    assert_nothing_stored(record)


@pytest.mark.parametrize("endpoint", ONE_PATIENT_PARAMS)
def test_the_care_team_clinician_is_let_in_and_it_is_logged_once(record, endpoint):
    before = timezone.now()
    response = endpoint.call(record, "clinician")
    after = timezone.now()
    assert response.status_code == endpoint.allowed_status
    if response.status_code == 302:
        assert response["Location"] == f"/clinician/patients/{record.patient.pk}/"
    clinician, patient = record.clinic.clinician, record.patient
    [row] = RecordAccess.objects.all()
    assert (row.actor, row.actor_username, row.patient, row.patient_username, row.action) == (
        clinician, clinician.username, patient, patient.username, endpoint.action)
    assert before <= row.at <= after


@pytest.mark.parametrize("endpoint", [pytest.param(ACK_PAGE, id="page"), pytest.param(ACK_API, id="api")])
def test_the_care_team_clinicians_acknowledgement_is_stored(record, endpoint):
    endpoint.call(record, "clinician")
    alert = record.alert
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.note) == (record.clinic.clinician, "Phoned: bruised knee.")
    assert alert.acknowledged_at is not None and alert.resolved_at is not None  # a fall closes when acknowledged


def test_the_care_team_clinicians_threshold_is_stored(record):
    THRESHOLD_PAGE.call(record, "clinician")
    own = PatientThreshold.objects.get(patient=record.patient)
    assert (own.threshold, own.set_by) == (Decimal(THRESHOLD_ASKED), record.clinic.clinician)


@pytest.mark.parametrize("endpoint,data", [
    pytest.param(THRESHOLD_PAGE, {"threshold": "9"}, id="bad threshold"),
    pytest.param(ACK_PAGE, {"alert-{alert}-note": "x" * 2001}, id="note too long"),
])
def test_a_bad_form_that_shows_the_record_again_is_logged_as_a_view(record, endpoint, data):
    # The whole record (chart, entries, alerts) is shown again with the form's errors: that is a view.
    response = Endpoint(endpoint.name, "post", endpoint.path, endpoint.action, 400, data).call(record, "clinician")
    assert response.status_code == 400 and record.patient.last_name in response.content.decode()
    assert list(RecordAccess.objects.values_list("actor", "patient", "action")) == [
        (record.clinic.clinician.pk, record.patient.pk, RecordAccessAction.VIEWED_RECORD)]


def test_each_allowed_look_adds_its_own_row(record):
    for _ in range(2):
        RECORD_PAGE.call(record, "clinician")
    ENTRIES_API.call(record, "clinician")
    assert list(RecordAccess.objects.order_by("id").values_list("action", flat=True)) == [
        RecordAccessAction.VIEWED_RECORD, RecordAccessAction.VIEWED_RECORD, RecordAccessAction.VIEWED_ENTRIES_API]


# --- Role-level pages and lists --------------------------------------------------------------------------------

@pytest.mark.parametrize("url,who", [
    *[("/clinician/", who) for who in ("patient", "other_patient", "admin")],
    *[(url, who) for url in ("/history/", "/report/") for who in ("clinician", "other_clinician", "admin")],
    *[("/api/v1/patients/", who) for who in ("patient", "other_patient", "admin")],
    ("/api/v1/alerts/", "admin"),
])
def test_the_wrong_role_gets_403_from_a_role_page(record, url, who):
    assert client_for(record, who, url).get(url).status_code == 403
    assert not RecordAccess.objects.exists()


@pytest.mark.parametrize("url", ["/clinician/", "/api/v1/patients/"])
@pytest.mark.parametrize("who,own,others", [("clinician", "patient", "other_patient"),
                                            ("other_clinician", "other_patient", "patient")])
def test_a_clinician_sees_only_their_own_patients(record, url, who, own, others):
    response = client_for(record, who, url).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    own, others = getattr(record.clinic, own), getattr(record.clinic, others)
    assert own.display_name() in body
    assert others.display_name() not in body and others.last_name not in body
    if url.startswith("/api/"):
        assert [row["id"] for row in response.json()] == [own.pk]
    # each patient's status, averages and alerts were shown: one log row per patient, theirs only
    api = url.startswith("/api/")
    action = RecordAccessAction.VIEWED_PATIENT_LIST_API if api else RecordAccessAction.VIEWED_DASHBOARD
    assert list(RecordAccess.objects.values_list("actor", "patient", "action")) == [
        (getattr(record.clinic, who).pk, own.pk, action)]


@pytest.mark.parametrize("url", ["/history/", "/report/"])
@pytest.mark.parametrize("who", ["patient", "other_patient"])
def test_patients_open_their_own_history_and_report_and_nothing_is_logged(record, url, who):
    assert client_for(record, who, url).get(url).status_code == 200
    assert not RecordAccess.objects.exists()


@pytest.mark.parametrize("status", ["", "open", "resolved"])
@pytest.mark.parametrize("who,sees", [("patient", "alert"), ("clinician", "alert"),
                                      ("other_patient", "other_alert"), ("other_clinician", "other_alert")])
def test_the_alert_list_shows_only_alerts_the_caller_may_see(record, who, sees, status):
    response = client_for(record, who, "/api/v1/").get("/api/v1/alerts/", {"status": status} if status else {})
    assert response.status_code == 200
    expected = [] if status == "resolved" else [getattr(record, sees).pk]
    assert [alert["id"] for alert in response.json()] == expected
    # a clinician's read is logged, one row per patient whose alerts were handed over; a patient's own is not
    logged = [(getattr(record.clinic, who).pk, getattr(record, sees).patient_id, RecordAccessAction.VIEWED_ALERTS_API)]
    assert list(RecordAccess.objects.values_list("actor", "patient", "action")) == (
        logged if who.endswith("clinician") and expected else [])


# --- The audit log in the admin: read-only ------------------------------------------------------------------

@pytest.fixture
def logged(record) -> RecordAccess:
    RECORD_PAGE.call(record, "clinician")
    return RecordAccess.objects.get()


def admin_client(record) -> Client:
    client = Client()
    client.force_login(record.clinic.admin)
    return client


def row_values(row: RecordAccess) -> tuple:
    return tuple(RecordAccess.objects.filter(pk=row.pk).values_list(
        "at", "actor", "actor_username", "patient", "patient_username", "action").get())


def test_the_admin_sees_the_audit_log(record, logged):
    response = admin_client(record).get(reverse("admin:symptoms_recordaccess_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert logged.actor_username in body and logged.patient_username in body
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("who", ["clinician", "patient"])
def test_only_the_admin_opens_the_audit_log(record, logged, who):
    client = client_for(record, who, "/admin/")
    response = client.get(reverse("admin:symptoms_recordaccess_changelist"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_the_admin_cannot_add_to_the_audit_log(record, logged):
    client = admin_client(record)
    url = reverse("admin:symptoms_recordaccess_add")
    assert client.get(url).status_code == 403
    response = client.post(url, {"at_0": "2026-01-01", "at_1": "10:00:00", "actor_username": "forged",
                                 "patient_username": "forged", "action": "viewed_record"})
    assert response.status_code == 403
    assert list(RecordAccess.objects.all()) == [logged]


def test_the_admin_cannot_change_an_audit_row(record, logged):
    client = admin_client(record)
    url = reverse("admin:symptoms_recordaccess_change", args=[logged.pk])
    before = row_values(logged)
    response = client.post(url, {"at_0": "2020-01-01", "at_1": "10:00:00", "actor_username": "forged",
                                 "patient_username": "forged", "action": "changed_threshold"})
    assert response.status_code == 403
    assert row_values(logged) == before


def test_the_admin_cannot_delete_an_audit_row(record, logged):
    client = admin_client(record)
    delete_url = reverse("admin:symptoms_recordaccess_delete", args=[logged.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:symptoms_recordaccess_changelist")
    response = client.get(changelist)
    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(response.wsgi_request)
    client.post(changelist, {"action": "delete_selected", "_selected_action": [logged.pk], "post": "yes"})
    assert RecordAccess.objects.filter(pk=logged.pk).exists()


def test_a_stored_audit_row_cannot_be_saved_again(logged):
    logged.action = RecordAccessAction.CHANGED_THRESHOLD
    with pytest.raises(ValueError, match="append-only"):
        logged.save()
    assert RecordAccess.objects.get().action == RecordAccessAction.VIEWED_RECORD
