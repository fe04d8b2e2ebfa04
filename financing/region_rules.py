"""A region's rule set as one JSON file: financing policy, funding types, delegationsordning.

``load`` applies a set in one transaction, keeping history:

- the policy is a new row valid from its date. It states the region's whole policy: a limit
  the file leaves out is not checked (empty), never another region's value; the
  requirements the law sets (an advance needs a reason, the final payment an approved
  final report) stay on unless the file turns them off;
- funding types are added or updated by code (never deleted, rows use them);
- the delegation rules are the whole delegationsordning from the set's start (its rules'
  first day): every rule in force then, of any case kind, that the set does not hold ends
  the day before (one starting later is made inactive), so a kind the file leaves out has
  no delegation from then on; a rule the set holds again (same kind, name and first day)
  is updated in place, so loading a set twice changes nothing.

``replace=True`` is a region's first set on an installation that starts with another
region's defaults (Norrbotten's): those policy rows are removed, their delegation rules
with them (made inactive where a decision was taken under them) and the funding types
named after that region renamed, so no case of any date is judged by another region's
rules. It is refused once the region has rules of its own here.

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
    """When the set's delegationsordning starts: its rules' first day, or (a set with no
    rules: no delegation) the set's ``valid_from`` or its policy's."""
    dates = [_date(item["valid_from"]) for item in data.get("delegation_rules", [])]
    if not dates and data.get("valid_from"):
        dates.append(_date(data["valid_from"]))
    if not dates and data.get("policy"):
        dates.append(_date(data["policy"]["valid_from"]))
    return min(dates) if dates else None


def _replace_installed_rules(region: str) -> None:
    """Remove the rules the installation started with, another region's (Norrbotten's
    defaults): the policy rows, and the delegation rules no decision was taken under (the
    others are made inactive, so those decisions keep theirs). Refused where the region's
    own rules are there already: its history is ended by a new set, never removed."""
    if FinancingPolicy.objects.filter(region_name=region).exists():
        raise ValueError(
            f"{region} has rules here already: load the set without --replace (it continues "
            "them from its start)."
        )
    defaults = FinancingPolicy.objects.values_list("region_name", flat=True).first()
    FinancingPolicy.objects.all().delete()
    for old in DelegationRule.objects.all():
        if old.decisions.exists():
            old.active = False
            old.save(update_fields=["active"])
        else:
            old.delete()
    if defaults:  # the funding types named after the region the defaults were for
        for funding_type in FundingType.objects.filter(name__contains=defaults):
            funding_type.name = funding_type.name.replace(defaults, region)
            funding_type.full_clean()
            funding_type.save(update_fields=["name"])


def _same_rule(rule: DelegationRule, item: dict) -> bool:
    return (
        rule.case_kind == item["case_kind"]
        and rule.name == item["name"]
        and rule.valid_from == _date(item["valid_from"])
    )


def _supersede_delegation_rules(starts: datetime.date, items: list[dict]) -> list:
    """The set is the whole delegationsordning from ``starts``: a rule in force then that
    the set does not hold ends the day before (one starting later is made inactive); a rule
    the set holds again (same kind, name and first day) is returned, to be updated in place
    rather than duplicated when a set is loaded again."""
    kept = []
    for old in DelegationRule.objects.filter(active=True):
        if any(_same_rule(old, item) for item in items):
            kept.append(old)
        elif old.valid_from >= starts:
            old.active = False
            old.save(update_fields=["active"])
        elif old.valid_to is None or old.valid_to >= starts:
            old.valid_to = starts - datetime.timedelta(days=1)
            old.full_clean()
            old.save(update_fields=["valid_to"])
    return kept


@transaction.atomic
def load(path: Path, *, replace: bool = False) -> str:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = {"policy": 0, "funding_types": 0, "rules": 0}
    policy_data = data.get("policy")
    if replace:
        if not policy_data or not policy_data.get("region_name"):
            raise ValueError("A set that replaces the installed rules names its region.")
        _replace_installed_rules(policy_data["region_name"])
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
    items = data.get("delegation_rules", [])
    kept: list = []
    if "delegation_rules" in data:
        starts = _set_start(data)
        if starts is None:
            raise ValueError("A set with a delegationsordning states when it starts (valid_from).")
        kept = _supersede_delegation_rules(starts, items)
    for item in items:
        rule = next((old for old in kept if _same_rule(old, item)), None)
        rule = rule or DelegationRule(valid_from=_date(item["valid_from"]))
        rule.valid_to = _date(item["valid_to"]) if item.get("valid_to") else None
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
