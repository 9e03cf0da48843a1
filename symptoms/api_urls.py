from django.urls import path

from symptoms import api, export_api, quality_api, treatment_api

urlpatterns = [
    path("entries/", api.EntryListView.as_view(), name="api-entries"),
    path("entries/<str:date>/", api.EntryDayView.as_view(), name="api-entry-day"),
    path("assessment/", api.AssessmentView.as_view(), name="api-assessment"),
    path("patients/", api.PatientListView.as_view(), name="api-patients"),
    path("patients/<int:patient_id>/entries/", api.PatientEntriesView.as_view(), name="api-patient-entries"),
    path("patients/<int:patient_id>/entries/<str:date>/", api.PatientEntryDayView.as_view(),
         name="api-patient-entry-day"),
    path("patients/<int:patient_id>/assessment/", api.PatientAssessmentView.as_view(), name="api-patient-assessment"),
    path("alerts/", api.AlertListView.as_view(), name="api-alerts"),
    path("alerts/<int:alert_id>/acknowledge/", api.AlertAcknowledgeView.as_view(), name="api-alert-acknowledge"),
    path("treatment/", treatment_api.PatientTreatmentView.as_view(), name="api-treatment"),
    path("patients/<int:patient_id>/courses/", treatment_api.PatientCoursesView.as_view(), name="api-patient-courses"),
    path("courses/<int:course_id>/", treatment_api.CourseView.as_view(), name="api-course"),
    path("courses/<int:course_id>/administrations/<str:date>/", treatment_api.AdministrationView.as_view(),
         name="api-administration"),
    path("patients/<int:patient_id>/grades/", treatment_api.PatientGradesView.as_view(), name="api-patient-grades"),
    path("quality/", quality_api.QualityView.as_view(), name="api-quality"),
    path("export/", export_api.ExportView.as_view(), name="api-export"),
    path("patients/<int:patient_id>/export/", export_api.PatientExportView.as_view(), name="api-patient-export"),
]
