"""The commitments' totals (``CommitmentTotal``), kept by PostgreSQL triggers, equal the live
sums of the raw rows after every kind of write, and the dashboard's figures read from them
are those computed from the raw rows (the path SQLite takes)."""

import datetime
import importlib
from collections import defaultdict
from decimal import Decimal

import pgtrigger
import pytest
from django.db import connection, transaction
from django.urls import reverse

from financing import selectors
from financing.models import (
    Commitment,
    CommitmentTotal,
    GrantCategory,
    Payment,
    PaymentKind,
    Recovery,
    Release,
)
from financing.services import closing, commitments, payments
from tests.financing.factories import make_grant
from tests.financing.test_grant_payments import _grant, _pay, _ready_case, _requisition

D = Decimal
pytestmark = pytest.mark.django_db

CHILDREN = ((Payment, "paid"), (Release, "released"), (Recovery, "recovered"))


def live_totals() -> dict:
    """Every (grant, decision year, category, priority) and its four sums, from the raw rows
    (in Python, independent of the selectors and the triggers)."""
    keys = {
        c.pk: (c.grant_id, c.committed_on.year, c.category, c.priority)
        for c in Commitment.objects.all()
    }
    totals: dict = defaultdict(lambda: dict.fromkeys(selectors.TOTAL_SUMS, D(0)))
    for c in Commitment.objects.all():
        totals[keys[c.pk]]["committed"] += c.amount
    for model, name in CHILDREN:
        for row in model.objects.all():
            if row.commitment_id in keys:  # (a deferred foreign key may point at none)
                totals[keys[row.commitment_id]][name] += row.amount
    return dict(totals)


def kept_totals() -> dict:
    return {
        (t.grant_id, t.decision_year, t.category, t.priority): {
            name: getattr(t, name) for name in selectors.TOTAL_SUMS
        }
        for t in CommitmentTotal.objects.all()
    }


def live_figures(monkeypatch, grants) -> tuple:
    """The dashboard's figures computed from the raw rows (as on SQLite)."""
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "totals_maintained", lambda using="default": False)
        assert len(selectors.commitment_totals("grant_id")) == 4  # the raw tables
        return selectors.multi_year_figures(), [selectors.grant_summary(g) for g in grants]


def assert_exact(monkeypatch, grants) -> None:
    assert kept_totals() == live_totals()
    assert len(selectors.commitment_totals("grant_id")) == 1  # the maintained table
    kept = selectors.multi_year_figures(), [selectors.grant_summary(g) for g in grants]
    assert kept == live_figures(monkeypatch, grants)


@pytest.fixture
def years():
    return [
        make_grant(year=y, amount="50000000", project="20000000", business="10000000")
        for y in (2010, 2011, 2012)
    ]


def test_the_totals_follow_every_write(actors, secretary, controller, officer, years, monkeypatch):
    check = lambda: assert_exact(monkeypatch, years)  # noqa: E731
    assert kept_totals() == {}
    # A RUN grant split over three payment years (commitments decided in 2010).
    case = _grant(_ready_case(actors), secretary)
    check()
    assert len(kept_totals()) == 3
    # Payments, a correcting entry, a recovery.
    r = _requisition(
        case,
        officer,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 6, 30),
        costs="1000000",
        requested="500000",
    )
    wrong = _pay(case, controller, "300000", on=datetime.date(2010, 7, 15), requisition=r)
    payments.payment_correct(
        user=controller, payment=wrong, corrected_on="2010-07-16", reason="Fel belopp"
    )
    paid = _pay(case, controller, "250000", on=datetime.date(2010, 7, 16), requisition=r)
    payments.recovery_record(
        user=controller,
        commitment=paid.commitment,
        decided_on="2011-02-01",
        amount="50000",
        reason="Ej stödberättigande kostnader",
        due_date="2011-03-31",
    )
    check()
    # A later decision reduces the grant (releases), another increases it (a commitment
    # decided in 2010 against 2012's anslag).
    closing.grant_adjust(
        user=controller,
        case=case,
        new_amount="1 500 000",
        decided_on="2010-09-01",
        reference="RUN 2010-09-01 § 40",
        year=2012,
    )
    closing.grant_adjust(
        user=controller,
        case=case,
        new_amount="1 600 000",
        decided_on="2010-10-01",
        reference="RUN 2010-10-01 § 52",
        year=2012,
    )
    check()
    # Business support decided outside the workflow, paid and partly released.
    support = commitments.commitment_record(
        user=controller,
        year=2011,
        category=GrantCategory.BUSINESS_SUPPORT,
        amount="400000",
        committed_on="2011-05-02",
        company_leader_gender="woman",
        description="Företag AB",
    )
    commitments.payment_record(
        user=controller,
        commitment=support,
        paid_on="2011-06-01",
        amount="150000",
        period_start="2011-05-02",
        period_end="2011-05-31",
    )
    commitments.release_record(
        user=controller,
        commitment=support,
        released_on="2011-12-01",
        reason="Klart",
        amount="20000",
    )
    check()

    # Direct writes past the services: the amount, the grant, the decision date across a
    # year boundary, the category and priority; children moved, changed and deleted.
    Commitment.objects.filter(pk=support.pk).update(amount=D("380000.50"))
    check()
    Commitment.objects.filter(pk=support.pk).update(grant=years[2])
    check()
    Commitment.objects.filter(pk=support.pk).update(committed_on=datetime.date(2010, 12, 31))
    check()
    Commitment.objects.filter(pk=support.pk).update(
        category=GrantCategory.COMMERCIAL_SERVICE, company_leader_gender=None, priority="other"
    )
    check()
    Commitment.objects.filter(pk=support.pk).update(description="Ändrad")  # no key change
    check()
    release = Release.objects.filter(commitment=support).get()
    Release.objects.filter(pk=release.pk).update(amount=D("25000"))
    Release.objects.filter(pk=release.pk).update(commitment=paid.commitment)
    check()
    Recovery.objects.update(amount=D("40000"))
    check()
    # (Checked outside ``pgtrigger.ignore``: it prefixes every statement, which a prepared
    # statement cannot have.)
    with pgtrigger.ignore("financing.Payment:payment_append_only"):
        Payment.objects.filter(commitment=support).update(amount=D("140000"))
    check()
    with pgtrigger.ignore("financing.Payment:payment_append_only"):
        Payment.objects.filter(commitment=support).delete()
    check()
    Release.objects.filter(pk=release.pk).delete()
    Commitment.objects.filter(pk=support.pk).delete()
    check()

    # Bulk inserts and raw SQL (as the bench's volume generator writes).
    Commitment.objects.bulk_create(
        [
            Commitment(
                grant=years[1],
                category=GrantCategory.PROJECT,
                priority="innovation",
                amount=D(amount),
                committed_on=datetime.date(2011, 1, 1 + i),
                created_by=controller,
            )
            for i, amount in enumerate(("1000", "2000.25", "3000"))
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE financing_commitment SET committed_on = committed_on - 1, amount = amount + 1"
            " WHERE grant_id = %s AND case_id IS NULL",
            [years[1].pk],
        )
    check()
    # With deferred foreign keys a commitment can go before its children in a transaction.
    first = Commitment.objects.filter(case=case).order_by("pk").first()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM financing_commitment WHERE id = %s", [first.pk])
        check()
        cursor.execute("DELETE FROM financing_recovery WHERE commitment_id = %s", [first.pk])
        cursor.execute("DELETE FROM financing_release WHERE commitment_id = %s", [first.pk])
        with pgtrigger.ignore("financing.Payment:payment_append_only"):
            Payment.objects.filter(commitment_id=first.pk, kind=PaymentKind.CORRECTION).delete()
            Payment.objects.filter(commitment_id=first.pk).delete()
        check()
        transaction.set_rollback(True)
    check()
    # TRUNCATE removes what the table added (after the deferred foreign keys' checks).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE financing_recovery")
        check()
        cursor.execute("TRUNCATE financing_commitment CASCADE")
    check()
    assert kept_totals() == {}


def test_the_dashboard_shows_the_figures_of_the_raw_rows(
    actors, secretary, controller, officer, years, client_for, monkeypatch
):
    case = _grant(_ready_case(actors), secretary)
    r = _requisition(
        case,
        officer,
        start=datetime.date(2010, 3, 1),
        end=datetime.date(2010, 6, 30),
        costs="400000",
        requested="200000",
    )
    _pay(case, controller, "200000", on=datetime.date(2010, 7, 15), requisition=r)
    closing.grant_adjust(
        user=controller,
        case=case,
        new_amount="1 800 000",
        decided_on="2010-09-01",
        reference="RUN 2010-09-01 § 40",
    )
    response = client_for(controller).get(reverse("financing:dashboard"), {"year": 2011})
    assert response.status_code == 200
    multi_year, (summary,) = live_figures(monkeypatch, [years[1]])
    assert response.context["multi_year"] == multi_year
    assert response.context["summary"] == summary
    by_year = {f.key: f for f in multi_year}
    assert by_year["2011"].earlier == D("941457")  # decided in 2010 for 2011
    assert by_year["2010"].bound_later > 0
    assert by_year["2010"].paid == D("200000")


def test_the_migration_fills_the_totals_of_existing_rows(actors, secretary, controller, years):
    case = _grant(_ready_case(actors), secretary)
    closing.grant_adjust(
        user=controller,
        case=case,
        new_amount="1 800 000",
        decided_on="2010-09-01",
        reference="RUN 2010-09-01 § 40",
    )
    expected = live_totals()
    migration = importlib.import_module("financing.migrations.0007_commitment_totals")
    with connection.schema_editor(atomic=False) as editor:
        migration.backfill(None, editor)
    assert kept_totals() == expected
