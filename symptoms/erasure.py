"""Erasing a patient who asks for it: everything the app holds about them goes, in one transaction.

Their entries, status, alerts (and every notification about them, to anyone), notifications,
threshold, courses with their dose days, grades, care-team memberships, email choices, API tokens,
second factors, sessions, lockout records and the admin's history of every one of those rows and of
their account; then the account
itself, so it can no longer sign in. The access log keeps its rows, with the patient's name replaced by
"erased patient #<their old id>" and marked erased, and records the erasure (who, when).

`REFERENCES` names every column in the database that points at a user, and what erasure does with it;
a test fails when a new one appears that is not named here.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp import devices_for_user
from knox.models import AuthToken

from accounts.models import CareTeamMember, User
from notifications.models import Notification, Preferences
from symptoms.models import (
    Alert,
    EntryChange,
    PatientStatus,
    PatientThreshold,
    RecordAccess,
    RecordAccessAction,
    SymptomEntry,
)
from treatment.models import Administration, ClinicianGrade, Course

# "app_label.model.field" of every relation to a user -> what erasure does with the patient's rows.
REFERENCES = {
    "symptoms.symptomentry.patient": "deleted",
    "symptoms.symptomentry.entered_by": "a clinician's: kept (the patient's entries go)",
    "symptoms.entrychange.patient": "deleted",
    "symptoms.entrychange.changed_by": "the patient's own or a clinician's: the patient's rows go",
    "symptoms.patientstatus.patient": "deleted",
    "symptoms.patientthreshold.patient": "deleted",
    "symptoms.patientthreshold.set_by": "a clinician's: kept",
    "symptoms.alert.patient": "deleted, with every notification about the alert",
    "symptoms.alert.acknowledged_by": "a clinician's: kept",
    "symptoms.recordaccess.patient": "kept, the patient's name replaced and the row marked erased",
    "symptoms.recordaccess.actor": "a member of staff's: kept",
    "treatment.course.patient": "deleted, with its administrations",
    "treatment.course.created_by": "a clinician's: kept",
    "treatment.cliniciangrade.patient": "deleted",
    "treatment.cliniciangrade.recorded_by": "a clinician's: kept",
    "accounts.careteammember.patient": "deleted",
    "accounts.careteammember.clinician": "a clinician's: kept",
    "notifications.notification.recipient": "deleted",
    "notifications.preferences.user": "deleted",
    "knox.authtoken.user": "deleted",
    "otp_totp.totpdevice.user": "deleted",
    "otp_static.staticdevice.user": "deleted",
    "admin.logentry.user": "a member of staff's: kept (entries about the patient's rows are deleted)",
    "accounts.user_groups.user": "deleted with the account",
    "accounts.user_user_permissions.user": "deleted with the account",
}


def erased_name(patient_id: int) -> str:
    return f"erased patient #{patient_id}"


def erase_patient(by: User, patient: User, confirm_username: str) -> None:
    """Erase `patient` for good, as the admin `by`, who typed the patient's username to confirm.

    Raises PermissionDenied unless `by` is an admin; ValueError when `patient` is not a patient or the
    username typed is not theirs (nothing is changed then).
    """
    if not by.is_clinic_admin:
        raise PermissionDenied
    if not patient.is_patient:
        raise ValueError("only a patient can be erased here")
    if confirm_username != patient.username:
        raise ValueError("the username typed is not the patient's")
    now = timezone.now()
    with transaction.atomic():
        patient = User.objects.select_for_update().get(pk=patient.pk)
        pk, username = patient.pk, patient.username
        alert_ids = list(Alert.objects.filter(patient=patient).values_list("pk", flat=True))
        Notification.objects.filter(subject__alert_id__in=alert_ids).delete()
        rows: list[QuerySet] = [
            Notification.objects.filter(recipient=patient),
            *(model.objects.filter(patient=patient) for model in (
                Alert, SymptomEntry, EntryChange, PatientStatus, PatientThreshold, ClinicianGrade, CareTeamMember)),
            Administration.objects.filter(course__patient=patient),
            Course.objects.filter(patient=patient),
            Preferences.objects.filter(user=patient), AuthToken.objects.filter(user=patient),
            User.objects.filter(pk=pk),
        ]
        for queryset in rows:  # the admin's history names these rows ("nurse.chen → <username>", …): it goes
            _forget_admin_history(queryset)
        for queryset in rows[:-1]:
            queryset.delete()
        for device in devices_for_user(patient, confirmed=None):
            _forget_admin_history(type(device).objects.filter(pk=device.pk))
            device.delete()
        _end_sessions(pk)
        _forget_lockouts(username)
        RecordAccess.objects.filter(patient=patient).update(patient=None, patient_username=erased_name(pk),
                                                            patient_erased=True)
        RecordAccess.objects.create(at=now, actor=by, actor_username=by.username, patient=None,
                                    patient_username=erased_name(pk), patient_erased=True,
                                    action=RecordAccessAction.ERASED_PATIENT)
        patient.delete()


def _forget_admin_history(queryset: QuerySet) -> None:
    """The admin's log entries about these rows."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
    if ids:
        LogEntry.objects.filter(content_type=content_type, object_id__in=ids).delete()


def _end_sessions(user_id: int) -> None:
    """Every session signed in as this user, expired ones too (sessions are stored in the database, the
    user's id inside)."""
    ended = [session.pk for session in Session.objects.iterator()
             if session.get_decoded().get("_auth_user_id") == str(user_id)]
    Session.objects.filter(pk__in=ended).delete()


def _forget_lockouts(username: str) -> None:
    """Lockout records, whatever the case of the username (attempts are stored in lower case)."""
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=username).delete()
