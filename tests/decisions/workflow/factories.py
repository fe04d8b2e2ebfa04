"""Builders for the workflow tests: cases walked through the real service to any state.

``walk(case, to=state, users=...)`` fires the transitions of a route one by one with
valid data, so every test starts from a case whose log, records and preconditions are
what production would have.
"""

import datetime
from decimal import Decimal

from django.contrib.auth.models import Permission

from core.roles import Role
from decisions.workflow import services as wf
from projects.models import CaseKind, CaseState
from tests.core.factories import UserFactory
from tests.projects.factories import ProjectFactory, co_financing_case, idea_case

S = CaseState
DAY = datetime.date(2020, 3, 24)


def delegate_user(**kwargs):
    """A beslutsfattare holding the development director's delegation."""
    user = UserFactory(roles=[Role.DECISION_MAKER], **kwargs)
    user.user_permissions.add(Permission.objects.get(codename="decide_by_delegation"))
    return type(user).objects.get(pk=user.pk)  # drop the permission cache


def add_anchoring(case, officer, unit="Hälso- och sjukvårdsavdelningen"):
    return wf.anchoring_contact_create(
        user=officer,
        case=case,
        unit=unit,
        person="Karin Berg",
        contacted_on=datetime.date(2020, 2, 3),
        outcome="Verksamheten stödjer idén och avsätter en projektledare.",
    )


def write_proposal(case, officer, *, amount="1 222 867", rejection=False, **extra):
    data = {
        "decision_points": "Projektet beviljas medfinansiering.\nMedlen anvisas ur det statliga anslaget 1:1.",
        "proposed_amount": "" if rejection else amount,
        "proposes_rejection": "on" if rejection else "",
        "rejection_reason": "Projektet saknar förankring." if rejection else "",
        "statement": "Projektet stämmer med RUS.",
        "summary": "Ett projekt.",
        **extra,
    }
    return wf.decision_proposal_save(user=officer, case=case, data=data)


# Valid data for every transition (what the forms require).
DATA = {
    "record_au_assessment": lambda route: {
        "assessment": "Idén ligger i linje med regionens prioriterade utvecklingsområden.",
        "proposed_route": route,
        "direction_proposal": "AU föreslår att idén utvecklas till en ansökan.",
    },
    "delegation_approve": {"decided_on": DAY, "decision_text": "Godkänns på delegation."},
    "delegation_reject": {"decided_on": DAY, "decision_text": "Avslås på delegation."},
    "forum_recommend": {
        "recommendation": "approve",
        "text": "Forumet rekommenderar godkännande.",
        "recommended_on": DAY,
    },
    "council_approve": {"decided_on": DAY, "reference": "Utvecklingsrådet 2020-03-24 § 4"},
    "council_reject": {"decided_on": DAY},
    "council_return": {"decided_on": DAY},
    "council_refer": {"decided_on": DAY},
    "management_group_forward": {"decided_on": DAY},
    "management_group_return": {"decided_on": DAY},
    "board_approve": {"decided_on": DAY, "reference": "RS 2020-03-24 § 12"},
    "board_reject": {"decided_on": DAY},
    "board_return": {"decided_on": DAY},
    "send_application": {"funder": "Vinnova", "sent_on": DAY},
    "record_funded": {"decided_on": DAY, "amount": "2 000 000"},
    "record_not_funded": {"decided_on": DAY},
    "grant": {"amount": "1 000 000", "decided_on": DAY, "reference": "RUN 2020-03-24 § 36"},
    "reject": {"reason": "Saknar förankring.", "decided_on": DAY, "reference": "RUN § 34"},
    "delegation_grant": {
        "amount": "1 000 000",
        "decided_on": DAY,
        "decision_text": "Beviljas på delegation.",
    },
    "delegation_reject_application": {
        "reason": "Ligger utanför prioriteringarna.",
        "decided_on": DAY,
        "decision_text": "Avslås på delegation.",
    },
    "start_project": {"started_on": datetime.date(2020, 9, 1)},
    "submit_final_report": {"submitted_on": DAY},
}
MOTIVATED = {
    "withdraw",
    "refer_to_body",
    "return_to_preparation",
    "council_return",
    "management_group_return",
    "board_return",
}

# Which role fires what (the permission table of decisions.permissions, as tests see it).
SECRETARY_STEPS = {
    "forum_recommend",
    "council_approve",
    "council_reject",
    "council_return",
    "council_refer",
    "management_group_forward",
    "management_group_return",
    "board_approve",
    "board_reject",
    "board_return",
    "grant",
    "reject",
}
DELEGATION_STEPS = {
    "delegation_approve",
    "delegation_reject",
    "delegation_grant",
    "delegation_reject_application",
    "refer_to_body",
}
# Co-financing transitions of a delegate: the ordinance must let a delegate decide.
CO_FINANCING_DELEGATION = {"delegation_grant", "delegation_reject_application", "refer_to_body"}


def data_for(name, *, route="forum"):
    value = DATA.get(name, {})
    if callable(value):
        value = value(route)
    return dict(value)


def fire(case, name, user, *, route="forum", blockers=(), **overrides):
    data = {**data_for(name, route=route), **overrides}
    motivation = data.pop("motivation", "Motivering i test." if name in MOTIVATED else "")
    decided_in = ""
    if name in wf.DECIDED_IN_PARAGRAPH:  # as the meetings' § records it
        decided_in = data.get("reference") or f"Protokoll {data.get('decided_on')} § 1"
    return wf.case_transition(
        user=user,
        case=case,
        transition=name,
        data=data,
        motivation=motivation,
        blockers=blockers,
        decided_in=decided_in,
    )


class Actors:
    """One user per role, with the director's delegation."""

    def __init__(self, officer, secretary, director):
        self.officer = officer
        self.secretary = secretary
        self.director = director

    def for_step(self, name):
        if name in DELEGATION_STEPS:
            return self.director
        if name in SECRETARY_STEPS:
            return self.secretary
        return self.officer


# Paths from "registered" to each state (transition names, in order).
IDEA_FORUM = [
    "start_au_preparation",
    "record_au_assessment",
    "send_to_forum",
    "forum_recommend",
]
IDEA_PATHS = {
    S.REGISTERED: [],
    S.AU_PREPARATION: ["start_au_preparation"],
    S.AU_ASSESSED: ["start_au_preparation", "record_au_assessment"],
    S.AT_FORUM: IDEA_FORUM[:3],
    S.AT_COUNCIL: IDEA_FORUM,
    S.AT_MANAGEMENT_GROUP: [*IDEA_FORUM, "council_refer"],
    S.AT_BOARD: [*IDEA_FORUM, "council_refer", "management_group_forward"],
    S.APPROVED: [*IDEA_FORUM, "council_approve"],
    S.REJECTED: [*IDEA_FORUM, "council_reject"],
    S.APPLICATION_WRITING: [*IDEA_FORUM, "council_approve", "start_application"],
    S.APPLICATION_SENT: [*IDEA_FORUM, "council_approve", "start_application", "send_application"],
    S.FUNDED: [
        *IDEA_FORUM,
        "council_approve",
        "start_application",
        "send_application",
        "record_funded",
    ],
    S.NOT_FUNDED: [
        *IDEA_FORUM,
        "council_approve",
        "start_application",
        "send_application",
        "record_not_funded",
    ],
    S.RUNNING: [
        *IDEA_FORUM,
        "council_approve",
        "start_application",
        "send_application",
        "record_funded",
        "start_project",
    ],
    S.FINAL_REPORT: [
        *IDEA_FORUM,
        "council_approve",
        "start_application",
        "send_application",
        "record_funded",
        "start_project",
        "submit_final_report",
    ],
}
COFINANCING_PATHS = {
    S.REGISTERED: [],
    S.PREPARATION: ["start_preparation"],
    S.READY_FOR_RUN: ["start_preparation", "mark_ready_for_run"],
    S.GRANTED: ["start_preparation", "mark_ready_for_run", "grant"],
    S.REJECTED: ["start_preparation", "mark_ready_for_run", "reject"],
    S.RUNNING: ["start_preparation", "mark_ready_for_run", "grant", "start_project"],
    S.FINAL_REPORT: [
        "start_preparation",
        "mark_ready_for_run",
        "grant",
        "start_project",
        "submit_final_report",
    ],
}


def walk(case, *, to, actors: Actors, route="forum"):
    """Move ``case`` from "registered" to ``to`` through the service, with valid data."""
    paths = IDEA_PATHS if case.kind == CaseKind.PROJECT_IDEA else COFINANCING_PATHS
    for name in paths[to]:
        prepare_for(case, name, actors, route=route)
        fire(case, name, actors.for_step(name), route=route)
    case.refresh_from_db()
    return case


def prepare_for(case, name, actors, *, route="forum"):
    """Record what a transition's preconditions need (anchoring, proposal) and, for the
    pages and the API, which fire through the financing layer, the money: an approved
    financing plan before RUN, an anslag with room for a grant."""
    if name == "send_to_forum" and not case.anchoring_contacts.exists():
        add_anchoring(case, actors.officer)
    if name == "mark_ready_for_run" and not hasattr_proposal(case):
        write_proposal(case, actors.officer)
    if name == "mark_ready_for_run":
        from financing.models import FinancingPlan
        from tests.financing.factories import make_plan

        if not FinancingPlan.objects.filter(project=case.project).exists():
            make_plan(case, status="approved")
    if name in CO_FINANCING_DELEGATION:
        delegation_rule_for_co_financing()
    if name in ("grant", "delegation_grant"):
        from financing.models import Grant
        from tests.financing.factories import make_grant

        for year in (2020, 2021):
            if not Grant.objects.filter(year=year).exists():
                make_grant(year=year, amount="150000000", project="90000000")


def delegation_rule_for_co_financing(**fields):
    """A rule of the delegationsordning letting the director decide co-financing."""
    from decisions.workflow.models import DelegationRule

    values = {
        "name": "Medfinansiering på delegation",
        "case_kind": CaseKind.CO_FINANCING,
        "delegate_title": "Regional utvecklingsdirektör",
        "valid_from": datetime.date(2000, 1, 1),
        **fields,
    }
    return DelegationRule.objects.create(**values)


def hasattr_proposal(case):
    from decisions.workflow.models import DecisionProposal

    return DecisionProposal.objects.filter(case_id=case.pk).exists()


def walk_idea(actors, to, *, route="forum", project=None):
    case = idea_case(officer=actors.officer, project=project)
    return walk(case, to=to, actors=actors, route=route)


def walk_cofinancing(actors, to, *, project=None):
    project = project or ProjectFactory(requested_amount=Decimal("1222867"))
    case = co_financing_case(officer=actors.officer, project=project)
    return walk(case, to=to, actors=actors)
