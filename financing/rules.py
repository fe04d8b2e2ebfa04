"""The delegationsordning applied to a case: who decides it, under which rule, and why.

The rules are data (``decisions.workflow.models.DelegationRule``); this module reads them
with the facts only the money knows (the amount, whether an EU fund finances the
project, what the delegate has already granted this year) and says which route a case
takes. ``financing.services.decisions`` turns the answer into the reasons on the
workflow's buttons, so a refused action names the real reason.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core import batch
from core.expressions import in_year
from core.money import format_amount
from decisions.meetings.models import Body
from decisions.workflow import selectors as workflow_selectors
from decisions.workflow.constants import BodyCode
from decisions.workflow.models import (
    Assessment,
    DecisionProposal,
    DelegationDecision,
    DelegationRule,
    TransitionLog,
    decision_proposal_of,
)
from financing.models import FinancingRow
from projects.models import Case, CaseKind, CaseState

# Transitions by which a delegate decides, and those by which the body decides, per kind.
DELEGATE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseKind.PROJECT_IDEA: ("delegation_approve", "delegation_reject"),
    CaseKind.CO_FINANCING: ("delegation_grant", "delegation_reject_application"),
}
BODY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseKind.CO_FINANCING: ("grant", "reject"),
}


def body_names(bodies) -> dict[str, str]:
    """{code: "Regionala utvecklingsnämnden (RUN)"} of ``bodies``: each body's name as the
    region has it, with its short name."""
    return {
        body.code: f"{body.name} ({body.short_name})" if body.short_name else body.name
        for body in bodies
    }


def loaded_body_names(case) -> dict[str, str] | None:
    """The bodies' names read with the case page's rows (``core.batch``), or None."""
    if batch.is_loaded(case, "financing.bodies"):
        return body_names(batch.loaded(case, "financing.bodies", ()))
    if batch.is_loaded(case, "workflow.bodies"):
        return dict(batch.loaded(case, "workflow.bodies", ()))
    return None


@dataclass
class Route:
    """Who decides a case. ``rule`` is the rule the delegate decides under (None: the
    body decides); ``reasons`` say why, one sentence per rule weighed."""

    kind: str
    rule: DelegationRule | None
    amount: Decimal | None
    reasons: list[str] = field(default_factory=list)
    # {body code: name} of the bodies (``Body``, data): read when ``decider`` is first asked,
    # unless a page gave them with its other rows
    body_names: dict[str, str] | None = None

    @property
    def by_delegate(self) -> bool:
        return self.rule is not None

    @property
    def decider(self) -> str:
        if self.rule is not None:
            return _("%(delegate)s på delegation") % {"delegate": self.rule.delegate_title}
        names = self.body_names
        if names is None:
            names = self.body_names = body_names(Body.objects.all())
        if self.kind == CaseKind.CO_FINANCING:
            return names.get(BodyCode.RUN) or str(BodyCode.RUN.label)
        return _("%(council)s eller %(board)s") % {
            "council": names.get(BodyCode.COUNCIL) or BodyCode.COUNCIL.label,
            "board": (names.get(BodyCode.BOARD) or str(BodyCode.BOARD.label)).lower(),
        }

    @property
    def explanation(self) -> str:
        return " ".join(self.reasons)


def case_amount(case: Case) -> Decimal | None:
    """The amount the decision is about: granted, else proposed, else applied for."""
    if case.granted_amount is not None:
        return case.granted_amount
    proposal = decision_proposal_of(case)
    if proposal is not None and proposal.proposed_amount is not None:
        return proposal.proposed_amount
    return case.project.requested_amount


def _eu_funds(case: Case) -> list[str]:
    return sorted(
        set(
            FinancingRow.objects.filter(
                plan__project_id=case.project_id, funding_type__eu_fund=True
            ).values_list("funding_type__name", flat=True)
        )
    )


def _used_this_year(rule: DelegationRule, year: int, case: Case) -> Decimal:
    decisions = DelegationDecision.objects.filter(
        in_year("decided_on", year),
        rule=rule,
        outcome=DelegationDecision.Outcome.APPROVED,
    )
    if case is not None:
        decisions = decisions.exclude(case=case)
    used = decisions.aggregate(total=Sum("amount"))["total"]
    return used or Decimal(0)


def _weigh(
    rule: DelegationRule,
    amount: Decimal | None,
    eu_funds: list[str],
    on: datetime.date,
    case,
    used: Decimal | None = None,
) -> str | None:
    """Why ``rule`` does not cover the case (None: it does). ``used``: what the delegate
    granted this year under the rule (read when not given)."""
    name = rule.name
    if rule.delegate_id is not None and not rule.delegate.is_active:
        return _("Den namngivna delegaten enligt ”%(rule)s” är inte aktiv.") % {"rule": name}
    if rule.amount_limit is not None:
        if amount is None:
            return _(
                "Ärendet saknar belopp, så gränsen %(limit)s i ”%(rule)s” kan inte prövas."
            ) % {
                "limit": format_amount(rule.amount_limit),
                "rule": name,
            }
        if rule.limit_included and amount > rule.amount_limit:
            return _("Beloppet %(amount)s är över gränsen högst %(limit)s i ”%(rule)s”.") % {
                "amount": format_amount(amount),
                "limit": format_amount(rule.amount_limit),
                "rule": name,
            }
        if not rule.limit_included and amount >= rule.amount_limit:
            return _("Beloppet %(amount)s är inte under gränsen %(limit)s i ”%(rule)s”.") % {
                "amount": format_amount(amount),
                "limit": format_amount(rule.amount_limit),
                "rule": name,
            }
    if rule.eu_co_financing_to_body and eu_funds:
        return _(
            "Projektet medfinansieras av %(funds)s, och EU-medfinansiering beslutas av "
            "nämnden enligt ”%(rule)s”."
        ) % {"funds": ", ".join(eu_funds), "rule": name}
    if rule.yearly_ceiling is not None and amount is not None:
        if used is None:
            used = _used_this_year(rule, on.year, case)
        if used + amount > rule.yearly_ceiling:
            return _(
                "Delegatens tak %(ceiling)s för %(year)s enligt ”%(rule)s” räcker inte: "
                "%(used)s är redan beviljat."
            ) % {
                "ceiling": format_amount(rule.yearly_ceiling),
                "year": on.year,
                "rule": name,
                "used": format_amount(used),
            }
    return None


def _covered(rule: DelegationRule, amount: Decimal | None, eu_funds: list[str]) -> str:
    names = {"rule": rule.name, "reference": rule.reference, "delegate": rule.delegate_title}
    if rule.reference:
        parts = [_("Enligt ”%(rule)s” (%(reference)s) beslutar %(delegate)s") % names]
    else:
        parts = [_("Enligt ”%(rule)s” beslutar %(delegate)s") % names]
    if rule.amount_limit is not None and amount is not None:
        amounts = {"amount": format_amount(amount), "limit": format_amount(rule.amount_limit)}
        if rule.limit_included:
            parts.append(_("beloppet %(amount)s ryms inom gränsen högst %(limit)s") % amounts)
        else:
            parts.append(_("beloppet %(amount)s är under gränsen %(limit)s") % amounts)
    if rule.eu_co_financing_to_body:
        parts.append(_("ingen EU-fond medfinansierar projektet"))
    return ": ".join([parts[0], ", ".join(parts[1:])]) + "." if len(parts) > 1 else parts[0] + "."


def decision_route(
    case: Case, *, amount: Decimal | None = None, on: datetime.date | None = None
) -> Route:
    """Which route ``case`` takes under the ordinance in force on ``on`` (default today).

    The first rule (in the ordinance's order) that covers the case decides it; when none
    does, the body decides, and each rule's reason is given.
    """
    on = on or timezone.localdate()
    amount = case_amount(case) if amount is None else amount
    rules = list(
        DelegationRule.objects.in_force(case.kind, on)
        .select_related("delegate")
        .order_by("position", "pk")
    )
    route = Route(kind=case.kind, rule=None, amount=amount)
    if not rules:
        route.reasons.append(
            _("Delegationsordningen har ingen regel för %(kind)s: nämnden beslutar.")
            % {"kind": CaseKind(case.kind).label.lower()}
        )
        return route
    eu_funds = _eu_funds(case)
    for rule in rules:
        refusal = _weigh(rule, amount, eu_funds, on, case)
        if refusal is None:
            route.rule = rule
            route.reasons = [_covered(rule, amount, eu_funds)]
            return route
        route.reasons.append(refusal)
    return route


# --- The cases waiting for a delegate (Mina uppgifter) -------------------------------------

MOST_AWAITING = 500

# The last of these transitions says whether the delegate handed the case to the body since
# it was made ready (``financing.services.decisions._referred_to_body``).
HANDOVERS = ("mark_ready_for_run", "refer_to_body")


def awaiting_decision_queryset():
    """The cases a delegate may decide now, with what weighing the delegationsordning
    reads (the amount, whether an EU fund finances the project): co-financing applications
    in their decision state, less those a delegate handed over to the body, and project
    ideas the AU proposed for a decision on delegation. One query for all of them."""
    proposal = DecisionProposal.objects.filter(case=OuterRef("pk")).order_by("pk")
    last_handover = (
        TransitionLog.objects.filter(case_id=OuterRef("pk"), transition__in=HANDOVERS)
        .order_by("-pk")
        .values("transition")[:1]
    )
    cases = (
        Case.objects.annotate(proposed_route=workflow_selectors.proposed_route())
        .filter(
            Q(kind=CaseKind.CO_FINANCING, state=CaseState.READY_FOR_RUN)
            | Q(
                kind=CaseKind.PROJECT_IDEA,
                state=CaseState.AU_ASSESSED,
                proposed_route=Assessment.Route.DELEGATION,
            )
        )
        .annotate(
            route_amount=Coalesce(
                "granted_amount",
                Subquery(proposal.values("proposed_amount")[:1]),
                "project__requested_amount",
            ),
            eu_funded=Exists(
                FinancingRow.objects.filter(
                    plan__project_id=OuterRef("project_id"), funding_type__eu_fund=True
                )
            ),
            last_handover=Coalesce(Subquery(last_handover), Value("")),
        )
        .exclude(last_handover="refer_to_body")
    )
    return cases


def awaiting_delegate(user, cases, rules, on: datetime.date) -> list[Case]:
    """Of ``cases`` (``awaiting_decision_queryset``), those the delegationsordning's
    ``rules`` (in force ``on``, in order, of every kind) let ``user`` decide: as
    ``decision_route`` and ``may_decide`` weigh one case, without a query per case."""
    by_kind: dict[str, list[DelegationRule]] = {}
    for rule in rules:
        by_kind.setdefault(rule.case_kind, []).append(rule)
    if not by_kind:
        return []
    kinds = Q(pk__in=[])
    for kind, kind_rules in by_kind.items():
        limits = [rule.amount_limit for rule in kind_rules]
        if None in limits:
            kinds |= Q(kind=kind)
        else:  # only amounts within the highest limit can be the delegate's
            kinds |= Q(kind=kind, route_amount__lte=max(limits))
    used: dict[int, Decimal] = {}
    out = []
    # the longest waiting first, and no more than a delegate could have before them (the
    # header's task count reads this on every page)
    for case in cases.filter(kinds).order_by("state_since", "pk")[:MOST_AWAITING]:
        eu_funds = ["EU"] if case.eu_funded else []
        for rule in by_kind.get(case.kind, ()):
            if rule.yearly_ceiling is not None and rule.pk not in used:
                used[rule.pk] = _used_this_year(rule, on.year, None)
            if _weigh(rule, case.route_amount, eu_funds, on, case, used.get(rule.pk)) is None:
                if may_decide(user, Route(kind=case.kind, rule=rule, amount=case.route_amount)):
                    out.append(case)
                break
    return out


def may_decide(user, route: Route) -> bool:
    """Is ``user`` the delegate the route's rule names (anyone with the permission when
    the rule names nobody)?"""
    return route.rule is not None and (
        route.rule.delegate_id is None or route.rule.delegate_id == user.pk
    )
