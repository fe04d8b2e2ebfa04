"""Models of the decisions app: the workflow (workflow.py) and meetings (meetings.py)."""

from decisions.models.meetings import *  # noqa: F403
from decisions.models.workflow import *  # noqa: F403
