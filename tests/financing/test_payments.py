"""Payments never exceed the commitment; releases are their own entries."""

import datetime
from decimal import Decimal

import pgtrigger
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Conflict
from core.roles import Role
from financing import selectors, services
from financing.models import Commitment, Payment, Release

D = Decimal
pytestmark = pytest.mark.django_db
DAY = datetime.date(2020, 3, 24)


@pytest.fixture
def commitment(controller, grant_2020):
    return services.commitment_record(
        user=controller,
        category="commercial_service",
        amount="1 000 000",
        committed_on=DAY,
        description="Driftstöd",
    )


def pay(controller, commitment, amount, **extra):
    return services.payment_record(
        user=controller,
        commitment=commitment,
        paid_on=extra.get("paid_on", DAY),
        amount=amount,
        period_start=extra.get("period_start", DAY),
        period_end=extra.get("period_end", datetime.date(2020, 6, 30)),
        requisition_reference=extra.get("ref", ""),
    )


def remaining(commitment):
    return selectors.commitments_with_balances().get(pk=commitment.pk).remaining


def test_payments_up_to_the_commitment(controller, commitment):
    pay(controller, commitment, "400 000")
    pay(controller, commitment, "600 000")
    assert remaining(commitment) == 0
    with pytest.raises(ValidationError) as error:
        pay(controller, commitment, "1")
    assert "0 kr" in " ".join(error.value.message_dict["amount"])
    assert Payment.objects.count() == 2


def test_a_payment_over_what_remains_is_refused_with_the_remainder(controller, commitment):
    pay(controller, commitment, "999 000")
    with pytest.raises(ValidationError) as error:
        pay(controller, commitment, "1 001")
    message = " ".join(error.value.message_dict["amount"])
    assert "1 001 kr" in message and "1 000 kr" in message


def test_payment_validation(controller, commitment):
    with pytest.raises(ValidationError) as error:
        pay(controller, commitment, "0")
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        pay(controller, commitment, "100", period_start=datetime.date(2020, 7, 1))
    assert "period_end" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        pay(controller, commitment, "100", paid_on=datetime.date(2020, 1, 1))
    assert "paid_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        pay(controller, commitment, "tio kronor")
    assert "amount" in error.value.message_dict
    assert not Payment.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SECRETARY, Role.DECISION_MAKER, Role.READER])
def test_only_controllers_record_payments_and_releases(role, role_users, commitment):
    with pytest.raises(PermissionDenied):
        pay(role_users[role], commitment, "1")
    with pytest.raises(PermissionDenied):
        services.release_record(
            user=role_users[role], commitment=commitment, released_on=DAY, reason="x"
        )


def test_release_arithmetic(controller, commitment, grant_2020):
    pay(controller, commitment, "300 000")
    release = services.release_record(
        user=controller,
        commitment=commitment,
        released_on=datetime.date(2021, 1, 10),
        reason="Projektet avslutat",
        amount="200 000",
    )
    assert release.amount == D("200000")
    assert remaining(commitment) == D("500000")
    rest = services.release_record(
        user=controller,
        commitment=commitment,
        released_on=datetime.date(2021, 1, 11),
        reason="Slutredovisning godkänd",
    )
    assert rest.amount == D("500000")  # no amount: the whole remainder
    assert remaining(commitment) == 0
    with pytest.raises(Conflict):
        services.release_record(
            user=controller, commitment=commitment, released_on=DAY, reason="igen"
        )
    with pytest.raises(ValidationError):
        pay(controller, commitment, "1")
    summary = selectors.grant_summary(grant_2020)
    service = next(f for f in summary.categories if f.key == "commercial_service")
    assert (service.committed, service.paid, service.released, service.open) == (
        D("1000000"),
        D("300000"),
        D("700000"),
        D("0"),
    )
    assert service.left == D("7500000") - D("300000")  # released money is back in the year
    assert Release.objects.count() == 2


def test_release_over_the_remainder_is_refused(controller, commitment):
    pay(controller, commitment, "900 000")
    with pytest.raises(ValidationError) as error:
        services.release_record(
            user=controller,
            commitment=commitment,
            released_on=DAY,
            reason="x",
            amount="100 001",
        )
    assert "100 000 kr" in " ".join(error.value.message_dict["amount"])
    with pytest.raises(ValidationError):
        services.release_record(user=controller, commitment=commitment, released_on=DAY, reason="")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["pay", "release"]), st.integers(min_value=1, max_value=400_000)),
        max_size=12,
    )
)
def test_remaining_never_goes_negative(controller, commitment, steps):
    """Whatever sequence of payments and releases is tried, the balance holds."""
    with pgtrigger.ignore("financing.Payment:payment_append_only"):
        Payment.objects.filter(commitment=commitment).delete()  # fixtures outlive examples
    Release.objects.filter(commitment=commitment).delete()
    for kind, amount in steps:
        before = remaining(commitment)
        try:
            if kind == "pay":
                pay(controller, commitment, amount)
            else:
                services.release_record(
                    user=controller,
                    commitment=commitment,
                    released_on=DAY,
                    reason="x",
                    amount=amount,
                )
        except (ValidationError, Conflict):
            assert amount > before or before == 0
        else:
            assert amount <= before
        after = remaining(commitment)
        assert after >= 0
        fresh = Commitment.objects.get(pk=commitment.pk)
        paid = sum(p.amount for p in fresh.payments.all())
        released = sum(r.amount for r in fresh.releases.all())
        assert paid + released + after == fresh.amount
