"""Writes of the financing app, one module per topic.

Every function takes keyword-only arguments and the acting user, runs in a transaction,
validates with ``full_clean`` before saving, and raises ``ValidationError`` (bad input,
400), ``PermissionDenied`` (403) or ``Conflict`` (409: stale or frozen record).

- ``grants``: anslag 1:1 per year and its allocation plan
- ``commitments``: commitments, payments, releases (serialised on the year's grant row)
- ``plans``: financing plans and the controller's review
- ``decisions``: case transitions and body decisions with what they mean for the money

The names below are the package's public interface; callers may also import a topic.
"""

from financing.services import business_support, decisions, rules
from financing.services.commitments import (
    commitment_record,
    commitments_for_grant_decision,
    payment_record,
    project_priority,
    release_record,
    releases_at_case_closure,
)
from financing.services.common import (
    DEFAULT_PRIORITY,
    ZERO,
    amount_from_input,
    date_from_input,
)
from financing.services.grants import (
    ALLOCATION_KEYS,
    allocation_field,
    grant_create,
    grant_update,
)
from financing.services.plans import (
    financing_plan_approve,
    financing_plan_record_granted,
    financing_plan_reopen,
    financing_plan_return,
    financing_plan_save,
    financing_plan_submit,
    total_mismatch_message,
)

__all__ = [
    "ALLOCATION_KEYS",
    "DEFAULT_PRIORITY",
    "ZERO",
    "allocation_field",
    "amount_from_input",
    "commitment_record",
    "commitments_for_grant_decision",
    "date_from_input",
    "decisions",
    "business_support",
    "rules",
    "financing_plan_approve",
    "financing_plan_record_granted",
    "financing_plan_reopen",
    "financing_plan_return",
    "financing_plan_save",
    "financing_plan_submit",
    "grant_create",
    "grant_update",
    "payment_record",
    "project_priority",
    "release_record",
    "releases_at_case_closure",
    "total_mismatch_message",
]
