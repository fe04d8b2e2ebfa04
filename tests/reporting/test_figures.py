"""Every figure of section 2 against hand-computed fixtures, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest

from core.money import format_msek
from financing.models import GrantCategory
from financing.selectors import co_financing_applications
from projects.models import CaseKind, CaseState
from reporting.figures import cases_behind, commitments_behind, compute_figures, percent
from tests.financing.factories import (
    BusinessSupportFactory,
    CommitmentFactory,
    GrantFactory,
    PaymentFactory,
    ReleaseFactory,
    org_number,
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
    project_a = ProjectFactory(aims=["equality", "environment"])
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
        aims=["diversity"],
    )
    c = decided_case(
        registered_on=day(2022, 3, 1),
        decided_on=day(2022, 6, 1),
        state=CaseState.REJECTED,
        aims=["equality"],
    )
    d = decided_case(registered_on=day(2022, 4, 1), state=CaseState.PREPARATION)
    e = decided_case(
        registered_on=day(2022, 11, 1),
        decided_on=day(2023, 1, 20),
        state=CaseState.GRANTED,
        granted_amount="300000",
        aims=["environment"],
    )
    f = decided_case(
        registered_on=day(2021, 11, 1), decided_on=day(2022, 2, 15), state=CaseState.REJECTED
    )
    g = decided_case(
        registered_on=day(2021, 12, 1),
        decided_on=day(2022, 3, 1),
        state=CaseState.CLOSED,
        granted_amount="500000",
        aims=["environment"],
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
        aims=["equality"],
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


@pytest.fixture
def support_2022(db):
    """Business support from NYPS, hand-computed for 2022.

    Received 2022: 10 applications (8 decided in 2022, 1 in 2023, 1 undecided) plus one
    received in 2021 and granted in 2022. Granted in 2022: 6 decisions to 5 companies
    (one company twice): women 1, men 3, shared 1 company. Rejected in 2022: 3.
    Rejection share 3 / 9 = 33 %. EU framework: 2 at 100 % REACT-EU, 1 at 50 % Covid.
    Commercial service rows never count as business support.
    """
    twice = org_number(900)
    rows = [
        dict(leader_gender="woman", eu_framework="REACT-EU", eu_share=D(100)),
        dict(leader_gender="man", org_number=twice, eu_framework="REACT-EU", eu_share=D(100)),
        dict(leader_gender="man", org_number=twice),
        dict(leader_gender="man", eu_framework="Covid 19", eu_share=D(50)),
        dict(leader_gender="shared"),
        dict(decision="rejected"),
        dict(decision="rejected"),
        dict(decision="rejected", received_on=day(2022, 12, 1), decided_on=day(2023, 1, 10)),
        dict(decision="", received_on=day(2022, 12, 20)),
        dict(decision="rejected", leader_gender="woman"),
    ]
    for row in rows:
        BusinessSupportFactory(**row)
    # received in 2021, granted in 2022: a 2022 decision, a 2021 application
    BusinessSupportFactory(received_on=day(2021, 12, 1), decided_on=day(2022, 1, 20))
    BusinessSupportFactory(category=COMMERCIAL, decision="rejected")
    BusinessSupportFactory(received_on=day(2023, 1, 5))


@pytest.mark.django_db
def test_business_support_figures_come_from_the_nyps_rows(support_2022):
    figures = compute_figures(2022)
    apps = figures.applications
    assert (apps.received, apps.granted, apps.rejected) == (10, 6, 3)
    assert apps.rejection_share == D(33)
    assert apps.companies == 5
    assert apps.missing == ""
    lead = figures.leadership
    assert (lead.total, lead.women, lead.men, lead.shared, lead.unknown) == (5, 1, 3, 1, 0)
    assert (lead.share_women, lead.share_men, lead.share_shared) == (D(20), D(60), D(20))
    eu = figures.eu_cofinancing
    assert eu.decisions == 3
    assert [(f.framework, f.share, f.decisions) for f in eu.frameworks] == [
        ("REACT-EU", D("100.00"), 2),
        ("Covid 19", D("50.00"), 1),
    ]


@pytest.mark.django_db
def test_commitments_are_not_business_support_applications(money_2022):
    """Commitments of business support move money; the counts need the NYPS rows."""
    figures = compute_figures(2022)
    assert figures.applications.missing.startswith("inga beslut om företagsstöd")
    assert figures.leadership.missing and figures.eu_cofinancing.missing


@pytest.mark.django_db
def test_paid_amounts(money_2022):
    figures = compute_figures(2022)
    # 2 000 000 + 1 000 000 + 700 000 paid in 2022; not the 2021 or 2023 payments.
    assert figures.paid_total == D("3700000.00")
    assert figures.paid_by_category == {
        PROJECT: D("2700000.00"),
        BUSINESS: D("1000000.00"),
        COMMERCIAL: D("0.00"),
    }


@pytest.mark.django_db
def test_co_financing_applications_and_main_aims_against_hand_computed_fixture(cases_2022):
    figures = compute_figures(2022)
    apps = co_financing_applications(2022)
    assert (apps.received, apps.granted, apps.rejected) == (6, 4, 2)
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

    later = co_financing_applications(2023)
    assert (later.received, later.granted) == (0, 1)
    assert later.rejection_share == D(0)


@pytest.mark.django_db
def test_a_year_without_grant_or_rows_gives_zeros_not_errors():
    figures = compute_figures(2030)
    assert figures.grant_amount is None
    assert figures.net_total == D("0.00")
    assert all(s.share is None for s in figures.by_category)
    assert figures.applications.rejection_share is None
    assert figures.leadership.share_women is None
    # Nothing to count is said as missing, with the reason, never as 0.
    assert "2030" in figures.applications.missing
    assert figures.main_aims.missing == "inga projekt beviljades under året"
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
    # NYPS: 164 applications, 125 granted to 125 companies (30 / 83 / 12), 39 rejected.
    for gender, count in (("woman", 30), ("man", 83), ("shared", 12)):
        for _ in range(count):
            BusinessSupportFactory(leader_gender=gender)
    for _ in range(39):
        BusinessSupportFactory(decision="rejected")

    figures = compute_figures(2022)
    apps = figures.applications
    assert (apps.received, apps.granted, apps.rejected, apps.companies) == (164, 125, 39, 125)
    assert apps.rejection_share == D(24)
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
        BusinessSupportFactory(
            received_on=day(year, 2, 1),
            decision="granted" if index % 2 else "rejected",
            leader_gender=("woman", "man", "shared")[index % 3],
            eu_framework="REACT-EU" if index % 4 == 1 else "",
            eu_share=D(100) if index % 4 == 1 else None,
        )
        ReleaseFactory(commitment=c, amount="5000", released_on=day(year, 12, 1))
        decided_case(
            registered_on=day(year, 2, 1),
            decided_on=day(year, 5, 1),
            state=CaseState.GRANTED if index % 2 else CaseState.REJECTED,
            granted_amount="100000" if index % 2 else None,
            aims=["equality"] if index % 2 else None,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 25])
def test_figures_take_six_queries_whatever_the_volume(size, django_assert_num_queries):
    GrantFactory(year=2022)
    _bulk(2022, size)
    with django_assert_num_queries(6):
        figures = compute_figures(2022)
    assert figures.leadership.total == size // 2
    assert figures.applications.received == size
    assert figures.main_aims.equality == size // 2
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


@pytest.mark.django_db
def test_a_grant_paid_over_two_years_is_granted_in_the_year_of_its_decision(controller, officer):
    """Its 2023 share is 2023's money, but the project was granted once, in 2022."""
    from financing import services
    from reporting.figures import granted_projects
    from tests.financing.factories import make_grant
    from tests.projects.factories import co_financing_case

    make_grant(year=2022, amount="10000000")
    make_grant(year=2023, amount="10000000")
    case = co_financing_case(officer=officer)
    for year in (2022, 2023):
        services.commitment_record(
            user=controller,
            year=year,
            category="project",
            amount="500 000",
            committed_on=datetime.date(2022, 11, 1),
            case=case,
        )
    assert list(granted_projects(2022)) == [case.project]
    assert list(granted_projects(2023)) == []


@pytest.mark.django_db
def test_an_application_is_received_in_the_year_it_came_in_not_the_year_it_was_registered():
    arrived_late = decided_case(registered_on=datetime.date(2023, 1, 9))
    type(arrived_late).objects.filter(pk=arrived_late.pk).update(
        received_on=datetime.date(2022, 12, 20)
    )
    decided_case(registered_on=datetime.date(2023, 2, 1))
    assert co_financing_applications(2022).received == 1
    assert co_financing_applications(2023).received == 1
    assert [c.pk for c in cases_behind(2022, "received")] == [arrived_late.pk]
