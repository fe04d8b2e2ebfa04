"""The decisions app's panels on the start page: work queues, meetings, protocols to sign."""

import datetime

from django.db.models import Q
from django.utils import timezone

from decisions.models.meetings import Meeting, MeetingStatus
from decisions.selectors_workflow import QUEUES, queue_counts
from projects.roles import Role, has_role, user_roles


def queues_panel(request):
    if not has_role(request.user, Role.OFFICER, Role.SECRETARY, Role.DECISION_MAKER):
        return None
    counts = queue_counts()
    return {"queues": [(queue, counts.get(queue.key, 0)) for queue in QUEUES]}


def meetings_panel(request):
    if not user_roles(request.user):
        return None
    today = timezone.localdate()
    upcoming = (
        Meeting.objects.filter(date__gte=today - datetime.timedelta(days=1))
        .select_related("body")
        .order_by("date", "start_time")[:6]
    )
    to_sign = (
        Meeting.objects.filter(status=MeetingStatus.SIGNING)
        .filter(
            Q(adjuster__user=request.user)
            | Q(chair__user=request.user)
            | Q(chair__isnull=True, body__members__user=request.user, body__members__role="chair")
        )
        .select_related("body")
        .distinct()
    )
    recent = []
    if not upcoming:
        recent = list(Meeting.objects.select_related("body").order_by("-date", "-start_time")[:3])
    return {"upcoming": list(upcoming), "recent": recent, "to_sign": list(to_sign)}


def register() -> None:
    from norrbotten_cases.home import register_panel

    register_panel(
        key="queues", order=20, template="decisions/home/queues.html", context=queues_panel
    )
    register_panel(
        key="meetings", order=25, template="decisions/home/meetings.html", context=meetings_panel
    )
