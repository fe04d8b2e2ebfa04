"""Concurrent grant decisions against one year's anslag (PostgreSQL, real threads).

Twenty decisions of 100 000 kr arrive at the same moment while 1 000 000 kr is left in
projektverksamhet: exactly ten commitments are made and ten decisions are refused with
a clear message. Each thread has its own database connection and transaction.
"""

import datetime
import threading
import traceback
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction

from core.roles import Role
from financing import services
from financing.models import Commitment
from projects.models import Case, CaseState
from tests.core.factories import user_with_role
from tests.financing.factories import make_grant
from tests.projects.factories import co_financing_case

D = Decimal
DECIDED = datetime.date(2020, 3, 24)
PARALLEL = 20

pytestmark = [
    pytest.mark.xdist_group("connections"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.USING_POSTGRES, reason="row locks need PostgreSQL"),
]


def _run_in_parallel(work, items):
    barrier = threading.Barrier(len(items))
    outcomes = [None] * len(items)

    def run(index, item):
        try:
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", work(item))
        except ValidationError as exc:
            outcomes[index] = ("refused", " ".join(exc.messages))
        except Exception:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = ("error", traceback.format_exc())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, item)) for i, item in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def twenty_cases():
    make_grant(year=2020, amount="5000000", project="1000000", business="4000000")
    officer = user_with_role(Role.OFFICER)
    return [co_financing_case(officer=officer) for _ in range(PARALLEL)]


def _assert_ten_of_twenty(outcomes):
    kinds = [kind for kind, _detail in outcomes]
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, "\n".join(errors)
    assert kinds.count("ok") == 10
    assert kinds.count("refused") == 10
    for kind, detail in outcomes:
        if kind == "refused":
            assert "ryms inte i anslaget 1:1 för 2020" in detail
            assert "0 kr kvar inom projektverksamhet" in detail
    assert Commitment.objects.count() == 10
    assert sum(c.amount for c in Commitment.objects.all()) == D("1000000")


def test_twenty_parallel_grant_effects_make_exactly_ten_commitments(twenty_cases):
    secretary = user_with_role(Role.SECRETARY)

    def decide(case):
        with transaction.atomic():  # the transition's transaction
            services.commitments_for_grant_decision(
                case=case,
                user=secretary,
                data={"amount": D("100000"), "decided_on": DECIDED},
                log=None,
            )

    _assert_ten_of_twenty(_run_in_parallel(decide, twenty_cases))


@pytest.fixture
def thread_safe_fsm_refresh(monkeypatch):
    """django-fsm-2's ``FSMModelMixin.refresh_from_db`` flips the ``protected`` flag of the
    shared field object while it reloads, which is not thread-safe: two threads of one
    process refreshing at once can make the other raise "Direct state modification is not
    allowed". ``case_transition`` refreshes the caller's case after commit, so the threads
    of this test serialise that refresh (the decisions themselves still run in parallel).
    """
    from django_fsm import FSMModelMixin

    lock = threading.RLock()
    original = FSMModelMixin.refresh_from_db

    def refresh_from_db(self, *args, **kwargs):
        with lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(FSMModelMixin, "refresh_from_db", refresh_from_db)


def test_twenty_parallel_run_grants_through_the_workflow(twenty_cases, thread_safe_fsm_refresh):
    from financing.services.decisions import case_transition

    secretary = user_with_role(Role.SECRETARY)
    Case.objects.filter(pk__in=[c.pk for c in twenty_cases]).update(state=CaseState.READY_FOR_RUN)
    cases = list(Case.objects.filter(pk__in=[c.pk for c in twenty_cases]))

    def grant(case):
        return case_transition(
            user=secretary,
            case=case,
            transition="grant",
            decided_in="RUN 2020-03-24 § 36",
            data={"amount": "100 000", "decided_on": "2020-03-24", "reference": "RUN § 35"},
        )

    outcomes = _run_in_parallel(grant, cases)
    _assert_ten_of_twenty(outcomes)
    # A refusal rolls the whole decision back: the case is still ready for RUN.
    states = list(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("state", flat=True))
    assert states.count(CaseState.GRANTED) == 10
    assert states.count(CaseState.READY_FOR_RUN) == 10
    granted = Case.objects.filter(state=CaseState.GRANTED)
    assert set(Commitment.objects.values_list("case_id", flat=True)) == set(
        granted.values_list("pk", flat=True)
    )


def test_two_payments_at_once_against_one_payment_years_means(actors, secretary, controller):
    """The 2011 share of a three-year grant is 941 457 kr: two payments of 500 000 kr that
    each fit arrive at the same moment; exactly one is paid, the other is refused."""
    from financing.models import Payment, PaymentKind
    from financing.services import payments
    from tests.financing.test_grant_payments import _grant, _ready_case

    for year in (2010, 2011, 2012):
        make_grant(year=year, amount="50000000", project="20000000")
    case = _grant(_ready_case(actors), secretary)
    requisitions = [
        payments.requisition_record(
            user=controller,
            case=case,
            received_on=datetime.date(2011, 2, 1),
            period_start=datetime.date(2010, 3, 1),
            period_end=datetime.date(2010, 12, 31),
            costs_reported="2000000",
            amount_requested="500000",
            reference=f"R{n}",
        )
        for n in (1, 2)
    ]

    def pay(requisition):
        with transaction.atomic():
            return payments.payment_register(
                user=controller,
                case=Case.objects.get(pk=case.pk),
                kind=PaymentKind.ARREARS,
                paid_on=datetime.date(2011, 3, 1),
                amount="500000",
                requisition=requisition,
            )

    outcomes = _run_in_parallel(pay, requisitions)
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, "\n".join(errors)
    assert sorted(kind for kind, _detail in outcomes) == ["ok", "refused"]
    refused = next(detail for kind, detail in outcomes if kind == "refused")
    assert "Beslutets medel för 2011 räcker inte: 441 457 kr kvar av 941 457 kr" in refused
    assert list(Payment.objects.filter(commitment__case=case).values_list("amount", flat=True)) == [
        D("500000")
    ]
