"""Every figure of section 2 against hand-computed fixtures, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest

from core.money import format_msek
from financing.models import GrantCategory
from projects.models import CaseKind, CaseState
from reporting.figures import cases_behind, commitments_behind, compute_figures, percent
from tests.financing.factories import (
    CommitmentFactory,
    GrantFactory,
    PaymentFactory,
    ReleaseFactory,
)
from tests.projects.factories import ProjectFactory
from tests.reporting.factories import decided_case

D = Decimal
PROJECT = GrantCategory.PROJECT
BUSINESS = GrantCategory.BUSINESS_SUPPORT
COMMERCIAL = GrantCategory.COMMERCIAL_SERVICE
day = datetime.date


def test_percent_is_whole_and_rounds_half_up():
    assert percent(1, 8) == D(13)  # 12.5 -> 13 (bankers' rounding would give 12)
    assert percent(5, 200) == D(3)  # 2.5 -> 3
    assert percent(1, 3) == D(33)
    assert percent(2, 3) == D(67)
    assert percent(0, 10) == D(0)
    assert percent(3, 0) is None


@pytest.fixture
def money_2022(db):
    """Hand-computed: committed 43 000 000, released 3 000 000, net 40 000 000.

    Category net: project 29 000 000 (72,5 % -> 73 %), business 6 000 000 (15 %),
    commercial service 5 000 000 (12,5 % -> 13 %): each share rounded half up on its own.
    Priority net: attractive 12 + 5 = 17 000 000, innovation 12 + 6 = 18 000 000,
    skills 5 000 000, international and other 0.
    Business support: 8 companies, 1 led by a woman (12,5 % -> 13 %), 6 by men (75 %),
    1 shared (12,5 % -> 13 %).
    """
    GrantFactory(year=2022, amount="50000000")
    p1 = CommitmentFactory(year=2022, amount="12000000", category=PROJECT, priority="attractive")
    p2 = CommitmentFactory(year=2022, amount="15000000", category=PROJECT, priority="innovation")
    # released later from the 2022 commitment: counts
    ReleaseFactory(commitment=p2, amount="3000000", released_on=day(2023, 2, 1))
    CommitmentFactory(year=2022, amount="5000000", category=PROJECT, priority="skills")
    b1 = CommitmentFactory(
        year=2022, amount="1000000", category=BUSINESS, priority="innovation", gender="woman"
    )
    for _ in range(6):
        CommitmentFactory(
            year=2022, amount="500000", category=BUSINESS, priority="innovation", gender="man"
        )
    CommitmentFactory(
        year=2022, amount="2000000", category=BUSINESS, priority="innovation", gender="shared"
    )
    CommitmentFactory(year=2022, amount="5000000", category=COMMERCIAL, priority="attractive")

    # Other years: never in the 2022 distribution.
    old = CommitmentFactory(year=2021, amount="7000000", category=PROJECT, priority="other")
    ReleaseFactory(commitment=old, amount="1000000", released_on=day(2022, 6, 1))
    CommitmentFactory(
        year=2023, amount="9000000", category=BUSINESS, priority="innovation", gender="woman"
    )

    # Payments: by paid_on year, whatever the grant year.
    PaymentFactory(commitment=p1, amount="2000000", paid_on=day(2022, 3, 1))
    PaymentFactory(commitment=b1, amount="1000000", paid_on=day(2022, 12, 31))
    PaymentFactory(commitment=old, amount="700000", paid_on=day(2022, 1, 15))
    PaymentFactory(commitment=old, amount="300000", paid_on=day(2021, 12, 31))
    PaymentFactory(commitment=p1, amount="400000", paid_on=day(2023, 1, 2))
    return {"p1": p1, "p2": p2, "b1": b1, "old": old}


@pytest.fixture
def cases_2022(db):
    """Received 2022: A B C D E H (6). Decided 2022: granted A B G H (4), rejected C F (2).

    Rejection share 2 / 6 = 33 %. Granted projects: A's (also H's), B's, G's = 3;
    equality 1 (A), diversity 1 (B), environment 2 (A, G). C is rejected: its aim
    does not count; E is decided in 2023.
    """
    project_a = ProjectFactory(main_aim_equality=True, main_aim_environment=True)
    a = decided_case(
        registered_on=day(2022, 2, 1),
        decided_on=day(2022, 5, 10),
        state=CaseState.GRANTED,
        granted_amount="1000000",
        project=project_a,
    )
    b = decided_case(
        registered_on=day(2022, 2, 2),
        decided_on=day(2022, 6, 1),
        state=CaseState.RUNNING,
        granted_amount="2000000",
        main_aim_diversity=True,
    )
    c = decided_case(
        registered_on=day(2022, 3, 1),
        decided_on=day(2022, 6, 1),
        state=CaseState.REJECTED,
        main_aim_equality=True,
    )
    d = decided_case(registered_on=day(2022, 4, 1), state=CaseState.PREPARATION)
    e = decided_case(
        registered_on=day(2022, 11, 1),
        decided_on=day(2023, 1, 20),
        state=CaseState.GRANTED,
        granted_amount="300000",
        main_aim_environment=True,
    )
    f = decided_case(
        registered_on=day(2021, 11, 1), decided_on=day(2022, 2, 15), state=CaseState.REJECTED
    )
    g = decided_case(
        registered_on=day(2021, 12, 1),
        decided_on=day(2022, 3, 1),
        state=CaseState.CLOSED,
        granted_amount="500000",
        main_aim_environment=True,
    )
    h = decided_case(
        registered_on=day(2022, 8, 1),
        decided_on=day(2022, 9, 1),
        state=CaseState.GRANTED,
        granted_amount="100000",
        project=project_a,
    )
    # A project idea decided in 2022 is not a co-financing application.
    decided_case(
        registered_on=day(2022, 1, 5),
        decided_on=day(2022, 2, 1),
        state=CaseState.APPROVED,
        kind=CaseKind.PROJECT_IDEA,
        main_aim_equality=True,
    )
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}


@pytest.mark.django_db
def test_distribution_by_category_and_priority_against_hand_computed_fixture(money_2022):
    figures = compute_figures(2022)
    assert figures.grant_amount == D("50000000.00")
    assert figures.committed_total == D("43000000.00")
    assert figures.released_total == D("3000000.00")
    assert figures.net_total == D("40000000.00")
    assert figures.committed_share_of_grant == D(80)

    category = {s.key: s for s in figures.by_category}
    assert [s.key for s in figures.by_category] == [PROJECT, BUSINESS, COMMERCIAL]
    assert category[PROJECT].committed == D("32000000.00")
    assert category[PROJECT].released == D("3000000.00")
    assert category[PROJECT].amount == D("29000000.00")
    assert category[PROJECT].share == D(73)  # 72,5 -> 73
    assert category[BUSINESS].amount == D("6000000.00")
    assert category[BUSINESS].share == D(15)
    assert category[COMMERCIAL].amount == D("5000000.00")
    assert category[COMMERCIAL].share == D(13)  # 12,5 -> 13

    priority = {s.key: s.amount for s in figures.by_priority}
    assert priority == {
        "attractive": D("17000000.00"),
        "innovation": D("18000000.00"),
        "international": D("0.00"),
        "skills": D("5000000.00"),
        "other": D("0.00"),
    }
    assert [format_msek(s.amount) for s in figures.by_priority] == [
        "17,0",
        "18,0",
        "0,0",
        "5,0",
        "0,0",
    ]


@pytest.mark.django_db
def test_leadership_shares_and_paid_amounts(money_2022):
    figures = compute_figures(2022)
    lead = figures.leadership
    assert (lead.total, lead.women, lead.men, lead.shared) == (8, 1, 6, 1)
    assert (lead.share_women, lead.share_men, lead.share_shared) == (D(13), D(75), D(13))
    # 2 000 000 + 1 000 000 + 700 000 paid in 2022; not the 2021 or 2023 payments.
    assert figures.paid_total == D("3700000.00")
    assert figures.paid_by_category == {
        PROJECT: D("2700000.00"),
        BUSINESS: D("1000000.00"),
        COMMERCIAL: D("0.00"),
    }


@pytest.mark.django_db
def test_applications_and_main_aims_against_hand_computed_fixture(cases_2022):
    figures = compute_figures(2022)
    apps = figures.applications
    assert (apps.received, apps.granted, apps.rejected) == (6, 4, 2)
    assert apps.decided == 6
    assert apps.rejection_share == D(33)
    aims = figures.main_aims
    assert aims.granted_projects == 3
    assert (aims.equality, aims.diversity, aims.environment) == (1, 1, 2)

    assert set(cases_behind(2022, "received")) == {
        cases_2022[k] for k in ("a", "b", "c", "d", "e", "h")
    }
    assert set(cases_behind(2022, "granted")) == {cases_2022[k] for k in ("a", "b", "g", "h")}
    assert set(cases_behind(2022, "rejected")) == {cases_2022["c"], cases_2022["f"]}
    assert set(cases_behind(2022, "environment")) == {cases_2022[k] for k in ("a", "g", "h")}

    later = compute_figures(2023)
    assert (later.applications.received, later.applications.granted) == (0, 1)
    assert later.applications.rejection_share == D(0)


@pytest.mark.django_db
def test_a_year_without_grant_or_rows_gives_zeros_not_errors():
    figures = compute_figures(2030)
    assert figures.grant_amount is None
    assert figures.net_total == D("0.00")
    assert all(s.share is None for s in figures.by_category)
    assert figures.applications.rejection_share is None
    assert figures.leadership.share_women is None
    data = figures.as_dict()
    assert data["grant_amount"] is None
    assert data["by_category"][0]["share"] is None


@pytest.mark.django_db
def test_seed_2022_distribution_61_34_5_and_priorities_in_msek():
    """The amounts of seed 004 section 2.1: 171,1 MSEK split 61 / 34 / 5 %."""
    GrantFactory(year=2022, amount="171100000")
    CommitmentFactory(year=2022, amount="23745000", category=PROJECT, priority="attractive")
    innovation = CommitmentFactory(
        year=2022, amount="62926000", category=PROJECT, priority="innovation"
    )
    ReleaseFactory(commitment=innovation, amount="1000000", released_on=day(2022, 12, 1))
    CommitmentFactory(year=2022, amount="1400000", category=PROJECT, priority="international")
    CommitmentFactory(year=2022, amount="5300000", category=PROJECT, priority="skills")
    CommitmentFactory(year=2022, amount="11950000", category=PROJECT, priority="other")
    CommitmentFactory(year=2022, amount="50000", category=PROJECT, priority="other")
    # 50 companies at 1 163 480 kr = 58 174 000 kr: 12 led by women, 33 by men, 5 shared.
    for gender, count in (("woman", 12), ("man", 33), ("shared", 5)):
        for _ in range(count):
            CommitmentFactory(
                year=2022, amount="1163480", category=BUSINESS, priority="innovation", gender=gender
            )
    CommitmentFactory(year=2022, amount="8555000", category=COMMERCIAL, priority="attractive")

    figures = compute_figures(2022)
    assert figures.net_total == D("171100000.00")
    assert [s.share for s in figures.by_category] == [D(61), D(34), D(5)]
    assert [format_msek(s.amount) for s in figures.by_category] == ["104,4", "58,2", "8,6"]
    assert [format_msek(s.amount) for s in figures.by_priority] == [
        "32,3",
        "120,1",
        "1,4",
        "5,3",
        "12,0",
    ]
    lead = figures.leadership
    assert (lead.share_women, lead.share_men, lead.share_shared) == (D(24), D(66), D(10))


def _bulk(year: int, size: int):
    for index in range(size):
        c = CommitmentFactory(
            year=year,
            amount="100000",
            category=BUSINESS if index % 2 else PROJECT,
            priority=("attractive", "innovation", "skills")[index % 3],
            gender=("woman", "man", "shared")[index % 3] if index % 2 else None,
        )
        PaymentFactory(commitment=c, amount="10000", paid_on=day(year, 6, 1))
        ReleaseFactory(commitment=c, amount="5000", released_on=day(year, 12, 1))
        decided_case(
            registered_on=day(year, 2, 1),
            decided_on=day(year, 5, 1),
            state=CaseState.GRANTED if index % 2 else CaseState.REJECTED,
            granted_amount="100000" if index % 2 else None,
            main_aim_equality=bool(index % 2),
        )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 25])
def test_figures_take_five_queries_whatever_the_volume(size, django_assert_num_queries):
    GrantFactory(year=2022)
    _bulk(2022, size)
    with django_assert_num_queries(5):
        figures = compute_figures(2022)
    assert figures.leadership.total == size // 2
    assert figures.applications.received == size
    assert figures.released_total == D(5000) * size


@pytest.mark.django_db
def test_commitments_behind_a_figure_carry_released_paid_and_net(money_2022):
    rows = list(commitments_behind(2022, category=PROJECT))
    assert len(rows) == 3
    p2 = next(r for r in rows if r.pk == money_2022["p2"].pk)
    assert (p2.released_sum, p2.net_amount) == (D("3000000.00"), D("12000000.00"))
    p1 = next(r for r in rows if r.pk == money_2022["p1"].pk)
    assert p1.paid_sum == D("2400000.00")  # all payments on the commitment
    assert len(list(commitments_behind(2022, gender="woman"))) == 1
    assert len(list(commitments_behind(2022, priority="attractive"))) == 2
