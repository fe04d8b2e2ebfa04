"""Paying out a grant: suspensive conditions, the payment policy's advance cap,
requisitions, the final payment after the approved final report, recoveries, correcting
entries, percentage grants with a ceiling; closing the books; allocation decisions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, InternalError, ProgrammingError, transaction

from core.errors import Conflict
from decisions.workflow.models import TransitionLog
from financing import selectors
from financing.models import (
    AllocationDecision,
    Commitment,
    FinancingPolicy,
    GrantAdjustment,
    Payment,
    PaymentKind,
    Release,
)
from financing.services import allocations, closing, payments
from financing.services.decisions import case_transition
from projects.models import Case, CaseState, Document
from tests.decisions.workflow.factories import walk_cofinancing
from tests.financing.factories import make_grant
from tests.projects.factories import ProjectFactory, document_for

D = Decimal
pytestmark = pytest.mark.django_db

SPLIT = {2010: "886757", 2011: "941457", 2012: "69528"}


def _ready_case(actors, requested="1897742"):
    project = ProjectFactory(
        requested_amount=D(requested),
        start_date=datetime.date(2010, 3, 1),
        end_date=datetime.date(2012, 12, 31),
    )
    case = walk_cofinancing(actors, CaseState.PREPARATION, project=project)
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.READY_FOR_RUN, received_on=datetime.date(2010, 1, 15)
    )
    case.refresh_from_db()
    return case


def _grant(case, secretary, *, split=SPLIT, amount="1 897 742", **extra):
    case_transition(
        user=secretary,
        case=case,
        transition="grant",
        decided_in="RUN 2010-03-02 § 12",
        data={
            "amount": amount,
            "decided_on": "2010-03-02",
            "reference": "RUN 2010-03-02 § 12",
            "year_split": dict(split) if split else None,
            **extra,
        },
    )
    case.refresh_from_db()
    return case


@pytest.fixture
def years():
    return [make_grant(year=y, amount="50000000", project="20000000") for y in (2010, 2011, 2012)]


@pytest.fixture
def granted(actors, secretary, years):
    return _grant(_ready_case(actors), secretary)


def _requisition(case, user, *, start, end, costs, requested, final=False, ref=""):
    return payments.requisition_record(
        user=user,
        case=case,
        reference=ref,
        received_on=end + datetime.timedelta(days=10),
        period_start=start,
        period_end=end,
        costs_reported=costs,
        amount_requested=requested,
        is_final=final,
    )


def _pay(case, controller, amount, *, kind=PaymentKind.ARREARS, on, requisition=None, reason=""):
    return payments.payment_register(
        user=controller,
        case=case,
        kind=kind,
        paid_on=on,
        amount=amount,
        requisition=requisition,
        reason=reason,
    )


def _messages(error) -> str:
    return " ".join(error.value.messages) if hasattr(error.value, "messages") else str(error.value)


# --- The three-year split, each payment year against its own means --------------------------


def test_a_three_year_grant_is_paid_from_each_years_share(granted, controller, officer):
    parts = dict(Commitment.objects.filter(case=granted).values_list("grant__year", "amount"))
    assert parts == {y: D(a) for y, a in SPLIT.items()}
    assert sum(parts.values()) == D("1897742")
    r1 = _requisition(
        granted,
        officer,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 12, 31),
        costs="1773514",
        requested="886757",
    )
    _pay(granted, controller, "886757", on=datetime.date(2011, 1, 20), requisition=r1)
    # Paid in 2011: charged to 2011's share (941 457 kr), not to 2010's.
    paid = dict(
        Payment.objects.filter(commitment__case=granted).values_list(
            "commitment__grant__year", "amount"
        )
    )
    assert paid == {2011: D("886757")}
    r2 = _requisition(
        granted,
        officer,
        start=datetime.date(2011, 1, 1),
        end=datetime.date(2011, 6, 30),
        costs="200000",
        requested="100000",
    )
    with pytest.raises(ValidationError) as error:
        _pay(granted, controller, "100000", on=datetime.date(2011, 9, 1), requisition=r2)
    assert "Beslutets medel för 2011 räcker inte: 54 700 kr kvar av 941 457 kr" in _messages(error)
    _pay(granted, controller, "54700", on=datetime.date(2011, 9, 1), requisition=r2)
    # Nothing decided for 2013.
    make_grant(year=2013, amount="50000000", project="20000000")
    with pytest.raises(ValidationError) as error:
        _pay(granted, controller, "1000", on=datetime.date(2013, 2, 1), requisition=r2)
    assert "inga medel för 2013, bara för 2010, 2011, 2012" in _messages(error)


def test_the_later_years_are_checked_against_the_commitment_authority(actors, secretary, years):
    years[0].commitment_authority = D("1010984")
    years[0].save()
    case = _ready_case(actors)
    with pytest.raises(ValidationError) as error:
        _grant(case, secretary)
    assert "bemyndiganderamen 1 010 984 kr" in _messages(error)


# --- Suspensive conditions -----------------------------------------------------------------


def test_a_condition_entered_with_the_decision_blocks_every_payment_until_met(
    actors, secretary, years, controller, officer
):
    case = _grant(
        _ready_case(actors),
        secretary,
        suspensive_conditions=["Att EU-programmet (ERUF) beviljar projektet."],
    )
    condition = case.grant_conditions.get()
    assert condition.set_on == datetime.date(2010, 3, 2)
    with pytest.raises(Conflict) as error:
        _pay(
            case,
            controller,
            "100000",
            kind=PaymentKind.ADVANCE,
            on=datetime.date(2010, 4, 1),
            reason="Likviditet vid start",
        )
    assert "förrän villkoret är uppfyllt: Att EU-programmet (ERUF) beviljar projektet." in str(
        error.value
    )
    # Evidence must be a document of this case.
    other = walk_cofinancing(actors, CaseState.PREPARATION)
    foreign = document_for(other, officer, title="Annat beslut")
    with pytest.raises(ValidationError):
        payments.condition_meet(
            user=officer, condition=condition, met_on="2010-05-01", evidence=foreign
        )
    with pytest.raises(ValidationError):
        payments.condition_meet(
            user=officer, condition=condition, met_on="2010-05-01", evidence=None
        )
    evidence = document_for(case, officer, title="Beslut från Tillväxtverket")
    payments.condition_meet(
        user=officer, condition=condition, met_on="2010-05-01", evidence=evidence
    )
    condition.refresh_from_db()
    assert condition.met_by == officer and condition.evidence == evidence
    with pytest.raises(Conflict):
        payments.condition_meet(
            user=officer, condition=condition, met_on="2010-05-02", evidence=evidence
        )
    _pay(
        case,
        controller,
        "100000",
        kind=PaymentKind.ADVANCE,
        on=datetime.date(2010, 5, 10),
        reason="Likviditet vid start",
    )
    # A condition added after the decision blocks again.
    payments.condition_add(
        user=controller, case=case, text="Reviderad budget lämnas in", set_on="2010-06-01"
    )
    with pytest.raises(Conflict):
        _pay(
            case,
            controller,
            "1000",
            kind=PaymentKind.ADVANCE,
            on=datetime.date(2010, 6, 10),
            reason="Mer",
        )


def test_who_manages_conditions(granted, controller, officer, reader, secretary):
    with pytest.raises(PermissionDenied):
        payments.condition_add(user=reader, case=granted, text="x", set_on="2010-06-01")
    with pytest.raises(PermissionDenied):
        payments.condition_add(user=secretary, case=granted, text="x", set_on="2010-06-01")
    payments.condition_add(user=officer, case=granted, text="Villkor", set_on="2010-06-01")
    with pytest.raises(ValidationError):
        payments.condition_add(user=officer, case=granted, text="  ", set_on="2010-06-01")


# --- Advances and the payment policy -------------------------------------------------------


def test_an_advance_needs_a_reason_and_stays_within_the_policy(granted, controller, officer):
    # 50 % of 1 897 742 = 948 871, capped at 400 000 kr by the default policy.
    with pytest.raises(ValidationError) as error:
        _pay(granted, controller, "100000", kind=PaymentKind.ADVANCE, on=datetime.date(2011, 2, 1))
    assert "skälet till förskottet" in _messages(error)
    _pay(
        granted,
        controller,
        "300000",
        kind=PaymentKind.ADVANCE,
        on=datetime.date(2011, 2, 1),
        reason="Projektet saknar likviditet",
    )
    with pytest.raises(ValidationError) as error:
        _pay(
            granted,
            controller,
            "100001",
            kind=PaymentKind.ADVANCE,
            on=datetime.date(2011, 3, 1),
            reason="Mer",
        )
    message = _messages(error)
    assert "högst 400 000 kr" in message and "högst 100 000 kr till" in message
    _pay(
        granted,
        controller,
        "100000",
        kind=PaymentKind.ADVANCE,
        on=datetime.date(2011, 3, 1),
        reason="Mer",
    )
    # The policy is data: a region allowing 20 % (379 548,40 kr) and no kronor cap.
    FinancingPolicy.objects.create(
        valid_from=datetime.date(2011, 1, 1), max_advance_share=D("20.00"), max_advance_amount=None
    )
    with pytest.raises(ValidationError) as error:
        _pay(
            granted,
            controller,
            "1",
            kind=PaymentKind.ADVANCE,
            on=datetime.date(2011, 4, 1),
            reason="Mer",
        )
    assert "högst 379 548,40 kr (20 % av beviljade 1 897 742 kr, högst –)" in _messages(error)


# --- Requisitions, final payment, corrections, recoveries ---------------------------------


def test_the_final_payment_waits_for_the_approved_final_report(granted, controller, officer):
    final = _requisition(
        granted,
        officer,
        start=datetime.date(2012, 1, 1),
        end=datetime.date(2012, 11, 30),
        costs="139056",
        requested="69528",
        final=True,
    )
    with pytest.raises(ValidationError) as error:
        _pay(granted, controller, "69528", on=datetime.date(2012, 12, 20), requisition=final)
    assert "slutrekvisition betalas med slututbetalningen" in _messages(error)
    with pytest.raises(Conflict) as error:
        _pay(
            granted,
            controller,
            "69528",
            kind=PaymentKind.FINAL,
            on=datetime.date(2012, 12, 20),
            requisition=final,
        )
    assert "först när slutrapporten är godkänd" in str(error.value)
    report = document_for(granted, officer, title="Slutrapport", kind=Document.Kind.REPORT)
    with pytest.raises(Conflict):  # the report is not handed in yet
        payments.final_report_approve(
            user=officer, case=granted, approved_on="2012-12-15", report=report
        )
    Case.objects.filter(pk=granted.pk).update(state=CaseState.FINAL_REPORT)
    granted.refresh_from_db()
    with pytest.raises(PermissionDenied):
        payments.final_report_approve(
            user=controller, case=granted, approved_on="2012-12-15", report=report
        )
    payments.final_report_approve(
        user=officer, case=granted, approved_on="2012-12-15", report=report
    )
    _pay(
        granted,
        controller,
        "69528",
        kind=PaymentKind.FINAL,
        on=datetime.date(2012, 12, 20),
        requisition=final,
    )
    with pytest.raises(Conflict) as error:
        _pay(
            granted,
            controller,
            "1",
            kind=PaymentKind.ADVANCE,
            on=datetime.date(2012, 12, 21),
            reason="x",
        )
    assert "Slututbetalningen är gjord" in str(error.value)


def test_over_payment_of_a_requisition_and_of_the_grant_is_refused(
    actors, secretary, years, controller, officer
):
    case = _grant(_ready_case(actors, "500000"), secretary, split=None, amount="500 000")
    r = _requisition(
        case,
        officer,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 6, 30),
        costs="2000000",
        requested="600000",
    )
    with pytest.raises(ValidationError) as error:
        _pay(case, controller, "500001", on=datetime.date(2010, 7, 15), requisition=r)
    assert "mer än beviljade 500 000 kr" in _messages(error)
    _pay(case, controller, "500000", on=datetime.date(2010, 7, 15), requisition=r)
    with pytest.raises(ValidationError):
        _pay(case, controller, "1", on=datetime.date(2010, 7, 16), requisition=r)


def test_a_mistaken_payment_is_reversed_by_a_correcting_entry(granted, controller, officer):
    r = _requisition(
        granted,
        officer,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 6, 30),
        costs="400000",
        requested="200000",
    )
    wrong = _pay(granted, controller, "200000", on=datetime.date(2010, 7, 15), requisition=r)
    with pytest.raises(ValidationError):  # the requisition is fully paid
        _pay(granted, controller, "20000", on=datetime.date(2010, 7, 16), requisition=r)
    correction = payments.payment_correct(
        user=controller, payment=wrong, corrected_on="2010-07-16", reason="Fel belopp"
    )
    assert correction.amount == D("-200000") and correction.corrects == wrong
    assert payments.paid_net(granted) == 0
    with pytest.raises(Conflict):
        payments.payment_correct(
            user=controller, payment=wrong, corrected_on="2010-07-16", reason="igen"
        )
    with pytest.raises(Conflict):
        payments.payment_correct(
            user=controller, payment=correction, corrected_on="2010-07-16", reason="igen"
        )
    _pay(granted, controller, "20000", on=datetime.date(2010, 7, 16), requisition=r)
    # The rows themselves never change (PostgreSQL trigger).
    with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
        Payment.objects.filter(pk=wrong.pk).update(amount=D("1"))
    with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
        Payment.objects.filter(pk=wrong.pk).delete()


def test_recovery_never_exceeds_what_was_paid(granted, controller, officer):
    r = _requisition(
        granted,
        officer,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 6, 30),
        costs="600000",
        requested="300000",
    )
    p = _pay(granted, controller, "300000", on=datetime.date(2010, 7, 15), requisition=r)
    commitment = p.commitment
    with pytest.raises(ValidationError) as error:
        payments.recovery_record(
            user=controller,
            commitment=commitment,
            decided_on="2011-02-01",
            amount="300001",
            reason="Ej stödberättigande kostnader",
            due_date="2011-03-31",
        )
    assert "utbetalt 300 000 kr" in _messages(error)
    with pytest.raises(ValidationError):
        payments.recovery_record(
            user=controller,
            commitment=commitment,
            decided_on="2011-02-01",
            amount="1000",
            reason="",
            due_date="2011-03-31",
        )
    with pytest.raises(ValidationError):
        payments.recovery_record(
            user=controller,
            commitment=commitment,
            decided_on="2011-02-01",
            amount="1000",
            reason="x",
            due_date="2011-01-31",
        )
    with pytest.raises(PermissionDenied):
        payments.recovery_record(
            user=officer,
            commitment=commitment,
            decided_on="2011-02-01",
            amount="1000",
            reason="x",
            due_date="2011-03-31",
        )
    payments.recovery_record(
        user=controller,
        commitment=commitment,
        decided_on="2011-02-01",
        amount="120000",
        reason="Ej stödberättigande kostnader",
        due_date="2011-03-31",
    )
    figures = {f.key: f for f in selectors.multi_year_figures()}
    assert figures["2010"].paid == D("300000")
    assert figures["2010"].recovered == D("120000")
    with pytest.raises(Conflict):  # the correction would leave less paid than recovered
        payments.payment_correct(
            user=controller, payment=p, corrected_on="2011-02-02", reason="Fel"
        )


def test_a_percentage_grant_pays_its_share_of_the_costs_up_to_the_ceiling(
    actors, secretary, years, controller, officer
):
    case = _grant(
        _ready_case(actors, "1000000"),
        secretary,
        split=None,
        amount="1 000 000",
        cost_share_percent="42.35",
    )
    terms = case.grant_terms
    assert terms.cost_share_percent == D("42.35") and terms.ceiling == D("1000000")
    r1 = _requisition(
        case,
        officer,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 6, 30),
        costs="1000000",
        requested="500000",
    )
    with pytest.raises(ValidationError) as error:
        _pay(case, controller, "423501", on=datetime.date(2010, 7, 15), requisition=r1)
    assert "Stödet är 42,35 % av redovisade kostnader, högst 1 000 000 kr" in _messages(error)
    assert "högst 423 500 kr" in _messages(error)
    _pay(case, controller, "423500", on=datetime.date(2010, 7, 15), requisition=r1)
    r2 = _requisition(
        case,
        officer,
        start=datetime.date(2010, 7, 1),
        end=datetime.date(2010, 11, 30),
        costs="2000000",
        requested="900000",
    )
    # 42,35 % of 3 000 000 = 1 270 500 but the ceiling is 1 000 000 kr.
    with pytest.raises(ValidationError) as error:
        _pay(case, controller, "576501", on=datetime.date(2010, 12, 31), requisition=r2)
    _pay(case, controller, "576500", on=datetime.date(2010, 12, 31), requisition=r2)
    assert payments.paid_net(case) == D("1000000")
    with pytest.raises(ValidationError):
        payments.grant_terms_record(user=controller, case=case, cost_share_percent="42.355")


def test_only_controllers_pay(granted, officer, reader):
    for user in (officer, reader):
        with pytest.raises(PermissionDenied):
            _pay(
                granted,
                user,
                "1",
                kind=PaymentKind.ADVANCE,
                on=datetime.date(2010, 4, 1),
                reason="x",
            )


# --- Closing the books -------------------------------------------------------------------


def test_withdrawal_releases_the_unpaid_commitment_with_a_log_row(granted, controller, officer):
    _pay(
        granted,
        controller,
        "100000",
        kind=PaymentKind.ADVANCE,
        on=datetime.date(2010, 4, 1),
        reason="Start",
    )
    case_transition(
        user=officer,
        case=granted,
        transition="withdraw",
        data={"reason": "Projektet genomförs inte"},
        motivation="Projektet avbryts",
    )
    releases = Release.objects.filter(commitment__case=granted)
    assert sum(r.amount for r in releases) == D("1797742")
    assert all("återkallades" in r.reason for r in releases)
    assert payments.granted_net(granted) == D("100000")


def test_a_later_decision_reduces_or_increases_the_grant(granted, controller, officer, years):
    r = _requisition(
        granted,
        officer,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 6, 30),
        costs="1000000",
        requested="500000",
    )
    _pay(granted, controller, "500000", on=datetime.date(2010, 7, 15), requisition=r)
    with pytest.raises(ValidationError) as error:
        closing.grant_adjust(
            user=controller,
            case=granted,
            new_amount="400 000",
            decided_on="2010-09-01",
            reference="RUN 2010-09-01 § 40",
        )
    assert "under det som redan är utbetalt (500 000 kr)" in _messages(error)
    closing.grant_adjust(
        user=controller,
        case=granted,
        new_amount="1 500 000",
        decided_on="2010-09-01",
        reference="RUN 2010-09-01 § 40",
        year=2012,
    )
    assert payments.granted_net(granted) == D("1500000")
    # The reduction came first from 2012's share (69 528), then 2011's.
    net = {
        c.grant.year: c.amount - sum(x.amount for x in c.releases.all())
        for c in Commitment.objects.filter(case=granted)
    }
    assert net == {2010: D("886757"), 2011: D("543929"), 2012: D("69528") - D("69528")} or sum(
        net.values()
    ) == D("1500000")
    closing.grant_adjust(
        user=controller,
        case=granted,
        new_amount="1 600 000",
        decided_on="2010-10-01",
        reference="RUN 2010-10-01 § 52",
    )
    assert payments.granted_net(granted) == D("1600000")
    assert GrantAdjustment.objects.filter(case=granted).count() == 2
    assert Case.objects.get(pk=granted.pk).granted_amount == D("1600000")  # the case says so
    # The increase's money of 2010 is paid as the decision's is: 386 757 kr was left of the
    # decision's 2010 share, so 450 000 kr is paid from both of the year's commitments.
    r2 = _requisition(
        granted,
        officer,
        start=datetime.date(2010, 7, 1),
        end=datetime.date(2010, 9, 30),
        costs="2000000",
        requested="450000",
    )
    _pay(granted, controller, "450000", on=datetime.date(2010, 10, 15), requisition=r2)
    paid_2010 = Payment.objects.filter(commitment__case=granted, commitment__grant__year=2010)
    assert sorted(p.amount for p in paid_2010) == [D("63243"), D("386757"), D("500000")]
    assert payments.paid_net(granted) == D("950000")
    # An increase is checked against the year's means.
    years[0].allocations.filter(key="project").update(amount=D("1086757"))
    with pytest.raises(ValidationError) as error:
        closing.grant_adjust(
            user=controller,
            case=granted,
            new_amount="2 000 000",
            decided_on="2010-11-01",
            reference="RUN 2010-11-01 § 60",
        )
    assert "ryms inte i anslaget 1:1 för 2010" in _messages(error)


# --- Allocation decisions -----------------------------------------------------------------


def test_allocation_decisions_sum_exactly_and_the_latest_is_in_force(controller, years):
    grant = years[0]
    shares = [
        {"category": "project", "amount": "30500000.50"},
        {"category": "business_support", "amount": "17000000"},
        {"label": "Regionens egna satsningar", "amount": "2499999.50"},
    ]
    first = allocations.allocation_decision_record(
        user=controller,
        grant=grant,
        decided_on="2010-02-10",
        reference="RUN 2010-02-10 § 5",
        shares=shares,
    )
    assert grant.allocations.get(dimension="category", key="project").amount == D("30500000.50")
    bad = [dict(s) for s in shares]
    bad[0]["amount"] = "30500000.49"
    with pytest.raises(ValidationError) as error:
        allocations.allocation_decision_record(
            user=controller, grant=grant, decided_on="2010-06-10", reference="RUN § 30", shares=bad
        )
    assert "summerar till 49 999 999,99 kr" in _messages(error)
    with pytest.raises(ValidationError):
        allocations.allocation_decision_record(
            user=controller,
            grant=grant,
            decided_on="2010-06-10",
            reference="RUN § 30",
            shares=[{"category": "project", "amount": "50000000.001"}],
        )
    amended = allocations.allocation_decision_record(
        user=controller,
        grant=grant,
        decided_on="2010-06-10",
        reference="RUN 2010-06-10 § 30",
        shares=[
            {"category": "project", "amount": "40000000"},
            {"category": "business_support", "amount": "10000000"},
        ],
    )
    assert list(AllocationDecision.objects.filter(grant=grant)) == [first, amended]
    assert grant.allocations.get(dimension="category", key="project").amount == D("40000000")
    with pytest.raises(ValidationError):  # earlier than the one in force
        allocations.allocation_decision_record(
            user=controller,
            grant=grant,
            decided_on="2010-03-01",
            reference="x",
            shares=[{"category": "project", "amount": "50000000"}],
        )
    with pytest.raises(PermissionDenied):
        from core.roles import Role
        from tests.core.factories import user_with_role

        allocations.allocation_decision_record(
            user=user_with_role(Role.OFFICER),
            grant=grant,
            decided_on="2010-07-01",
            reference="x",
            shares=[{"category": "project", "amount": "50000000"}],
        )


def test_transition_log_untouched_by_payments(granted):
    assert TransitionLog.objects.filter(case=granted, transition="grant").exists()


# --- The API -------------------------------------------------------------------------------


def test_the_payment_api_with_its_refusals(granted, api, controller, officer, reader):
    condition = {"case": granted.pk, "text": "EU-programmet beviljar", "set_on": "2010-03-02"}
    assert api(reader).post("/api/v1/grant-conditions/", {}, format="json").status_code == 403
    response = api(officer).post("/api/v1/grant-conditions/", condition, format="json")
    assert response.status_code == 201, response.content
    condition_id = response.json()["id"]
    requisition = {
        "case": granted.pk,
        "received_on": "2010-07-10",
        "period_start": "2010-03-01",
        "period_end": "2010-06-30",
        "costs_reported": "600 000 kr",
        "amount_requested": "300000",
    }
    response = api(officer).post("/api/v1/requisitions/", requisition, format="json")
    assert response.status_code == 201, response.content
    requisition_id = response.json()["id"]
    payment = {
        "case": granted.pk,
        "kind": "arrears",
        "paid_on": "2010-07-15",
        "amount": "300000",
        "requisition": requisition_id,
    }
    assert api(officer).post("/api/v1/payments/", payment, format="json").status_code == 403
    blocked = api(controller).post("/api/v1/payments/", payment, format="json")
    assert blocked.status_code == 409 and "villkoret" in blocked.content.decode()
    document = document_for(granted, officer, title="Beslut om EU-stöd")
    met = api(officer).post(
        f"/api/v1/grant-conditions/{condition_id}/met/",
        {"met_on": "2010-05-01", "evidence": document.pk},
        format="json",
    )
    assert met.status_code == 200, met.content
    over = api(controller).post("/api/v1/payments/", {**payment, "amount": "300001"}, format="json")
    assert over.status_code == 400
    paid = api(controller).post("/api/v1/payments/", payment, format="json")
    assert paid.status_code == 201, paid.content
    assert paid.json()["case"] == granted.pk and paid.json()["kind"] == "arrears"
    advance = {
        **payment,
        "kind": "advance",
        "requisition": None,
        "amount": "400001",
        "reason": "Likviditet",
    }
    assert api(controller).post("/api/v1/payments/", advance, format="json").status_code == 400
    correction = api(controller).post(
        f"/api/v1/payments/{paid.json()['id']}/correct/",
        {"corrected_on": "2010-07-20", "reason": "Fel belopp"},
        format="json",
    )
    assert correction.status_code == 201 and correction.json()["amount"] == "-300000.00"
    again = api(controller).post(
        f"/api/v1/payments/{paid.json()['id']}/correct/",
        {"corrected_on": "2010-07-20", "reason": "Fel belopp"},
        format="json",
    )
    assert again.status_code == 409
    recovery = {
        "commitment": paid.json()["commitment"],
        "decided_on": "2010-08-01",
        "amount": "1",
        "reason": "x",
        "due_date": "2010-09-01",
    }
    assert api(controller).post("/api/v1/recoveries/", recovery, format="json").status_code == 400
    decision = {
        "year": 2010,
        "decided_on": "2010-02-10",
        "reference": "RUN 2010-02-10 § 5",
        "shares": [{"category": "project", "amount": "50000000"}],
    }
    assert (
        api(officer).post("/api/v1/allocation-decisions/", decision, format="json").status_code
        == 403
    )
    created = api(controller).post("/api/v1/allocation-decisions/", decision, format="json")
    assert created.status_code == 201, created.content
    bad = {
        **decision,
        "decided_on": "2010-03-01",
        "shares": [{"category": "project", "amount": "49999999.99"}],
    }
    assert (
        api(controller).post("/api/v1/allocation-decisions/", bad, format="json").status_code == 400
    )
    policy = api(reader).get("/api/v1/financing-policies/").json()
    rows = policy["results"] if isinstance(policy, dict) else policy
    assert rows[0]["max_advance_amount"] == "400000.00"


# --- An appeal that annuls the grant ------------------------------------------------------


def test_an_appeal_that_annuls_the_grant_releases_its_unpaid_money(
    secretary, officer, controller, grant_2020
):
    from django.utils import timezone

    from decisions.meetings import services as meetings
    from financing import services
    from financing.services.decisions import appeal_decide
    from tests.decisions.meetings.factories import seed_meeting

    seeded = seed_meeting(secretary, officer, sign=True)
    case, p35, meeting = seeded["case35"], seeded["p35"], seeded["meeting"]
    services.commitment_record(
        user=controller,
        category="project",
        amount="1754698",
        committed_on=datetime.date(2020, 3, 24),
        case=case,
        reference="RUN 2020-03-24 § 35",
    )
    posted_on = timezone.localdate(meeting.signed_at)
    meetings.notice_publish(user=secretary, meeting=meeting, posted_on=posted_on)
    appeal = meetings.appeal_record(
        user=secretary, paragraph=p35, received_on=posted_on, appellant="Kommunmedlem i Luleå"
    )
    appeal_decide(user=secretary, appeal=appeal, status="annulled", decided_on=posted_on)
    releases = Release.objects.filter(commitment__case=case)
    assert sum(r.amount for r in releases) == D("1754698")
    assert "upphävdes efter överklagande" in releases[0].reason
    assert payments.granted_net(case) == 0


# --- The pages -------------------------------------------------------------------------------


def test_the_payments_page_and_its_forms_by_role(
    granted, client_for, controller, officer, reader, django_assert_max_num_queries
):
    from django.urls import reverse

    page = reverse("financing:case_payments", args=[granted.pk])
    payments.condition_add(
        user=officer, case=granted, text="EU-programmet beviljar", set_on="2010-03-02"
    )
    client = client_for(reader)
    with django_assert_max_num_queries(30):
        response = client.get(page)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 897 742 kr" in html and "EU-programmet beviljar" in html
    assert "Registrera utbetalning" not in html
    assert (
        client.get(reverse("financing:case_payment_create", args=[granted.pk])).status_code == 403
    )
    client = client_for(controller)
    assert "Utbetalning spärrad" in client.get(page).content.decode()
    create = reverse("financing:case_payment_create", args=[granted.pk])
    blocked = client.post(
        create, {"kind": "advance", "paid_on": "2010-04-01", "amount": "100 000", "reason": "Start"}
    )
    assert blocked.status_code == 409 and "villkoret" in blocked.content.decode()
    condition = granted.grant_conditions.get()
    document = document_for(granted, officer, title="Beslut från Tillväxtverket")
    client = client_for(officer)
    met = client.post(
        reverse("financing:condition_met", args=[condition.pk]),
        {"met_on": "2010-05-01", "evidence": document.pk},
    )
    assert met.status_code == 302
    client = client_for(controller)
    over = client.post(
        create, {"kind": "advance", "paid_on": "2010-05-10", "amount": "400 001", "reason": "Start"}
    )
    assert over.status_code == 400 and "högst 400 000 kr" in over.content.decode()
    assert (
        client.post(
            create,
            {"kind": "advance", "paid_on": "2010-05-10", "amount": "400 000", "reason": "Start"},
        ).status_code
        == 302
    )
    assert "400 000 kr" in client.get(page).content.decode()
    assert (
        client_for(officer)
        .get(reverse("financing:requisition_create", args=[granted.pk]))
        .status_code
        == 200
    )
    assert (
        client_for(controller)
        .get(reverse("financing:allocation_decision_create", args=[2010]))
        .status_code
        == 200
    )
