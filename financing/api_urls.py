"""/api/v1/ endpoints of the financing app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from financing import api

router = SimpleRouter()
router.register("grants", api.GrantViewSet, basename="grant")
router.register("financing-plans", api.FinancingPlanViewSet, basename="financing-plan")
router.register("commitments", api.CommitmentViewSet, basename="commitment")
router.register("payments", api.PaymentViewSet, basename="payment")
router.register("releases", api.ReleaseViewSet, basename="release")
router.register("funding-types", api.FundingTypeViewSet, basename="funding-type")
router.register("financing-policies", api.FinancingPolicyViewSet, basename="financing-policy")
router.register("delegation-rules", api.DelegationRuleViewSet, basename="delegation-rule")

urlpatterns = [
    # Case transitions and body decisions may move money: served here, on the paths of
    # the workflow and meetings APIs (financing.services.decisions).
    path(
        "cases/<int:pk>/transitions/",
        api.CaseTransitionsView.as_view(),
        name="api-case-transitions",
    ),
    path(
        "paragraphs/<int:pk>/decision/",
        api.ParagraphDecisionView.as_view(),
        name="api-paragraph-decision",
    ),
    *router.urls,
]
