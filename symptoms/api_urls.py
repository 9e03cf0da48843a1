from django.urls import path

from symptoms import api

urlpatterns = [
    path("entries/", api.EntryListView.as_view(), name="api-entries"),
    path("entries/<str:date>/", api.EntryDayView.as_view(), name="api-entry-day"),
    path("assessment/", api.AssessmentView.as_view(), name="api-assessment"),
    path("patients/", api.PatientListView.as_view(), name="api-patients"),
    path("patients/<int:patient_id>/entries/", api.PatientEntriesView.as_view(), name="api-patient-entries"),
    path("patients/<int:patient_id>/assessment/", api.PatientAssessmentView.as_view(), name="api-patient-assessment"),
    path("alerts/", api.AlertListView.as_view(), name="api-alerts"),
    path("alerts/<int:alert_id>/acknowledge/", api.AlertAcknowledgeView.as_view(), name="api-alert-acknowledge"),
]
