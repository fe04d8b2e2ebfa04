from django.urls import path

from decisions.workflow import api

urlpatterns = [
    # "cases/<int:pk>/transitions/" is financing.api.CaseTransitionsView (financing.api_urls).
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
