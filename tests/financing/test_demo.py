"""The demo data: seed plans approved, and the 2022 figures of seed 004 section 2.1."""

import io
from collections import Counter
from decimal import Decimal

import pytest

from financing import demo, selectors
from financing.models import Commitment, FinancingPlan, Grant, Payment, PlanStatus
from projects import demo as projects_demo
from projects.seed_cases import all_seed_cases

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    out = io.StringIO()
    projects_demo.load(out)
    demo.load_before_decisions(out)
    demo.load(out)
    return out


def test_seed_plans_are_approved_with_their_real_rows(demo):
    plans = FinancingPlan.objects.all()
    assert plans.count() == len(all_seed_cases())
    assert set(plans.values_list("status", flat=True)) == {PlanStatus.APPROVED}
    for seed in all_seed_cases():
        plan = FinancingPlan.objects.get(project__title=seed["project_title"])
        figures = selectors.plan_figures(plan)
        assert figures.total_applied == seed["total_budget"]
        assert plan.rows.count() == len(seed["financing"])
        assert plan.submitted_by.username == "handlaggare"
        assert plan.reviewed_by.username == "controller"


def test_2022_distribution_reproduces_seed_004(demo):
    grant = Grant.objects.get(year=2022)
    assert grant.amount == D("171100000")
    summary = selectors.grant_summary(grant)
    total = summary.total.committed
    assert total == D("171100000")
    by_category = {f.key: f.committed for f in summary.categories}
    assert by_category["project"] / total == D("0.61")
    assert by_category["business_support"] / total == D("0.34")
    assert by_category["commercial_service"] / total == D("0.05")
    by_priority = {f.key: f.committed for f in summary.priorities}
    assert by_priority == {
        "attractive": D("32300000"),
        "innovation": D("120100000"),
        "international": D("1400000"),
        "skills": D("5300000"),
        "other": D("12000000"),
    }
    business = Commitment.objects.filter(grant=grant, category="business_support")
    genders = Counter(business.values_list("company_leader_gender", flat=True))
    count = business.count()
    assert (genders["woman"] / count, genders["man"] / count, genders["shared"] / count) == (
        0.24,
        0.66,
        0.10,
    )
    assert set(business.values_list("priority", flat=True)) == {"innovation"}
    service = Commitment.objects.filter(grant=grant, category="commercial_service")
    assert set(service.values_list("priority", flat=True)) == {"attractive"}
    allocations = {(a.dimension, a.key): a.amount for a in grant.allocations.all()}
    assert allocations["category", "project"] == D("104371000")
    assert allocations["priority", "innovation"] == D("120100000")


def test_demo_is_idempotent(loaded):
    counts = (
        Grant.objects.count(),
        FinancingPlan.objects.count(),
        Commitment.objects.count(),
        Payment.objects.count(),
    )
    out = io.StringIO()
    demo.load_before_decisions(out)
    demo.load(out)
    assert counts == (
        Grant.objects.count(),
        FinancingPlan.objects.count(),
        Commitment.objects.count(),
        Payment.objects.count(),
    )


def test_payments_are_skipped_gracefully_without_grant_decisions(loaded):
    assert "no 2020 commitments yet" in loaded.getvalue()
    assert not Payment.objects.exists()


def test_full_demo_commits_run_grants_and_pays_some(demo):
    """All stages (``load_demo``): the meetings demo's RUN grants fire the commitment
    effect."""
    granted = Commitment.objects.filter(grant__year=2020, case__isnull=False)
    # RUN 2020-03-24 granted § 35-41: 14 115 680 kr from anslag 1:1 2020.
    assert sum(c.amount for c in granted) == D("14115680")
    assert Payment.objects.filter(commitment__grant__year=2020).exists()
    for commitment in selectors.commitments_with_balances().filter(grant__year=2020):
        assert commitment.remaining >= 0
    life_science = Commitment.objects.get(case__year=2023, case__number=412)
    assert life_science.amount == D("1245497")
