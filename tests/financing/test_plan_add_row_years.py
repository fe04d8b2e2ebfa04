"""A row added to the financing plan with htmx offers the project's years like the others.

The added row's year was a number field ("År" to type) while the rows rendered with the
form offered "Hela perioden" and the project's years (found by the browser journey).
"""

import re

import pytest
from django.urls import reverse

from tests.projects.factories import co_financing_case

pytestmark = pytest.mark.django_db


def _year_field(html: str, index: int) -> str:
    name = f'name="rows-{index}-year"'
    match = re.search(rf"<select[^>]*{name}[^>]*>.*?</select>", html, re.S) or re.search(
        rf"<input[^>]*{name}[^>]*>", html
    )
    assert match, f"no year field for row {index}"
    return match.group(0)


def test_added_row_offers_the_same_years_as_the_form(officer, client_for):
    case = co_financing_case(officer=officer)  # project 2020-09-01 - 2023-02-28
    client = client_for(officer)
    page = client.get(reverse("financing:plan_edit", args=[case.project_id])).content.decode()
    added = client.get(
        reverse("financing:plan_add_row", args=[case.project_id]),
        {"rows-TOTAL_FORMS": "3"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    in_form, in_added = _year_field(page, 0), _year_field(added, 3)
    assert in_added.startswith("<select")
    assert "Hela perioden" in in_added
    options = re.findall(r'<option value="(\d*)"', in_added)
    assert options == ["", "2020", "2021", "2022", "2023"]
    assert options == re.findall(r'<option value="(\d*)"', in_form)
