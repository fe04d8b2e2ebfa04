"""Factories for the reporting tests: money rows and decided cases, built directly.

Financing rows are created with the ORM (the financing services have their own tests);
decided cases get their outcome with a queryset update, standing in for the workflow.
"""

import datetime
from decimal import Decimal

from core.roles import Role
from financing.models import Commitment, Grant, GrantCategory, Payment, Release
from projects.models import Case, CaseKind, CaseState
from tests.factories import ProjectFactory, register_case, user_with_role

D = Decimal


def _cached_user(username: str, role: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    return user or user_with_role(role, username=username)


def money_user():
    return _cached_user("money-controller", Role.CONTROLLER)


def case_officer():
    return _cached_user("case-officer", Role.OFFICER)


def grant(year: int, amount="200000000") -> Grant:
    obj, _created = Grant.objects.get_or_create(year=year, defaults={"amount": D(amount)})
    return obj


def commitment(
    year: int,
    amount,
    *,
    category=GrantCategory.PROJECT,
    priority="innovation",
    gender=None,
    case=None,
    committed_on=None,
    description="",
) -> Commitment:
    if category == GrantCategory.BUSINESS_SUPPORT and gender is None:
        gender = "man"
    return Commitment.objects.create(
        grant=grant(year),
        category=category,
        priority=priority,
        amount=D(amount),
        committed_on=committed_on or datetime.date(year, 3, 1),
        company_leader_gender=gender,
        case=case,
        description=description,
        created_by=money_user(),
    )


def payment(commitment_obj: Commitment, amount, paid_on: datetime.date) -> Payment:
    return Payment.objects.create(
        commitment=commitment_obj,
        amount=D(amount),
        paid_on=paid_on,
        period_start=paid_on.replace(day=1),
        period_end=paid_on,
        created_by=money_user(),
    )


def release(commitment_obj: Commitment, amount, released_on: datetime.date) -> Release:
    return Release.objects.create(
        commitment=commitment_obj,
        amount=D(amount),
        released_on=released_on,
        reason="Projektet avslutat under budget",
        created_by=money_user(),
    )


def co_financing_case(
    *,
    registered_on: datetime.date,
    decided_on: datetime.date | None = None,
    state: str | None = None,
    granted_amount=None,
    project=None,
    kind=CaseKind.CO_FINANCING,
    **project_fields,
) -> Case:
    """A case registered through the service, with its decision set as the workflow would."""
    project = project or ProjectFactory(**project_fields)
    case = register_case(
        officer=case_officer(),
        kind=kind,
        project=project,
        registered_on=registered_on,
        received_on=registered_on,
    )
    if state or decided_on or granted_amount is not None:
        Case.objects.filter(pk=case.pk).update(
            state=state or CaseState.PREPARATION,
            decided_on=decided_on,
            granted_amount=D(granted_amount) if granted_amount is not None else None,
        )
    return Case.objects.get(pk=case.pk)
