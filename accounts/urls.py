from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("settings/", views.settings_page, name="settings"),
]
