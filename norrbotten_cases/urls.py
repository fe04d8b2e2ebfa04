from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core import account_views, notification_views, oidc, views
from core.api_views import SchemaView
from decisions import urls as decisions_urls
from financing import views as financing_views

# The "decisions" namespace: the workflow's and the meetings' pages, and the endpoints that
# may move money (a case transition, a body's decision in a §, an appeal's outcome), which
# the financing app serves on the decisions' paths because only it may call both
# (ARCHITECTURE.md).
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
    path(
        "overklaganden/<int:pk>/avgjort/",
        financing_views.appeal_decide,
        name="appeal_decide",
    ),
    *decisions_urls.urlpatterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("mina-uppgifter/", notification_views.my_tasks, name="my_tasks"),
    path("mina-uppgifter/antal/", notification_views.header_counts, name="header_counts"),
    path("aviseringar/", notification_views.notification_list, name="notification_list"),
    path(
        "aviseringar/<int:pk>/las/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "aviseringar/las-alla/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "aviseringar/installningar/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", account_views.logout_view, name="logout"),
    path("accounts/profile/", account_views.profile, name="account_profile"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/logout-everywhere/", account_views.logout_everywhere, name="logout_everywhere"),
    path("accounts/api-tokens/", account_views.token_create, name="api_token_create"),
    path(
        "accounts/api-tokens/<str:digest>/revoke/",
        account_views.token_revoke,
        name="api_token_revoke",
    ),
    # OpenID Connect (core.oidc): 404 unless OIDC_RP_CLIENT_ID is set.
    path("oidc/authenticate/", oidc.AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # The pages without login (decisions/public/: notice board, its archive, e-diarium).
    path("", include("decisions.public.urls")),
    path("cases/", include("projects.urls")),
    path("workflow/", include((decisions_patterns, "decisions"))),
    path("finance/", include("financing.urls")),
    path("reports/", include("reporting.urls")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
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
