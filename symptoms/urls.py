from django.urls import path, register_converter

from symptoms import views
from symptoms.converters import IsoDateConverter

register_converter(IsoDateConverter, "isodate")

app_name = "symptoms"
urlpatterns = [
    path("log/", views.log_entry, name="log_today"),
    path("log/<isodate:day>/", views.log_entry, name="log_day"),
    path("history/", views.history, name="history"),
    path("clinician/", views.clinician_home, name="clinician_home"),
]
