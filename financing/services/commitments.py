"""Money leaving the anslag: commitments, payments against them, releases.

Money that leaves the anslag is serialised on the year's ``Grant`` row
(``select_for_update``): a commitment is checked against what is left only while the
lock is held, so two decisions at the same moment cannot both pass when only one fits.
Payments and releases lock their commitment row the same way.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.access import require
from core.collation import swedish_key
from core.errors import Conflict
from core.money import format_amount
from financing import permissions, selectors
from financing.models import (
    Commitment,
    Grant,
    GrantCategory,
    LeaderGender,
    Payment,
    Release,
)
from financing.services.common import DEFAULT_PRIORITY, ZERO, amount_from_input, date_from_input
from projects.models import Case, Organisation, Project, ReportPriority


def project_priority(project: Project) -> str:
    """The RUS priority of a project: its first RUS area's report priority."""
    areas = sorted(project.rus_areas.all(), key=lambda a: (a.position, swedish_key(a.name)))
    return areas[0].report_priority if areas else ReportPriority.OTHER


def _lock_grant(year: int) -> Grant:
    try:
        return Grant.objects.select_for_update().get(year=year)
    except Grant.DoesNotExist as exc:
        raise ValidationError(
            _(
                "Inget anslag 1:1 är registrerat för %(year)s. En controller registrerar "
                "årets anslag under Ekonomi innan beslut kan belasta det."
            )
            % {"year": year}
        ) from exc


def _commit(
    *,
    user,
    grant: Grant,
    category: str,
    priority: str,
    amount: Decimal,
    committed_on: datetime.date,
    case: Case | None = None,
    recipient: Organisation | None = None,
    company_leader_gender: str | None = None,
    description: str = "",
    reference: str = "",
) -> Commitment:
    """Create a commitment; the caller holds the lock on ``grant``."""
    room = selectors.grant_room(grant, category)
    if amount > room.left:
        if room.left_category is not None and room.left_category <= room.left_total:
            where = _("inom %(category)s") % {"category": GrantCategory(category).label.lower()}
        else:
            where = _("av anslaget")
        raise ValidationError(
            _(
                "Beslutet om %(amount)s ryms inte i anslaget 1:1 för %(year)s: "
                "%(left)s kvar %(where)s."
            )
            % {
                "amount": format_amount(amount),
                "year": grant.year,
                "left": format_amount(max(room.left, ZERO)),
                "where": where,
            }
        )
    commitment = Commitment(
        grant=grant,
        category=category,
        priority=priority,
        case=case,
        amount=amount,
        committed_on=committed_on,
        description=description[:300],
        reference=reference[:200],
        company_leader_gender=company_leader_gender or None,
        recipient=recipient,
        created_by=user,
    )
    commitment.full_clean()
    commitment._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    commitment.save()
    return commitment


@transaction.atomic
def commitment_record(
    *,
    user,
    category: str,
    amount,
    committed_on,
    year: int | None = None,
    priority: str | None = None,
    case: Case | None = None,
    company_leader_gender: str | None = None,
    recipient: Organisation | None = None,
    description: str = "",
    reference: str = "",
) -> Commitment:
    """Record a decision taken outside the case workflow as a commitment.

    Business support (with the company leader's gender), commercial service, and
    historic project decisions. Same lock and limit as grant decisions.
    """
    require(permissions.can_record_commitment(user))
    if category not in GrantCategory.values:
        raise ValidationError({"category": _("Välj en kategori.")})
    amount = amount_from_input(amount, "amount")
    committed_on = date_from_input(committed_on, "committed_on")
    errors = {}
    if category == GrantCategory.BUSINESS_SUPPORT:
        if company_leader_gender not in LeaderGender.values:
            errors["company_leader_gender"] = _(
                "Ange om företaget leds av en kvinna, en man eller har delat ledarskap."
            )
    elif company_leader_gender:
        errors["company_leader_gender"] = _("Företagets ledning anges bara för företagsstöd.")
    if not priority:
        if case is not None:
            priority = project_priority(case.project)
        else:
            priority = DEFAULT_PRIORITY.get(category, "")
    if priority not in ReportPriority.values:
        errors["priority"] = _("Välj den RUS-prioritering som beslutet hör till.")
    if case is not None and category != GrantCategory.PROJECT:
        errors["case"] = _("Endast åtaganden för projektverksamhet kopplas till ett ärende.")
    if errors:
        raise ValidationError(errors)
    if recipient is None and case is not None:
        recipient = case.project.owner or case.project.applicant
    year = year or committed_on.year
    if year < committed_on.year:
        raise ValidationError(
            {
                "year": _(
                    "Ett beslut %(date)s kan inte belasta anslaget för %(year)s, ett år som "
                    "redan har gått."
                )
                % {"date": committed_on.isoformat(), "year": year}
            }
        )
    # Money of a later year binds the decision year's commitment authority, as a grant
    # decision's later parts do (locked first: the years in order).
    decision_grant = (
        Grant.objects.select_for_update().filter(year=committed_on.year).first()
        if year > committed_on.year
        else None
    )
    grant = _lock_grant(year)
    _check_authority(decision_grant, committed_on, {year: amount}, field="year")
    return _commit(
        user=user,
        grant=grant,
        category=category,
        priority=priority,
        amount=amount,
        committed_on=committed_on,
        case=case,
        recipient=recipient,
        company_leader_gender=company_leader_gender,
        description=description.strip(),
        reference=reference.strip(),
    )


def _year_split(amount: Decimal, decided_on: datetime.date, split) -> dict[int, Decimal]:
    if not split:
        return {decided_on.year: amount}
    parts: dict[int, Decimal] = {}
    for year, value in dict(split).items():
        try:
            year = int(year)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Fördelningen per år har ett ogiltigt år.")) from exc
        part = amount_from_input(value, "year_split")
        parts[year] = parts.get(year, ZERO) + part
    total = sum(parts.values(), ZERO)
    if total != amount:
        raise ValidationError(
            _("Fördelningen per år (%(total)s) summerar inte till beviljat belopp (%(amount)s).")
            % {"total": format_amount(total), "amount": format_amount(amount)}
        )
    return parts


@transaction.atomic
def commitments_for_grant_decision(*, case: Case, user, data: dict, log=None) -> list[Commitment]:
    """The ``grant`` transition's effect: commit the granted amount against the anslag.

    One commitment per year of ``data["year_split"]`` (or of the decision date), category
    projektverksamhet, priority from the project's first RUS area. Runs inside the
    transition's transaction; a ``ValidationError`` rolls the whole decision back.
    """
    raw = data.get("amount")
    if raw in (None, ""):
        raw = case.granted_amount
    if raw in (None, ""):
        raise ValidationError(_("Beviljat belopp saknas i beslutet."))
    amount = amount_from_input(raw, "amount")
    decided_on = date_from_input(data.get("decided_on") or timezone.localdate(), "decided_on")
    parts = _year_split(amount, decided_on, data.get("year_split"))
    project = case.project
    priority = project_priority(project)
    reference = str(data.get("reference") or "")
    recipient = project.owner or project.applicant
    with translation.override("sv"):
        description = _("Medfinansiering: %(title)s") % {"title": project.title}
    # Lock every year involved in a fixed order (no deadlock): the payment years whose
    # means are checked, and the decision year whose authority binds the later years.
    years = sorted({*parts, decided_on.year})
    decision_grant = Grant.objects.select_for_update().filter(year=decided_on.year).first()
    grants = {year: _lock_grant(year) for year in years if year in parts}
    _check_authority(decision_grant, decided_on, parts)
    return [
        _commit(
            user=user,
            grant=grants[year],
            category=GrantCategory.PROJECT,
            priority=priority,
            amount=part,
            committed_on=decided_on,
            case=case,
            recipient=recipient,
            description=description,
            reference=reference,
        )
        for year, part in sorted(parts.items())
    ]


def _check_authority(
    decision_grant: Grant | None, decided_on: datetime.date, parts, field: str = "year_split"
) -> None:
    """Money bound for years after the decision year must fit the decision year's
    commitment authority (bemyndiganderam): everything already committed to later years
    plus this decision's later parts. The caller holds the lock on ``decision_grant``."""
    later = {year: amount for year, amount in parts.items() if year > decided_on.year}
    if not later or decision_grant is None or decision_grant.commitment_authority is None:
        return
    bound = selectors.committed_after(decided_on.year)
    total = bound + sum(later.values(), ZERO)
    if total > decision_grant.commitment_authority:
        raise ValidationError(
            {
                field: _(
                    "Beslutet binder %(later)s för åren efter %(year)s. Med %(bound)s som redan "
                    "är bundet blir det %(total)s, över bemyndiganderamen %(authority)s för "
                    "%(year)s."
                )
                % {
                    "later": format_amount(sum(later.values(), ZERO)),
                    "year": decided_on.year,
                    "bound": format_amount(bound),
                    "total": format_amount(total),
                    "authority": format_amount(decision_grant.commitment_authority),
                }
            }
        )


def _remaining(commitment: Commitment) -> Decimal:
    paid = commitment.payments.aggregate(s=Sum("amount"))["s"] or ZERO
    released = commitment.releases.aggregate(s=Sum("amount"))["s"] or ZERO
    return commitment.amount - paid - released


@transaction.atomic
def payment_record(
    *,
    user,
    commitment: Commitment,
    paid_on,
    amount,
    period_start,
    period_end,
    requisition_reference: str = "",
) -> Payment:
    """Pay out against a commitment decided outside a case (business support, commercial
    service, historic decisions); the sum of payments never exceeds it. A case's grant is
    paid by ``payments.payment_register``, which checks the payment rules."""
    require(permissions.can_record_payment(user))
    amount = amount_from_input(amount, "amount")
    paid_on = date_from_input(paid_on, "paid_on")
    period_start = date_from_input(period_start, "period_start")
    period_end = date_from_input(period_end, "period_end")
    if period_start > period_end:
        raise ValidationError({"period_end": _("Perioden kan inte sluta innan den börjar.")})
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if locked.case_id is not None:  # financing.services.payments.payment_register
        raise Conflict(str(permissions.CASE_PAYMENT_ELSEWHERE))
    if paid_on < locked.committed_on:
        raise ValidationError(
            {
                "paid_on": _("Utbetalningen kan inte göras före beslutet (%(date)s).")
                % {"date": locked.committed_on.isoformat()}
            }
        )
    remaining = _remaining(locked)
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _(
                    "Utbetalningen (%(amount)s) överstiger det som återstår av åtagandet "
                    "(%(remaining)s)."
                )
                % {"amount": format_amount(amount), "remaining": format_amount(remaining)}
            }
        )
    payment = Payment(
        commitment=locked,
        paid_on=paid_on,
        amount=amount,
        period_start=period_start,
        period_end=period_end,
        requisition_reference=requisition_reference.strip(),
        created_by=user,
    )
    payment.full_clean()
    payment._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    payment.save()
    return payment


def _release(*, user, commitment: Commitment, released_on, amount, reason: str) -> Release:
    release = Release(
        commitment=commitment,
        released_on=released_on,
        amount=amount,
        reason=reason[:300],
        created_by=user,
    )
    release.full_clean()
    release._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    release.save()
    return release


@transaction.atomic
def release_record(
    *, user, commitment: Commitment, released_on, reason: str, amount=None
) -> Release:
    """Give (part of) the unused remainder of a commitment back to its year's anslag.

    Without ``amount`` the whole remainder is released.
    """
    require(permissions.can_record_release(user))
    released_on = date_from_input(released_on, "released_on")
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Ange varför medlen återförs.")})
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    remaining = _remaining(locked)
    if remaining <= 0:
        raise Conflict(_("Åtagandet har inget återstående belopp att återföra."))
    amount = remaining if amount in (None, "") else amount_from_input(amount, "amount")
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _("Återföringen (%(amount)s) överstiger återstående %(remaining)s.")
                % {"amount": format_amount(amount), "remaining": format_amount(remaining)}
            }
        )
    if released_on < locked.committed_on:
        raise ValidationError({"released_on": _("Återföringen kan inte ske före beslutet.")})
    return _release(
        user=user, commitment=locked, released_on=released_on, amount=amount, reason=reason.strip()
    )


def release_remainders(
    *, case: Case, user, released_on: datetime.date, reason: str
) -> list[Release]:
    """Release every open remainder of the case's commitments (the unpaid part of the
    grant), one logged ``Release`` per commitment. Locks the commitments."""
    releases = []
    for commitment in Commitment.objects.select_for_update().filter(case=case).order_by("pk"):
        remaining = _remaining(commitment)
        if remaining > 0:
            releases.append(
                _release(
                    user=user,
                    commitment=commitment,
                    released_on=max(released_on, commitment.committed_on),
                    amount=remaining,
                    reason=reason,
                )
            )
    return releases


@transaction.atomic
def releases_at_case_closure(*, case: Case, user, data: dict, log=None) -> list[Release]:
    """The ``close`` transition's effect: release every open remainder of the case."""
    released_on = date_from_input(
        data.get("decided_on")
        or data.get("closed_on")
        or case.project.closed_on
        or timezone.localdate(),
        "released_on",
    )
    with translation.override("sv"):
        reason = _("Återföring av outnyttjade medel när ärendet %(dnr)s avslutades.") % {
            "dnr": case.dnr
        }
    return release_remainders(case=case, user=user, released_on=released_on, reason=reason)


@transaction.atomic
def releases_at_withdrawal(*, case: Case, user, data: dict, log=None) -> list[Release]:
    """The ``withdraw`` transition's effect: the unpaid part of a grant is released."""
    released_on = timezone.localdate(log.timestamp) if log is not None else timezone.localdate()
    with translation.override("sv"):
        reason = _("Återföring av outnyttjade medel när ärendet %(dnr)s återkallades.") % {
            "dnr": case.dnr
        }
    return release_remainders(case=case, user=user, released_on=released_on, reason=reason)
