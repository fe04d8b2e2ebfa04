"""The finance tables written in Python are the text of their templates."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import get_template
from django.utils.translation import override

from financing.models import Commitment, Grant, GrantCategory, ReportPriority
from financing.templatetags.financing_tags import render_commitment_table, render_figures_table
from projects.models import Case, Organisation


def _commitment(pk, **values):
    """An unsaved commitment as the table reads it (with its balances annotated)."""
    values = {
        "reference": "RUN § 14 <2022>",
        "case": Case(year=2020, number=52, title="Fyrkanten"),
        "recipient": Organisation(name="Luleå tekniska universitet & co"),
        "description": "Medfinansiering av " + "förstudien om batterier " * 5,
        "committed_on": datetime.date(2022, 3, 24),
        "grant": Grant(year=2022),
        "category": GrantCategory.PROJECT,
        "priority": ReportPriority.choices[0][0],
        "amount": Decimal("1245497.00"),
        **values,
    }
    balances = {key: values.pop(key) for key in ("paid", "released", "remaining") if key in values}
    commitment = Commitment(pk=pk, **values)
    commitment.paid = balances.get("paid", Decimal("0"))
    commitment.released = balances.get("released")
    commitment.remaining = balances.get("remaining", Decimal("1245497.50"))
    return commitment


@pytest.mark.parametrize(
    "commitments",
    [
        [],
        [_commitment(1)],
        [
            _commitment(
                2, reference="", case=None, recipient=None, description="", category="okänd"
            ),
            _commitment(3, priority=ReportPriority.choices[-1][0]),
        ],
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_table_is_its_template(commitments, language):
    template = get_template("financing/partials/commitment_table.html")
    with override(language):
        context = {"commitments": commitments, "caption": "Åtaganden <öppna>"}
        assert render_commitment_table(**context) == template.render(context)


def _figures(label, **values):
    return SimpleNamespace(
        **{
            "label": label,
            "allocated": Decimal("5000000"),
            "committed": Decimal("1245497"),
            "paid": Decimal("0.00"),
            "released": Decimal("1000"),
            "open": Decimal("1244497"),
            "left": Decimal("3754503"),
            **values,
        }
    )


@pytest.mark.parametrize(
    ("rows", "total", "allocated_heading"),
    [
        ([], None, ""),
        ([_figures("Projektmedel <1:1>")], _figures("Summa"), ""),
        (
            [_figures("A", allocated=None, left=None), _figures("B", left=Decimal("-12.50"))],
            _figures("Summa", left=Decimal("-12.50")),
            "Ram",
        ),
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_figures_table_is_its_template(rows, total, allocated_heading, language):
    template = get_template("financing/partials/figures_table.html")
    with override(language):
        context = {
            "rows": rows,
            "total": total,
            "caption": "Anslag 1:1 <2022>",
            "first_heading": "Kategori",
            "allocated_heading": allocated_heading,
        }
        assert render_figures_table(**context) == template.render(context)
