"""Workflow services: firing case transitions with permission, preconditions and log.

``case_transition`` fires one transition. It checks ``decisions.workflow.permissions.can_fire``,
validates the transition's data with the transition's form
(``decisions.workflow.forms.TRANSITION_FORMS``), checks the machine's conditions and the
``blockers`` its caller passes, fires the transition on a fresh ``CaseWorkflow``, saves
with optimistic locking, writes the ``TransitionLog`` row and what the transition records
(assessment, delegation decision, forum recommendation, obligations) and queues the
notification on commit. Anything refused changes nothing.

A transition that moves money is fired by the layer that owns the money:
``financing.services.decisions.case_transition`` passes its own blockers (an approved
plan before RUN) and commits or releases money in the same transaction."""

import datetime
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from core import batch, notifications
from core.access import ALLOW, Access, deny, require
from core.errors import Conflict
from core.models import NotificationKind
from core.money import format_amount
from core.text import possessive
from decisions.workflow import bodies, permissions
from decisions.workflow.constants import BodyCode
from decisions.workflow.forms import (
    TRANSITION_FORMS,
    AnchoringContactForm,
    DecisionProposalForm,
    default_decision_points,
)
from decisions.workflow.models import (
    BODY_TRANSITIONS,
    AnchoringContact,
    Assessment,
    CaseWorkflow,
    DecisionProposal,
    DelegationDecision,
    DelegationRule,
    ForumRecommendation,
    TransitionLog,
    decision_proposal_of,
)
from decisions.workflow.selectors import ANCHORING_REJECTION_REASON, anchoring_status
from projects import services as project_services
from projects.models import Case, CaseState

logger = logging.getLogger(__name__)


def _stale_message() -> str:
    return _(
        "Ärendet har ändrats av någon annan sedan du öppnade sidan (status är nu "
        "%(state)s). Ladda om sidan och försök igen."
    )


# --- The transitions as data -----------------------------------------------------------


@dataclass(frozen=True)
class TransitionInfo:
    """One transition of the machine, read from the ``@transition`` decorators."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    kinds: tuple[str, ...]
    route_conditions: tuple
    conditions: tuple
    style: str = ""
    decision: bool = False

    @property
    def form_class(self):
        return TRANSITION_FORMS[self.name]

    def applies_to(self, case) -> bool:
        """The case is in a source state and the transition belongs to its route."""
        return case.state in self.sources and all(cond(case) for cond in self.route_conditions)


@cache
def transitions() -> dict[str, TransitionInfo]:
    """{name: TransitionInfo} in the order the machine defines them."""
    out: dict[str, TransitionInfo] = {}
    for name, member in vars(CaseWorkflow).items():
        meta = getattr(member, "_django_fsm", None)
        if meta is None:
            continue
        items = list(meta.transitions.values())
        first = items[0]
        conditions = tuple(first.conditions)
        out[name] = TransitionInfo(
            name=name,
            label=first.custom["label"],
            sources=tuple(str(t.source) for t in items),
            target=str(first.target),
            kinds=tuple(first.custom["kinds"]),
            route_conditions=tuple(c for c in conditions if getattr(c, "route", False)),
            conditions=tuple(c for c in conditions if not getattr(c, "route", False)),
            style=first.custom.get("style", ""),
            decision=first.custom.get("decision", False),
        )
    return out


def transition_info(name: str) -> TransitionInfo:
    try:
        return transitions()[name]
    except KeyError as exc:
        raise ValidationError(
            _("Okänd övergång: %(name)s.") % {"name": name}, code="unknown_transition"
        ) from exc


# A body's decision in a case is recorded from the body's § (decisions.meetings), or by
# the delegate through a delegation decision; never as a bare transition.
DECIDED_IN_PARAGRAPH: dict[str, str] = {
    name: body
    for body, names in BODY_TRANSITIONS.items()
    if body not in (BodyCode.AU, BodyCode.FORUM)
    for name in names
}


def paragraph_only_message(transition: str, known: dict[str, str] | None = None) -> str:
    """Why a body's decision is not a button (``known``: the bodies' names, read already)."""
    body = bodies.label(DECIDED_IN_PARAGRAPH[transition], known)
    return _(
        "”%(label)s” beslutas av %(body)s och registreras i organets paragraf: lägg ärendet "
        "på föredragningslistan för ett sammanträde och registrera beslutet där."
    ) % {"label": transition_info(transition).label, "body": body}


def route_transitions(case) -> list[str]:
    """The names of every transition of the case's route (its kind), in any state."""
    return [name for name, info in transitions().items() if case.kind in info.kinds]


def unmet_preconditions(case, name: str, blockers: Sequence[str] = ()) -> list[str]:
    """Every reason (Swedish) why ``name`` may not fire on ``case`` now, beyond its route:
    the machine's conditions, then the ``blockers`` a higher layer found."""
    info = transition_info(name)
    messages = [str(cond.message) for cond in info.conditions if not cond(case)]
    messages += [str(message) for message in blockers]
    return messages


@dataclass
class AvailableTransition:
    """A transition the case's state and kind allow now, as seen by one user."""

    name: str
    label: str
    style: str
    form_class: type
    permitted: Access  # the user's role allows it
    reasons: list[str] = field(default_factory=list)  # unmet preconditions

    @property
    def access(self) -> Access:
        if not self.permitted:
            return self.permitted
        if self.reasons:
            return deny(" ".join(self.reasons))
        return ALLOW

    @property
    def allowed(self) -> bool:
        return bool(self.access)


def available_transitions(
    user, case, blockers: Mapping[str, Sequence[str]] | None = None
) -> list[AvailableTransition]:
    """The transitions of the case's route from its current state, each with the user's
    access (allowed, or the reason why not: role or unmet preconditions). ``blockers``:
    {transition: reasons} from a higher layer (see ``unmet_preconditions``)."""
    blockers = blockers or {}
    out = []
    # the bodies' names, read with the case page's rows (or once here, when needed)
    known = None
    if batch.is_loaded(case, "workflow.bodies"):
        known = bodies.names(batch.loaded(case, "workflow.bodies", ()))
    for info in transitions().values():
        if not info.applies_to(case):
            continue
        permitted = permissions.can_fire(user, case, info.name)
        if permitted and info.name in DECIDED_IN_PARAGRAPH:
            known = bodies.names() if known is None else known
            permitted = deny(paragraph_only_message(info.name, known))
        reasons = (
            unmet_preconditions(case, info.name, blockers.get(info.name, ())) if permitted else []
        )
        out.append(
            AvailableTransition(
                name=info.name,
                label=str(info.label),
                style=info.style,
                form_class=info.form_class,
                permitted=permitted,
                reasons=reasons,
            )
        )
    return out


# --- Firing -----------------------------------------------------------------------------


def _form_data(data, motivation: str):
    if data is None:
        data = {}
    if hasattr(data, "copy"):
        data = data.copy()  # QueryDict copies are mutable
    else:
        data = dict(data)
    if motivation or "motivation" not in data:
        data["motivation"] = motivation or ""
    return data


def _form_errors(form) -> ValidationError:
    errors = {}
    for name, field_errors in form.errors.as_data().items():
        errors[name] = field_errors
    return ValidationError(errors)


def _jsonable(value):
    """Cleaned form data as JSON: Decimals as strings, dates ISO, years as keys."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def case_transition(
    *,
    user,
    case: Case,
    transition: str,
    data: dict | None = None,
    motivation: str = "",
    expected_state: str | None = None,
    notify: bool = True,
    blockers: Sequence[str] = (),
    decided_in: str = "",
    delegation_rule: DelegationRule | None = None,
) -> TransitionLog:
    """Fire ``transition`` on ``case`` as ``user``; return the log row.

    ``expected_state`` is the state the user saw (default: ``case.state``); if the case
    has moved since, nothing happens and ``Conflict`` is raised. Raises
    ``PermissionDenied`` (role), ``ValidationError`` (data, state, preconditions) or
    ``Conflict`` (someone else moved the case first). On success the passed ``case`` is
    refreshed from the database. ``notify=False`` (demo data, imports) sends no e-mail
    to the case officer. ``blockers``: reasons from a higher layer why the transition may
    not fire now; they refuse it like the machine's own conditions. ``decided_in``: the §
    that records a body's decision (``RUN 2020-03-24 § 35``): the meetings part passes its
    paragraph's reference, an import of history the old protocol's; a body's decision
    without it is refused with ``Conflict`` (409) saying where to record it.
    ``delegation_rule``: the rule of the delegationsordning a delegate decides under
    (chosen by the caller, ``financing.rules``); kept in the delegation register.
    """
    info = transition_info(transition)
    require(permissions.can_fire(user, case, transition))
    if transition in DECIDED_IN_PARAGRAPH and not decided_in.strip():
        raise Conflict(paragraph_only_message(transition))
    expected = expected_state or case.state
    with transaction.atomic():
        try:
            # Locked: what the rules read about the case (a communication to the party, a
            # request for a decision) is registered under the same lock, so a transition
            # and such a registration at the same instant queue instead of missing each
            # other. A second transition waits, then finds the case moved (Conflict).
            fresh = (
                CaseWorkflow.objects.select_for_update(of=("self",))
                .select_related("project")
                .get(pk=case.pk)
            )
        except CaseWorkflow.DoesNotExist as exc:
            raise Conflict(_("Ärendet finns inte längre.")) from exc
        if fresh.state != expected:
            raise Conflict(_stale_message() % {"state": fresh.get_state_display()})
        if not info.applies_to(fresh):
            raise ValidationError(
                _("”%(label)s” kan inte göras när ärendet har status %(state)s.")
                % {"label": info.label, "state": fresh.get_state_display()},
                code="wrong_state",
            )
        form = info.form_class(data=_form_data(data, motivation), case=fresh, user=user)
        if not form.is_valid():
            raise _form_errors(form)
        cleaned = form.transition_data()
        rules = _RULES.get(transition)
        if rules:
            rules(fresh, cleaned)
        motivation = form.cleaned_data.get("motivation", "")
        unmet = unmet_preconditions(fresh, transition, blockers)
        if unmet:
            raise ValidationError(unmet, code="precondition")

        source = fresh.state
        getattr(fresh, transition)(**cleaned)
        now = timezone.now()
        fresh.state_since = now
        fresh._history_user = user
        fresh._change_reason = (f"{info.label}: {motivation}" if motivation else str(info.label))[
            :100
        ]
        # Saved as the concrete Case so django-simple-history (registered on Case, not on
        # the proxy) records the change in the case's field history.
        fresh.__class__ = Case
        try:
            with transaction.atomic():
                fresh.save(
                    update_fields=[
                        "state",
                        "state_since",
                        "granted_amount",
                        "decided_on",
                        "updated_at",
                    ]
                )
        except ConcurrentTransition as exc:
            current = Case.objects.filter(pk=case.pk).first()
            state = current.get_state_display() if current else "–"
            raise Conflict(_stale_message() % {"state": state}) from exc

        log = TransitionLog.objects.create(
            case=fresh,
            transition=transition,
            source=source,
            target=fresh.state,
            user=user,
            timestamp=now,
            motivation=motivation,
            data=_jsonable(cleaned),
        )
        recorder = _RECORDERS.get(transition)
        if recorder:
            extra = (
                {"delegation_rule": delegation_rule}
                if transition in permissions.DELEGATION_TRANSITIONS
                else {}
            )
            recorder(case=fresh, user=user, data=cleaned, log=log, **extra)
        if notify and fresh.officer_id != user.pk:
            # The officer's notice and e-mail are kept in this transaction; the e-mail is
            # sent after it commits (core.mail).
            case_officer_notify(log)
    case.__dict__.pop("_workflow_cache", None)
    case.refresh_from_db()
    return log


def case_officer_notify(log: TransitionLog):
    """Tell the case officer that someone else moved their case: in the app and by e-mail
    with a link, in the officer's language, as they chose (core.notifications)."""
    case = log.case
    who = log.user.get_full_name() or log.user.get_username()

    def subject() -> str:
        return _("Ärende %(dnr)s: %(label)s") % {"dnr": case.dnr, "label": log.label}

    def body() -> str:
        return (
            _(
                "%(user)s har ändrat status på ärende %(dnr)s %(title)s\n"
                "från ”%(source)s” till ”%(target)s” (%(label)s).\n\n%(motivation)s"
            )
            % {
                "user": who,
                "dnr": case.dnr,
                "title": case.title,
                "source": log.get_source_display(),
                "target": log.get_target_display(),
                "label": log.label,
                "motivation": log.motivation,
            }
        ).strip()

    _notice, email = notifications.notify(
        recipient=case.officer,
        kind=NotificationKind.CASE_MOVED,
        url=case.get_absolute_url(),
        text=subject,
        body=body,
        sent_by=log.user,
        about={"case": case},
    )
    return email


# --- Rules of a transition's data -------------------------------------------------------
# The forms parse what is sent; the rules below decide whether the decision may say it.


def _grant_rules(case: Case, data: dict) -> None:
    """RUN grants at most what was applied for, more than nothing; a split per year adds up
    to the grant. What the decision leaves out is taken from the decision proposal."""
    amount = data.get("amount")
    requested = case.project.requested_amount
    if amount is not None:
        if amount <= 0:
            raise ValidationError(
                {
                    "amount": _(
                        "Beviljat belopp måste vara större än noll. Välj avslag om inget beviljas."
                    )
                }
            )
        if requested is None:
            raise ValidationError(
                {
                    "amount": _(
                        "Projektets sökta belopp från anslag 1:1 saknas. Ange det på projektet "
                        "först."
                    )
                }
            )
        if amount > requested:
            raise ValidationError(
                {
                    "amount": _(
                        "Beviljat belopp (%(amount)s) kan inte vara högre än det sökta beloppet "
                        "från anslag 1:1 (%(requested)s)."
                    )
                    % {"amount": format_amount(amount), "requested": format_amount(requested)}
                }
            )
    proposal = decision_proposal_of(case)
    if "decision_points" in data and not data["decision_points"] and amount:
        data["decision_points"] = (
            list(proposal.decision_points)
            if proposal and proposal.decision_points
            else default_decision_points(case, amount)
        )
    if "special_conditions" in data and data["special_conditions"] is None:
        data["special_conditions"] = [
            {
                "text": condition["text"],
                "due_date": (
                    datetime.date.fromisoformat(condition["due_date"])
                    if condition.get("due_date")
                    else None
                ),
            }
            for condition in (proposal.special_conditions if proposal else [])
        ]
    split = data.get("year_split")
    decided_on = data.get("decided_on")
    early = sorted(year for year in split or {} if decided_on and year < decided_on.year)
    if early and decided_on:
        raise ValidationError(
            {
                "year_split": _("Pengar kan inte fördelas på %(years)s, före beslutsåret %(year)s.")
                % {"years": ", ".join(str(y) for y in early), "year": decided_on.year}
            }
        )
    if split and amount is not None and sum(split.values()) != amount:
        raise ValidationError(
            {
                "year_split": _(
                    "Fördelningen per år (%(sum)s) stämmer inte med det beviljade beloppet "
                    "(%(amount)s)."
                )
                % {"sum": format_amount(sum(split.values())), "amount": format_amount(amount)}
            }
        )


def _party_heard_rules(case: Case, data: dict) -> None:
    """A decision against the party is not dated while material communicated to the party
    (förvaltningslagen 25 §) may still be answered: from the day it was sent through its
    last day to answer, unless the answer had come in by then."""
    from decisions.workflow.models import Communication

    decided_on = data.get("decided_on")
    if decided_on is None:
        return
    for item in Communication.objects.filter(
        case_id=case.pk, sent_on__lte=decided_on, reply_by__gte=decided_on
    ).order_by("-reply_by"):
        if item.replied_on is None or item.replied_on > decided_on:
            raise ValidationError(
                {
                    "decided_on": _(
                        "Parten har till och med %(date)s på sig att yttra sig över underlag "
                        "som kommunicerades %(sent)s (25 § förvaltningslagen): ett beslut mot "
                        "parten kan fattas tidigast dagen efter, eller när svaret har kommit in."
                    )
                    % {"date": f"{item.reply_by:%Y-%m-%d}", "sent": f"{item.sent_on:%Y-%m-%d}"}
                }
            )


def _delegated_grant_rules(case: Case, data: dict) -> None:
    """A delegated grant as RUN's, and one below what was applied for goes against the
    party: not while communicated material may still be answered."""
    _grant_rules(case, data)
    amount, requested = data.get("amount"), case.project.requested_amount
    if amount is not None and requested is not None and amount < requested:
        _party_heard_rules(case, data)


_RULES = {
    "grant": _grant_rules,
    "delegation_grant": _delegated_grant_rules,
    "delegation_reject_application": _party_heard_rules,
}


def _proposal_rules(case: Case, cleaned: dict) -> None:
    """A proposal grants at most what was applied for; a proposal to reject says why."""
    errors = {}
    amount = cleaned.get("proposed_amount")
    requested = case.project.requested_amount
    if amount is not None and requested is not None and amount > requested:
        errors["proposed_amount"] = _(
            "Föreslaget belopp (%(amount)s) kan inte vara högre än det sökta beloppet "
            "(%(requested)s)."
        ) % {"amount": format_amount(amount), "requested": format_amount(requested)}
    if cleaned.get("proposes_rejection") and not (cleaned.get("rejection_reason") or "").strip():
        errors["rejection_reason"] = _("Ange skälet för avslag.")
    if errors:
        raise ValidationError(errors)


# --- What transitions record -----------------------------------------------------------


def _record_assessment(*, case, user, data, log):
    assessment = Assessment(
        case=case,
        assessment=data["assessment"].strip(),
        proposed_route=data["proposed_route"],
        direction_proposal=data["direction_proposal"].strip(),
        assessed_by=user,
        assessed_at=log.timestamp,
    )
    assessment.full_clean()
    assessment.save()


def _record_delegation(outcome, *, also=None):
    def record(*, case, user, data, log, delegation_rule=None):
        decision = DelegationDecision(
            case=case,
            decided_on=data["decided_on"],
            outcome=outcome,
            decision_text=data["decision_text"].strip(),
            decided_by=user,
            rule=delegation_rule,
            amount=data.get("amount") if outcome == DelegationDecision.Outcome.APPROVED else None,
        )
        decision.full_clean()
        decision.save()
        decision.document = register_delegation_decision(decision, user)
        decision.save(update_fields=["document"])
        if also is not None:
            also(case=case, user=user, data=data, log=log)

    return record


def register_delegation_decision(decision: DelegationDecision, user):
    """The decision drawn up as a PDF and registered in the case (OSL 5 kap.: a decision is
    a document the region draws up). Its text may repeat the project's marked texts: then
    it is registered marked, as they are (a warning for whoever is asked for it)."""
    from decisions.workflow.delays import letter_pdf, stored_text
    from projects.models import Document, SecrecyMarking

    case = decision.case
    applicant = case.project.applicant
    with translation.override("sv"):  # stored in the registry: Swedish
        outcome = decision.get_outcome_display().lower()
    content = letter_pdf(
        "decisions/workflow/delegation_decision_document.html",
        {
            "case": case,
            "decision": decision,
            "applicant": applicant.name if applicant else "",
            "amount": format_amount(decision.amount) if decision.amount is not None else "",
            "rule": decision.rule,
            "decided_by": user.get_full_name() or user.get_username(),
            "appeal_text": settings.DELEGATION_DECISION_APPEAL.replace(
                "%(region_possessive)s", possessive(settings.REGION_NAME)
            ),
        },
    )
    document = project_services.document_register_generated(
        case=case,
        source_key=f"delegation:{decision.pk}",
        title=stored_text("Beslut på delegation %(date)s", date=f"{decision.decided_on:%Y-%m-%d}"),
        filename=f"delegationsbeslut-{case.dnr}-{decision.pk}.pdf",
        content=content,
        direction=Document.Direction.DRAWN_UP,
        kind=Document.Kind.DECISION,
        user=user,
        party_name=applicant.name if applicant else "",
        party_kind=Document.PartyKind.ORGANISATION if applicant else "",
        description=stored_text("Beslut på delegation: %(outcome)s", outcome=outcome),
        document_date=decision.decided_on,
    )
    marked = (
        SecrecyMarking.objects.filter(
            case__project_id=case.project_id, lifted_at__isnull=True, document=None
        )
        .select_related("provision")
        .first()
    )
    if marked is not None:
        SecrecyMarking.objects.create(
            case=case,
            document=document,
            provision=marked.provision,
            marked_by=user,
            note=stored_text("Beslutet kan återge sekretessmarkerade uppgifter i ärendet."),
        )
        Document.objects.filter(pk=document.pk).update(confidential=True)
    return document


def _record_forum_recommendation(*, case, user, data, log):
    recommendation = ForumRecommendation(
        case=case,
        recommendation=data["recommendation"],
        text=data["text"].strip(),
        recommended_on=data["recommended_on"],
        recorded_by=user,
    )
    recommendation.full_clean()
    recommendation.save()


def _grant_source(data) -> str:
    if data.get("reference"):
        return data["reference"]
    return _("RUN %(date)s") % {"date": data["decided_on"].isoformat()}


def _record_grant(*, case, user, data, log):
    """Each special condition becomes an obligation of the project, followed up by date."""
    source = _grant_source(data)
    for condition in data.get("special_conditions") or []:
        project_services.obligation_create(
            user=user,
            project=case.project,
            case=case,
            text=condition["text"],
            due_date=condition.get("due_date"),
            source=source,
        )


def _record_start(*, case, user, data, log):
    project = case.project
    project_services.project_record_start(
        user=user,
        project=project,
        started_on=data["started_on"],
        reporting_routine=project.reporting_routine,
    )


_RECORDERS = {
    "record_au_assessment": _record_assessment,
    "delegation_approve": _record_delegation(DelegationDecision.Outcome.APPROVED),
    "delegation_reject": _record_delegation(DelegationDecision.Outcome.REJECTED),
    "forum_recommend": _record_forum_recommendation,
    "grant": _record_grant,
    "delegation_grant": _record_delegation(DelegationDecision.Outcome.APPROVED, also=_record_grant),
    "delegation_reject_application": _record_delegation(DelegationDecision.Outcome.REJECTED),
    "start_project": _record_start,
}


# --- Anchoring contacts -----------------------------------------------------------------


@transaction.atomic
def anchoring_contact_create(
    *,
    user,
    case: Case,
    unit: str,
    person: str,
    contacted_on: datetime.date,
    outcome: str,
) -> AnchoringContact:
    """Record a contact with an affected unit (förankring) on a projektidé."""
    require(permissions.can_record_anchoring(user, case))
    form = AnchoringContactForm(
        data={
            "unit": unit,
            "person": person,
            "contacted_on": contacted_on,
            "outcome": outcome,
        }
    )
    if not form.is_valid():
        raise _form_errors(form)
    contact = AnchoringContact(case=case, recorded_by=user, **form.cleaned_data)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def anchoring_contact_delete(*, user, contact: AnchoringContact) -> None:
    """Remove a contact recorded by mistake, while the case has not gone to the forum."""
    case = contact.case
    require(permissions.can_record_anchoring(user, case))
    if case.state not in (CaseState.REGISTERED, CaseState.AU_PREPARATION, CaseState.AU_ASSESSED):
        raise Conflict(
            _("Ärendet har redan skickats till utvecklingsforum; förankringen kan inte tas bort.")
        )
    contact.delete()


# --- Decision proposal ----------------------------------------------------------------


def decision_proposal_defaults(case: Case) -> dict:
    """A sensible first draft of the proposal (seed 002's wording).

    A health-care project without anchoring in utvecklingsrådet gets a proposal to reject
    (seed 001 § 34).
    """
    project = case.project
    requested = project.requested_amount
    status = anchoring_status(case)
    if status.warning:
        return {
            "decision_points": [
                _(
                    "%(body)s beslutar att avslå ansökan om den sökta medfinansieringen på "
                    "%(amount)s."
                )
                % {"body": bodies.label(BodyCode.RUN), "amount": format_amount(requested)}
            ],
            "proposed_amount": None,
            "proposes_rejection": True,
            "rejection_reason": str(ANCHORING_REJECTION_REASON),
            "statement": "",
            "summary": project.summary,
            "special_conditions": [],
        }
    return {
        "decision_points": default_decision_points(case, requested) if requested else [],
        "proposed_amount": requested,
        "proposes_rejection": False,
        "rejection_reason": "",
        "statement": "",
        "summary": project.summary,
        "special_conditions": [],
    }


@transaction.atomic
def decision_proposal_save(
    *, user, case: Case, data: dict, version: int | None = None
) -> DecisionProposal:
    """Create or change the decision proposal of a co-financing case.

    ``version`` is the proposal version the form showed; a save over a newer version
    raises ``Conflict`` so an officer never overwrites a colleague's edit unseen.
    """
    require(permissions.can_edit_decision_proposal(user, case))
    form = DecisionProposalForm(data=data, case=case)
    if not form.is_valid():
        raise _form_errors(form)
    cleaned = form.cleaned_data
    _proposal_rules(case, cleaned)
    proposal = DecisionProposal.objects.select_for_update().filter(case_id=case.pk).first()
    if proposal is None:
        if version not in (None, 0):
            raise Conflict(_("Beslutsförslaget finns inte längre. Ladda om sidan."))
        proposal = DecisionProposal(case=case, version=1)
    else:
        if version is not None and version != proposal.version:
            raise Conflict(
                _(
                    "Någon annan har ändrat beslutsförslaget sedan du öppnade det. "
                    "Ladda om sidan och gör om din ändring."
                )
            )
    proposal.decision_points = cleaned["decision_points"]
    proposal.statement = cleaned["statement"].strip()
    proposal.summary = cleaned["summary"].strip()
    proposal.proposes_rejection = cleaned["proposes_rejection"]
    proposal.rejection_reason = cleaned["rejection_reason"].strip()
    proposal.proposed_amount = cleaned["proposed_amount"]
    proposal.special_conditions = _jsonable(cleaned["special_conditions"])
    proposal.updated_by = user
    proposal.full_clean()
    proposal.save()
    return proposal


# --- Delegation register ----------------------------------------------------------------


@transaction.atomic
@transaction.atomic
def delegation_decisions_move_report(
    *, user, old_reference: str, reference: str, reported_on: datetime.date
) -> int:
    """The meeting the decisions were reported to was moved: keep the register true."""
    moved = list(
        DelegationDecision.objects.select_for_update().filter(report_reference=old_reference)
    )
    for decision in moved:
        decision.reported_on = reported_on
        decision.report_reference = reference
        decision._history_user = user  # type: ignore[attr-defined]  # read by simple-history
        decision.save(update_fields=["reported_on", "report_reference"])
    return len(moved)


def delegation_decision_mark_reported(
    *, user, decisions, reported_on: datetime.date, reference: str
) -> list[DelegationDecision]:
    """Record that delegation decisions were reported (anmälda) to a body.

    Called by the meetings part when a paragraph "Delegationsbeslut anmälda" is recorded
    (seed 001 § 25). ``decisions``: DelegationDecision objects or ids. A decision already
    reported elsewhere raises ``Conflict``; nothing is changed then.
    """
    require(permissions.can_report_delegation_decisions(user))
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError(
            {"reference": _("Ange var besluten anmäldes, t.ex. RUN 2020-03-24 § 25.")}
        )
    if reported_on is None:
        raise ValidationError({"reported_on": _("Ange datum för anmälan.")})
    ids = [getattr(d, "pk", d) for d in decisions]
    if not ids:
        raise ValidationError(_("Välj minst ett delegationsbeslut."))
    locked = list(DelegationDecision.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(set(ids)):
        raise ValidationError(_("Ett eller flera delegationsbeslut finns inte."))
    already = [d for d in locked if d.reported_on is not None and d.report_reference != reference]
    if already:
        raise Conflict(
            _("Delegationsbeslutet för %(dnr)s är redan anmält (%(where)s).")
            % {"dnr": already[0].case.dnr, "where": already[0].report_reference}
        )
    for decision in locked:
        if reported_on < decision.decided_on:
            raise ValidationError(
                {
                    "reported_on": _(
                        "Beslutet för %(dnr)s fattades %(date)s och kan inte anmälas före dess."
                    )
                    % {"dnr": decision.case.dnr, "date": decision.decided_on.isoformat()}
                }
            )
        decision.reported_on = reported_on
        decision.report_reference = reference
        decision._history_user = user  # type: ignore[attr-defined]  # read by simple-history
        decision.full_clean()
        decision.save(update_fields=["reported_on", "report_reference"])
    return locked
