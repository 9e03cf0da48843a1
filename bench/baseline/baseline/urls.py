from django.urls import path

from baseline.views import put_entry

urlpatterns = [path("api/v1/entries/<str:day>/", put_entry)]
