"""Bodies, their members and the paragraph counter (§ numbers per body and year)."""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from core.access import require
from core.errors import Conflict
from decisions.meetings import permissions
from decisions.meetings.models import (
    Body,
    BodyMember,
    Meeting,
    MeetingStatus,
    Paragraph,
    ParagraphCounter,
)
from decisions.workflow.constants import BodyCode

logger = logging.getLogger(__name__)


# The seven bodies, as the data migration 0003 creates them.
DEFAULT_BODIES = {
    BodyCode.AU: ("Arbetsutskottet", "Arbetsutskottets", "Arbetsutskottet beslutar att:", "AU"),
    BodyCode.FORUM: (
        "Utvecklingsforum",
        "Utvecklingsforums",
        "Utvecklingsforum rekommenderar att:",
        "UF",
    ),
    BodyCode.COUNCIL: (
        "Utvecklingsrådet",
        "Utvecklingsrådets",
        "Utvecklingsrådet beslutar att:",
        "UR",
    ),
    BodyCode.MANAGEMENT_GROUP: (
        "Ledningsgruppen",
        "Ledningsgruppens",
        "Ledningsgruppen beslutar att:",
        "LG",
    ),
    BodyCode.BOARD: ("Regionstyrelsen", "Regionstyrelsens", "Regionstyrelsen beslutar att:", "RS"),
    BodyCode.RUN: (
        "Regionala utvecklingsnämnden",
        "Regionala utvecklingsnämndens",
        "Regionala utvecklingsnämnden beslutar att:",
        "RUN",
    ),
    BodyCode.RUU: (
        "Regionutvecklingsutskottet",
        "Regionutvecklingsutskottets",
        "Regionutvecklingsutskottet beslutar att:",
        "RUU",
    ),
}


def body_get(code: str) -> Body:
    """The body with ``code``; created with its standard wording if it is missing."""
    name, genitive, intro, short = DEFAULT_BODIES[BodyCode(code)]
    body, _created = Body.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "genitive": genitive,
            "decision_intro": intro,
            "short_name": short,
            "default_place": "Regionhuset, Luleå",
        },
    )
    return body


@transaction.atomic
def body_update(*, user, body: Body, data: dict) -> Body:
    require(permissions.can_manage_bodies(user, body))
    allowed = {
        "name",
        "genitive",
        "decision_intro",
        "short_name",
        "secretary",
        "default_place",
        "signing_days",
    }
    for field, value in data.items():
        if field not in allowed:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        setattr(body, field, value)
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def body_member_add(
    *,
    user,
    body: Body,
    name: str,
    role: str,
    party: str = "",
    account=None,
    position: int | None = None,
) -> BodyMember:
    require(permissions.can_manage_bodies(user, body))
    if position is None:
        position = (body.members.aggregate(m=Max("position"))["m"] or 0) + 1
    member = BodyMember(
        body=body,
        name=name.strip(),
        party=party.strip(),
        role=role,
        user=account,
        position=position,
    )
    _validate_member(member)
    member.save()
    return member


def _validate_member(member: BodyMember) -> None:
    member.full_clean(validate_constraints=False)
    if member.body.members.exclude(pk=member.pk).filter(name__iexact=member.name).exists():
        raise ValidationError(
            {"name": _("%(name)s finns redan i organet.") % {"name": member.name}}
        )
    if (
        member.role == BodyMember.MemberRole.CHAIR
        and member.active
        and member.body.members.exclude(pk=member.pk)
        .filter(role=BodyMember.MemberRole.CHAIR, active=True)
        .exists()
    ):
        raise ValidationError(
            {"role": _("Organet har redan en ordförande. Ändra den tidigare ordföranden först.")}
        )


@transaction.atomic
def body_member_update(*, user, member: BodyMember, data: dict) -> BodyMember:
    """Change a member. While a protocol is out for signing, who signs it is locked: the
    chair's and the adjuster's user accounts, and the body's chair role, cannot change
    (the signature must be by the one who was elected)."""
    require(permissions.can_manage_bodies(user, member.body))
    member = BodyMember.objects.select_for_update().get(pk=member.pk)
    allowed = {"name", "party", "role", "user", "active", "position"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValidationError(
            _("Fältet %(field)s kan inte ändras här.") % {"field": ", ".join(unknown)}
        )
    signing = _signing_meetings_of(member)
    if signing:
        changes_signer = ("user" in data and data["user"] != member.user) or (
            "role" in data and data["role"] != member.role
        )
        if changes_signer:
            raise Conflict(
                _(
                    "%(name)s ska justera protokollet från %(meeting)s, som är ute för justering: "
                    "kopplingen till användarkontot och rollen kan inte ändras förrän "
                    "protokollet är justerat eller tillbakadraget."
                )
                % {"name": member, "meeting": signing[0]}
            )
    for field, value in data.items():
        setattr(member, field, value.strip() if isinstance(value, str) else value)
    _validate_member(member)
    member.save()
    return member


def _signing_meetings_of(member: BodyMember) -> list[Meeting]:
    """Meetings out for signing that ``member`` signs (as chair or adjuster)."""
    return list(
        Meeting.objects.filter(status=MeetingStatus.SIGNING)
        .filter(Q(chair=member) | Q(adjuster=member))
        .select_related("body")
    )


@transaction.atomic
def paragraph_counter_set_start(
    *, user, body: Body, year: int, first_number: int
) -> ParagraphCounter:
    """Let the body's year start at ``first_number`` (RUN 2020 continues at § 22)."""
    require(permissions.can_manage_bodies(user, body))
    if first_number < 1:
        raise ValidationError({"first_number": _("Första paragrafnumret måste vara minst 1.")})
    ParagraphCounter.objects.get_or_create(body=body, year=year)
    counter = ParagraphCounter.objects.select_for_update().get(body=body, year=year)
    used = Paragraph.objects.filter(body=body, year=year).aggregate(m=Max("number"))["m"] or 0
    if first_number <= used:
        raise ValidationError(
            {
                "first_number": _(
                    "§ %(used)s är redan använd %(year)s. Nästa nummer kan inte vara lägre än "
                    "§ %(next)s."
                )
                % {"used": used, "year": year, "next": used + 1}
            }
        )
    counter.last_number = first_number - 1
    counter.save(update_fields=["last_number"])
    return counter


def next_paragraph_number(body: Body, year: int) -> int:
    counter = ParagraphCounter.objects.filter(body=body, year=year).first()
    return (counter.last_number if counter else 0) + 1


def _allocate_paragraph_number(body: Body, year: int) -> int:
    """The next § of the body's year, under a row lock on the year's counter.

    Concurrent writers queue on the lock, so numbers are consecutive and never given
    twice; the unique (body, year, number) constraint on Paragraph is the last guard.
    A rolled-back transaction rolls the counter back too: no gaps.
    """
    try:
        with transaction.atomic():
            ParagraphCounter.objects.get_or_create(body=body, year=year)
    except IntegrityError:  # created by a parallel writer between get and create
        pass
    counter = ParagraphCounter.objects.select_for_update().get(body=body, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number
