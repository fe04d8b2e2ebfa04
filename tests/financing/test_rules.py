"""Regional rules as data: funding types and the plan's checks, the delegationsordning,
anslag over years with the commitment authority, a second region's rule set."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from decisions.workflow.models import DelegationDecision, DelegationRule
from financing import selectors
from financing.models import Commitment, FinancingPolicy, FundingType, Grant
from financing.services.decisions import case_route, case_transition, unmet_preconditions
from projects.models import Case, CaseState, Organisation
from tests.decisions.workflow.factories import delegation_rule_for_co_financing, walk_cofinancing
from tests.e2e.helpers import pdf_text
from tests.financing.factories import make_grant, make_plan
from tests.projects.factories import OrganisationFactory, ProjectFactory

D = Decimal
pytestmark = pytest.mark.django_db


def _organisation(name):
    return Organisation.objects.filter(name=name).first() or OrganisationFactory(name=name)


def _rows(*rows):
    return [
        {"financier": _organisation(name), "funding_type": code, "amount_applied": D(a)}
        for name, code, a in rows
    ]


def _checks(plan):
    return {check.key: check for check in selectors.plan_checks(plan)}


# --- Funding types and the plan's checks -------------------------------------------------


def test_the_1_1_share_counts_every_regions_1_1_money(actors):
    case = walk_cofinancing(actors, CaseState.PREPARATION)
    plan = make_plan(
        case,
        rows=_rows(
            ("Region Norrbotten", "region_1_1", "3000000"),
            ("Region Västerbotten", "other_region_1_1", "2500000"),
            ("Europeiska regionala utvecklingsfonden", "eruf", "4500000"),
        ),
    )
    figures = selectors.plan_figures(plan)
    assert figures.one_one == D("5500000")
    assert figures.one_one_share == D("55.0")
    # This region's grant is charged only for its own 1:1 money.
    assert figures.charged_to_grant == D("3000000")
    check = _checks(plan)["one_one_share"]
    assert check.ok is False
    assert "55 % av budgeten; taket är 50 %" in check.detail


def test_the_caps_are_compared_exactly_not_as_the_rounded_share(actors):
    """4 203 000 kr of 8 400 000 is 50.04 %, shown as 50 %: still over a 50 % cap."""
    case = walk_cofinancing(actors, CaseState.PREPARATION)
    plan = make_plan(
        case,
        rows=_rows(
            ("Region Norrbotten", "region_1_1", "2000000"),
            ("Region Västerbotten", "other_region_1_1", "2203000"),
            ("Europeiska regionala utvecklingsfonden", "eruf", "4197000"),
        ),
    )
    check = _checks(plan)["one_one_share"]
    assert check.ok is False
    assert "4 203 000 kr, 50 % av budgeten; taket är 50 % (4 200 000 kr)" in check.detail
    FinancingPolicy.objects.update(max_region_share=D("23.80"))  # 1 999 200 kr
    region = _checks(plan)["region_share"]
    assert region.ok is False and "23,8 %" in region.detail
    assert "(1 999 200 kr)" in region.detail
    plan.rows.filter(funding_type__code="other_region_1_1").update(amount_applied=D("2200000"))
    plan.rows.filter(funding_type__code="eruf").update(amount_applied=D("4200000"))
    plan = type(plan).objects.get(pk=plan.pk)
    assert _checks(plan)["one_one_share"].ok is True  # exactly at the cap


def test_the_granted_amounts_are_checked_against_the_budget_and_the_cap(actors):
    """Every check read the applied amounts only: an EU fund granting nothing left 2 000 000
    kr unfinanced and the 1:1 share at 62.5 %, and every check said OK."""
    case = walk_cofinancing(actors, CaseState.PREPARATION)
    plan = make_plan(
        case,
        rows=_rows(
            ("Region Norrbotten", "region_1_1", "2500000"),
            ("Region Västerbotten", "other_region_1_1", "2500000"),
            ("Europeiska regionala utvecklingsfonden", "eruf", "2000000"),
            ("Kommunen", "municipality", "3000000"),
        ),
    )
    checks = _checks(plan)
    assert checks["one_one_share"].ok is True  # 50 % of what was applied for
    assert "decided_sum" not in checks  # nothing granted registered yet
    plan.rows.filter(funding_type__code="eruf").update(amount_granted=D("0"))
    plan = type(plan).objects.get(pk=plan.pk)
    checks = _checks(plan)
    assert checks["decided_sum"].ok is False
    assert "ofinansierat 2 000 000 kr" in checks["decided_sum"].detail
    decided = checks["decided_one_one_share"]
    assert decided.ok is False
    assert "1:1-medel 5 000 000 kr av beviljade 8 000 000 kr, 62,5 %" in decided.detail
    plan.rows.filter(funding_type__code="eruf").update(amount_granted=D("2000000"))
    plan = type(plan).objects.get(pk=plan.pk)
    checks = _checks(plan)
    assert checks["decided_sum"].ok is True and checks["decided_one_one_share"].ok is True


def test_the_1_1_share_passes_at_45_percent_and_the_cap_is_data(actors):
    case = walk_cofinancing(actors, CaseState.PREPARATION)
    plan = make_plan(
        case,
        rows=_rows(
            ("Region Norrbotten", "region_1_1", "3000000"),
            ("Region Västerbotten", "other_region_1_1", "1500000"),
            ("Europeiska regionala utvecklingsfonden", "eruf", "5500000"),
        ),
    )
    assert _checks(plan)["one_one_share"].ok is True
    FinancingPolicy.objects.update(max_1_1_share=D("40.00"))
    check = _checks(plan)["one_one_share"]
    assert check.ok is False
    assert "45 % av budgeten; taket är 40 %" in check.detail
    FinancingPolicy.objects.update(max_1_1_share=None)  # a region without the cap
    assert "one_one_share" not in _checks(plan)


def test_own_funds_stay_out_of_the_1_1_figures_and_the_grant_commits_the_1_1_rows(
    actors, secretary
):
    make_grant(year=2023, amount="100000000", project="60000000")
    project = ProjectFactory(
        requested_amount=D("3254545"),
        start_date=datetime.date(2023, 9, 1),
        end_date=datetime.date(2026, 8, 31),
    )
    case = walk_cofinancing(actors, CaseState.PREPARATION, project=project)
    plan = make_plan(
        case,
        rows=_rows(
            ("Region Norrbotten", "region_1_1", "561372"),
            ("Region Norrbotten, regionstaben", "region_1_1", "2693173"),
            ("Luleå tekniska universitet", "own_funds", "2243173"),
            ("Europeiska regionala utvecklingsfonden", "eruf", "6000000"),
        ),
    )
    figures = selectors.plan_figures(plan)
    assert figures.charged_to_grant == D("3254545")
    assert figures.one_one == D("3254545")
    assert figures.own_funds == D("2243173")
    assert figures.public == D("9254545")  # own funds are not public co-financing
    assert _checks(plan)["requested"].ok is True

    Case.objects.filter(pk=case.pk).update(state=CaseState.READY_FOR_RUN)
    case.refresh_from_db()
    case_transition(
        user=secretary,
        case=case,
        transition="grant",
        decided_in="RUN 2023-06-13 § 52",
        data={"amount": "3 254 545", "decided_on": "2023-06-13", "reference": "RUN § 52"},
    )
    assert sum(c.amount for c in Commitment.objects.filter(case=case)) == D("3254545")


def test_the_plans_region_1_1_row_must_equal_the_requested_amount(actors):
    case = walk_cofinancing(actors, CaseState.PREPARATION)  # requested 1 222 867 kr
    plan = make_plan(
        case,
        rows=_rows(
            ("Region Norrbotten", "region_1_1", "1000000"),
            ("Kommunen", "municipality", "2000000"),
        ),
    )
    check = _checks(plan)["requested"]
    assert check.ok is False
    assert "1 000 000 kr; sökt belopp: 1 222 867 kr" in check.detail


def test_a_long_project_and_a_start_before_the_application_are_flagged(actors):
    project = ProjectFactory(
        requested_amount=D("400000"),
        start_date=datetime.date(2019, 6, 1),
        end_date=datetime.date(2023, 5, 31),
    )
    case = walk_cofinancing(actors, CaseState.PREPARATION, project=project)
    plan = make_plan(case)
    checks = _checks(plan)
    assert checks["duration"].ok is False and "4 år" in checks["duration"].detail
    assert checks["start_after_application"].ok is False
    assert (
        f"ansökan inkom {case.received_on.isoformat()}" in checks["start_after_application"].detail
    )


def test_a_retired_funding_type_stays_on_old_rows_but_not_on_new_ones(actors, officer):
    from financing import services

    case = walk_cofinancing(actors, CaseState.PREPARATION)
    plan = make_plan(case, rows=_rows(("Tillväxtverket", "tillvaxtverket", "1000000")))
    FundingType.objects.filter(code="tillvaxtverket").update(active=False)
    rows = [
        {
            "id": r.pk,
            "financier": r.financier,
            "funding_type": r.funding_type_id,
            "amount_applied": r.amount_applied,
        }
        for r in plan.rows.all()
    ]
    services.financing_plan_save(
        user=officer, project=case.project, stated_total="1000000", rows=rows, version=plan.version
    )
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="används inte längre"):
        services.financing_plan_save(
            user=officer,
            project=case.project,
            stated_total="2000000",
            rows=[*rows, *_rows(("Tillväxtverket", "tillvaxtverket", "1000000"))],
            version=plan.version,
        )


# --- The delegationsordning --------------------------------------------------------------


def _eu_case(actors, amount: str, *, eu: bool):
    project = ProjectFactory(requested_amount=D(amount))
    case = walk_cofinancing(actors, CaseState.PREPARATION, project=project)
    other = ("ERUF", "eruf", "2000000") if eu else ("Kommunen", "municipality", "2000000")
    make_plan(case, rows=_rows(("Region Norrbotten", "region_1_1", amount), other))
    Case.objects.filter(pk=case.pk).update(state=CaseState.READY_FOR_RUN)
    case.refresh_from_db()
    return case


@pytest.fixture
def ordinance():
    return delegation_rule_for_co_financing(
        name="Medfinansiering under 500 000 kr",
        reference="Delegationsordning RUN punkt 4.3",
        amount_limit=D("500000"),
        eu_co_financing_to_body=True,
    )


def test_below_the_limit_the_director_decides_and_it_lands_in_the_register(
    actors, director, secretary, ordinance
):
    make_grant(year=2020, amount="10000000", project="5000000")
    case = _eu_case(actors, "400000", eu=False)
    route = case_route(case)
    assert route.by_delegate and route.rule == ordinance
    assert "400 000 kr är under gränsen 500 000 kr" in route.explanation
    # RUN's decision is refused with the rule as the reason.
    assert any(
        "Enligt delegationsordningen beslutar" in reason
        for reason in unmet_preconditions(case, "grant")
    )
    case_transition(
        user=director,
        case=case,
        transition="delegation_grant",
        data={
            "amount": "400 000",
            "decided_on": "2020-03-24",
            "decision_text": "Beviljas på delegation.",
        },
    )
    case.refresh_from_db()
    assert case.state == CaseState.GRANTED and case.granted_amount == D("400000")
    decision = DelegationDecision.objects.get(case=case)
    assert decision.rule == ordinance and decision.amount == D("400000")
    assert not decision.is_reported  # reported to the next meeting
    assert Commitment.objects.get(case=case).amount == D("400000")
    # the decision is drawn up and registered in the case (OSL 5 kap.), in the registry
    document = decision.document
    assert document.case == case and document.kind == "beslut"
    assert document.direction == "upprattad" and document.document_date.isoformat() == "2020-03-24"
    assert document.title == "Beslut på delegation 2020-03-24"
    with document.file.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())
    assert "Ansökan beviljas med 400 000 kr." in text and "Beviljas på delegation." in text
    assert "Medfinansiering under 500 000 kr" in text and "Delegationsordning RUN punkt 4.3" in text
    assert case.dnr in text and "laglighetsprövning" in text
    assert not document.confidential  # nothing of the project is marked


def test_a_delegation_decision_of_a_project_with_marked_texts_is_registered_marked(
    actors, director, decision_maker, ordinance, settings
):
    # the region's own appeal route, where it differs (data of the deployment)
    settings.DELEGATION_DECISION_APPEAL = "Beslutet får inte överklagas (29 § förordningen)."
    from projects import services as project_services
    from projects.models import SecrecyMarking, SecrecyProvision

    make_grant(year=2020, amount="10000000", project="5000000")
    case = _eu_case(actors, "400000", eu=False)
    provision = SecrecyProvision.objects.get(name="31 kap. 16 § OSL")
    project_services.secrecy_mark(
        user=decision_maker, case=case, field="project.summary", provision=provision
    )
    case_transition(
        user=director,
        case=case,
        transition="delegation_grant",
        data={"amount": "400 000", "decided_on": "2020-03-24", "decision_text": "Beviljas."},
    )
    document = DelegationDecision.objects.get(case=case).document
    assert document.confidential
    with document.file.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())
    assert "Beslutet får inte överklagas (29 § förordningen)." in text
    assert "laglighetsprövning" not in text
    assert SecrecyMarking.objects.get(document=document).provision == provision


def test_above_the_limit_the_body_decides_and_the_director_is_told_why(actors, director, ordinance):
    case = _eu_case(actors, "600000", eu=False)
    route = case_route(case)
    assert not route.by_delegate
    assert "600 000 kr är inte under gränsen 500 000 kr" in route.explanation
    with pytest.raises(ValidationError) as error:
        case_transition(
            user=director,
            case=case,
            transition="delegation_grant",
            data={"amount": "600 000", "decided_on": "2020-03-24", "decision_text": "Beviljas."},
        )
    assert "inte under gränsen 500 000 kr" in " ".join(error.value.messages)
    with pytest.raises(PermissionDenied) as denied:
        case_transition(
            user=director,
            case=case,
            transition="grant",
            data={"amount": "600 000", "decided_on": "2020-03-24"},
        )
    assert "Regionala utvecklingsnämnden" in str(denied.value)
    assert "inte under gränsen 500 000 kr" in str(denied.value)
    assert Case.objects.get(pk=case.pk).state == CaseState.READY_FOR_RUN


def test_a_limit_the_delegate_may_reach_is_data(actors, ordinance, controller, client_for):
    """ "Under 500 000 kr" and "högst 500 000 kr" differ at the limit itself: the rule says
    which (``limit_included``), set on the rules page."""
    case = _eu_case(actors, "500000", eu=False)
    route = case_route(case)
    assert not route.by_delegate
    assert "500 000 kr är inte under gränsen 500 000 kr" in route.explanation
    response = client_for(controller).post(
        f"/finance/rules/delegation_rule/{ordinance.pk}/",
        {
            "name": "Medfinansiering högst 500 000 kr",
            "case_kind": "medfinansiering",
            "delegate_title": ordinance.delegate_title,
            "amount_limit": "500 000 kr",
            "limit_included": "on",
            "eu_co_financing_to_body": "on",
            "valid_from": ordinance.valid_from.isoformat(),
            "active": "on",
            "position": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(pk=case.pk)
    route = case_route(case)
    assert route.by_delegate
    assert "500 000 kr ryms inom gränsen högst 500 000 kr" in route.explanation
    above = _eu_case(actors, "500001", eu=False)
    assert "500 001 kr är över gränsen högst 500 000 kr" in case_route(above).explanation
    assert "högst 500 000 kr" in client_for(controller).get("/finance/rules/").content.decode()


def test_who_decides_is_named_as_the_region_names_its_bodies(
    actors, director, ordinance, client_for
):
    """Another region's committee has another name: the case page and the refusal say
    it, from the bodies' data."""
    from decisions.meetings.models import Body
    from decisions.meetings.services.bodies import body_get

    body_get("run")  # the committee, as the region has it
    Body.objects.filter(code="run").update(name="Regionala tillväxtnämnden", short_name="RTN")
    case = _eu_case(actors, "600000", eu=False)
    page = client_for(actors.officer).get(case.get_absolute_url()).content.decode()
    assert "Regionala tillväxtnämnden (RTN)" in page
    assert "Regionala utvecklingsnämnden" not in page
    with pytest.raises(ValidationError) as refused:
        case_transition(
            user=director,
            case=case,
            transition="delegation_grant",
            data={"amount": "600 000", "decided_on": "2020-03-24", "decision_text": "Beviljas."},
        )
    assert "Regionala tillväxtnämnden (RTN)" in " ".join(refused.value.messages)


def test_eu_co_financing_goes_to_the_body_even_below_the_limit(actors, ordinance):
    case = _eu_case(actors, "300000", eu=True)
    route = case_route(case)
    assert not route.by_delegate
    assert "medfinansieras av ERUF" in route.explanation
    assert any("ERUF" in reason for reason in unmet_preconditions(case, "delegation_grant"))


def test_the_delegates_yearly_ceiling(actors, director, ordinance):
    make_grant(year=2020, amount="10000000", project="5000000")
    DelegationRule.objects.filter(pk=ordinance.pk).update(yearly_ceiling=D("700000"))
    first = _eu_case(actors, "400000", eu=False)
    case_transition(
        user=director,
        case=first,
        transition="delegation_grant",
        data={"amount": "400 000", "decided_on": "2020-03-24", "decision_text": "Beviljas."},
    )
    second = _eu_case(actors, "400000", eu=False)
    route = case_route(second, amount=D("400000"), on=datetime.date(2020, 6, 1))
    assert not route.by_delegate
    assert "tak 700 000 kr" in route.explanation and "400 000 kr är redan beviljat" in (
        route.explanation
    )


def test_the_delegate_can_hand_the_case_over_to_the_body(actors, director, ordinance):
    case = _eu_case(actors, "400000", eu=False)
    case_transition(
        user=director,
        case=case,
        transition="refer_to_body",
        motivation="Principiellt viktigt ärende.",
    )
    case.refresh_from_db()
    route = case_route(case)
    assert not route.by_delegate
    assert "Principiellt viktigt ärende." in route.explanation
    assert not [r for r in unmet_preconditions(case, "grant") if "delegationsordningen" in r]


def test_without_a_co_financing_rule_run_decides_as_before(actors):
    case = _eu_case(actors, "100000", eu=False)
    route = case_route(case)
    assert not route.by_delegate
    assert "ingen regel för medfinansiering" in route.explanation


# --- Anslag over years -------------------------------------------------------------------

SPLIT = {2010: "886757", 2011: "941457", 2012: "69528"}


def _three_year_case(actors):
    project = ProjectFactory(
        requested_amount=D("1897742"),
        start_date=datetime.date(2010, 3, 1),
        end_date=datetime.date(2012, 12, 31),
    )
    case = walk_cofinancing(actors, CaseState.PREPARATION, project=project)
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.READY_FOR_RUN, received_on=datetime.date(2010, 1, 15)
    )
    case.refresh_from_db()
    return case


def _grant_three_years(case, secretary):
    return case_transition(
        user=secretary,
        case=case,
        transition="grant",
        decided_in="RUN 2010-03-02 § 12",
        data={
            "amount": "1 897 742",
            "decided_on": "2010-03-02",
            "reference": "RUN 2010-03-02 § 12",
            "year_split": {year: amount for year, amount in SPLIT.items()},
        },
    )


def test_a_three_year_grant_is_checked_against_each_years_means(actors, secretary):
    assert sum(D(a) for a in SPLIT.values()) == D("1897742")
    make_grant(year=2010, amount="50000000", project="20000000")
    tight = make_grant(year=2011, amount="50000000", project="900000")
    make_grant(year=2012, amount="50000000", project="20000000")
    case = _three_year_case(actors)
    with pytest.raises(ValidationError) as error:
        _grant_three_years(case, secretary)
    assert "ryms inte i anslaget 1:1 för 2011" in " ".join(error.value.messages)
    assert not Commitment.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.state == CaseState.READY_FOR_RUN

    from financing.models import Allocation

    Allocation.objects.filter(grant=tight, dimension="category", key="project").update(
        amount=D("20000000")
    )
    _grant_three_years(case, secretary)
    parts = dict(Commitment.objects.filter(case=case).values_list("grant__year", "amount"))
    assert parts == {year: D(amount) for year, amount in SPLIT.items()}
    assert sum(parts.values()) == D("1897742")


def test_the_later_years_must_fit_the_decision_years_commitment_authority(actors, secretary):
    make_grant(year=2010, amount="50000000", project="20000000")
    make_grant(year=2011, amount="50000000", project="20000000")
    make_grant(year=2012, amount="50000000", project="20000000")
    Grant.objects.filter(year=2010).update(commitment_authority=D("1000000"))
    case = _three_year_case(actors)
    with pytest.raises(ValidationError) as error:
        _grant_three_years(case, secretary)
    message = " ".join(error.value.messages)
    assert "binder 1 010 985 kr för åren efter 2010" in message
    assert "bemyndiganderamen 1 000 000 kr" in message
    case.refresh_from_db()
    Grant.objects.filter(year=2010).update(commitment_authority=D("1010985"))
    _grant_three_years(case, secretary)
    assert selectors.committed_after(2010) == D("1010985")


# --- A second region's rule set ------------------------------------------------------------


def test_a_second_regions_rule_set_loads_as_data(actors, director):
    call_command("load_region_rules", "andra-regionen", stdout=open("/dev/null", "w"))  # noqa: SIM115
    policy = FinancingPolicy.objects.in_force(datetime.date(2025, 1, 1))
    assert policy.region_name == "Andra regionen (exempel)"
    assert policy.max_region_share is None
    assert FundingType.objects.get(code="jtf").eu_fund
    assert FundingType.objects.get(code="region_1_1").name == "Regionens 1:1"
    rule = DelegationRule.objects.get(name="Medfinansiering under 500 000 kr")
    assert rule.amount_limit == D("500000") and rule.eu_co_financing_to_body
    # The old Norrbotten rule for project ideas ends the day before the new set starts.
    old = DelegationRule.objects.get(name="Projektidéer av mindre karaktär", valid_from__year=2000)
    assert old.valid_to == datetime.date(2023, 12, 31)
    case = _eu_case(actors, "450000", eu=False)
    assert case_route(case, on=datetime.date(2025, 1, 1)).rule == rule


def _rule_set(tmp_path, **data):
    import json

    path = tmp_path / "region.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_a_rule_set_is_the_regions_whole_policy_and_delegationsordning(tmp_path, actors):
    """What a region's set leaves out is not another region's: a limit it does not state is
    not checked, and a case kind it gives no delegation rule has none from its start."""
    path = _rule_set(
        tmp_path,
        policy={"region_name": "Region Jämtland Härjedalen", "valid_from": "2024-01-01"},
        delegation_rules=[
            {
                "name": "Medfinansiering högst 300 000 kr",
                "case_kind": "medfinansiering",
                "delegate_title": "Regional utvecklingsdirektör",
                "amount_limit": "300000",
                "valid_from": "2024-01-01",
            }
        ],
    )
    call_command("load_region_rules", path, stdout=open("/dev/null", "w"))  # noqa: SIM115
    policy = FinancingPolicy.objects.in_force(datetime.date(2024, 6, 1))
    assert policy.region_name == "Region Jämtland Härjedalen"
    assert policy.max_advance_amount is None and policy.max_region_share is None
    assert policy.max_1_1_share is None and policy.max_advance_share is None
    assert policy.advance_requires_reason  # the law's requirement stays
    # Norrbotten's delegation of project ideas ends: the set gives project ideas none
    assert not DelegationRule.objects.in_force("projektide", datetime.date(2024, 6, 1))
    assert DelegationRule.objects.in_force("projektide", datetime.date(2023, 6, 1))


def test_a_regions_first_set_replaces_the_installations_defaults(tmp_path, actors):
    """``--replace``: Norrbotten's rules are gone for every date, so a case received before
    the set's start is not judged by them either."""
    path = _rule_set(
        tmp_path,
        policy={
            "region_name": "Region Västerbotten",
            "valid_from": "2024-01-01",
            "max_advance_share": "25.00",
        },
        delegation_rules=[],
    )
    out = __import__("io").StringIO()
    call_command("load_region_rules", path, "--replace", stdout=out)
    assert "REGION_NAME" in out.getvalue()  # the documents' name is the environment's
    assert FinancingPolicy.objects.get().region_name == "Region Västerbotten"
    early = FinancingPolicy.objects.in_force(datetime.date(2020, 1, 1))
    assert early.pk is None and early.max_advance_amount is None and early.max_1_1_share is None
    assert not DelegationRule.objects.filter(active=True).exists()
    late = FinancingPolicy.objects.in_force(datetime.date(2024, 6, 1))
    assert late.max_advance_share == D("25.00") and late.max_advance_amount is None
    assert FundingType.objects.get(code="region_1_1").name == "Region Västerbotten 1:1"
    # the region's own rules are there now: a later set continues them, never removes them
    with pytest.raises(CommandError, match="without --replace"):
        call_command("load_region_rules", path, "--replace", stdout=out)
    assert FinancingPolicy.objects.get().region_name == "Region Västerbotten"


def test_a_revised_set_supersedes_the_rules_it_no_longer_holds(tmp_path, actors):
    """Loaded again with a new rule from 2025, the region's set ends its 2024 rule the day
    before, keeps what it still holds once (no duplicates on a second load), and a case of
    400 000 kr goes to the committee from 2025."""
    policy = {"region_name": "Region Jämtland Härjedalen", "valid_from": "2024-01-01"}
    rule_2024 = {
        "name": "Medfinansiering under 500 000 kr",
        "case_kind": "medfinansiering",
        "delegate_title": "Regional utvecklingsdirektör",
        "amount_limit": "500000",
        "valid_from": "2024-01-01",
    }
    ideas = {
        "name": "Projektidéer",
        "case_kind": "projektide",
        "delegate_title": "Regional utvecklingsdirektör",
        "valid_from": "2024-01-01",
    }
    first = _rule_set(tmp_path, policy=policy, delegation_rules=[rule_2024, ideas])
    call_command("load_region_rules", first, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_region_rules", first, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert DelegationRule.objects.filter(name="Medfinansiering under 500 000 kr").count() == 1
    rule_2025 = {**rule_2024, "name": "Medfinansiering under 300 000 kr"}
    rule_2025.update(amount_limit="300000", valid_from="2025-01-01")
    ideas_2025 = {**ideas, "valid_from": "2025-01-01"}
    revised = _rule_set(tmp_path, policy=policy, delegation_rules=[rule_2025, ideas_2025])
    call_command("load_region_rules", revised, stdout=open("/dev/null", "w"))  # noqa: SIM115
    on = datetime.date(2025, 6, 1)
    in_force = DelegationRule.objects.in_force("medfinansiering", on)
    assert [rule.name for rule in in_force] == ["Medfinansiering under 300 000 kr"]
    old = DelegationRule.objects.get(name="Medfinansiering under 500 000 kr")
    assert old.valid_to == datetime.date(2024, 12, 31)
    case = _eu_case(actors, "400000", eu=False)
    assert not case_route(case, on=on).by_delegate
    assert case_route(case, on=datetime.date(2024, 6, 1)).by_delegate


# --- The rules page, the API, the per-year dashboard ------------------------------------------


def test_the_rules_page_shows_and_edits_the_rules(client_for, controller, officer):
    page = client_for(officer).get("/finance/rules/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Annan regions 1:1" in html and "Projektidéer av mindre karaktär" in html
    assert "/finance/rules/delegation_rule/new/" not in html  # officers read only
    assert client_for(officer).get("/finance/rules/delegation_rule/new/").status_code == 403

    client = client_for(controller)
    response = client.post(
        "/finance/rules/delegation_rule/new/",
        {
            "name": "Medfinansiering under 500 000 kr",
            "case_kind": "medfinansiering",
            "delegate_title": "Regional utvecklingsdirektör",
            "amount_limit": "500 000 kr",
            "eu_co_financing_to_body": "on",
            "valid_from": "2024-01-01",
            "active": "on",
            "position": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = DelegationRule.objects.get(name="Medfinansiering under 500 000 kr")
    assert rule.amount_limit == D("500000") and rule.eu_co_financing_to_body
    assert rule.history.first().history_user == controller
    # Bad input: a clear message, nothing saved.
    bad = client.post(
        "/finance/rules/policy/new/",
        {"region_name": "Region X", "valid_from": "2025-01-01", "max_1_1_share": "150"},
    )
    assert bad.status_code == 400
    assert FinancingPolicy.objects.count() == 1
    assert "Region X" not in client.get("/finance/rules/").content.decode()


def test_the_rules_api(api, controller, officer):
    response = api(officer).get("/api/v1/funding-types/")
    assert response.status_code == 200
    codes = {row["code"]: row for row in response.json()["results"]}
    assert codes["other_region_1_1"]["counts_as_1_1"] is True
    assert codes["other_region_1_1"]["charged_to_grant"] is False
    refused = api(officer).post("/api/v1/funding-types/", {"code": "x", "name": "X"})
    assert refused.status_code == 403
    created = api(controller).post(
        "/api/v1/funding-types/",
        {"code": "jtf", "name": "FRO", "is_public": True, "eu_fund": True},
        format="json",
    )
    assert created.status_code == 201, created.content
    rule = api(controller).post(
        "/api/v1/delegation-rules/",
        {
            "name": "Under 500 000 kr",
            "case_kind": "medfinansiering",
            "delegate_title": "Regional utvecklingsdirektör",
            "amount_limit": "500 000",
            "valid_from": "2024-01-01",
        },
        format="json",
    )
    assert rule.status_code == 201, rule.content
    assert rule.json()["amount_limit"] == "500000.00"
    bad = api(controller).patch(
        f"/api/v1/financing-policies/{FinancingPolicy.objects.get().pk}/",
        {"max_1_1_share": "120"},
        format="json",
    )
    assert bad.status_code == 400
    schema = api(officer).get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/delegation-rules/" in text and "/api/v1/funding-types/" in text


def test_the_dashboard_shows_each_years_later_commitments_and_authority(actors, secretary):
    make_grant(year=2010, amount="50000000", project="20000000")
    make_grant(year=2011, amount="50000000", project="20000000")
    make_grant(year=2012, amount="50000000", project="20000000")
    Grant.objects.filter(year=2010).update(commitment_authority=D("5000000"))
    _grant_three_years(_three_year_case(actors), secretary)
    years = {f.key: f for f in selectors.multi_year_figures()}
    assert years["2010"].committed == D("886757") and years["2010"].earlier == 0
    assert years["2011"].earlier == D("941457")
    assert years["2010"].bound_later == D("1010985")
    assert years["2010"].authority_left == D("3989015")


def test_decisions_taken_before_registration_are_registered_once(actors, director, ordinance):
    """``manage.py register_delegation_decisions`` draws up and registers the decisions
    taken before this release (no document), once."""
    import io

    case = _eu_case(actors, "400000", eu=False)
    legacy = DelegationDecision.objects.create(
        case=case,
        decided_on=datetime.date(2020, 3, 2),
        outcome="rejected",
        decision_text="Ansökan avslås.",
        decided_by=director,
        rule=ordinance,
    )
    out = io.StringIO()
    call_command("register_delegation_decisions", stdout=out)
    assert "Registered 1 delegation decisions." in out.getvalue()
    legacy.refresh_from_db()
    document = legacy.document
    assert document.case == case and document.kind == "beslut"
    assert document.document_date == datetime.date(2020, 3, 2)
    assert document.registered_by == director
    with document.file.open("rb") as handle:
        assert "Ansökan avslås." in " ".join(pdf_text(handle.read()).split())
    call_command("register_delegation_decisions", stdout=out)
    assert "Registered 0 delegation decisions." in out.getvalue()
    assert case.documents.filter(kind="beslut").count() == 1
