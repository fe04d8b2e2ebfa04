"""Paying out a grant: conditions, requisitions, payments of each kind, corrections,
recoveries, the final report's approval.

A payment is charged to the commitment of its payment year (the decision's share of that
year's anslag). Every payment of a case is serialised on the payment year's ``Grant`` row
and then on the case's commitment rows (``select_for_update``, in pk order), so two
payments at the same moment cannot both pass a limit that only one fits. The limits:

- every suspensive condition of the decision is met (who, when, which document);
- the payment year has a commitment and the payment fits what is left of it, and of the
  year's anslag;
- the case's net payments never exceed the grant (its commitments net of releases), nor,
  when the grant is a share of the costs, that share of the costs reported in its
  requisitions, nor the ceiling in kronor;
- an advance (förskott) has a reason and stays within the payment policy in force
  (``FinancingPolicy``: a share of the grant and an amount in kronor);
- a payment in arrears pays a requisition, at most what it requests;
- the final payment pays the final requisition, after the final report is approved; no
  payment follows it.

Payment rows are never changed: ``payment_correct`` writes the reversing entry.
"""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require, require_state
from core.errors import Conflict
from core.money import format_amount
from financing import permissions
from financing.models import (
    Commitment,
    FinalReportApproval,
    FinancingPolicy,
    Grant,
    GrantCondition,
    GrantTerms,
    Payment,
    PaymentKind,
    Recovery,
    Release,
    Requisition,
)
from financing.services.common import ZERO, amount_from_input, date_from_input
from projects.models import Case, Document

CENT = Decimal("0.01")


# --- Figures of a case (read under the caller's locks) ------------------------------------


def _sum(queryset) -> Decimal:
    return queryset.aggregate(s=Sum("amount"))["s"] or ZERO


def granted_net(case: Case) -> Decimal:
    """The grant as it stands: the case's commitments net of releases."""
    return _sum(Commitment.objects.filter(case=case)) - _sum(
        Release.objects.filter(commitment__case=case)
    )


def paid_net(case: Case, **filters) -> Decimal:
    return _sum(Payment.objects.filter(commitment__case=case, **filters))


def advances_net(case: Case) -> Decimal:
    """Advances paid, net of their corrections."""
    return _sum(Payment.objects.filter(commitment__case=case, kind=PaymentKind.ADVANCE)) + _sum(
        Payment.objects.filter(commitment__case=case, corrects__kind=PaymentKind.ADVANCE)
    )


def paid_on_requisition(requisition: Requisition) -> Decimal:
    return _sum(Payment.objects.filter(requisition=requisition)) + _sum(
        Payment.objects.filter(corrects__requisition=requisition)
    )


def recovered(commitment: Commitment) -> Decimal:
    return _sum(commitment.recoveries.all())


def unmet_conditions(case: Case) -> list[GrantCondition]:
    return list(GrantCondition.objects.filter(case=case, met_on__isnull=True).order_by("pk"))


def share_cap(terms: GrantTerms | None, costs: Decimal) -> Decimal | None:
    """What a grant stated as a share of the costs allows for ``costs`` (whole öre,
    rounded down), capped by its ceiling; ``None`` for a fixed grant."""
    if terms is None:
        return None
    return min((costs * terms.cost_share_percent / 100).quantize(CENT, ROUND_DOWN), terms.ceiling)


def advance_cap(policy: FinancingPolicy, granted: Decimal) -> Decimal | None:
    """The policy's cap on a case's advances: a share of the grant and an amount."""
    caps = []
    if policy.max_advance_share is not None:
        caps.append((granted * policy.max_advance_share / 100).quantize(CENT, ROUND_DOWN))
    if policy.max_advance_amount is not None:
        caps.append(policy.max_advance_amount)
    return min(caps) if caps else None


def _terms(case: Case) -> GrantTerms | None:
    return GrantTerms.objects.filter(case=case).first()


def _saved(obj, user):
    obj.full_clean()
    obj._history_user = user  # read by simple-history
    obj.save()
    return obj


def _text(value) -> str:
    return str(value or "").strip()


# --- Conditions --------------------------------------------------------------------------


@transaction.atomic
def condition_add(*, user, case: Case, text: str, set_on, reference: str = "") -> GrantCondition:
    """Add a suspensive condition to a case's grant decision (after the decision)."""
    require(permissions.can_manage_conditions(user, case))
    text = _text(text)
    if not text:
        raise ValidationError({"text": _("Skriv villkoret.")})
    set_on = date_from_input(set_on, "set_on")
    return _saved(
        GrantCondition(
            case=case, text=text, set_on=set_on, reference=_text(reference)[:200], created_by=user
        ),
        user,
    )


@transaction.atomic
def condition_meet(
    *, user, condition: GrantCondition, met_on, evidence: Document | None, note: str = ""
) -> GrantCondition:
    """Record that a condition is met: who, when, and the case's document that shows it."""
    locked = GrantCondition.objects.select_for_update().select_related("case").get(pk=condition.pk)
    require(permissions.can_manage_conditions(user, locked.case))
    if locked.is_met:
        raise Conflict(
            _("Villkoret registrerades som uppfyllt %(date)s.") % {"date": locked.met_on}
        )
    met_on = date_from_input(met_on, "met_on")
    errors = {}
    if evidence is None:
        errors["evidence"] = _("Välj dokumentet som visar att villkoret är uppfyllt.")
    elif evidence.case_id != locked.case_id:
        errors["evidence"] = _("Underlaget ska vara ett dokument i ärendet %(dnr)s.") % {
            "dnr": locked.case.dnr
        }
    if met_on < locked.set_on:
        errors["met_on"] = _("Villkoret kan inte vara uppfyllt före beslutet (%(date)s).") % {
            "date": locked.set_on.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    locked.met_on = met_on
    locked.met_by = user
    locked.evidence = evidence
    locked.met_note = _text(note)
    return _saved(locked, user)


def _percent(value, field: str) -> Decimal:
    try:
        percent = Decimal(str(value).replace(",", ".").replace("%", "").strip())
    except (ArithmeticError, ValueError) as exc:
        raise ValidationError({field: _("Ange andelen i procent, t.ex. 42,50.")}) from exc
    if not percent.is_finite() or percent <= 0 or percent > 100:
        raise ValidationError({field: _("Andelen ska vara större än 0 och högst 100 %.")})
    if percent != percent.quantize(CENT):
        raise ValidationError({field: _("Ange andelen med högst två decimaler.")})
    return percent.quantize(CENT)


@transaction.atomic
def grant_terms_record(*, user, case: Case, cost_share_percent, reference: str = "") -> GrantTerms:
    """The decision states the grant as a share of the reported costs; its ceiling is the
    granted amount in kronor. Refused when what is already paid would exceed it."""
    require(permissions.can_register_payment(user, case))
    percent = _percent(cost_share_percent, "cost_share_percent")
    commitments = list(Commitment.objects.select_for_update().filter(case=case).order_by("pk"))
    if not commitments:
        raise Conflict(_("Ärendet har inget beviljat stöd."))
    terms = GrantTerms.objects.filter(case=case).first() or GrantTerms(case=case, created_by=user)
    terms.cost_share_percent = percent
    terms.ceiling = granted_net(case)
    terms.reference = _text(reference)[:200]
    costs = _sum_costs(case)
    paid = paid_net(case)
    allowed = share_cap(terms, costs)
    if allowed is not None and paid > allowed and paid > advances_net(case):
        raise ValidationError(
            {
                "cost_share_percent": _(
                    "Redan utbetalt %(paid)s är mer än %(percent)s %% av redovisade kostnader "
                    "(%(allowed)s)."
                )
                % {
                    "paid": format_amount(paid),
                    "percent": _pct(percent),
                    "allowed": format_amount(allowed),
                }
            }
        )
    return _saved(terms, user)


def _sum_costs(case: Case, until: datetime.date | None = None) -> Decimal:
    requisitions = Requisition.objects.filter(case=case)
    if until is not None:
        requisitions = requisitions.filter(period_end__lte=until)
    return requisitions.aggregate(s=Sum("costs_reported"))["s"] or ZERO


def effects_of_grant_decision(*, case: Case, user, data: dict) -> None:
    """What a grant decision says about paying: its suspensive conditions and a grant
    stated as a share of the costs (``suspensive_conditions``, ``cost_share_percent``)."""
    decided_on = date_from_input(data.get("decided_on") or timezone.localdate(), "decided_on")
    reference = _text(data.get("reference"))[:200]
    for text in data.get("suspensive_conditions") or []:
        if _text(text):
            _saved(
                GrantCondition(
                    case=case,
                    text=_text(text),
                    set_on=decided_on,
                    reference=reference,
                    created_by=user,
                ),
                user,
            )
    percent = data.get("cost_share_percent")
    if percent not in (None, ""):
        _saved(
            GrantTerms(
                case=case,
                cost_share_percent=_percent(percent, "cost_share_percent"),
                ceiling=granted_net(case),
                reference=reference,
                created_by=user,
            ),
            user,
        )


# --- Requisitions and the final report ---------------------------------------------------


@transaction.atomic
def requisition_record(
    *,
    user,
    case: Case,
    received_on,
    period_start,
    period_end,
    costs_reported,
    amount_requested,
    reference: str = "",
    is_final: bool = False,
) -> Requisition:
    """Register the project owner's requisition (rekvisition) for a period."""
    require(permissions.can_record_requisition(user, case))
    received_on = date_from_input(received_on, "received_on")
    period_start = date_from_input(period_start, "period_start")
    period_end = date_from_input(period_end, "period_end")
    costs = amount_from_input(costs_reported, "costs_reported", positive=False)
    requested = amount_from_input(amount_requested, "amount_requested")
    if period_start > period_end:
        raise ValidationError({"period_end": _("Perioden kan inte sluta innan den börjar.")})
    if not Commitment.objects.filter(case=case).exists():
        raise Conflict(_("Ärendet har inget beviljat stöd att rekvirera."))
    if is_final and Requisition.objects.filter(case=case, is_final=True).exists():
        raise Conflict(_("Ärendet har redan en slutrekvisition."))
    return _saved(
        Requisition(
            case=case,
            reference=_text(reference)[:100],
            received_on=received_on,
            period_start=period_start,
            period_end=period_end,
            costs_reported=costs,
            amount_requested=requested,
            is_final=bool(is_final),
            created_by=user,
        ),
        user,
    )


@transaction.atomic
def final_report_approve(
    *, user, case: Case, approved_on, report: Document | None, note: str = ""
) -> FinalReportApproval:
    """The case officer approves the final report (a document of the case); the final
    payment may follow."""
    require(permissions.can_approve_final_report(user, case))
    require_state(permissions.final_report_state_access(case))
    if FinalReportApproval.objects.filter(case=case).exists():
        raise Conflict(_("Slutrapporten är redan godkänd."))
    approved_on = date_from_input(approved_on, "approved_on")
    if report is None or report.case_id != case.pk:
        raise ValidationError({"report": _("Välj slutrapporten bland ärendets dokument.")})
    return _saved(
        FinalReportApproval(
            case=case, approved_on=approved_on, approved_by=user, report=report, note=_text(note)
        ),
        user,
    )


# --- Payments --------------------------------------------------------------------------


def _lock_year(year: int) -> Grant:
    grant = Grant.objects.select_for_update().filter(year=year).first()
    if grant is None:
        raise ValidationError(
            {"paid_on": _("Inget anslag 1:1 är registrerat för %(year)s.") % {"year": year}}
        )
    return grant


def _pct(value: Decimal | None) -> str:
    """A percentage as the UI writes it: ``50``, ``42,35``; ``–`` when not set."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _too_much(field: str, message: str, **values) -> ValidationError:
    return ValidationError(
        {
            field: message
            % {k: format_amount(v) if isinstance(v, Decimal) else v for k, v in values.items()}
        }
    )


@transaction.atomic
def payment_register(
    *,
    user,
    case: Case,
    kind: str,
    paid_on,
    amount,
    reason: str = "",
    requisition: Requisition | None = None,
) -> Payment:
    """Pay out part of a case's grant (see the module's docstring for every limit)."""
    require(permissions.can_register_payment(user, case))
    if kind not in (PaymentKind.ADVANCE, PaymentKind.ARREARS, PaymentKind.FINAL):
        raise ValidationError(
            {"kind": _("Välj förskott, utbetalning mot rekvisition eller slututbetalning.")}
        )
    amount = amount_from_input(amount, "amount")
    paid_on = date_from_input(paid_on, "paid_on")
    reason = _text(reason)
    # Locks: the payment year's anslag, then the case's commitments (pk order).
    year_grant = _lock_year(paid_on.year)
    commitments = list(Commitment.objects.select_for_update().filter(case=case).order_by("pk"))
    if not commitments:
        raise Conflict(_("Ärendet har inget beviljat stöd att betala ut."))
    unmet = unmet_conditions(case)
    if unmet:
        raise Conflict(
            _("Stödet betalas inte ut förrän villkoret är uppfyllt: %(conditions)s")
            % {"conditions": "; ".join(c.text for c in unmet)}
        )
    if Payment.objects.filter(
        commitment__case=case, kind=PaymentKind.FINAL, correction__isnull=True
    ).exists():
        raise Conflict(_("Slututbetalningen är gjord; inget mer betalas ut i ärendet."))
    # The year's money may be several commitments: the decision's share of the year and
    # what a later decision added (``closing.grant_adjust``); each pays from its decision on.
    year_commitments = [c for c in commitments if c.grant_id == year_grant.pk]
    commitment = next(iter(year_commitments), None)
    if commitment is None:
        years = ", ".join(str(y) for y in sorted({c.grant.year for c in commitments}))
        raise ValidationError(
            {
                "paid_on": _(
                    "Beslutet har inga medel för %(year)s, bara för %(years)s. En utbetalning "
                    "belastar betalningsårets medel."
                )
                % {"year": paid_on.year, "years": years}
            }
        )
    if paid_on < commitment.committed_on:
        raise ValidationError(
            {
                "paid_on": _("Utbetalningen kan inte göras före beslutet (%(date)s).")
                % {"date": commitment.committed_on.isoformat()}
            }
        )
    policy = FinancingPolicy.objects.in_force(paid_on)
    granted = granted_net(case)
    paid = paid_net(case)
    terms = _terms(case)
    if kind == PaymentKind.ADVANCE:
        if requisition is not None:
            raise ValidationError(
                {"requisition": _("Ett förskott betalas inte mot en rekvisition.")}
            )
        if policy.advance_requires_reason and not reason:
            raise ValidationError({"reason": _("Ange skälet till förskottet.")})
        cap = advance_cap(policy, granted)
        advanced = advances_net(case)
        if cap is not None and advanced + amount > cap:
            raise _too_much(
                "amount",
                _(
                    "Förskott får enligt utbetalningsreglerna vara högst %(cap)s "
                    "(%(share)s %% av beviljade %(granted)s, högst %(limit)s). Redan förskotterat "
                    "%(advanced)s; högst %(left)s till."
                ),
                cap=cap,
                share=_pct(policy.max_advance_share),
                granted=granted,
                limit=policy.max_advance_amount if policy.max_advance_amount is not None else "–",
                advanced=advanced,
                left=max(cap - advanced, ZERO),
            )
    else:
        if requisition is None:
            raise ValidationError({"requisition": _("Välj rekvisitionen som betalas.")})
        if requisition.case_id != case.pk:
            raise ValidationError({"requisition": _("Rekvisitionen hör till ett annat ärende.")})
        if kind == PaymentKind.ARREARS and requisition.is_final:
            raise ValidationError({"kind": _("En slutrekvisition betalas med slututbetalningen.")})
        if kind == PaymentKind.FINAL:
            if not requisition.is_final:
                raise ValidationError(
                    {"requisition": _("Slututbetalningen betalar slutrekvisitionen.")}
                )
            if (
                policy.final_payment_requires_approved_report
                and not FinalReportApproval.objects.filter(case=case).exists()
            ):
                raise Conflict(_("Slututbetalningen görs först när slutrapporten är godkänd."))
        if paid_on < requisition.received_on:
            raise ValidationError(
                {"paid_on": _("Utbetalningen kan inte göras innan rekvisitionen kom in.")}
            )
        on_requisition = paid_on_requisition(requisition)
        if on_requisition + amount > requisition.amount_requested:
            raise _too_much(
                "amount",
                _(
                    "Rekvisitionen begär %(requested)s och %(paid)s är redan betalt mot den; "
                    "högst %(left)s till."
                ),
                requested=requisition.amount_requested,
                paid=on_requisition,
                left=max(requisition.amount_requested - on_requisition, ZERO),
            )
        allowed = share_cap(terms, _sum_costs(case, requisition.period_end))
        if allowed is not None and paid + amount > allowed:
            raise _too_much(
                "amount",
                _(
                    "Stödet är %(percent)s %% av redovisade kostnader, högst %(ceiling)s: "
                    "till och med denna rekvisition högst %(allowed)s. Redan utbetalt %(paid)s."
                ),
                percent=_pct(terms.cost_share_percent if terms else None),
                ceiling=terms.ceiling if terms else ZERO,
                allowed=allowed,
                paid=paid,
            )
    if paid + amount > granted:
        raise _too_much(
            "amount",
            _(
                "Utbetalningarna blir %(total)s, mer än beviljade %(granted)s (redan utbetalt "
                "%(paid)s)."
            ),
            total=paid + amount,
            granted=granted,
            paid=paid,
        )
    decided = [c for c in year_commitments if c.committed_on <= paid_on]
    lefts = [(c, c.amount - _sum(c.payments.all()) - _sum(c.releases.all())) for c in decided]
    year_left = sum((left for _c, left in lefts), ZERO)
    if amount > year_left:
        raise _too_much(
            "amount",
            _("Beslutets medel för %(year)s räcker inte: %(left)s kvar av %(share)s för %(year)s."),
            year=paid_on.year,
            left=max(year_left, ZERO),
            share=sum((c.amount for c in decided), ZERO),
        )
    year_paid = _sum(Payment.objects.filter(commitment__grant=year_grant))
    if year_paid + amount > year_grant.amount:
        raise _too_much(
            "amount",
            _("Anslaget 1:1 för %(year)s räcker inte: %(left)s kvar att betala ut."),
            year=year_grant.year,
            left=max(year_grant.amount - year_paid, ZERO),
        )
    # One commitment pays it when one has enough left; else the year's commitments in turn.
    whole = next((c for c, left in lefts if left >= amount), None)
    parts = [(whole, amount)] if whole is not None else _split(lefts, amount)
    payments = [
        _saved(
            Payment(
                commitment=part_commitment,
                kind=kind,
                paid_on=paid_on,
                amount=part,
                period_start=requisition.period_start if requisition else None,
                period_end=requisition.period_end if requisition else None,
                requisition=requisition,
                requisition_reference=(requisition.reference if requisition else "")[:100],
                reason=reason,
                created_by=user,
            ),
            user,
        )
        for part_commitment, part in parts
    ]
    return payments[0]


def _split(lefts: list[tuple[Commitment, Decimal]], amount: Decimal):
    """``amount`` over the commitments' remainders, in their order."""
    parts = []
    rest = amount
    for commitment, left in lefts:
        part = min(rest, left)
        if part > 0:
            parts.append((commitment, part))
            rest -= part
        if rest == 0:
            break
    return parts


@transaction.atomic
def payment_correct(*, user, payment: Payment, corrected_on, reason: str) -> Payment:
    """Reverse a mistaken payment by a correcting entry (the row itself never changes)."""
    require(permissions.can_register_payment(user))
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Ange vad som var fel i utbetalningen.")})
    corrected_on = date_from_input(corrected_on, "corrected_on")
    commitment = Commitment.objects.select_for_update().get(pk=payment.commitment_id)
    payment = Payment.objects.get(pk=payment.pk)
    if payment.kind == PaymentKind.CORRECTION:
        raise Conflict(_("En rättelse rättas inte; registrera en ny utbetalning i stället."))
    if Payment.objects.filter(corrects=payment).exists():
        raise Conflict(_("Utbetalningen är redan rättad."))
    if corrected_on < payment.paid_on:
        raise ValidationError({"corrected_on": _("Rättelsen kan inte vara före utbetalningen.")})
    paid_after = _sum(commitment.payments.all()) - payment.amount
    if recovered(commitment) > paid_after:
        raise Conflict(
            _("Återkraven på åtagandet är större än vad som återstår utbetalt efter rättelsen.")
        )
    return _saved(
        Payment(
            commitment=commitment,
            kind=PaymentKind.CORRECTION,
            paid_on=corrected_on,
            amount=-payment.amount,
            period_start=payment.period_start,
            period_end=payment.period_end,
            requisition=None,
            requisition_reference=payment.requisition_reference,
            reason=reason,
            corrects=payment,
            created_by=user,
        ),
        user,
    )


@transaction.atomic
def recovery_record(
    *,
    user,
    commitment: Commitment,
    decided_on,
    amount,
    reason: str,
    due_date,
    reference: str = "",
) -> Recovery:
    """Claim back (återkrav) paid money of one payment year, with a reason and a due date;
    never more than was paid and not yet claimed back."""
    require(permissions.can_record_recovery(user))
    amount = amount_from_input(amount, "amount")
    decided_on = date_from_input(decided_on, "decided_on")
    due_date = date_from_input(due_date, "due_date")
    reason = _text(reason)
    errors = {}
    if not reason:
        errors["reason"] = _("Ange skälet till återkravet.")
    if due_date < decided_on:
        errors["due_date"] = _("Förfallodatum kan inte vara före beslutet.")
    if errors:
        raise ValidationError(errors)
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    paid = _sum(locked.payments.all())
    claimed = recovered(locked)
    if claimed + amount > paid:
        raise _too_much(
            "amount",
            _(
                "Återkravet är större än det som betalats ut: utbetalt %(paid)s, redan "
                "återkrävt %(claimed)s, högst %(left)s."
            ),
            paid=paid,
            claimed=claimed,
            left=max(paid - claimed, ZERO),
        )
    return _saved(
        Recovery(
            commitment=locked,
            decided_on=decided_on,
            amount=amount,
            reason=reason,
            due_date=due_date,
            reference=_text(reference)[:200],
            created_by=user,
        ),
        user,
    )
