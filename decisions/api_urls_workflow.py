from django.urls import path

from decisions import api_workflow as api

urlpatterns = [
    path(
        "cases/<int:pk>/transitions/",
        api.CaseTransitionsView.as_view(),
        name="api-case-transitions",
    ),
    path(
        "cases/<int:pk>/transition-log/",
        api.CaseTransitionLogView.as_view(),
        name="api-case-transition-log",
    ),
    path(
        "delegation-decisions/",
        api.DelegationDecisionListView.as_view(),
        name="api-delegation-decisions",
    ),
]
