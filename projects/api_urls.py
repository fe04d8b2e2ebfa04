"""/api/v1/ endpoints of the registry (see projects/api.py)."""

from rest_framework.routers import SimpleRouter

from projects import api

router = SimpleRouter()
router.register("organisations", api.OrganisationViewSet, basename="api-organisations")
router.register("cases", api.CaseViewSet, basename="api-cases")
router.register("projects", api.ProjectViewSet, basename="api-projects")
router.register("documents", api.DocumentViewSet, basename="api-documents")

urlpatterns = router.urls
