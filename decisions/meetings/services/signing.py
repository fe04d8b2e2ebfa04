"""Justering: submitting for signing, signatures (electronic with re-authentication, or on
paper), rejection, omedelbar justering of one §, and the record taken at the final
signature that the final protocol and every extract are made from."""

import datetime
import hashlib
import json
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import oidc
from core.access import require
from core.errors import Conflict
from core.jobs import sha256_bytes
from core.models import NotificationKind
from core.roles import Role, has_role
from decisions.meetings import documents, permissions, wording
from decisions.meetings import notice_dates as notices
from decisions.meetings.models import (
    AgendaItem,
    GeneratedDocument,
    Meeting,
    MeetingStatus,
    Paragraph,
    ProtocolRecord,
    Signature,
)
from decisions.meetings.selectors import meeting_chair
from decisions.meetings.services.common import _notify, frozen_message
from decisions.meetings.services.documents import final_protocol_request
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
        if paragraph.adjusted_at is not None:
            continue  # justerad at once: final, checked before it was signed
        problem = _contradiction(paragraph)
        if problem:
            problems.append(problem)
    return problems


def _contradiction(paragraph: Paragraph) -> str:
    """Where a case §'s decision text says other than the decision recorded ("" if not)."""
    case = paragraph.case
    assert case is not None  # only case paragraphs are checked
    contradictions = wording.decision_contradictions(
        outcome=paragraph.outcome,
        text=paragraph.decision_text,
        points=paragraph.decision_points,
        granted_amount=paragraph.granted_amount,
        case_granted_amount=case.granted_amount,
        case_rejected=case.state == CaseState.REJECTED,
    )
    if not contradictions:
        return ""
    return _("§ %(number)s: %(problems)s. Rätta beslutstexten innan protokollet justeras.") % {
        "number": paragraph.number,
        "problems": "; ".join(contradictions),
    }


@transaction.atomic
def meeting_submit_for_signing(*, user, meeting: Meeting) -> Meeting:
    require(permissions.can_plan_meeting(user))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(permissions.can_submit_for_signing(user, locked))
    problems = signing_problems(locked)
    if problems:
        raise ValidationError(problems)
    # Who signs is who was elected: the chair is pinned on the meeting, and chair, adjuster
    # and their user accounts are locked while the protocol is out for signing.
    chair = meeting_chair(locked)
    locked.chair = chair
    locked.status = MeetingStatus.SIGNING
    locked.signing_round += 1
    locked.signing_comment = ""
    locked.save(update_fields=["chair", "status", "signing_round", "signing_comment", "updated_at"])
    _notify(
        [chair.user if chair else None, locked.adjuster.user if locked.adjuster else None],
        NotificationKind.SIGNING_REQUESTED,
        locked,
        lambda: _("Protokoll att justera: %(meeting)s") % {"meeting": locked},
        lambda: (
            _(
                "Protokollet från %(meeting)s väntar på din justering. Justera eller skicka "
                "tillbaka det med en kommentar på sammanträdets sida."
            )
            % {"meeting": locked}
        ),
        sent_by=user,
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
    signing round, and PermissionDenied for everyone else who may not answer: a role that
    may never sign (läsare, handläggare, ...) is refused with 403 whatever the state.
    """
    if not has_role(user, Role.DECISION_MAKER):
        raise PermissionDenied(permissions.can_sign_protocol(user, meeting).reason)
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


def reauthenticate(
    *,
    user,
    method: str,
    password: str = "",
    reauthenticated_at: datetime.datetime | None = None,
) -> None:
    """The signer proves again who they are: their password, or a new login at the
    identity provider (``oidc``: ``reauthenticated_at`` is the provider's ``auth_time`` of a
    login with ``prompt=login`` that the page's session received, ``core.oidc``), at most
    ``OIDC_REAUTH_MAX_AGE`` seconds ago."""
    if method == Signature.Method.PASSWORD:
        if not password or not user.check_password(password):
            raise ValidationError(
                {"password": _("Lösenordet stämmer inte. Ange ditt lösenord för att justera.")}
            )
    elif method == Signature.Method.OIDC:
        if not oidc.is_fresh(reauthenticated_at):
            raise ValidationError(
                _(
                    "Logga in på nytt hos identitetsleverantören för att justera (högst %(min)s minuter innan)."
                )
                % {"min": max(1, settings.OIDC_REAUTH_MAX_AGE // 60)}
            )
    else:
        raise ValidationError(_("Okänt sätt att justera."))


@transaction.atomic
def protocol_sign(
    *,
    user,
    meeting: Meeting,
    method: str = Signature.Method.PASSWORD,
    password: str = "",
    reauthenticated_at: datetime.datetime | None = None,
) -> Signature:
    """The chair or the adjuster signs, after proving who they are again; when both have,
    the protocol is signed and frozen (``freeze``)."""
    reauthenticate(
        user=user, method=method, password=password, reauthenticated_at=reauthenticated_at
    )
    locked, role = _locked_for_signing(user, meeting)
    member = meeting_chair(locked) if role == Signature.Role.CHAIR else locked.adjuster
    assert member is not None  # signing_check found the user as this member
    signature = Signature.objects.create(
        meeting=locked,
        round=locked.signing_round,
        role=role,
        member=member,
        member_name=member.display_name,
        user=user,
        decision=Signature.Decision.SIGNED,
        method=method,
        at=timezone.now(),
    )
    signed_roles = set(
        locked.signatures.filter(
            round=locked.signing_round, decision=Signature.Decision.SIGNED, paragraph=None
        ).values_list("role", flat=True)
    )
    if signed_roles == {Signature.Role.CHAIR, Signature.Role.ADJUSTER}:
        _signed(locked, signature.at)
    meeting.refresh_from_db()
    return signature


@transaction.atomic
def protocol_record_paper_signing(
    *, user, meeting: Meeting, signed_on: datetime.date, scan, scan_name: str = ""
) -> Meeting:
    """The chair and the adjuster signed the printed protocol: the secretary records the
    day and keeps the scanned signed protocol beside the generated one, which is final
    from then on as after an electronic justering."""
    require(permissions.can_plan_meeting(user))
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("body", "adjuster", "chair")
        .get(pk=meeting.pk)
    )
    if locked.status == MeetingStatus.SIGNED:
        raise Conflict(frozen_message(locked))
    if locked.status not in (MeetingStatus.HELD, MeetingStatus.SIGNING):
        raise ValidationError(_("Sammanträdet är inte genomfört."))
    if signed_on is None or signed_on < locked.date:
        raise ValidationError(
            {
                "signed_on": _("Justeringen kan inte vara före sammanträdet (%(date)s).")
                % {"date": f"{locked.date:%Y-%m-%d}"}
            }
        )
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("Datumet kan inte vara i framtiden.")})
    if scan is None:
        raise ValidationError({"scan": _("Ladda upp det inskannade, justerade protokollet.")})
    problems = signing_problems(locked)
    if problems:
        raise ValidationError(problems)
    chair = meeting_chair(locked)
    assert chair is not None and locked.adjuster is not None  # signing_problems checked
    content = scan.read()
    if not content.startswith(b"%PDF"):
        raise ValidationError({"scan": _("Det inskannade protokollet ska vara en PDF-fil.")})
    locked.chair = chair
    locked.signing_round += 1
    at = timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(12, 0)))
    for role, member in ((Signature.Role.CHAIR, chair), (Signature.Role.ADJUSTER, locked.adjuster)):
        Signature.objects.create(
            meeting=locked,
            round=locked.signing_round,
            role=role,
            member=member,
            member_name=member.display_name,
            user=member.user or user,
            decision=Signature.Decision.SIGNED,
            method=Signature.Method.PAPER,
            comment=_("Justerat på papper; registrerat av %(name)s.")
            % {"name": user.get_full_name() or user.get_username()},
            at=at,
        )
    locked.paper_protocol_sha256 = sha256_bytes(content)
    locked.paper_protocol.save(
        scan_name or f"Protokoll-{locked.body.reference_name}-{locked.date:%Y-%m-%d}-papper.pdf",
        ContentFile(content),
        save=False,
    )
    locked.save(
        update_fields=[
            "chair",
            "signing_round",
            "paper_protocol",
            "paper_protocol_sha256",
            "updated_at",
        ]
    )
    _signed(locked, at)
    meeting.refresh_from_db()
    return locked


def _signed(locked: Meeting, at) -> None:
    """Both have signed: the meeting is signed, its record taken, the final protocol
    ordered and the secretary told when to post the notice."""
    locked.status = MeetingStatus.SIGNED
    locked.signed_at = at
    locked.save(update_fields=["status", "signed_at", "updated_at"])
    freeze(locked)
    deadline = notices.posting_deadline(timezone.localdate(at))
    # sent_by stays empty: the secretary is told even when the secretary signed last.
    _notify(
        [locked.secretary],
        NotificationKind.NOTICE_TO_POST,
        locked,
        lambda: _("Protokollet är justerat: %(meeting)s") % {"meeting": locked},
        lambda: (
            _(
                "Ordföranden och justeraren har justerat protokollet från %(meeting)s. "
                "Anslå justeringen senast %(deadline)s."
            )
            % {"meeting": locked, "deadline": f"{deadline:%Y-%m-%d}"}
        ),
    )


def _signer_lines(signatures) -> list[dict]:
    return [
        {
            "role": sig.role,
            "name": sig.member_name,
            "at": sig.at.isoformat(),
            "method": sig.method,
        }
        for sig in signatures
    ]


def _record_digest(protocol_html: str, extracts: dict, signers: list) -> str:
    payload = json.dumps(
        {"protocol": protocol_html, "extracts": extracts, "signers": signers}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def freeze(meeting: Meeting) -> ProtocolRecord:
    """Take the record of a signed meeting: the protocol and every extract as they print
    now, with the signers as they signed. Everything the protocol shows is read here,
    once; the final documents are made from the record, never from the data again."""
    signatures = list(
        meeting.signatures.filter(
            round=meeting.signing_round, decision=Signature.Decision.SIGNED, paragraph=None
        ).order_by("at")
    )
    protocol_html = documents.render_html(
        kind=GeneratedDocument.Kind.PROTOCOL, meeting=meeting, live=True
    )
    extracts = {
        str(paragraph.pk): documents.render_html(
            kind=GeneratedDocument.Kind.EXTRACT, meeting=meeting, paragraph=paragraph, live=True
        )
        for paragraph in meeting.paragraphs.select_related("body", "meeting", "case").order_by(
            "number"
        )
    }
    signers = _signer_lines(signatures)
    record = ProtocolRecord.objects.create(
        meeting=meeting,
        protocol_html=protocol_html,
        extracts=extracts,
        signers=signers,
        sha256=_record_digest(protocol_html, extracts, signers),
    )
    transaction.on_commit(partial(_order_final_protocol, meeting.pk))
    return record


def _order_final_protocol(meeting_id: int) -> None:
    """After commit: render and store the final protocol in the background."""
    final_protocol_request(meeting_id=meeting_id)


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
        member_name=member.display_name,
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
        NotificationKind.SIGNING_RETURNED,
        locked,
        lambda: _("Protokollet skickades tillbaka: %(meeting)s") % {"meeting": locked},
        lambda: (
            _(
                "%(name)s skickade tillbaka protokollet från %(meeting)s med kommentaren:\n\n%(comment)s"
            )
            % {"name": member, "meeting": locked, "comment": comment}
        ),
        sent_by=user,
    )
    meeting.refresh_from_db()
    return signature


@transaction.atomic
def paragraph_sign(
    *,
    user,
    paragraph: Paragraph,
    method: str = Signature.Method.PASSWORD,
    password: str = "",
    reauthenticated_at: datetime.datetime | None = None,
) -> Signature:
    """Omedelbar justering: the chair or the adjuster signs one § at the meeting. When
    both have, the § is justerad: frozen, with its own record, extract, notice and appeal
    period, before the rest of the protocol."""
    reauthenticate(
        user=user, method=method, password=password, reauthenticated_at=reauthenticated_at
    )
    Meeting.objects.select_for_update().get(pk=paragraph.meeting_id)
    locked = (
        Paragraph.objects.select_for_update(of=("self",))
        .select_related("meeting__body", "meeting__chair", "meeting__adjuster", "body")
        .get(pk=paragraph.pk)
    )
    access = permissions.can_sign_paragraph(user, locked)
    if not access:
        if permissions.signing_role_of(user, locked.meeting) and has_role(
            user, Role.DECISION_MAKER
        ):
            raise Conflict(access.reason) if locked.adjusted_at else PermissionDenied(access.reason)
        raise PermissionDenied(access.reason)
    if locked.case_id is not None:  # what is signed now can never be corrected
        problem = _contradiction(locked)
        if problem:
            raise Conflict(problem)
    role = permissions.signing_role_of(user, locked.meeting)
    meeting = locked.meeting
    member = meeting_chair(meeting) if role == Signature.Role.CHAIR else meeting.adjuster
    assert member is not None and role is not None
    signature = Signature.objects.create(
        meeting=meeting,
        paragraph=locked,
        round=1,
        role=role,
        member=member,
        member_name=member.display_name,
        user=user,
        decision=Signature.Decision.SIGNED,
        method=method,
        at=timezone.now(),
    )
    roles = set(
        locked.signatures.filter(decision=Signature.Decision.SIGNED).values_list("role", flat=True)
    )
    if roles == {Signature.Role.CHAIR, Signature.Role.ADJUSTER}:
        locked.adjusted_at = signature.at
        locked.save(update_fields=["adjusted_at", "updated_at"])
        _freeze_paragraph(locked)
        deadline = notices.posting_deadline(timezone.localdate(signature.at))
        # the § has its own notice and appeal period (kommunallagen 8 kap. 12 §)
        _notify(
            [meeting.secretary],
            NotificationKind.NOTICE_TO_POST,
            meeting,
            lambda: (
                _("§ %(number)s är justerad omedelbart: %(meeting)s")
                % {"number": locked.number, "meeting": meeting}
            ),
            lambda: (
                _(
                    "Ordföranden och justeraren har justerat § %(number)s i protokollet från "
                    "%(meeting)s omedelbart. Anslå justeringen av paragrafen senast %(deadline)s."
                )
                % {
                    "number": locked.number,
                    "meeting": meeting,
                    "deadline": f"{deadline:%Y-%m-%d}",
                }
            ),
        )
    paragraph.refresh_from_db()
    return signature


def _freeze_paragraph(paragraph: Paragraph) -> ProtocolRecord:
    signatures = list(
        paragraph.signatures.filter(decision=Signature.Decision.SIGNED).order_by("at")
    )
    extract = documents.render_html(
        kind=GeneratedDocument.Kind.EXTRACT,
        meeting=paragraph.meeting,
        paragraph=paragraph,
        live=True,
    )
    extracts = {str(paragraph.pk): extract}
    signers = _signer_lines(signatures)
    return ProtocolRecord.objects.create(
        paragraph=paragraph,
        protocol_html=extract,
        extracts=extracts,
        signers=signers,
        sha256=_record_digest(extract, extracts, signers),
    )
