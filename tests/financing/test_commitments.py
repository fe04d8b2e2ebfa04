"""Commitments against the anslag: grant decisions, recorded decisions, the limit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import Conflict
from core.roles import Role
from financing import selectors, services
from financing.models import Commitment, GrantCategory, LeaderGender, Release
from financing.services import payments
from projects.models import Case, CaseState, ReportPriority, RusArea
from tests.financing.factories import make_grant, make_plan
from tests.projects.factories import OrganisationFactory, ProjectFactory, co_financing_case

D = Decimal
pytestmark = pytest.mark.django_db
DECIDED = datetime.date(2020, 3, 24)


def grant_data(amount, **extra):
    return {"amount": D(amount), "decided_on": DECIDED, **extra}


def test_grant_effect_commits_against_the_decision_year(officer, secretary, grant_2020):
    innovation = RusArea.objects.create(
        name="Smarta, hållbara innovationer och entreprenörskap",
        report_priority="innovation",
        position=2,
    )
    attractive = RusArea.objects.create(
        name="Hög livskvalitet i attraktiva livsmiljöer", report_priority="attractive", position=1
    )
    project = ProjectFactory()
    project.rus_areas.set([innovation, attractive])
    case = co_financing_case(officer=officer, project=project)
    services.commitments_for_grant_decision(
        case=case,
        user=secretary,
        data=grant_data("1222867", reference="RUN 2020-03-24 § 36"),
        log=None,
    )
    commitment = Commitment.objects.get(case=case)
    assert commitment.grant == grant_2020
    assert commitment.amount == D("1222867")
    assert commitment.category == GrantCategory.PROJECT
    assert commitment.priority == ReportPriority.ATTRACTIVE_ENVIRONMENTS  # first RUS area
    assert commitment.committed_on == DECIDED
    assert commitment.reference == "RUN 2020-03-24 § 36"
    assert commitment.recipient == project.owner
    assert commitment.created_by == secretary
    summary = selectors.grant_summary(grant_2020)
    project_figures = next(f for f in summary.categories if f.key == "project")
    assert project_figures.left == D("82500000") - D("1222867")


def test_grant_effect_splits_over_years(officer, secretary, grant_2020):
    make_grant(year=2021, amount="150000000", project="80000000")
    case = co_financing_case(officer=officer)
    services.commitments_for_grant_decision(
        case=case,
        user=secretary,
        data=grant_data("1347090", year_split={"2020": D("347090"), 2021: D("1000000")}),
        log=None,
    )
    by_year = {c.grant.year: c.amount for c in Commitment.objects.filter(case=case)}
    assert by_year == {2020: D("347090"), 2021: D("1000000")}


def test_year_split_must_sum_to_the_amount(officer, secretary, grant_2020):
    case = co_financing_case(officer=officer)
    with pytest.raises(ValidationError, match="summerar inte"):
        services.commitments_for_grant_decision(
            case=case, user=secretary, data=grant_data("100", year_split={2020: D("90")}), log=None
        )
    assert not Commitment.objects.exists()


def test_grant_without_an_anslag_for_the_year_is_refused(officer, secretary):
    case = co_financing_case(officer=officer)
    with pytest.raises(ValidationError, match="Inget anslag 1:1 är registrerat för 2020"):
        services.commitments_for_grant_decision(
            case=case, user=secretary, data=grant_data("100"), log=None
        )


def test_grant_over_the_category_allocation_is_refused_with_what_is_left(officer, secretary):
    make_grant(year=2020, amount="10000000", project="1000000")
    first = co_financing_case(officer=officer)
    services.commitments_for_grant_decision(
        case=first, user=secretary, data=grant_data("800000"), log=None
    )
    second = co_financing_case(officer=officer)
    with pytest.raises(ValidationError) as error:
        services.commitments_for_grant_decision(
            case=second, user=secretary, data=grant_data("200001"), log=None
        )
    message = str(error.value)
    assert "200 001 kr" in message
    assert "200 000 kr kvar inom projektverksamhet" in message
    services.commitments_for_grant_decision(
        case=second, user=secretary, data=grant_data("200000"), log=None
    )
    assert Commitment.objects.count() == 2


def test_without_category_allocation_the_grant_amount_is_the_limit(officer, secretary):
    make_grant(year=2020, amount="1000000")
    case = co_financing_case(officer=officer)
    with pytest.raises(ValidationError, match="kvar av anslaget"):
        services.commitments_for_grant_decision(
            case=case, user=secretary, data=grant_data("1000001"), log=None
        )
    services.commitments_for_grant_decision(
        case=case, user=secretary, data=grant_data("1000000"), log=None
    )


def test_all_categories_together_cannot_exceed_the_anslag(officer, controller):
    # Business support has no allocation of its own: it draws on the anslag as a whole,
    # and the anslag stays the ceiling for projektverksamhet too.
    make_grant(year=2020, amount="1000000", project="600000")
    services.commitment_record(
        user=controller,
        category="business_support",
        amount="700 000",
        committed_on=DECIDED,
        company_leader_gender="woman",
    )
    with pytest.raises(ValidationError, match="300 000 kr kvar av anslaget"):
        services.commitment_record(
            user=controller,
            category="project",
            amount="400 000",
            committed_on=DECIDED,
            priority="other",
        )


def test_released_money_can_be_committed_again(officer, secretary, controller):
    make_grant(year=2020, amount="1000000", project="1000000")
    first = co_financing_case(officer=officer)
    services.commitments_for_grant_decision(
        case=first, user=secretary, data=grant_data("1000000"), log=None
    )
    commitment = Commitment.objects.get(case=first)
    services.release_record(
        user=controller,
        commitment=commitment,
        released_on=DECIDED,
        reason="Avslutat",
        amount="250 000",
    )
    second = co_financing_case(officer=officer)
    services.commitments_for_grant_decision(
        case=second, user=secretary, data=grant_data("250000"), log=None
    )
    with pytest.raises(ValidationError):
        services.commitments_for_grant_decision(
            case=co_financing_case(officer=officer), user=secretary, data=grant_data("1"), log=None
        )


def test_record_business_support_needs_the_leaders_gender(controller, grant_2020):
    with pytest.raises(ValidationError) as error:
        services.commitment_record(
            user=controller, category="business_support", amount="500 000", committed_on=DECIDED
        )
    assert "company_leader_gender" in error.value.message_dict
    commitment = services.commitment_record(
        user=controller,
        category="business_support",
        amount="500 000",
        committed_on=DECIDED,
        company_leader_gender=LeaderGender.SHARED,
        recipient=OrganisationFactory(),
        description="Investeringsstöd",
        reference="FS-2020-001",
    )
    assert commitment.priority == ReportPriority.INNOVATION  # all business support
    assert commitment.company_leader_gender == "shared"
    assert commitment.grant == grant_2020


def test_record_commercial_service_counts_as_attractive_environments(controller, grant_2020):
    commitment = services.commitment_record(
        user=controller, category="commercial_service", amount="2 000 tkr", committed_on=DECIDED
    )
    assert commitment.amount == D("2000000")
    assert commitment.priority == ReportPriority.ATTRACTIVE_ENVIRONMENTS
    with pytest.raises(ValidationError) as error:
        services.commitment_record(
            user=controller,
            category="commercial_service",
            amount="1",
            committed_on=DECIDED,
            company_leader_gender="man",
        )
    assert "company_leader_gender" in error.value.message_dict


def test_record_commitment_refuses_over_the_allocation(controller, grant_2020):
    with pytest.raises(ValidationError, match="kvar inom stöd till kommersiell service"):
        services.commitment_record(
            user=controller,
            category="commercial_service",
            amount="7 500 001",
            committed_on=DECIDED,
        )


def test_historic_project_decision_needs_a_priority_or_a_case(controller, grant_2020, officer):
    with pytest.raises(ValidationError) as error:
        services.commitment_record(
            user=controller, category="project", amount="100", committed_on=DECIDED
        )
    assert "priority" in error.value.message_dict
    case = co_financing_case(officer=officer)
    commitment = services.commitment_record(
        user=controller,
        category="project",
        amount="100",
        committed_on=DECIDED,
        case=case,
    )
    assert commitment.priority == ReportPriority.OTHER  # the project has no RUS area
    assert commitment.recipient == case.project.owner


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SECRETARY, Role.DECISION_MAKER, Role.READER])
def test_only_controllers_record_commitments(role, role_users, grant_2020):
    with pytest.raises(PermissionDenied):
        services.commitment_record(
            user=role_users[role], category="commercial_service", amount="1", committed_on=DECIDED
        )


def test_commitment_year_can_differ_from_the_decision_date(controller, grant_2020):
    make_grant(year=2021, amount="1000000")
    commitment = services.commitment_record(
        user=controller,
        year=2021,
        category="commercial_service",
        amount="1",
        committed_on=datetime.date(2020, 12, 15),
    )
    assert commitment.grant.year == 2021
    # the other way round: a decision of 2021 cannot charge 2020's anslag, a year gone by
    with pytest.raises(ValidationError) as error:
        services.commitment_record(
            user=controller,
            year=2020,
            category="commercial_service",
            amount="1",
            committed_on=datetime.date(2021, 1, 15),
        )
    assert "ett år som redan har gått" in " ".join(error.value.message_dict["year"])
    assert Commitment.objects.count() == 1


def test_a_recorded_commitment_for_a_later_year_fits_the_decision_years_authority(
    controller, grant_2020
):
    """As a grant decision's later parts: money of 2021 decided in 2020 binds 2020's
    bemyndiganderam, and a commitment that does not fit is refused (nothing saved)."""
    make_grant(year=2021, amount="5000000")
    grant_2020.commitment_authority = D("1500000")
    grant_2020.save()
    later = {"user": controller, "year": 2021, "category": "commercial_service"}
    services.commitment_record(**later, amount="1 000 000", committed_on=DECIDED)
    with pytest.raises(ValidationError) as error:
        services.commitment_record(**later, amount="600 000", committed_on=DECIDED)
    assert "bemyndiganderamen 1 500 000 kr" in " ".join(error.value.message_dict["year"])
    assert Commitment.objects.count() == 1
    # the same money decided in 2021 binds no earlier year's authority
    services.commitment_record(**later, amount="600 000", committed_on=datetime.date(2021, 1, 4))
    assert Commitment.objects.count() == 2
    # nor can the authority be lowered below what 2020's decisions already bind
    with pytest.raises(ValidationError) as error:
        services.grant_update(
            user=controller,
            grant=grant_2020,
            amount=grant_2020.amount,
            commitment_authority="900 000",
        )
    assert "binder redan 1 000 000 kr" in " ".join(error.value.message_dict["commitment_authority"])
    services.grant_update(
        user=controller, grant=grant_2020, amount=grant_2020.amount, commitment_authority=""
    )  # no authority: nothing to check


# --- Preconditions and closure ----------------------------------------------------------


def test_precondition_plan_must_be_approved(officer, controller, grant_2020):
    case = co_financing_case(officer=officer)
    message = "Finansieringsplanen är inte godkänd av en controller."
    assert services.decisions.plan_approved_before_run(case) == [message]
    plan = make_plan(case, status="submitted")
    assert services.decisions.plan_approved_before_run(case) == [message]
    services.financing_plan_approve(user=controller, plan=plan, comment="OK")
    assert services.decisions.plan_approved_before_run(case) == []


def test_precondition_ignores_project_ideas(officer):
    from tests.projects.factories import register_case

    case = register_case(officer=officer, kind="projektide")
    assert services.decisions.plan_approved_before_run(case) == []


def test_close_releases_the_unused_remainder(officer, secretary, controller, grant_2020):
    case = co_financing_case(officer=officer)
    services.commitments_for_grant_decision(
        case=case, user=secretary, data=grant_data("1000000"), log=None
    )
    commitment = Commitment.objects.get(case=case)
    # a case's grant is paid on the case's payments page, not the commitment's
    with pytest.raises(Conflict, match="ärendets sida Utbetalningar"):
        services.payment_record(
            user=controller,
            commitment=commitment,
            paid_on=datetime.date(2020, 12, 1),
            amount="600 000",
            period_start=datetime.date(2020, 6, 1),
            period_end=datetime.date(2020, 11, 30),
        )
    requisition = payments.requisition_record(
        user=controller,
        case=case,
        reference="Rekvisition 1",
        received_on=datetime.date(2020, 11, 30),
        period_start=datetime.date(2020, 6, 1),
        period_end=datetime.date(2020, 11, 30),
        costs_reported="2 400 000",
        amount_requested="600 000",
    )
    payments.payment_register(
        user=controller,
        case=case,
        kind="arrears",
        paid_on=datetime.date(2020, 12, 1),
        amount="600 000",
        requisition=requisition,
    )
    services.releases_at_case_closure(
        case=case, user=officer, data={"decided_on": datetime.date(2023, 5, 1)}, log=None
    )
    release = Release.objects.get(commitment=commitment)
    assert release.amount == D("400000")
    assert release.released_on == datetime.date(2023, 5, 1)
    assert case.dnr in release.reason
    balances = selectors.commitments_with_balances().get(pk=commitment.pk)
    assert (balances.paid, balances.released, balances.remaining) == (
        D("600000"),
        D("400000"),
        D("0"),
    )
    summary = selectors.grant_summary(grant_2020)
    assert summary.total.released == D("400000")
    assert summary.total.net_committed == D("600000")
    assert summary.total.left == D("150000000") - D("600000")
    # Closing again releases nothing more.
    services.releases_at_case_closure(case=case, user=officer, data={}, log=None)
    assert Release.objects.count() == 1


def test_case_states_are_untouched_by_the_effects(officer, secretary, grant_2020):
    case = co_financing_case(officer=officer)
    services.commitments_for_grant_decision(
        case=case, user=secretary, data=grant_data("1"), log=None
    )
    assert Case.objects.get(pk=case.pk).state == CaseState.REGISTERED
