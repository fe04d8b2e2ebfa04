"""core.links.object_url: an object's URL without a reverse per object."""

import pytest
from django.urls import reverse, set_script_prefix

from core.links import object_url

ROUTES = [
    "projects:case_detail",
    "projects:organisation_detail",
    "projects:project_detail",
    "projects:document_download",
    "projects:request_detail",
    "financing:grant_detail",
    "financing:plan_detail",
    "financing:commitment_detail",
    "financing:business_support_edit",
    "decisions:body_detail",
    "decisions:meeting_detail",
    "decisions:paragraph_detail",
    "decisions:document_download",
    "reporting:report_detail",
    "reporting:file_download",
]


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("pk", [1, 36, 2022, 987654321])
def test_the_url_is_the_reversed_url(name, pk):
    assert object_url(name, pk) == reverse(name, args=[pk])


def test_the_script_prefix_is_respected():
    try:
        set_script_prefix("/region/")
        assert object_url("projects:case_detail", 7) == reverse("projects:case_detail", args=[7])
        assert object_url("projects:case_detail", 7).startswith("/region/")
    finally:
        set_script_prefix("/")
    assert object_url("projects:case_detail", 7) == reverse("projects:case_detail", args=[7])
