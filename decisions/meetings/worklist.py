"""The meetings' tasks in Mina uppgifter (core.worklist): protocols the user is to sign
(chair or adjuster, not signed yet in this round) and notices of signed protocols the
secretary is to post (within two days of signing: ``notice_dates.posting_deadline``), and
paragraphs of signed protocols whose extract has not reached every listed recipient."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role, has_role
from core.worklist import Task
from decisions.meetings.models import (
    ExtractDispatch,
    ExtractRecipient,
    Meeting,
    MeetingStatus,
    Paragraph,
    Signature,
)
from decisions.meetings.notice_dates import posting_deadline


def tasks(user, today: datetime.date) -> list[Task]:
    out: list[Task] = []
    signed_this_round = Signature.objects.filter(
        meeting=OuterRef("pk"), round=OuterRef("signing_round"), user=user, paragraph=None
    )
    to_sign = (
        Meeting.objects.filter(status=MeetingStatus.SIGNING)
        .filter(
            Q(adjuster__user=user)
            | Q(chair__user=user)
            | Q(chair__isnull=True, body__members__user=user, body__members__role="chair")
        )
        .exclude(Exists(signed_this_round))
        .select_related("body")
        .distinct()
    )
    for meeting in to_sign:
        out.append(
            Task(
                key=f"sign:{meeting.pk}:{meeting.signing_round}",
                kind=_("Protokoll att justera"),
                title=f"{meeting.body} {meeting.date:%Y-%m-%d}",
                url=meeting.get_absolute_url(),
            )
        )
    if has_role(user, Role.SECRETARY):
        unposted = (
            Meeting.objects.filter(status=MeetingStatus.SIGNED, notice_posted_on__isnull=True)
            .filter(Q(secretary=user) | Q(secretary__isnull=True))
            .select_related("body")
        )
        for meeting in unposted:
            signed_on = timezone.localdate(meeting.signed_at) if meeting.signed_at else today
            out.append(
                Task(
                    key=f"notice:{meeting.pk}",
                    kind=_("Anslag att publicera"),
                    title=f"{meeting.body} {meeting.date:%Y-%m-%d}",
                    url=meeting.get_absolute_url(),
                    due=posting_deadline(signed_on),
                    since=meeting.signed_at,
                )
            )
        out.extend(_extracts_to_send(user))
    return out


def _extracts_to_send(user) -> list[Task]:
    """Paragraphs of signed protocols with a recipient no extract has been sent to."""
    sent = ExtractDispatch.objects.filter(
        recipient=OuterRef("pk"), status=ExtractDispatch.Status.SENT
    )
    unsent = ExtractRecipient.objects.filter(paragraph=OuterRef("pk")).exclude(Exists(sent))
    paragraphs = (
        Paragraph.objects.filter(meeting__status=MeetingStatus.SIGNED)
        .filter(Q(meeting__secretary=user) | Q(meeting__secretary__isnull=True))
        .filter(Exists(unsent))
        .select_related("meeting__body")
        .order_by("meeting__date", "number")
    )
    return [
        Task(
            key=f"extract:{paragraph.pk}",
            kind=_("Protokollsutdrag att skicka"),
            title=f"§ {paragraph.number} {paragraph.title}",
            url=paragraph.meeting.get_absolute_url(),
            since=paragraph.meeting.signed_at,
            reference=f"{paragraph.meeting.body} {paragraph.meeting.date:%Y-%m-%d}",
            case_id=paragraph.case_id,
        )
        for paragraph in paragraphs
    ]
