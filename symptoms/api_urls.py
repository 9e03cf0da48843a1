from django.urls import path

from symptoms import api

urlpatterns = [
    path("entries/", api.EntryListView.as_view(), name="api-entries"),
    path("entries/<str:day>/", api.EntryDayView.as_view(), name="api-entry-day"),
    path("assessment/", api.AssessmentView.as_view(), name="api-assessment"),
    path("alerts/", api.AlertListView.as_view(), name="api-alerts"),
    path("alerts/<int:alert_id>/acknowledge/", api.AlertAcknowledgeView.as_view(), name="api-alert-acknowledge"),
]
