from django.urls import path, register_converter

from symptoms import clinician_views, views
from symptoms.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "symptoms"
urlpatterns = [
    path("log/", views.log_entry, name="log_today"),
    path("log/<isodate:day>/", views.log_entry, name="log_day"),
    path("history/", views.history, name="history"),
    path("report/", views.report, name="report"),
    path("clinician/", clinician_views.clinician_home, name="clinician_home"),
    path("clinician/quality/", clinician_views.quality_page, name="quality"),
    path("clinician/patients/<int:patient_id>/", clinician_views.patient_detail, name="patient_detail"),
    path("clinician/patients/<int:patient_id>/alerts/<int:alert_id>/acknowledge/", clinician_views.acknowledge,
         name="acknowledge_alert"),
    path("clinician/patients/<int:patient_id>/log/", clinician_views.log_on_behalf, name="log_on_behalf_today"),
    path("clinician/patients/<int:patient_id>/log/<isodate:day>/", clinician_views.log_on_behalf,
         name="log_on_behalf"),
    path("clinician/patients/<int:patient_id>/threshold/", clinician_views.set_threshold, name="set_threshold"),
    path("clinician/patients/<int:patient_id>/courses/", clinician_views.add_course, name="add_course"),
    path("clinician/patients/<int:patient_id>/doses/", clinician_views.record_dose, name="record_dose"),
    path("clinician/patients/<int:patient_id>/grades/", clinician_views.record_grade, name="record_grade"),
]
