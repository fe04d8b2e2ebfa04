"""The models of the decisions app, for Django: each area defines its own.

Code imports from the area: ``decisions.workflow.models`` (the case state machine and what
its transitions record) or ``decisions.meetings.models`` (bodies, meetings, paragraphs,
signatures, documents).
"""

from decisions.meetings.models import *  # noqa: F403
from decisions.workflow.models import *  # noqa: F403
