from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView

from core import views
from decisions import urls as decisions_urls
from financing import views as financing_views

# The "decisions" namespace: the workflow's and the meetings' pages, and the two endpoints
# that may move money (a case transition, a body's decision in a §), which the financing
# app serves on the decisions' paths because only it may call both (ARCHITECTURE.md).
decisions_patterns = [
    path(
        "cases/<int:pk>/transitions/<slug:name>/",
        financing_views.case_transition,
        name="workflow_transition",
    ),
    path(
        "paragrafer/<int:pk>/beslut/",
        financing_views.paragraph_decision,
        name="decision_record",
    ),
    *decisions_urls.urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("cases/", include("projects.urls")),
    path("workflow/", include((decisions_patterns, "decisions"))),
    path("finance/", include("financing.urls")),
    path("reports/", include("reporting.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("norrbotten_cases.api_urls")),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

admin.site.site_header = "Norrbotten Cases"
admin.site.site_title = "Norrbotten Cases"

if settings.BENCH_VIEWS:
    urlpatterns += [path("__bench__/bare/", views.bench_bare, name="bench_bare")]

if settings.DEBUG:
    urlpatterns += [path("__debug__/error500/", views.error_500)]
