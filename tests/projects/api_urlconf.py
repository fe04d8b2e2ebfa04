"""Only the registry's API, for checking its part of the OpenAPI schema."""

from django.urls import include, path

urlpatterns = [path("api/v1/", include("projects.api_urls"))]
