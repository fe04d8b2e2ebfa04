"""Builders of the reporting tests: cases with the outcome the annual report counts.

The report reads when a case was received and decided, its outcome and the granted
amount. ``decided_case`` registers the case through the service and gives it that outcome
with a queryset update, standing in for the workflow: walked through the workflow, a
grant would also commit money (financing) that these tests write as plain rows
(``tests.financing.factories``), and the dates would be the workflow's.
"""

import datetime
from decimal import Decimal

from core.roles import Role
from projects.models import Case, CaseKind, CaseState
from tests.core.factories import user_with_role
from tests.projects.factories import ProjectFactory, register_case


def decided_case(
    *,
    registered_on: datetime.date,
    decided_on: datetime.date | None = None,
    state: str | None = None,
    granted_amount=None,
    project=None,
    kind=CaseKind.CO_FINANCING,
    **project_fields,
) -> Case:
    """A case received and registered on ``registered_on``, with its decision as the
    report sees it (``state``, ``decided_on``, ``granted_amount``)."""
    project = project or ProjectFactory(**project_fields)
    case = register_case(
        officer=user_with_role(Role.OFFICER, username="case-officer"),
        kind=kind,
        project=project,
        registered_on=registered_on,
        received_on=registered_on,
    )
    if state or decided_on or granted_amount is not None:
        Case.objects.filter(pk=case.pk).update(
            state=state or CaseState.PREPARATION,
            decided_on=decided_on,
            granted_amount=Decimal(granted_amount) if granted_amount is not None else None,
        )
    return Case.objects.get(pk=case.pk)
