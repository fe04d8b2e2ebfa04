"""The pages of both areas; mounted as the "decisions" namespace by the project's URLconf,
which adds the endpoints that may move money (served by the financing app)."""

from decisions.meetings.urls import urlpatterns as meeting_patterns
from decisions.workflow.urls import urlpatterns as workflow_patterns

urlpatterns = [*workflow_patterns, *meeting_patterns]
