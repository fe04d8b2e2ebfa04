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
router.register("grant-conditions", api.GrantConditionViewSet, basename="grant-condition")
router.register("requisitions", api.RequisitionViewSet, basename="requisition")
router.register("recoveries", api.RecoveryViewSet, basename="recovery")
router.register(
    "final-report-approvals", api.FinalReportApprovalViewSet, basename="final-report-approval"
)
router.register("grant-terms", api.GrantTermsViewSet, basename="grant-terms")
router.register("grant-adjustments", api.GrantAdjustmentViewSet, basename="grant-adjustment")
router.register(
    "allocation-decisions", api.AllocationDecisionViewSet, basename="allocation-decision"
)
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
