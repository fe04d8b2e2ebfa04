"""/api/v1/: each business app adds its endpoints in its own ``api_urls.py``."""

from django.urls import include, path

from core.api_views import MeView

urlpatterns = [
    path("", include("projects.api_urls")),
    path("", include("decisions.api_urls")),
    path("", include("financing.api_urls")),
    path("", include("reporting.api_urls")),
    path("me/", MeView.as_view(), name="api-me"),
]
