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


@pytest.mark.parametrize("pk", ["null", "abc", "1.5", "²"])
def test_a_document_id_that_is_not_a_number_is_a_404(world, as_role, pk):
    """Was a 500 (ValueError) from /api/v1/documents/<pk>/ and its download."""
    client = as_role("officer")
    assert client.get(f"/api/v1/documents/{pk}/").status_code == 404
    assert client.get(f"/api/v1/documents/{pk}/download/").status_code == 404


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/meetings/", "body"),
        ("/api/v1/paragraphs/", "meeting"),
        ("/api/v1/paragraphs/", "year"),
        ("/api/v1/meeting-documents/", "meeting"),
    ],
)
@pytest.mark.parametrize("value", ["abc", "²", "١٢", "9" * 30])
def test_id_filters_of_the_meetings_api_refuse_what_is_not_an_id(world, as_role, path, name, value):
    """?body=abc was a 500 on /api/v1/meetings/; unicode digits (str.isdigit() accepts
    them, int() in the query does not) on the paragraph and document filters."""
    response = as_role("reader").get(path, {name: value})
    assert response.status_code == 400
    assert name in response.json()
