from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign_out"),
]
