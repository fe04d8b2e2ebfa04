from decisions.meetings.api_urls import urlpatterns as meeting_patterns
from decisions.workflow.api_urls import urlpatterns as workflow_patterns

urlpatterns = [*workflow_patterns, *meeting_patterns]
