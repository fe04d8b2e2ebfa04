"""The workflow demo data: what it builds, and that running it again creates nothing twice."""

import io
from decimal import Decimal

import pytest

from decisions.workflow import demo as demo_workflow
from decisions.workflow.models import DelegationDecision, TransitionLog
from decisions.workflow.selectors import anchoring_status, queue_counts
from projects import demo as projects_demo
from projects.models import Case, CaseKind, CaseState
from projects.seed_cases import LIFE_SCIENCE_CASE, SEED_CASES

pytestmark = pytest.mark.django_db
S = CaseState


def _load_registry_and_plans():
    out = io.StringIO()
    projects_demo.load(out)
    from financing import demo as financing_demo

    financing_demo.load_before_decisions(out)
    return out


def test_the_demo_prepares_the_seed_cases_and_fills_the_queues():
    _load_registry_and_plans()
    out = io.StringIO()
    demo_workflow.load(out)
    for seed in SEED_CASES:
        case = Case.objects.get(year=seed["year"], number=seed["number"])
        assert case.state == S.READY_FOR_RUN, (case.dnr, out.getvalue())
        proposal = case.decision_proposal
        assert proposal.decision_points == seed["decision_points"]
        assert proposal.proposes_rejection == (seed["outcome"] == "rejected")
    life = Case.objects.get(year=LIFE_SCIENCE_CASE["year"], number=LIFE_SCIENCE_CASE["number"])
    assert life.state == S.GRANTED
    assert life.granted_amount == Decimal("1245497.00")
    status = anchoring_status(life)
    assert status.required and status.anchored
    idea = status.idea_cases[0]
    assert idea.kind == CaseKind.PROJECT_IDEA and idea.state == S.APPROVED
    assert list(TransitionLog.objects.filter(case=idea).values_list("transition", flat=True)) == [
        "start_au_preparation",
        "record_au_assessment",
        "send_to_forum",
        "forum_recommend",
        "council_approve",
    ]
    counts = queue_counts()
    assert counts["run"] == len(SEED_CASES)
    for key in ("au", "assessed", "forum", "council", "management"):
        assert counts[key] >= 1, key
    assert DelegationDecision.objects.filter(reported_on__isnull=True).count() == 2
    # The § 34 case (health care, no council anchoring) proposes rejection.
    rejected = Case.objects.get(year=2020, number=52)
    assert anchoring_status(rejected).warning


def test_running_the_demo_again_creates_nothing_twice():
    _load_registry_and_plans()
    demo_workflow.load(io.StringIO())
    before = (
        Case.objects.count(),
        TransitionLog.objects.count(),
        DelegationDecision.objects.count(),
        list(Case.objects.order_by("pk").values_list("state", flat=True)),
    )
    out = io.StringIO()
    demo_workflow.load(out)
    after = (
        Case.objects.count(),
        TransitionLog.objects.count(),
        DelegationDecision.objects.count(),
        list(Case.objects.order_by("pk").values_list("state", flat=True)),
    )
    assert after == before
    assert "refused" not in out.getvalue()


def test_without_approved_financing_plans_the_cases_stay_in_preparation_and_it_is_said():
    """Fired as ``load_demo`` fires it, through the financing layer (an approved plan
    before RUN), but without the financing demo's plans."""
    from financing.services import decisions

    projects_demo.load(io.StringIO())
    out = io.StringIO()
    demo_workflow.load(out, fire=decisions.case_transition)
    case = Case.objects.get(year=2020, number=35)
    assert case.state == S.PREPARATION
    assert "00035-2020 stays in 'Under beredning'" in out.getvalue()
    assert "mark_ready_for_run refused" in out.getvalue()
