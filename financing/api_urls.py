"""/api/v1/ endpoints of the financing app."""

from rest_framework.routers import SimpleRouter

from financing import api

router = SimpleRouter()
router.register("grants", api.GrantViewSet, basename="grant")
router.register("financing-plans", api.FinancingPlanViewSet, basename="financing-plan")
router.register("commitments", api.CommitmentViewSet, basename="commitment")
router.register("payments", api.PaymentViewSet, basename="payment")
router.register("releases", api.ReleaseViewSet, basename="release")

urlpatterns = router.urls
