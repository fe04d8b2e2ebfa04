"""A region's rule set as one JSON file: financing policy, funding types, delegationsordning.

``load`` applies a set in one transaction, keeping history:

- the policy is a new row valid from its date. It states the region's whole policy: a limit
  the file leaves out is not checked (empty), never another region's value; the
  requirements the law sets (an advance needs a reason, the final payment an approved
  final report) stay on unless the file turns them off;
- funding types are added or updated by code (never deleted, rows use them);
- the delegation rules are the whole delegationsordning from the set's start: every rule in
  force then, of any case kind, ends the day before (a kind the file leaves out has no
  delegation from then on).

``replace=True`` is a region's first set on an installation that starts with another
region's defaults (Norrbotten's): those policy rows are removed and their delegation rules
with them (ended where a decision was taken under them), so no case of any date is judged
by another region's rules.

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


# The limits a policy checks only when set: left out of a file, they are empty.
POLICY_LIMITS = (
    "max_1_1_share",
    "max_region_share",
    "long_project_years",
    "max_advance_share",
    "max_advance_amount",
)


def _set_start(data: dict) -> datetime.date | None:
    dates = [_date(item["valid_from"]) for item in data.get("delegation_rules", [])]
    if data.get("policy"):
        dates.append(_date(data["policy"]["valid_from"]))
    if data.get("valid_from"):
        dates.append(_date(data["valid_from"]))
    return min(dates) if dates else None


def _replace_installed_rules() -> None:
    """Remove the rules the installation started with: the policy rows, and the delegation
    rules no decision was taken under (the others end, so those decisions keep theirs)."""
    FinancingPolicy.objects.all().delete()
    for old in DelegationRule.objects.all():
        if old.decisions.exists():
            old.active = False
            old.save(update_fields=["active"])
        else:
            old.delete()


def _end_delegation_rules(starts: datetime.date) -> None:
    for old in DelegationRule.objects.filter(active=True, valid_from__lt=starts):
        if old.valid_to is None or old.valid_to >= starts:
            old.valid_to = starts - datetime.timedelta(days=1)
            old.full_clean()
            old.save(update_fields=["valid_to"])


@transaction.atomic
def load(path: Path, *, replace: bool = False) -> str:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = {"policy": 0, "funding_types": 0, "rules": 0}
    if replace:
        if not data.get("policy"):
            raise ValueError("A set that replaces the installed rules states its policy.")
        _replace_installed_rules()
    policy_data = data.get("policy")
    if policy_data:
        valid_from = _date(policy_data["valid_from"])
        policy = FinancingPolicy.objects.filter(valid_from=valid_from).first() or FinancingPolicy(
            valid_from=valid_from
        )
        for name in POLICY_LIMITS:
            setattr(policy, name, None)
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
    if "delegation_rules" in data and not replace:
        starts = _set_start(data)
        if starts is None:
            raise ValueError("A set with a delegationsordning states when it starts (valid_from).")
        _end_delegation_rules(starts)
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


def region_named(path: Path) -> str:
    """The region a rule set names in its policy ("" when it names none)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return (data.get("policy") or {}).get("region_name", "")
