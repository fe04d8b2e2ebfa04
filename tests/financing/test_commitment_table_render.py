"""The commitments table written in Python is the text of its template."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import get_template
from django.utils.translation import override

from financing.templatetags.financing_tags import render_commitment_table


def _commitment(pk, **values):
    commitment = SimpleNamespace(
        **{
            "pk": pk,
            "reference": "RUN § 14 <2022>",
            "case": SimpleNamespace(dnr="00052-2020"),
            "recipient": "Luleå tekniska universitet & co",
            "description": "Medfinansiering av " + "förstudien om batterier " * 5,
            "committed_on": datetime.date(2022, 3, 24),
            "grant": SimpleNamespace(year=2022),
            "amount": Decimal("1245497.00"),
            "paid": Decimal("0"),
            "released": None,
            "remaining": Decimal("1245497.50"),
            **values,
        }
    )
    commitment.get_absolute_url = lambda: f"/finance/commitments/{pk}/"
    commitment.get_category_display = lambda: "Projektmedel"
    commitment.get_priority_display = lambda: "Prioritet 1"
    return commitment


@pytest.mark.parametrize(
    "commitments",
    [
        [],
        [_commitment(1)],
        [_commitment(2, reference="", case=None, recipient=None, description=""), _commitment(3)],
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_table_is_its_template(commitments, language):
    template = get_template("financing/partials/commitment_table.html")
    with override(language):
        context = {"commitments": commitments, "caption": "Åtaganden <öppna>"}
        assert render_commitment_table(**context) == template.render(context)
