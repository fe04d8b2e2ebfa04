"""Anslag 1:1 per year and its allocation plan."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import Conflict
from core.roles import Role
from financing import selectors, services
from financing.forms import GrantForm
from financing.models import Allocation, Grant
from tests.financing.factories import allocations, make_grant

D = Decimal
pytestmark = pytest.mark.django_db


def test_register_grant_with_allocation_plan(grant_2022):
    summary = selectors.grant_summary(grant_2022)
    assert summary.allocated_categories == D("171100000")
    assert sum(f.allocated for f in summary.priorities) == D("171100000")
    assert [f.allocated for f in summary.categories] == [
        D("104371000"),
        D("58174000"),
        D("8555000"),
    ]
    assert summary.total.left == D("171100000")


def test_a_year_has_one_grant(controller):
    make_grant(controller=controller, year=2020)
    with pytest.raises(ValidationError) as error:
        make_grant(controller=controller, year=2020)
    assert "year" in error.value.message_dict


def test_allocations_cannot_exceed_the_grant(controller):
    with pytest.raises(ValidationError, match="överstiger anslaget"):
        make_grant(controller=controller, amount="1000000", project="600000", business="400001")
    with pytest.raises(ValidationError, match="per prioritering"):
        make_grant(controller=controller, amount="1000000", innovation="1000001")
    assert not Grant.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SECRETARY, Role.DECISION_MAKER, Role.READER])
def test_only_controllers_edit_grants(role, role_users):
    with pytest.raises(PermissionDenied):
        make_grant(controller=role_users[role])
    grant = make_grant()
    with pytest.raises(PermissionDenied):
        services.grant_update(user=role_users[role], grant=grant, amount=1)


def test_update_cannot_go_below_what_is_committed(controller):
    grant = make_grant(controller=controller, amount="1000000", project="800000")
    services.commitment_record(
        user=controller,
        category="project",
        priority="other",
        amount="700 000",
        committed_on=datetime.date(2020, 5, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.grant_update(
            user=controller,
            grant=grant,
            amount="600 000",
            allocations=allocations(project="600000"),
        )
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.grant_update(
            user=controller,
            grant=grant,
            amount="1 000 000",
            allocations=allocations(project="699999"),
        )
    assert "category_project" in error.value.message_dict
    assert "700 000 kr" in error.value.message_dict["category_project"][0]


def test_update_keeps_history_of_amount_and_allocations(controller):
    grant = make_grant(controller=controller, amount="1000000", project="500000")
    services.grant_update(
        user=controller,
        grant=grant,
        amount="1 200 000",
        decision_reference="N2020/1",
        allocations=allocations(project="700000", business="300000"),
        version=1,
    )
    grant = Grant.objects.get(pk=grant.pk)
    assert grant.version == 2
    assert {(a.key, a.amount) for a in grant.allocations.all()} == {
        ("project", D("700000")),
        ("business_support", D("300000")),
    }
    history = selectors.grant_history(grant)
    changes = [(e.what, c) for e in history for c in e.changes]
    assert ("Anslaget", ("anslag", "1 000 000 kr", "1 200 000 kr")) in changes
    assert ("Fördelning: Projektverksamhet", ("belopp", "500 000 kr", "700 000 kr")) in changes
    assert any(what == "Fördelning: Regionala företagsstöd" for what, _c in changes)
    assert all(e.user == controller for e in history)


def test_removing_an_allocation(controller):
    grant = make_grant(controller=controller, amount="1000000", project="500000", business="1")
    services.grant_update(
        user=controller, grant=grant, amount="1000000", allocations=allocations(project="500000")
    )
    assert list(Allocation.objects.values_list("key", flat=True)) == ["project"]


def test_stale_grant_edit_is_a_conflict(controller):
    grant = make_grant(controller=controller)
    services.grant_update(user=controller, grant=grant, amount="1", version=1)
    with pytest.raises(Conflict):
        services.grant_update(user=controller, grant=grant, amount="2", version=1)


def test_form_accepts_percentages_of_the_grant():
    form = GrantForm(
        data={
            "year": "2022",
            "amount": "171,1 tkr".replace("171,1 tkr", "171 100 000 kr"),
            "category_project": "61 %",
            "category_business_support": "34%",
            "category_commercial_service": "5 %",
            "priority_innovation": "120 100 tkr",
        }
    )
    assert form.is_valid(), form.errors
    alloc = form.cleaned_data["allocations"]
    assert alloc["category", "project"] == D("104371000")
    assert alloc["category", "business_support"] == D("58174000")
    assert alloc["category", "commercial_service"] == D("8555000")
    assert alloc["priority", "innovation"] == D("120100000")
    assert alloc["priority", "other"] is None


def test_form_refuses_bad_percentages():
    form = GrantForm(data={"year": "2022", "amount": "100", "category_project": "120 %"})
    assert not form.is_valid()
    assert "category_project" in form.errors
