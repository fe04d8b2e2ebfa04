"""The region's rules as data: funding types, the financing policy, the delegationsordning.

Controllers (and administrators) keep them on the rules page, in the admin or through
the API. Each save validates the whole object (``full_clean``) and is kept in its history;
nothing is deleted that money or decisions rest on (funding types and delegation rules
in use are retired: inactive, or given an end date).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import require
from decisions.workflow.models import DelegationRule
from financing import permissions
from financing.models import FinancingPolicy, FundingType

FUNDING_TYPE_FIELDS = (
    "code",
    "name",
    "is_public",
    "counts_as_1_1",
    "charged_to_grant",
    "this_region",
    "eu_fund",
    "own_funds",
    "in_kind",
    "active",
    "position",
)
POLICY_FIELDS = (
    "region_name",
    "valid_from",
    "max_1_1_share",
    "max_region_share",
    "long_project_years",
    "flag_start_before_application",
    "max_advance_share",
    "max_advance_amount",
    "advance_requires_reason",
    "final_payment_requires_approved_report",
    "note",
)
DELEGATION_RULE_FIELDS = (
    "name",
    "reference",
    "case_kind",
    "delegate_title",
    "delegate",
    "amount_limit",
    "limit_included",
    "eu_co_financing_to_body",
    "yearly_ceiling",
    "valid_from",
    "valid_to",
    "active",
    "position",
)


def _save(user, obj, fields: tuple[str, ...], data: dict):
    require(permissions.can_manage_rules(user))
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
    obj.full_clean()
    obj._history_user = user  # read by simple-history
    obj.save()
    return obj


@transaction.atomic
def funding_type_save(*, user, funding_type: FundingType | None = None, **data) -> FundingType:
    """Add or change a funding type. Its code is fixed once rows use it."""
    if funding_type is not None and "code" in data and data["code"] != funding_type.code:
        if funding_type.rows.exists():
            raise ValidationError({"code": _("Koden kan inte ändras när rader använder typen.")})
    return _save(user, funding_type or FundingType(), FUNDING_TYPE_FIELDS, data)


@transaction.atomic
def financing_policy_save(
    *, user, policy: FinancingPolicy | None = None, **data
) -> FinancingPolicy:
    """Add a policy valid from a date (the previous one applies until then) or change one."""
    return _save(user, policy or FinancingPolicy(), POLICY_FIELDS, data)


@transaction.atomic
def delegation_rule_save(*, user, rule: DelegationRule | None = None, **data) -> DelegationRule:
    """Add or change a rule of the delegationsordning. A rule that decisions were taken
    under keeps its history; end it with ``valid_to`` rather than rewriting it."""
    return _save(user, rule or DelegationRule(), DELEGATION_RULE_FIELDS, data)
