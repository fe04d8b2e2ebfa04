"""A region's rule set as one JSON file: financing policy, funding types, delegationsordning.

``load`` applies a set in one transaction, keeping history: the policy is a new row valid
from its date; funding types are added or updated by code (never deleted, rows use them);
delegation rules in force for the same case kinds end the day before the new ones start.
Every object is validated with ``full_clean``: a bad file changes nothing.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from decisions.workflow.models import DelegationRule
from financing.models import FinancingPolicy, FundingType
from financing.services import rules

RULES_DIR = Path(__file__).resolve().parent / "rule_sets"

# What a rule set may set: the fields the rules' services save (not ``valid_from``,
# ``code`` or validity, which the loader handles itself).
POLICY_FIELDS = tuple(f for f in rules.POLICY_FIELDS if f != "valid_from")
FUNDING_TYPE_FIELDS = tuple(f for f in rules.FUNDING_TYPE_FIELDS if f != "code")
RULE_FIELDS = tuple(
    f
    for f in rules.DELEGATION_RULE_FIELDS
    if f not in ("valid_from", "valid_to", "active", "delegate")
)
DECIMALS = {
    "max_1_1_share",
    "max_region_share",
    "max_advance_share",
    "max_advance_amount",
    "amount_limit",
    "yearly_ceiling",
}


def _value(name: str, value):
    if value is not None and name in DECIMALS:
        return Decimal(str(value))
    return value


def _date(value) -> datetime.date:
    return datetime.date.fromisoformat(str(value))


@transaction.atomic
def load(path: Path) -> str:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = {"policy": 0, "funding_types": 0, "rules": 0}
    policy_data = data.get("policy")
    if policy_data:
        valid_from = _date(policy_data["valid_from"])
        policy = FinancingPolicy.objects.filter(valid_from=valid_from).first() or FinancingPolicy(
            valid_from=valid_from
        )
        for name in POLICY_FIELDS:
            if name in policy_data:
                setattr(policy, name, _value(name, policy_data[name]))
        policy.full_clean()
        policy.save()
        counts["policy"] = 1
    for item in data.get("funding_types", []):
        funding_type = FundingType.objects.filter(code=item["code"]).first() or FundingType(
            code=item["code"]
        )
        for name in FUNDING_TYPE_FIELDS:
            if name in item:
                setattr(funding_type, name, item[name])
        funding_type.full_clean()
        funding_type.save()
        counts["funding_types"] += 1
    rules = data.get("delegation_rules", [])
    for kind in {item["case_kind"] for item in rules}:
        starts = min(_date(item["valid_from"]) for item in rules if item["case_kind"] == kind)
        for old in DelegationRule.objects.filter(
            case_kind=kind, active=True, valid_from__lt=starts
        ):
            if old.valid_to is None or old.valid_to >= starts:
                old.valid_to = starts - datetime.timedelta(days=1)
                old.full_clean()
                old.save(update_fields=["valid_to"])
    for item in rules:
        rule = DelegationRule(valid_from=_date(item["valid_from"]))
        if item.get("valid_to"):
            rule.valid_to = _date(item["valid_to"])
        for name in RULE_FIELDS:
            if name in item:
                setattr(rule, name, _value(name, item[name]))
        rule.full_clean()
        rule.save()
        counts["rules"] += 1
    return (
        f"Loaded {path}: {counts['policy']} policy, {counts['funding_types']} funding types, "
        f"{counts['rules']} delegation rules."
    )
