"""Factories and builders for the financing tests."""

import datetime
from decimal import Decimal

import factory

from core.roles import Role
from financing import services
from financing.models import AllocationDimension, Grant, GrantCategory
from projects.models import Organisation, ReportPriority
from projects.seed_cases import LIFE_SCIENCE_CASE, SEED_CASES
from tests.factories import OrganisationFactory, ProjectFactory, register_case, user_with_role

D = Decimal


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant
        django_get_or_create = ("year",)

    year = 2020
    amount = D("150000000")
    decision_reference = "N2019/03349/RTS"


def allocations(project=None, business=None, commercial=None, **priorities) -> dict:
    out = {}
    for key, value in (
        (GrantCategory.PROJECT, project),
        (GrantCategory.BUSINESS_SUPPORT, business),
        (GrantCategory.COMMERCIAL_SERVICE, commercial),
    ):
        if value is not None:
            out[AllocationDimension.CATEGORY, key] = D(value)
    for key, value in priorities.items():
        out[AllocationDimension.PRIORITY, ReportPriority(key)] = D(value)
    return out


def make_grant(*, year=2020, amount="150000000", controller=None, **alloc) -> Grant:
    controller = controller or user_with_role(Role.CONTROLLER)
    return services.grant_create(
        user=controller, year=year, amount=D(amount), allocations=allocations(**alloc)
    )


def co_financing_case(*, officer=None, project=None, **project_fields):
    officer = officer or user_with_role(Role.OFFICER)
    project = project or ProjectFactory(**project_fields)
    return register_case(officer=officer, project=project, registered_on=datetime.date(2020, 1, 15))


def seed_rows(seed: dict) -> list[dict]:
    """The seed's financing rows with organisations (created on demand)."""
    rows = []
    for row in seed["financing"]:
        org = Organisation.objects.filter(name=row["financier"]).first() or OrganisationFactory(
            name=row["financier"]
        )
        rows.append(
            {
                "financier": org,
                "funding_type": row["funding_type"],
                "amount_applied": row["amount"],
                "in_kind": row["in_kind"],
            }
        )
    return rows


SEED_002 = LIFE_SCIENCE_CASE
SEED_001_36 = next(seed for seed in SEED_CASES if seed["paragraph"] == 36)


def make_plan(case, *, rows=None, stated_total=None, status="draft", controller=None):
    """A plan for the case's project, optionally moved on to submitted/approved."""
    if rows is None:
        org = OrganisationFactory()
        region = Organisation.objects.filter(name="Region Norrbotten").first() or (
            OrganisationFactory(name="Region Norrbotten")
        )
        rows = [
            {"financier": region, "funding_type": "region_1_1", "amount_applied": D("400000")},
            {"financier": org, "funding_type": "eruf", "amount_applied": D("600000")},
        ]
    total = stated_total if stated_total is not None else sum(r["amount_applied"] for r in rows)
    plan = services.financing_plan_save(
        user=case.officer, project=case.project, stated_total=total, rows=rows
    )
    if status in ("submitted", "approved", "returned"):
        plan = services.financing_plan_submit(user=case.officer, plan=plan)
    if status == "approved":
        plan = services.financing_plan_approve(
            user=controller or user_with_role(Role.CONTROLLER), plan=plan, comment="OK"
        )
    if status == "returned":
        plan = services.financing_plan_return(
            user=controller or user_with_role(Role.CONTROLLER), plan=plan, comment="Komplettera"
        )
    return plan
