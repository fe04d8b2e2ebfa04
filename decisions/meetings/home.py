"""The meetings' panel on the start page: coming meetings and protocols to sign."""

import datetime

from django.db.models import Q
from django.utils import timezone

from core import batch
from core.home import Panel
from core.roles import user_roles
from decisions.meetings.models import Meeting, MeetingStatus


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
    # the latest meetings, shown when none is coming (read with the rest: three rows)
    recent = Meeting.objects.select_related("body").order_by("-date", "-start_time")[:3]

    def build():
        return {
            "upcoming": list(upcoming),
            "recent": [] if upcoming else list(recent),
            "to_sign": list(to_sign),
        }

    return batch.Pending(build, (upcoming, to_sign, recent))


MEETINGS_PANEL = Panel(
    key="meetings", template="decisions/home/meetings.html", context=meetings_panel
)
