"""core.links.object_url: an object's URL without a reverse per object."""

import sys
import types

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


def test_a_number_a_route_writes_otherwise_is_reversed_each_time(settings, monkeypatch):
    """A route whose converter writes the number its own way (padded) or takes only four
    digits is not put together from its text: its URLs are reversed."""
    from django.urls import path, re_path, register_converter

    from core import links

    class Padded:
        regex = "[0-9]+"

        def to_python(self, value):
            return int(value)

        def to_url(self, value):
            return f"{value:06d}"

    register_converter(Padded, "padded")
    module = types.ModuleType("padded_urls")
    module.urlpatterns = [
        path("p/<padded:pk>/", lambda request, pk: None, name="padded"),
        re_path(r"^y/(?P<year>[0-9]{4})/$", lambda request, year: None, name="year"),
        path("a/", lambda request: None, name="fixed"),
    ]
    monkeypatch.setitem(sys.modules, "padded_urls", module)
    settings.ROOT_URLCONF = "padded_urls"
    assert links.object_url("padded", 7) == "/p/000007/"
    assert links.object_url("padded", 123) == "/p/000123/"
    assert links.object_url("year", 2022) == "/y/2022/"
    assert links.cached_reverse("fixed") == "/a/"


def test_the_url_tag_writes_what_djangos_writes():
    from django.template import Context, Engine, engines
    from django.urls import NoReverseMatch

    source = (
        "{% url 'projects:case_list' %}|{% url 'projects:case_detail' 36 %}|"
        "{% url 'projects:case_detail' pk=36 %}|{% url 'projects:case_detail' '36' %}|"
        "{% url 'projects:nothing' as missing %}[{{ missing }}]|"
        "{% url 'projects:case_detail' 7 as link %}{{ link }}"
    )
    ours = engines["django"].from_string(source).render({})
    djangos = Engine().from_string(source).render(Context({}))
    assert ours == djangos == "/cases/|/cases/36/|/cases/36/|/cases/36/|[]|/cases/7/"
    with pytest.raises(NoReverseMatch):
        engines["django"].from_string("{% url 'projects:nothing' %}").render({})
