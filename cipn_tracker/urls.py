from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cipn_tracker.api import api_not_found
from education.api import ArticleListView
from signin.api import SignInTokenView

api_v1 = [
    path("auth/token/", SignInTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file of its own: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("symptoms.api_urls")),
    path("articles/", ArticleListView.as_view(), name="api-articles"),
    re_path(r"^.*$", api_not_found),
]

# Errors under /api/ are JSON (paths there that reach no view, and server errors); the site's pages elsewhere.
handler404 = "cipn_tracker.api.not_found"
handler500 = "cipn_tracker.api.server_error"

urlpatterns = [
    # One password change for everyone, the one that counts old-password guesses towards the lockout.
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("accounts.urls")),
    path("", include("signin.urls")),
    path("", include("notifications.urls")),
    path("", include("symptoms.urls")),
    path("", include("education.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
