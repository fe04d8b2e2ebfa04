"""The workflow's panel on the start page: the work queues."""

from core.home import Panel
from core.roles import Role, has_role
from decisions.workflow.selectors import QUEUES, queue_counts


def queues_panel(request):
    if not has_role(request.user, Role.OFFICER, Role.SECRETARY, Role.DECISION_MAKER):
        return None
    counts = queue_counts()
    return {"queues": [(queue, counts.get(queue.key, 0)) for queue in QUEUES]}


QUEUES_PANEL = Panel(key="queues", template="decisions/home/queues.html", context=queues_panel)
