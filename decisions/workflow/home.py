"""The workflow's panel on the start page: the work queues."""

from core import batch
from core.home import Panel
from core.roles import Role, has_role
from decisions.workflow.selectors import QUEUES, queue_counts, queue_counts_queryset


def queues_panel(request):
    if not has_role(request.user, Role.OFFICER, Role.SECRETARY, Role.DECISION_MAKER):
        return None
    counts = queue_counts_queryset()

    def build():
        found = queue_counts(counts)
        return {"queues": [(queue, found[queue.key]) for queue in QUEUES]}

    return batch.Pending(build, (counts,))


QUEUES_PANEL = Panel(key="queues", template="decisions/home/queues.html", context=queues_panel)
