"""The meetings' tasks in Mina uppgifter (core.worklist): protocols the user is to sign
(chair or adjuster, not signed yet in this round) and, for the secretary, the kallelse of a
meeting coming up (due ``KALLELSE_DAYS_BEFORE`` it), meetings whose day has come to mark as
held and protocols of held meetings to send for signing, these due on the last day to sign
(fourteen days after the meeting: ``Meeting.signing_deadline``); notices of signed protocols the secretary is to
post (within two days of signing: ``notice_dates.posting_deadline``), those of §§ justerade
at once (omedelbar justering: the same rule from the §'s justering), and paragraphs of
signed protocols whose extract has not reached every listed recipient."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import Role, has_role
from core.worklist import Pending, Task
from decisions.meetings.models import (
    BodyMember,
    ExtractDispatch,
    ExtractRecipient,
    Meeting,
    MeetingStatus,
    NoticeDispatch,
    Paragraph,
    Signature,
)
from decisions.meetings.notice_dates import posting_deadline


def tasks(user, today: datetime.date, most: int | None = None) -> Pending:
    memberships = BodyMember.objects.filter(user=user)
    signed_this_round = Signature.objects.filter(
        meeting=OuterRef("pk"), round=OuterRef("signing_round"), user=user, paragraph=None
    )
    to_sign = (
        # the user's memberships as subqueries, not joins (no DISTINCT): Mina uppgifter's
        # combined query is planned on every request
        Meeting.objects.filter(status=MeetingStatus.SIGNING)
        .filter(
            Q(adjuster__in=memberships)
            | Q(chair__in=memberships)
            | Q(chair__isnull=True, body__in=memberships.filter(role="chair").values("body_id"))
        )
        .exclude(Exists(signed_this_round))
        .select_related("body")
    )
    if not has_role(user, Role.SECRETARY):
        return Pending(lambda: _to_sign(to_sign), (to_sign,))
    theirs = Q(secretary=user) | Q(secretary__isnull=True)
    held = Meeting.objects.filter(theirs, status=MeetingStatus.HELD).select_related("body")
    # a meeting whose day has come and that is still planned: its protocol is due all the same
    past = Meeting.objects.filter(
        theirs, status=MeetingStatus.PLANNED, date__lte=today
    ).select_related("body")
    # the kallelse of a meeting coming up, not sent: due KALLELSE_DAYS_BEFORE the meeting,
    # shown from two weeks before that (a meeting planned for next year is not yet work)
    before = datetime.timedelta(days=settings.KALLELSE_DAYS_BEFORE)
    uncalled = (
        Meeting.objects.filter(
            theirs,
            status=MeetingStatus.PLANNED,
            date__gt=today,
            date__lte=today + before + datetime.timedelta(days=14),
        )
        .exclude(Exists(NoticeDispatch.objects.filter(meeting=OuterRef("pk"))))
        .select_related("body")
        .order_by("date", "start_time")
    )
    unposted = (
        Meeting.objects.filter(status=MeetingStatus.SIGNED, notice_posted_on__isnull=True)
        .filter(theirs)
        .select_related("body")
    )
    unposted_paragraphs = (
        Paragraph.objects.filter(adjusted_at__isnull=False, notice_posted_on__isnull=True)
        .filter(Q(meeting__secretary=user) | Q(meeting__secretary__isnull=True))
        .select_related("meeting__body")
        .order_by("adjusted_at", "number")
    )
    paragraphs = _unsent_extracts(user)

    def build() -> list[Task]:
        return [
            *_to_sign(to_sign),
            *_to_send(held),
            *_to_record(past),
            *_to_call(uncalled, before),
            *_notices(unposted, today),
            *_paragraph_notices(unposted_paragraphs),
            *_extracts(paragraphs),
        ]

    return Pending(
        build, (to_sign, held, past, uncalled, unposted, unposted_paragraphs, paragraphs)
    )


def _protocol_task(meeting, key: str, kind: str, anchor: str = "") -> Task:
    """A task about a meeting's protocol, due on its last day to sign."""
    return Task(
        key=key,
        kind=kind,
        title=f"{meeting.body} {meeting.date:%Y-%m-%d}",
        url=meeting.get_absolute_url() + anchor,
        due=meeting.signing_deadline,
    )


def _to_sign(meetings) -> list[Task]:
    """Protocols the user is to sign (chair or adjuster) in this round."""
    kind = _("Protokoll att justera")
    return [_protocol_task(m, f"sign:{m.pk}:{m.signing_round}", kind) for m in meetings]


def _to_send(meetings) -> list[Task]:
    """Protocols of held meetings the secretary is to finish and send for signing."""
    kind = _("Protokoll att skicka för justering")
    return [_protocol_task(m, f"protocol:{m.pk}", kind, "#justering") for m in meetings]


def _to_record(meetings) -> list[Task]:
    """Meetings held (their day has come) that the secretary has not marked as held: the
    protocol is due by the same last day to sign."""
    kind = _("Sammanträde att markera som genomfört")
    return [_protocol_task(m, f"held:{m.pk}", kind) for m in meetings]


def _to_call(meetings, before: datetime.timedelta) -> list[Task]:
    """Meetings coming up whose kallelse has not been sent."""
    return [
        Task(
            key=f"kallelse:{m.pk}",
            kind=_("Kallelse att skicka"),
            title=f"{m.body} {m.date:%Y-%m-%d}",
            url=m.get_absolute_url() + "#kallelse",
            due=m.date - before,
        )
        for m in meetings
    ]


def _notices(meetings, today: datetime.date) -> list[Task]:
    """Notices of signed protocols the secretary is to post."""
    out = []
    for meeting in meetings:
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
    return out


def _paragraph_notices(paragraphs) -> list[Task]:
    """§§ justerade at once whose own notice the secretary is to post."""
    return [
        Task(
            key=f"paragraph-notice:{paragraph.pk}",
            kind=_("Anslag att publicera"),
            title=f"§ {paragraph.number} {paragraph.title}",
            url=paragraph.get_absolute_url(),
            due=posting_deadline(timezone.localdate(paragraph.adjusted_at)),
            since=paragraph.adjusted_at,
            reference=f"{paragraph.meeting.body} {paragraph.meeting.date:%Y-%m-%d}",
            case_id=paragraph.case_id,
        )
        for paragraph in paragraphs
    ]


def _unsent_extracts(user):
    """Paragraphs of signed protocols with a recipient no extract has been sent to."""
    sent = ExtractDispatch.objects.filter(
        recipient=OuterRef("pk"), status=ExtractDispatch.Status.SENT
    )
    unsent = ExtractRecipient.objects.filter(paragraph=OuterRef("pk")).exclude(Exists(sent))
    return (
        Paragraph.objects.filter(meeting__status=MeetingStatus.SIGNED)
        .filter(Q(meeting__secretary=user) | Q(meeting__secretary__isnull=True))
        .filter(Exists(unsent))
        .select_related("meeting__body")
        .order_by("meeting__date", "number")
    )


def _extracts(paragraphs) -> list[Task]:
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
