"""Query budgets of every list and detail page (issue 20), on the demo data.

A list makes at most 8 queries and a detail page at most 12 (the session, the user and
its groups included), the same however much data there is: the pages read their rows in
a few combined queries (``core.batch``: one round trip for many querysets), never one per
row. The pages not yet within the target keep the budget they have today (named below),
so none can grow.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.meetings.models import Meeting
from decisions.workflow.constants import BodyCode
from projects import services
from projects.models import Case, CaseKind

pytestmark = pytest.mark.django_db

LIST, DETAIL = 8, 12


def _case():
    return Case.objects.get(year=2020, number=35)  # members, obligations, documents, plan


def _meeting():
    return Meeting.objects.get(body__code=BodyCode.RUN, date=datetime.date(2020, 3, 24))


PAGES = {
    # lists
    "case list": ("handlaggare", lambda: "/cases/", LIST),
    "case list, filters + search": (
        "handlaggare",
        lambda: "/cases/?kind=medfinansiering&year=2020&q=innovation&sort=applicant",
        LIST,
    ),
    "case list, search": ("handlaggare", lambda: "/cases/?q=innovation", LIST),
    "site search": ("handlaggare", lambda: "/cases/search/?q=innovation", LIST),
    "case list, page 2": ("handlaggare", lambda: "/cases/?page=2&state=open", LIST),
    "meetings": ("sekreterare", lambda: "/workflow/", LIST),
    "project list": ("handlaggare", lambda: "/cases/projects/", LIST),
    "organisation list": ("handlaggare", lambda: "/cases/organisations/", LIST),
    "e-diarium search": (None, lambda: "/e-diarium/?text=projekt", LIST),
    "e-diarium by party": (None, lambda: "/e-diarium/?party=kommun", LIST),
    "e-diarium by date": (None, lambda: "/e-diarium/?date_from=2019-01-01", LIST),
    "notice board": (None, lambda: "/anslagstavla/", LIST),
    "notice board archive": (None, lambda: "/anslagstavla/arkiv/", LIST),
    # detail pages
    "case page": ("handlaggare", lambda: _case().get_absolute_url(), DETAIL),
    "case page, läsare": ("lasare", lambda: _case().get_absolute_url(), DETAIL),
    "case page, controller": ("controller", lambda: _case().get_absolute_url(), DETAIL),
    "case page, project idea": (
        "handlaggare",
        lambda: Case.objects.filter(kind=CaseKind.PROJECT_IDEA).first().get_absolute_url(),
        DETAIL,
    ),
    "case history": ("handlaggare", lambda: f"{_case().get_absolute_url()}history/", DETAIL),
    "project": ("handlaggare", lambda: _case().project.get_absolute_url(), DETAIL),
    "organisation": (
        "handlaggare",
        lambda: _case().project.applicant.get_absolute_url(),
        DETAIL,
    ),
    "e-diarium case": (None, lambda: f"/e-diarium/{_case().pk}/", DETAIL),
    "notice": (None, lambda: f"/anslagstavla/{_meeting().pk}/", DETAIL),
    "report": ("handlaggare", lambda: "/reports/2022/", DETAIL),
    "meeting page": ("sekreterare", lambda: _meeting().get_absolute_url(), DETAIL),
    "start page": ("handlaggare", lambda: "/", LIST),
    "start page, controller": ("controller", lambda: "/", LIST),
    # the plan's room in the year's anslag in one query (financing.selectors.grant_room)
    "financing plan": ("controller", lambda: f"/finance/plans/{_case().project_id}/", DETAIL),
    # the grant, then its figures, every year's, the open commitments' page in one query
    "controller dashboard": ("controller", lambda: "/finance/?year=2022", LIST),
    # every source's tasks in one round trip (core.worklist.Pending), then the OSL markings
    # of the tasks' cases (titles masked for a user not allowed to see them)
    "Mina uppgifter": ("handlaggare", lambda: "/mina-uppgifter/", LIST),
    "Mina uppgifter, secretary": ("sekreterare", lambda: "/mina-uppgifter/", LIST),
    "Mina uppgifter, controller": ("controller", lambda: "/mina-uppgifter/", LIST),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_stays_within_its_query_budget(demo, client, django_assert_max_num_queries, page):
    username, url, most = PAGES[page]
    if username:
        client.force_login(demo.user(username))
    url = url()
    client.get(url)  # warm up the session and caches
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_case_page_queries_do_not_grow_with_the_case(demo, client):
    """More members, obligations, notes, history and paragraphs: the same queries."""
    officer = demo.user("handlaggare")
    client.force_login(officer)
    case = _case()
    url = case.get_absolute_url()
    client.get(url)
    before = _count(client, url)
    for i in range(5):
        services.obligation_create(user=officer, project=case.project, text=f"Villkor {i}")
        services.case_update(user=officer, case=case, data={"nyps_id": f"2020481{i}"})
        case.refresh_from_db()
    assert _count(client, url) == before <= DETAIL


def test_case_list_queries_do_not_grow_with_the_cases(demo, client):
    client.force_login(demo.user("handlaggare"))
    few = _count(client, "/cases/?year=2020")
    many = _count(client, "/cases/")
    assert Case.objects.filter(year=2020).count() < Case.objects.count()
    assert few == many <= LIST


@pytest.mark.django_db
def test_the_delegates_case_page_at_the_decision_point_is_within_budget(actors, client):
    """The delegationsordning is weighed once for the buttons and the route shown; the
    party's records (förvaltningslagen) are read with the page's other rows."""
    from decisions.workflow import communication
    from tests.decisions.workflow.factories import prepare_for, walk_cofinancing
    from tests.projects.factories import upload

    case = walk_cofinancing(actors, "ready_for_run")
    prepare_for(case, "delegation_reject_application", actors)
    statement = services.document_upload(
        user=actors.officer, case=case, file=upload("y.pdf", b"%PDF-1.4 y"), title="Yttrande"
    )
    communication.communicate(
        user=actors.officer,
        case=case,
        recipient="Sökanden",
        documents=[statement],
        reply_by=communication.default_reply_by(),
    )
    url = case.get_absolute_url()
    # every role that sees the decision point: the route, the bodies that decide and the
    # refusals naming them are read with the page's rows (the bodies' names are data)
    from decisions.meetings.services.bodies import body_get

    for code in ("run", "council", "board"):
        body_get(code)
    for user in (actors.director, actors.secretary, actors.officer):
        client.force_login(user)
        client.get(url)
        assert _count(client, url) <= DETAIL, user
