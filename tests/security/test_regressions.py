"""Bugs the security tests found, each pinned by a plain test (deterministic, fast)."""

import pytest

from decisions.models import ParagraphCounter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", ["2147483648", "99999999999999999999"])
def test_a_paragraph_number_beyond_the_database_integer_is_a_form_error(world, as_role, number):
    """Was a 500 (integer out of range) from the paragraph counter form."""
    body = world.body
    before = list(ParagraphCounter.objects.filter(body=body).values_list("year", "last_number"))
    response = as_role("secretary").post(
        f"/workflow/organ/{body.pk}/paragrafnummer/", {"year": "2021", "first_number": number}
    )
    assert response.status_code in (200, 400)
    assert "first_number" in response.context["form"].errors
    after = list(ParagraphCounter.objects.filter(body=body).values_list("year", "last_number"))
    assert after == before
