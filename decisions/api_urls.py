from decisions.api_urls_meetings import urlpatterns as meeting_patterns
from decisions.api_urls_workflow import urlpatterns as workflow_patterns

urlpatterns = [*workflow_patterns, *meeting_patterns]
