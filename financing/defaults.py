"""The rules every installation starts with: today's Norrbotten behaviour, as data.

Pure data and one idempotent function that takes the model classes, so the data
migration (with historical models) and the test set-up (after a flush) use the same rows.
A region changes them afterwards in the admin or on the rules page, or loads another
region's set with ``manage.py load_region_rules``.
"""

import datetime
from decimal import Decimal

# code, name, public, counts as 1:1, charged to this region's grant, this region's money,
# EU fund, the project owner's own funds, in kind (financing.models.FundingType).
FUNDING_TYPES = [
    ("region_1_1", "Region Norrbotten 1:1", True, True, True, True, False, False, False),
    ("other_region_1_1", "Annan regions 1:1", True, True, False, False, False, False, False),
    ("region_own", "Region Norrbotten egna medel", True, False, False, True, False, False, False),
    (
        "other_region_own",
        "Annan regions egna medel",
        True,
        False,
        False,
        False,
        False,
        False,
        False,
    ),
    ("eruf", "ERUF", True, False, False, False, True, False, False),
    ("esf_plus", "ESF+", True, False, False, False, True, False, False),
    ("interreg", "Interreg", True, False, False, False, True, False, False),
    ("tillvaxtverket", "Tillväxtverket", True, False, False, False, False, False, False),
    ("state_agency", "Annan statlig myndighet", True, False, False, False, False, False, False),
    ("municipality", "Kommun", True, False, False, False, False, False, False),
    ("university", "Universitet", True, False, False, False, False, False, False),
    ("private", "Privat", False, False, False, False, False, False, False),
    ("own_funds", "Projektägarens egna medel", False, False, False, False, False, True, False),
    ("in_kind", "Annat än pengar (in natura)", False, False, False, False, False, False, True),
    ("other", "Annan", False, False, False, False, False, False, False),
]
FUNDING_TYPE_FIELDS = (
    "name",
    "is_public",
    "counts_as_1_1",
    "charged_to_grant",
    "this_region",
    "eu_fund",
    "own_funds",
    "in_kind",
)

POLICY = {
    "region_name": "Region Norrbotten",
    "valid_from": datetime.date(2000, 1, 1),
    "max_1_1_share": Decimal("50.00"),
    "max_region_share": Decimal("50.00"),
    "long_project_years": 3,
    "flag_start_before_application": True,
}

# Norrbotten: the development director decides project ideas AU proposes for delegation;
# co-financing has no delegation (RUN decides every application).
DELEGATION_RULES = [
    {
        "name": "Projektidéer av mindre karaktär",
        "reference": "Delegation till utvecklingsdirektören (AU:s bedömning)",
        "case_kind": "projektide",
        "delegate_title": "Utvecklingsdirektören",
        "valid_from": datetime.date(2000, 1, 1),
        "position": 10,
    },
]


def funding_type_values(row: tuple) -> dict:
    code, *values = row
    return {"code": code, **dict(zip(FUNDING_TYPE_FIELDS, values, strict=True))}


def ensure_defaults(*, funding_type, policy, row=None, delegation_rule=None) -> None:
    """Create the default rows that are missing (never changes existing ones)."""
    for position, values in enumerate(FUNDING_TYPES, start=1):
        data = funding_type_values(values)
        code = data.pop("code")
        funding_type.objects.get_or_create(code=code, defaults={**data, "position": position * 10})
    if row is not None:  # a code in use that the list does not know stays valid
        for code in row.objects.values_list("funding_type", flat=True).distinct():
            funding_type.objects.get_or_create(
                code=code, defaults={"name": code, "is_public": False}
            )
    if not policy.objects.exists():
        policy.objects.create(**POLICY)
    if delegation_rule is not None and not delegation_rule.objects.exists():
        for rule in DELEGATION_RULES:
            delegation_rule.objects.create(**rule)
