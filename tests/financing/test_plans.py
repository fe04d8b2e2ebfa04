"""Financing plans: totals, shares, validation and the controller review state machine."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import Conflict
from core.roles import Role
from financing import permissions, selectors, services
from financing.models import FinancingPlan, FinancingPolicy, PlanStatus
from tests.core.factories import user_with_role
from tests.financing.factories import SEED_001_36, SEED_002, make_plan, plan_rows, seed_rows
from tests.projects.factories import OrganisationFactory, ProjectFactory, co_financing_case

D = Decimal
pytestmark = pytest.mark.django_db


def _fresh(plan):
    return FinancingPlan.objects.get(pk=plan.pk)


def test_seed_002_ten_rows_total_20_718_995_kr(officer):
    case = co_financing_case(
        officer=officer,
        start_date=datetime.date(2023, 9, 1),
        end_date=datetime.date(2026, 10, 31),
        total_budget=D("20718995"),
    )
    plan = services.financing_plan_save(
        user=officer, project=case.project, stated_total="20 718 995 kr", rows=seed_rows(SEED_002)
    )
    figures = selectors.plan_figures(_fresh(plan))
    assert plan.rows.count() == 10
    assert figures.total_applied == D("20718995")
    assert figures.adds_up
    # Region Norrbotten: 1:1 1 245 497 + egna medel 278 413 = 1 523 910 kr = 7,4 %
    assert figures.region_1_1 == D("1245497")
    assert figures.region_own == D("278413")
    assert figures.region_total == D("1523910")
    assert figures.region_share == D("7.4")
    assert figures.region_1_1_share == D("6.0")
    # Region Västerbotten has two rows (1:1-medel and egna medel): one financier share.
    vasterbotten = next(s for s in figures.financiers if s.financier.name == "Region Västerbotten")
    assert vasterbotten.applied == D("3383466") + D("2104864")
    assert vasterbotten.share == D("26.5")
    tillvaxtverket = next(s for s in figures.financiers if s.financier.name == "Tillväxtverket")
    assert tillvaxtverket.share == D("40.0")
    assert sum(s.applied for s in figures.financiers) == D("20718995")


def test_seed_001_paragraph_36_region_1_1_is_20_percent(officer):
    case = co_financing_case(officer=officer, total_budget=D("6114325"))
    plan = services.financing_plan_save(
        user=officer,
        project=case.project,
        stated_total=SEED_001_36["total_budget"],
        rows=seed_rows(SEED_001_36),
    )
    figures = selectors.plan_figures(_fresh(plan))
    assert figures.total_applied == D("6114325")
    assert figures.region_1_1 == D("1222867")
    assert figures.region_share == D("20.0")
    assert [s.financier.name for s in figures.financiers][:2] == ["ERUF", "Region Norrbotten"]
    assert {s.financier.name: s.share for s in figures.financiers}["Piteå kommun"] == D("10.0")


def test_rows_not_adding_up_are_refused_with_the_difference(officer):
    case = co_financing_case(officer=officer)
    with pytest.raises(ValidationError) as error:
        services.financing_plan_save(
            user=officer,
            project=case.project,
            stated_total=D("6114325"),
            rows=seed_rows(SEED_001_36)[:-1],  # ERUF's 3 057 162 kr missing
        )
    message = " ".join(error.value.message_dict["stated_total"])
    assert "3 057 163 kr" in message
    assert "6 114 325 kr" in message
    assert "-3 057 162 kr" in message
    assert not FinancingPlan.objects.exists()


def test_row_years_must_lie_in_the_project_period(officer):
    case = co_financing_case(officer=officer)  # 2020-09-01 – 2023-02-28
    org = OrganisationFactory()
    rows = [
        {"financier": org, "funding_type": "eruf", "amount_applied": D("100"), "year": 2020},
        {"financier": org, "funding_type": "eruf", "amount_applied": D("100"), "year": 2024},
    ]
    with pytest.raises(ValidationError) as error:
        services.financing_plan_save(
            user=officer, project=case.project, stated_total=200, rows=rows
        )
    assert "Rad 2" in str(error.value)
    assert "2020–2023" in str(error.value)


def test_a_plan_needs_at_least_one_row(officer):
    case = co_financing_case(officer=officer)
    with pytest.raises(ValidationError, match="minst en"):
        services.financing_plan_save(user=officer, project=case.project, stated_total=0, rows=[])


def test_saving_replaces_rows_and_keeps_history(officer):
    case = co_financing_case(officer=officer)
    plan = make_plan(case)
    first, second = list(plan.rows.all())
    services.financing_plan_save(
        user=officer,
        project=case.project,
        stated_total=D("1100000"),
        rows=[
            {
                "id": first.pk,
                "financier": first.financier,
                "funding_type": "region_1_1",
                "amount_applied": D("500000"),
            },
            {
                "financier": second.financier,
                "funding_type": "municipality",
                "amount_applied": D("600000"),
            },
        ],
        version=plan.version,
    )
    plan = _fresh(plan)
    rows = list(plan.rows.all())
    assert [r.pk for r in rows][0] == first.pk
    assert second.pk not in [r.pk for r in rows]
    assert plan.version == 2
    history = selectors.plan_history(plan)
    assert any("sökt belopp" == label for e in history for label, _old, _new in e.changes)


def test_stale_version_is_a_conflict(officer):
    case = co_financing_case(officer=officer)
    plan = make_plan(case)
    rows = plan_rows(plan)
    services.financing_plan_save(
        user=officer, project=case.project, stated_total=plan.stated_total, rows=rows, version=1
    )
    with pytest.raises(Conflict, match="ändrat"):
        services.financing_plan_save(
            user=officer, project=case.project, stated_total=plan.stated_total, rows=rows, version=1
        )


# --- Who may edit ------------------------------------------------------------------------


def test_only_the_case_officer_edits_the_plan(role_users):
    case = co_financing_case(officer=role_users[Role.OFFICER])
    other_officer = user_with_role(Role.OFFICER)
    for user in [other_officer, *[u for r, u in role_users.items() if r != Role.OFFICER]]:
        with pytest.raises(PermissionDenied):
            make_plan_for = services.financing_plan_save
            make_plan_for(
                user=user,
                project=case.project,
                stated_total=1,
                rows=[
                    {
                        "financier": OrganisationFactory(),
                        "funding_type": "other",
                        "amount_applied": 1,
                    }
                ],
            )
    assert not FinancingPlan.objects.exists()


# --- Review state machine ---------------------------------------------------------------


def test_draft_submitted_approved(officer, controller, grant_2020):
    case = co_financing_case(officer=officer, total_budget=D("1000000"))
    case.project.requested_amount = D("400000")
    case.project.save(update_fields=["requested_amount"])
    plan = make_plan(case)
    assert all(c.ok is not False for c in selectors.plan_checks(plan))
    assert plan.status == PlanStatus.DRAFT
    plan = services.financing_plan_submit(user=officer, plan=plan)
    plan = _fresh(plan)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.submitted_by == officer and plan.submitted_at is not None
    plan = services.financing_plan_approve(user=controller, plan=plan, comment="")
    plan = _fresh(plan)
    assert plan.status == PlanStatus.APPROVED
    assert plan.reviewed_by == controller and plan.reviewed_at is not None


def test_returned_with_comment_then_edited_and_submitted_again(officer, controller):
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="submitted")
    with pytest.raises(ValidationError) as error:
        services.financing_plan_return(user=controller, plan=plan, comment="  ")
    assert "comment" in error.value.message_dict
    plan = services.financing_plan_return(
        user=controller, plan=plan, comment="Kommunernas andel saknar intyg."
    )
    plan = _fresh(plan)
    assert plan.status == PlanStatus.RETURNED
    assert plan.review_comment == "Kommunernas andel saknar intyg."
    assert permissions.can_edit_plan(officer, plan)
    rows = plan_rows(plan)
    services.financing_plan_save(
        user=officer,
        project=case.project,
        stated_total=plan.stated_total,
        rows=rows,
        version=plan.version,
    )
    plan = services.financing_plan_submit(user=officer, plan=_fresh(plan))
    assert _fresh(plan).status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SECRETARY, Role.DECISION_MAKER, Role.READER])
def test_only_controllers_review(role, role_users, officer):
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="submitted")
    user = role_users[role]
    with pytest.raises(PermissionDenied):
        services.financing_plan_approve(user=user, plan=plan)
    with pytest.raises(PermissionDenied):
        services.financing_plan_return(user=user, plan=plan, comment="Nej")
    assert _fresh(plan).status == PlanStatus.SUBMITTED


@pytest.mark.parametrize(
    "role", [Role.SECRETARY, Role.CONTROLLER, Role.DECISION_MAKER, Role.READER]
)
def test_only_officers_submit(role, role_users, officer):
    case = co_financing_case(officer=officer)
    plan = make_plan(case)
    with pytest.raises(PermissionDenied):
        services.financing_plan_submit(user=role_users[role], plan=plan)
    assert _fresh(plan).status == PlanStatus.DRAFT


def test_controller_cannot_review_a_plan_they_submitted():
    both = user_with_role(Role.OFFICER)
    both.groups.add(*user_with_role(Role.CONTROLLER).groups.all())
    both = type(both).objects.get(pk=both.pk)
    case = co_financing_case(officer=both)
    plan = make_plan(case, status="submitted")
    with pytest.raises(PermissionDenied, match="själv"):
        services.financing_plan_approve(user=both, plan=plan)


def test_reviewing_a_draft_is_a_conflict(officer, controller):
    plan = make_plan(co_financing_case(officer=officer))
    with pytest.raises(Conflict):
        services.financing_plan_approve(user=controller, plan=plan)


def test_approving_twice_is_a_conflict(officer, controller):
    plan = make_plan(co_financing_case(officer=officer), status="submitted")
    services.financing_plan_approve(user=controller, plan=plan, comment="OK")
    with pytest.raises(Conflict):
        services.financing_plan_approve(user=controller, plan=plan, comment="OK")


def test_editing_an_approved_plan_is_refused_with_409(officer, controller):
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="approved", controller=controller)
    with pytest.raises(Conflict, match="godkänd"):
        services.financing_plan_save(
            user=officer,
            project=case.project,
            stated_total=plan.stated_total,
            rows=[
                {
                    "financier": OrganisationFactory(),
                    "funding_type": "other",
                    "amount_applied": plan.stated_total,
                }
            ],
        )
    assert _fresh(plan).rows.count() == 2
    assert not permissions.can_edit_plan(officer, _fresh(plan))


def test_editing_a_submitted_plan_is_refused_with_409(officer):
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="submitted")
    with pytest.raises(Conflict, match="granskas"):
        services.financing_plan_save(
            user=officer, project=case.project, stated_total=plan.stated_total, rows=[]
        )


def test_controller_reopens_an_approved_plan_to_draft(officer, controller):
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="approved", controller=controller)
    with pytest.raises(PermissionDenied):
        services.financing_plan_reopen(user=officer, plan=plan, comment="Ändrad budget")
    with pytest.raises(ValidationError):
        services.financing_plan_reopen(user=controller, plan=plan, comment="")
    plan = services.financing_plan_reopen(user=controller, plan=plan, comment="Ändrad budget")
    plan = _fresh(plan)
    assert plan.status == PlanStatus.DRAFT
    assert plan.reviewed_by is None
    assert permissions.can_edit_plan(officer, plan)


def test_reopen_is_refused_while_the_case_is_before_run(officer, controller):
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="approved", controller=controller)
    type(case).objects.filter(pk=case.pk).update(state="ready_for_run")
    with pytest.raises(Conflict, match="regionala utvecklingsnämnden"):
        services.financing_plan_reopen(user=controller, plan=plan, comment="Ändrad budget")


def test_approval_with_failed_checks_needs_a_comment(officer, controller):
    FinancingPolicy.objects.update(max_region_share=30)
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="submitted")  # region 1:1 40 %, no anslag registered
    checks = {c.key: c for c in selectors.plan_checks(plan)}
    assert checks["region_share"].ok is False
    assert checks["room_2020"].ok is False
    with pytest.raises(ValidationError) as error:
        services.financing_plan_approve(user=controller, plan=plan, comment="")
    assert "comment" in error.value.message_dict
    services.financing_plan_approve(
        user=controller, plan=plan, comment="Undantag enligt RUN:s riktlinjer."
    )
    assert _fresh(plan).status == PlanStatus.APPROVED


def test_controller_checks(officer, grant_2020):
    project = ProjectFactory(total_budget=D("1000000"))
    case = co_financing_case(officer=officer, project=project)
    org = OrganisationFactory()
    region = OrganisationFactory(name="Region Norrbotten")
    plan = make_plan(
        case,
        rows=[
            {
                "financier": region,
                "funding_type": "region_1_1",
                "amount_applied": D("300000"),
                "year": 2021,
            },
            {"financier": region, "funding_type": "region_1_1", "amount_applied": D("100000")},
            {"financier": org, "funding_type": "eruf", "amount_applied": D("600000")},
        ],
    )
    checks = {c.key: c for c in selectors.plan_checks(plan)}
    assert checks["sum"].ok is True
    assert checks["project_total"].ok is True
    assert checks["region_share"].ok is True  # 40 % <= 50 %
    assert checks["period"].ok is True
    assert checks["room_2020"].ok is True  # 100 000 kr asked from 2020
    assert "82 500 000 kr" in checks["room_2020"].detail
    assert checks["room_2021"].ok is False  # 300 000 kr asked from 2021: no anslag
    assert "2021" in checks["room_2021"].detail


def test_granted_amounts_can_be_recorded_on_an_approved_plan(officer, controller):
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="approved", controller=controller)
    row = plan.rows.first()
    services.financing_plan_record_granted(
        user=controller, plan=plan, granted={row.pk: "350 000 kr"}, version=_fresh(plan).version
    )
    row.refresh_from_db()
    assert row.amount_granted == D("350000")
    figures = selectors.plan_figures(_fresh(plan))
    assert figures.total_granted == D("350000")
    assert figures.total_applied == D("1000000")  # the budget applied for is unchanged
    with pytest.raises(PermissionDenied):
        services.financing_plan_record_granted(
            user=user_with_role(Role.READER), plan=plan, granted={row.pk: None}
        )
