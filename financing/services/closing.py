"""Closing the books of a grant and changing it by a later decision.

Withdrawal and closure release the unpaid commitment (``commitments.release_remainders``,
called from ``financing.services.decisions``); so does an appeal that annuls the § that
granted the money (``appeal_decide`` there). A later decision, recorded with its §, can
reduce a grant (releases, never below what is paid) or increase it (a new commitment,
checked against the year's means and the decision year's commitment authority).
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.access import require
from core.errors import Conflict
from core.money import format_amount
from decisions.meetings.models import Paragraph
from financing import permissions
from financing.models import Commitment, Grant, GrantAdjustment, GrantCategory, GrantTerms
from financing.services.commitments import (
    _check_authority,
    _commit,
    _lock_grant,
    _release,
    _remaining,
    project_priority,
)
from financing.services.common import ZERO, amount_from_input, date_from_input
from financing.services.payments import granted_net, paid_net
from projects.models import Case


def _paragraph_reference(paragraph: Paragraph) -> str:
    return (
        f"{paragraph.body.code.upper()} {paragraph.meeting.date.isoformat()} § {paragraph.number}"
    )


@transaction.atomic
def grant_adjust(
    *,
    user,
    case: Case,
    new_amount,
    decided_on,
    paragraph: Paragraph | None = None,
    reference: str = "",
    year: int | None = None,
    reason: str = "",
) -> GrantAdjustment:
    """Record a later decision that changes the case's grant to ``new_amount``.

    A reduction releases from the commitments' unpaid remainders (``year``'s first, then
    the latest years); the grant never goes below what is paid. An increase commits the
    difference against ``year``'s anslag (default the decision year)."""
    require(permissions.can_adjust_grant(user))
    new_amount = amount_from_input(new_amount, "new_amount", positive=False)
    decided_on = date_from_input(decided_on, "decided_on")
    if paragraph is not None:
        if paragraph.case_id != case.pk:
            raise ValidationError({"paragraph": _("Paragrafen gäller ett annat ärende.")})
        reference = reference or _paragraph_reference(paragraph)
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"reference": _("Ange beslutet (paragrafen) som ändrar stödet.")})
    year = int(year or decided_on.year)
    # Lock the years in a fixed order, as a grant decision does, then the commitments.
    years = sorted({year, decided_on.year})
    locked_grants = {y: Grant.objects.select_for_update().filter(year=y).first() for y in years}
    commitments = list(Commitment.objects.select_for_update().filter(case=case).order_by("pk"))
    if not commitments:
        raise Conflict(_("Ärendet har inget beviljat stöd att ändra."))
    previous = granted_net(case)
    paid = paid_net(case)
    change = new_amount - previous
    if change == 0:
        raise ValidationError({"new_amount": _("Det nya beloppet är detsamma som det beviljade.")})
    if new_amount < paid:
        raise ValidationError(
            {
                "new_amount": _(
                    "Stödet kan inte sänkas under det som redan är utbetalt (%(paid)s)."
                )
                % {"paid": format_amount(paid)}
            }
        )
    with translation.override("sv"):
        why = _("Ändrat beslut %(reference)s: stödet %(old)s blir %(new)s.") % {
            "reference": reference,
            "old": format_amount(previous),
            "new": format_amount(new_amount),
        }
    if change < 0:
        _reduce(
            user=user, commitments=commitments, year=year, amount=-change, on=decided_on, why=why
        )
    else:
        year_grant = locked_grants[year] or _lock_grant(year)  # raises the clear message
        first = commitments[0]
        _check_authority(locked_grants[decided_on.year], decided_on, {year: change})
        _commit(
            user=user,
            grant=year_grant,
            category=GrantCategory.PROJECT,
            priority=first.priority or project_priority(case.project),
            amount=change,
            committed_on=decided_on,
            case=case,
            recipient=first.recipient,
            description=why,
            reference=reference,
        )
    terms = GrantTerms.objects.filter(case=case).first()
    if terms is not None:
        terms.ceiling = new_amount
        terms._history_user = user  # type: ignore[attr-defined]  # read by simple-history
        terms.save(update_fields=["ceiling"])
    adjustment = GrantAdjustment(
        case=case,
        paragraph=paragraph,
        reference=reference[:200],
        decided_on=decided_on,
        previous_amount=previous,
        new_amount=new_amount,
        year=year,
        reason=(reason or "").strip(),
        created_by=user,
    )
    adjustment.full_clean()
    adjustment._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    adjustment.save()
    # The case says what is granted now (its page, the lists, the plan's check, the route).
    locked_case = Case.objects.select_for_update().get(pk=case.pk)
    locked_case.granted_amount = new_amount
    locked_case._history_user = user  # read by simple-history
    locked_case.save(update_fields=["granted_amount", "updated_at"])
    case.granted_amount = new_amount
    return adjustment


def _reduce(
    *, user, commitments: list[Commitment], year: int, amount: Decimal, on: datetime.date, why: str
) -> None:
    order = sorted(commitments, key=lambda c: (c.grant.year != year, -c.grant.year, -c.pk))
    left = amount
    for commitment in order:
        if left <= 0:
            break
        part = min(_remaining(commitment), left)
        if part > 0:
            _release(
                user=user,
                commitment=commitment,
                released_on=max(on, commitment.committed_on),
                amount=part,
                reason=why,
            )
            left -= part
    if left > ZERO:  # cannot happen: new_amount >= paid was checked
        raise ValidationError({"new_amount": _("Det finns inte så mycket outbetalt att sänka.")})
