"""Justering: submitting for signing, signatures, rejection."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.errors import Conflict
from core.links import absolute_url
from decisions.meetings import notice_dates as notices
from decisions.meetings import permissions, wording
from decisions.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    Signature,
)
from decisions.meetings.selectors import meeting_chair
from decisions.meetings.services.common import _notify, frozen_message
from projects.models import CaseState

logger = logging.getLogger(__name__)


def _prefetched(meeting: Meeting, name: str):
    """The rows of a prefetched relation of ``meeting``, or None when not prefetched."""
    return getattr(meeting, "_prefetched_objects_cache", {}).get(name)


def signing_problems(meeting: Meeting, *, chair=None, paragraphs=None) -> list[str]:
    """Why the protocol cannot go out for signing yet (empty: ready).

    The meeting page passes what it has already loaded (the chair, the paragraphs with
    their cases) and the meeting's prefetched attendance and agenda are used when there;
    anything missing is asked for.
    """
    problems = []
    chair = chair if chair is not None else meeting_chair(meeting)
    if chair is None:
        problems.append(_("Organet saknar ordförande."))
    elif chair.user_id is None:
        problems.append(
            _("Ordföranden %(name)s saknar användarkonto och kan inte justera.") % {"name": chair}
        )
    if meeting.adjuster is None:
        problems.append(_("Ingen justerare är vald."))
    elif meeting.adjuster.user_id is None:
        problems.append(
            _("Justeraren %(name)s saknar användarkonto och kan inte justera.")
            % {"name": meeting.adjuster}
        )
    attendance = _prefetched(meeting, "attendance")
    if not (bool(attendance) if attendance is not None else meeting.attendance.exists()):
        problems.append(_("Närvaron är inte registrerad."))
    items = _prefetched(meeting, "items")
    if items is not None:
        unnumbered = [i for i in items if i.is_numbered and not hasattr(i, "paragraph")]
    else:
        unnumbered = list(
            meeting.items.exclude(kind__in=AgendaItem.UNNUMBERED).filter(paragraph__isnull=True)
        )
    if unnumbered:
        problems.append(
            _("Punkter utan paragrafnummer: %(titles)s.")
            % {"titles": ", ".join(i.title for i in unnumbered)}
        )
    if paragraphs is not None:
        undecided = sorted(
            (p for p in paragraphs if p.case_id and p.decision_recorded_at is None),
            key=lambda p: (p.year, p.number),
        )
    else:
        undecided = list(
            meeting.paragraphs.filter(case__isnull=False, decision_recorded_at__isnull=True)
        )
    if undecided:
        problems.append(
            _("Beslut är inte registrerat i § %(numbers)s.")
            % {"numbers": ", ".join(str(p.number) for p in undecided)}
        )
    decided = (
        [p for p in paragraphs if p.case_id and p.decision_recorded_at]
        if paragraphs is not None
        else list(
            meeting.paragraphs.filter(case__isnull=False, decision_recorded_at__isnull=False)
            .select_related("case")
            .order_by("number")
        )
    )
    for paragraph in sorted(decided, key=lambda p: p.number):
        case = paragraph.case
        assert case is not None  # only case paragraphs are listed
        contradictions = wording.decision_contradictions(
            outcome=paragraph.outcome,
            text=paragraph.decision_text,
            points=paragraph.decision_points,
            granted_amount=paragraph.granted_amount,
            case_granted_amount=case.granted_amount,
            case_rejected=case.state == CaseState.REJECTED,
        )
        if contradictions:
            problems.append(
                _("§ %(number)s: %(problems)s. Rätta beslutstexten innan protokollet justeras.")
                % {"number": paragraph.number, "problems": "; ".join(contradictions)}
            )
    return problems


@transaction.atomic
def meeting_submit_for_signing(*, user, meeting: Meeting) -> Meeting:
    require(permissions.can_plan_meeting(user))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(permissions.can_submit_for_signing(user, locked))
    problems = signing_problems(locked)
    if problems:
        raise ValidationError(problems)
    locked.status = MeetingStatus.SIGNING
    locked.signing_round += 1
    locked.signing_comment = ""
    locked.save(update_fields=["status", "signing_round", "signing_comment", "updated_at"])
    chair = meeting_chair(locked)
    _notify(
        [chair.user if chair else None, locked.adjuster.user if locked.adjuster else None],
        _("Protokoll att justera: %(meeting)s") % {"meeting": locked},
        _(
            "Protokollet från %(meeting)s väntar på din justering. Justera eller skicka "
            "tillbaka det med en kommentar på sammanträdets sida: %(path)s"
        )
        % {"meeting": locked, "path": absolute_url(locked.get_absolute_url())},
    )
    meeting.refresh_from_db()
    return locked


@transaction.atomic
def meeting_withdraw_from_signing(*, user, meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == MeetingStatus.SIGNED:
        raise Conflict(frozen_message(locked))
    require(permissions.can_withdraw_from_signing(user, locked))
    locked.status = MeetingStatus.HELD
    locked.save(update_fields=["status", "updated_at"])
    meeting.refresh_from_db()
    return locked


def signing_check(*, user, meeting: Meeting) -> str:
    """The signing role (chair or adjuster) in which ``user`` may answer now.

    Raises Conflict when the protocol is signed, or when a signer answers outside a
    signing round, and PermissionDenied for everyone else who may not answer.
    """
    if meeting.status == MeetingStatus.SIGNED:
        raise Conflict(_("Protokollet är redan justerat."))
    access = permissions.can_sign_protocol(user, meeting)
    if not access:
        if meeting.status != MeetingStatus.SIGNING and permissions.signing_role_of(user, meeting):
            raise Conflict(access.reason)
        raise PermissionDenied(access.reason)
    role = permissions.signing_role_of(user, meeting)
    assert role is not None  # can_sign_protocol allowed: the user is the chair or the adjuster
    return role


def _locked_for_signing(user, meeting: Meeting) -> tuple[Meeting, str]:
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("body", "adjuster", "chair")
        .get(pk=meeting.pk)
    )
    return locked, signing_check(user=user, meeting=locked)


@transaction.atomic
def protocol_sign(*, user, meeting: Meeting) -> Signature:
    """The chair or the adjuster signs; when both have, the protocol is frozen."""
    locked, role = _locked_for_signing(user, meeting)
    member = meeting_chair(locked) if role == Signature.Role.CHAIR else locked.adjuster
    assert member is not None  # signing_check found the user as this member
    signature = Signature.objects.create(
        meeting=locked,
        round=locked.signing_round,
        role=role,
        member=member,
        user=user,
        decision=Signature.Decision.SIGNED,
        at=timezone.now(),
    )
    signed_roles = set(
        locked.signatures.filter(
            round=locked.signing_round, decision=Signature.Decision.SIGNED
        ).values_list("role", flat=True)
    )
    if signed_roles == {Signature.Role.CHAIR, Signature.Role.ADJUSTER}:
        locked.status = MeetingStatus.SIGNED
        locked.signed_at = signature.at
        locked.save(update_fields=["status", "signed_at", "updated_at"])
        deadline = notices.posting_deadline(timezone.localdate(signature.at))
        _notify(
            [locked.secretary],
            _("Protokollet är justerat: %(meeting)s") % {"meeting": locked},
            _(
                "Ordföranden och justeraren har justerat protokollet från %(meeting)s. "
                "Anslå justeringen senast %(deadline)s: %(path)s"
            )
            % {
                "meeting": locked,
                "deadline": f"{deadline:%Y-%m-%d}",
                "path": absolute_url(locked.get_absolute_url()),
            },
        )
    meeting.refresh_from_db()
    return signature


@transaction.atomic
def protocol_reject(*, user, meeting: Meeting, comment: str) -> Signature:
    """Send the protocol back to the secretary with a comment; it can be resubmitted."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Skriv vad som behöver rättas.")})
    locked, role = _locked_for_signing(user, meeting)
    member = meeting_chair(locked) if role == Signature.Role.CHAIR else locked.adjuster
    assert member is not None  # signing_check found the user as this member
    signature = Signature.objects.create(
        meeting=locked,
        round=locked.signing_round,
        role=role,
        member=member,
        user=user,
        decision=Signature.Decision.REJECTED,
        comment=comment,
        at=timezone.now(),
    )
    locked.status = MeetingStatus.HELD
    locked.signing_comment = comment
    locked.save(update_fields=["status", "signing_comment", "updated_at"])
    _notify(
        [locked.secretary],
        _("Protokollet skickades tillbaka: %(meeting)s") % {"meeting": locked},
        _("%(name)s skickade tillbaka protokollet från %(meeting)s med kommentaren:\n\n%(comment)s")
        % {"name": member, "meeting": locked, "comment": comment},
    )
    meeting.refresh_from_db()
    return signature
