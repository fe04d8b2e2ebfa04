"""What happens at the meeting: jäv, motions, the propositionsordning, votes, reservations."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, Q
from django.utils.translation import gettext as _

from core.errors import Conflict
from decisions.meetings import wording
from decisions.meetings.models import (
    Attendance,
    BodyMember,
    ConflictOfInterest,
    Motion,
    Paragraph,
    Reservation,
    Vote,
)
from decisions.meetings.selectors import meeting_chair
from decisions.meetings.services.common import _paragraph_meeting
from decisions.meetings.services.paragraphs import decision_is_main_proposal
from decisions.meetings.services.planning import voting_members
from projects.models import CaseKind

logger = logging.getLogger(__name__)


def paragraph_voters(paragraph: Paragraph) -> list[BodyMember]:
    """The voting members minus those who declared jäv in this paragraph."""
    conflicted = set(paragraph.conflicts.values_list("member_id", flat=True))
    return [m for m in voting_members(paragraph.meeting) if m.pk not in conflicted]


def paragraph_participants(paragraph: Paragraph):
    """Who takes part in the decision of the § (KL 4 kap. 27 §: only they may move and
    reserve), as the jäv, motion and reservation lists offer them: the present members and
    the substitutes serving for an absent one once the attendance is recorded (before it,
    the body's active ordinary members), without those with jäv here."""
    attendance = Attendance.objects.filter(meeting_id=paragraph.meeting_id)
    voting = attendance.filter(present=True).filter(
        ~Q(member__role=BodyMember.MemberRole.SUBSTITUTE) | Q(serving_for__isnull=False)
    )
    return (
        paragraph.body.members.filter(active=True)
        .filter(
            Q(pk__in=voting.values("member"))
            | (~Exists(attendance) & ~Q(role=BodyMember.MemberRole.SUBSTITUTE))
        )
        .exclude(pk__in=paragraph.conflicts.values("member"))
    )


def _voted_for_the_decision(paragraph: Paragraph, member: BodyMember) -> bool:
    """After an omröstning: did the member vote for the side that was carried?"""
    if not paragraph.vote_held:
        return False
    choice = paragraph.votes.filter(member=member).values_list("choice", flat=True).first()
    no_carried = (
        paragraph.carried_motion_id is not None
        and paragraph.carried_motion_id == paragraph.vote_no_motion_id
    )
    return choice == (Vote.Choice.NO if no_carried else Vote.Choice.YES)


def _check_participant(paragraph: Paragraph, member: BodyMember, *, what: str) -> None:
    if member.body_id != paragraph.body_id:
        raise ValidationError(_("%(name)s är inte ledamot i organet.") % {"name": member})
    attendance = paragraph.meeting.attendance.filter(member=member).first()
    if paragraph.meeting.attendance.exists() and (attendance is None or not attendance.present):
        raise ValidationError(
            _("%(name)s är inte närvarande och kan inte %(what)s.") % {"name": member, "what": what}
        )
    if member.is_substitute and (attendance is None or attendance.serving_for_id is None):
        raise ValidationError(
            _(
                "%(name)s är ersättare utan att tjänstgöra, deltar inte i beslutet och kan "
                "inte %(what)s."
            )
            % {"name": member, "what": what}
        )
    if paragraph.conflicts.filter(member=member).exists():
        raise ValidationError(
            _("%(name)s har anmält jäv i § %(number)s och deltar inte i ärendet.")
            % {"name": member, "number": paragraph.number}
        )


@transaction.atomic
def conflict_declare(
    *, user, paragraph: Paragraph, member: BodyMember, reason: str = ""
) -> ConflictOfInterest:
    """Jäv: the member takes no part in the item; votes and motions by them are refused."""
    _paragraph_meeting(user, paragraph)
    if member.body_id != paragraph.body_id:
        raise ValidationError(_("%(name)s är inte ledamot i organet.") % {"name": member})
    if paragraph.conflicts.filter(member=member).exists():
        raise ValidationError(_("%(name)s har redan anmält jäv.") % {"name": member})
    if paragraph.votes.filter(member=member).exists():
        raise ValidationError(
            _("%(name)s har röstat i paragrafen. Ta bort omröstningen innan jäv anmäls.")
            % {"name": member}
        )
    if Motion.objects.filter(paragraph=paragraph, movers=member).exists():
        raise ValidationError(
            _("%(name)s har ett yrkande i paragrafen. Ta bort yrkandet innan jäv anmäls.")
            % {"name": member}
        )
    conflict = ConflictOfInterest(paragraph=paragraph, member=member, reason=reason.strip())
    conflict.full_clean()
    conflict.save()
    return conflict


@transaction.atomic
def conflict_remove(*, user, conflict: ConflictOfInterest) -> None:
    _paragraph_meeting(user, conflict.paragraph)
    conflict.delete()


@transaction.atomic
def motion_add(
    *, user, paragraph: Paragraph, movers: list[BodyMember], kind: str, text: str = ""
) -> Motion:
    _paragraph_meeting(user, paragraph)
    if not movers:
        raise ValidationError({"movers": _("Ange vem som yrkar.")})
    for member in movers:
        _check_participant(paragraph, member, what=_("yrka"))
    text = text.strip()
    if kind in (Motion.Kind.AMENDMENT, Motion.Kind.ADDITION) and not text:
        raise ValidationError({"text": _("Skriv vad yrkandet gäller.")})
    position = (paragraph.motions.aggregate(m=Max("position"))["m"] or 0) + 1
    motion = Motion(paragraph=paragraph, kind=kind, text=text, position=position)
    motion.full_clean()
    motion.save()
    motion.movers.set(movers)
    return motion


@transaction.atomic
def motion_remove(*, user, motion: Motion) -> None:
    paragraph = motion.paragraph
    _paragraph_meeting(user, paragraph)
    if paragraph.decision_recorded_at:
        raise Conflict(_("Beslutet är registrerat; yrkandena kan inte ändras."))
    if paragraph.carried_motion_id == motion.pk or paragraph.vote_no_motion_id == motion.pk:
        # Saved (not updated) so that the history has it and the removal can be undone.
        locked = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
        Vote.objects.filter(paragraph=locked).delete()
        locked.carried_motion = None
        locked.vote_no_motion = None
        locked.vote_held = False
        locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
        locked.save(update_fields=["carried_motion", "vote_no_motion", "vote_held", "updated_at"])
    motion.delete()


@transaction.atomic
def paragraph_set_proposition(
    *,
    user,
    paragraph: Paragraph,
    put: bool,
    carried_motion: Motion | None = None,
    accepted_additions=(),
) -> Paragraph:
    """The propositionsordning: the chair put the proposals against each other and found
    that the main proposal (``carried_motion=None``) or a motion was carried.
    ``accepted_additions`` are tilläggsyrkanden the body also approved."""
    _paragraph_meeting(user, paragraph)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    if paragraph.decision_recorded_at:
        raise Conflict(_("Beslutet är registrerat; propositionsordningen kan inte ändras."))
    if carried_motion is not None and carried_motion.paragraph_id != paragraph.pk:
        raise ValidationError(_("Yrkandet hör till en annan paragraf."))
    if decision_is_main_proposal(paragraph):
        # The decision as written (and perhaps reworded by the secretary) is the main
        # proposal: it is what a carried main proposal keeps.
        paragraph.proposal = {"text": paragraph.decision_text, "points": paragraph.decision_points}
    paragraph.proposition_put = put
    paragraph.carried_motion = carried_motion
    paragraph.save(update_fields=["proposition_put", "carried_motion", "updated_at"])
    accepted = {m.pk for m in accepted_additions}
    for motion in paragraph.motions.all():
        if motion.kind == Motion.Kind.ADDITION:
            outcome = Motion.Outcome.CARRIED if motion.pk in accepted else Motion.Outcome.LOST
        elif carried_motion is not None and motion.pk == carried_motion.pk:
            outcome = Motion.Outcome.CARRIED
        else:
            outcome = (
                Motion.Outcome.LOST
                if motion.kind != Motion.Kind.APPROVAL
                else (Motion.Outcome.CARRIED if carried_motion is None else Motion.Outcome.LOST)
            )
        if motion.outcome != outcome:
            motion.outcome = outcome
            motion.save(update_fields=["outcome"])
    _decision_follows_outcome(paragraph, carried_motion, accepted)
    return paragraph


def _decision_follows_outcome(paragraph: Paragraph, carried: Motion | None, additions) -> None:
    """The decision's words follow what was carried (the secretary may reword them, and
    signing checks that they still say the same)."""
    proposal = paragraph.proposal or {
        "text": paragraph.decision_text,
        "points": paragraph.decision_points,
    }
    added = [m.text for m in paragraph.motions.filter(pk__in=additions).order_by("position", "pk")]
    text, points = wording.decision_for_outcome(
        body_name=paragraph.body.name,
        proposal=proposal,
        carried_kind=carried.kind if carried is not None else None,
        carried_text=carried.text if carried is not None else "",
        additions=added,
        co_financing=paragraph.case is not None and paragraph.case.kind == CaseKind.CO_FINANCING,
    )
    paragraph.proposal = proposal
    paragraph.decision_text = text
    paragraph.decision_points = points
    paragraph.save(update_fields=["proposal", "decision_text", "decision_points", "updated_at"])


@transaction.atomic
def vote_record(
    *,
    user,
    paragraph: Paragraph,
    votes: dict[int, str],
    no_motion: Motion | None,
) -> Paragraph:
    """Record an omröstning: ``votes`` maps member id -> ja/nej/avstår.

    Ja is for the main proposal (liggande förslaget), nej for ``no_motion``. Every voting
    member present, except those with jäv, must vote; members with jäv, absent members and
    substitutes not serving cannot. The result sets the propositionsordning: the side
    with more votes is carried; on a tie the chair's vote decides (utslagsröst).
    """
    meeting = _paragraph_meeting(user, paragraph)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    if paragraph.decision_recorded_at:
        raise Conflict(_("Beslutet är registrerat; omröstningen kan inte ändras."))
    if no_motion is None or no_motion.paragraph_id != paragraph.pk:
        raise ValidationError({"no_motion": _("Välj yrkandet som nej-rösten gäller.")})
    if not meeting.attendance.exists():
        raise ValidationError(_("Registrera närvaron innan omröstningen."))
    voters = {m.pk: m for m in paragraph_voters(paragraph)}
    conflicted = set(paragraph.conflicts.values_list("member_id", flat=True))
    errors = []
    for member_id, choice in votes.items():
        if choice not in Vote.Choice.values:
            errors.append(_("Okänd röst: %(choice)s.") % {"choice": choice})
        elif member_id in conflicted:
            member = BodyMember.objects.get(pk=member_id)
            errors.append(_("%(name)s har anmält jäv och får inte rösta.") % {"name": member})
        elif member_id not in voters:
            unknown = BodyMember.objects.filter(pk=member_id).first()
            errors.append(
                _("%(name)s är inte tjänstgörande och får inte rösta.")
                % {"name": unknown or member_id}
            )
    missing = [m for pk, m in voters.items() if pk not in votes]
    if missing:
        errors.append(
            _("Röst saknas för: %(names)s.") % {"names": ", ".join(str(m) for m in missing)}
        )
    if errors:
        raise ValidationError(errors)
    paragraph.votes.all().delete()
    Vote.objects.bulk_create(
        [
            Vote(paragraph=paragraph, member=voters[pk], choice=choice)
            for pk, choice in votes.items()
        ]
    )
    totals = vote_totals(paragraph)
    if totals["yes"] > totals["no"]:
        carried = None
    elif totals["no"] > totals["yes"]:
        carried = no_motion
    else:
        chair = meeting_chair(meeting)
        chair_vote = votes.get(chair.pk) if chair else None
        if chair_vote not in (Vote.Choice.YES, Vote.Choice.NO):
            raise ValidationError(
                _("Lika röstetal: ordföranden har utslagsröst och måste rösta ja eller nej.")
            )
        carried = None if chair_vote == Vote.Choice.YES else no_motion
    paragraph.vote_held = True
    paragraph.vote_no_motion = no_motion
    paragraph.save(update_fields=["vote_held", "vote_no_motion", "updated_at"])
    return paragraph_set_proposition(
        user=user,
        paragraph=paragraph,
        put=True,
        carried_motion=carried,
        accepted_additions=paragraph.motions.filter(
            outcome=Motion.Outcome.CARRIED, kind=Motion.Kind.ADDITION
        ),
    )


def vote_totals(paragraph: Paragraph) -> dict:
    counts = {"yes": 0, "no": 0, "abstain": 0}
    for choice in paragraph.votes.values_list("choice", flat=True):
        counts[choice] += 1
    return counts


@transaction.atomic
def vote_clear(*, user, paragraph: Paragraph) -> None:
    _paragraph_meeting(user, paragraph)
    if paragraph.decision_recorded_at:
        raise Conflict(_("Beslutet är registrerat; omröstningen kan inte ändras."))
    locked = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    locked.votes.all().delete()
    # Saved (not updated) so that the history has it and the removal can be undone as a whole.
    locked.vote_held = False
    locked.vote_no_motion = None
    locked._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    locked.save(update_fields=["vote_held", "vote_no_motion", "updated_at"])


@transaction.atomic
def reservation_add(
    *,
    user,
    paragraph: Paragraph,
    members: list[BodyMember],
    in_favour_of: Motion | None = None,
    text: str = "",
) -> Reservation:
    _paragraph_meeting(user, paragraph)
    if not members:
        raise ValidationError({"members": _("Ange vem som reserverar sig.")})
    for member in members:
        _check_participant(paragraph, member, what=_("reservera sig"))
        if Reservation.objects.filter(paragraph=paragraph, members=member).exists():
            raise ValidationError(_("%(name)s har redan reserverat sig.") % {"name": member})
        if _voted_for_the_decision(paragraph, member):
            raise ValidationError(
                {
                    "members": _(
                        "%(name)s röstade för beslutet i omröstningen och kan inte "
                        "reservera sig mot det."
                    )
                    % {"name": member}
                },
                code="voted_for_decision",
            )
    if in_favour_of is not None:
        if in_favour_of.paragraph_id != paragraph.pk:
            raise ValidationError(_("Yrkandet hör till en annan paragraf."))
        if in_favour_of.outcome == Motion.Outcome.CARRIED:
            raise ValidationError(
                _("Yrkandet bifölls; man kan inte reservera sig till förmån för det.")
            )
    reservation = Reservation(paragraph=paragraph, in_favour_of=in_favour_of, text=text.strip())
    reservation.full_clean()
    reservation.save()
    reservation.members.set(members)
    return reservation


@transaction.atomic
def reservation_remove(*, user, reservation: Reservation) -> None:
    _paragraph_meeting(user, reservation.paragraph)
    reservation.delete()
