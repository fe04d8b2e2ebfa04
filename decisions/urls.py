from decisions.urls_meetings import urlpatterns as meeting_patterns
from decisions.urls_workflow import urlpatterns as workflow_patterns

app_name = "decisions"
urlpatterns = [*workflow_patterns, *meeting_patterns]
