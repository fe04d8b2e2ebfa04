"""The bench's crawl (``bench.crawl``) finds the pages users reach and their variants."""

import pytest

from bench import crawl, volume

pytestmark = pytest.mark.django_db


def test_the_routes_are_the_pages_without_arguments_and_not_the_machine_interfaces():
    routes = crawl.routes()
    assert {"/cases/", "/finance/plans/", "/mina-uppgifter/", "/e-diarium/"} <= set(routes)
    assert not [r for r in routes if r.startswith(("/admin", "/api", "/accounts"))]
    assert not [r for r in routes if r.endswith((".xlsx", ".csv")) or "<" in r]


def test_a_page_is_followed_by_its_sorts_filters_and_last_page():
    html = (
        '<a href="/cases/?sort=title">x</a> <a href="/cases/?sort=title">again</a>'
        ' <a href="?page=2">2</a> <a href="?page=40">40</a> <a href="/cases/?page=3">3</a>'
        ' <a href="/cases/?kind=idea&amp;year=2021">f</a> <a href="/other/?x=1">o</a>'
        ' <a href="https://example.se/cases/?sort=x">e</a> <a href="/cases/">self</a>'
        ' <a href="/cases/?format=csv">csv</a>'
    )
    assert crawl._same_page_links("/cases/", html) == [
        "/cases/?sort=title",
        "/cases/?kind=idea&year=2021",
        "/cases/?page=40",
    ]


def test_growth_is_reported_over_the_floor_and_divided_by_the_bare_views():
    small = {"/a/": {"ms": 20.0}, "/b/": {"ms": 5.0}, "/c/": {"ms": 20.0}}
    large = {"/a/": {"ms": 40.0}, "/b/": {"ms": 10.0}, "/c/": {"ms": 24.0}}
    assert crawl.grown_urls(small, large) == [("/a/", 2.0)]  # /b/ is under the floor
    assert crawl.grown_urls(small, large, bare_growth=2.0) == []


def test_the_crawl_times_every_page_as_a_superuser(client):
    timed = crawl.crawl(["/cases/", "/finance/plans/"])
    assert set(timed) == {"/cases/", "/finance/plans/"}
    assert all(t["status"] == 200 and t["queries"] > 0 and t["kb"] > 0 for t in timed.values())


def test_the_largest_objects_pages_are_crawled_too(officer):
    """A detail page that lists all of something grows with it: the object holding the
    most of each kind is crawled (an organisation's projects, a project's cases ...)."""
    from tests.projects.factories import (
        OrganisationFactory,
        ProjectFactory,
        document_for,
        register_case,
    )

    OrganisationFactory(name="Kalix kommun")
    big = OrganisationFactory(name="Luleå kommun")
    project = ProjectFactory(applicant=big)
    ProjectFactory(applicant=big)
    register_case(officer=officer, project=ProjectFactory())
    register_case(officer=officer, project=project)
    documented = register_case(officer=officer, project=project)
    document_for(documented, officer)
    historic = register_case(officer=officer, project=ProjectFactory())
    volume._long_histories([historic.project_id])  # a project saved 300 times
    found = crawl.largest_objects()
    assert f"/cases/{historic.pk}/" in found
    assert f"/cases/organisations/{big.pk}/" in found
    assert f"/cases/projects/{project.pk}/" in found
    assert f"/cases/{documented.pk}/" in found
    timed = crawl.crawl(found)
    assert all(t["status"] == 200 for t in timed.values()), timed


def test_the_benchs_long_protocol_is_signed_once_its_paragraphs_are_in(secretary):
    """Nothing is added to a signed protocol (a database trigger): the bench's 58-page
    protocol gets its §§ first and is signed after."""
    from decisions.meetings.services.bodies import body_get

    body = body_get("run")
    meeting = volume.protocol_meeting(body, secretary)
    assert meeting.status == "signed" and meeting.signed_at is not None
    assert meeting.paragraphs.count() == volume.PROTOCOL_PARAGRAPHS
