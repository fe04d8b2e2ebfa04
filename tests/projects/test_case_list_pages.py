"""The case list's pages: rows chosen by key before they are joined
(``core.batch.rows_by_key``) are the rows and the order of slicing the list as it is,
for searches, sort orders, a marked case and users allowed or not to see it; the count
up to a cap (``core.pagination.CountAheadPaginator``) keeps every row reachable."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from core import batch
from core.pagination import CappedPaginator, CountAheadPaginator
from core.roles import Role
from projects import selectors, services
from projects import views as project_views
from projects.filters import SORTS, CaseFilter
from projects.models import Case, CaseKind, RusArea
from tests.core.factories import user_with_role
from tests.projects.factories import OrganisationFactory, ProjectFactory, register_case

pytestmark = pytest.mark.django_db
URL = reverse("projects:case_list")
SECRET_WORD = "kvantdatorn"  # only in the marked case's texts


@pytest.fixture
def other_officer(db):
    return user_with_role(Role.OFFICER, username="kristina", first_name="Kristina")


@pytest.fixture
def register(officer, other_officer):
    """Eleven cases: "innovation" in some titles and texts, once or several times (ranks
    apart and ranks tied), two years, two kinds, two officers, applicants with the same
    name and none, equal and missing amounts; one case marked secret as a whole, whose
    texts alone hold ``SECRET_WORD``."""
    cases = []
    names = ["Luleå tekniska universitet", "Arctic Business", "Piteå kommun"]
    organisations = [OrganisationFactory(name=name) for name in names]
    for i in range(10):
        applicant = organisations[i % 3] if i % 5 else None
        project = ProjectFactory(
            title=f"Projekt {'innovation ' * (i % 3)}{i}",
            applicant=applicant,
            owner=applicant or OrganisationFactory(),
            requested_amount=Decimal(500000 + 100000 * (i % 4)),
            summary="Innovation och samverkan. " * (i % 4) + "Företag i länet.",
        )
        case = register_case(
            officer=officer if i % 2 else other_officer,
            kind=CaseKind.PROJECT_IDEA if i % 3 == 2 else CaseKind.CO_FINANCING,
            registered_on=datetime.date(2020 + i % 2, 3, 1 + i),
            title=f"Ärende {i} om {'innovation' if i % 4 else 'turism'}",
            project=project,
        )
        if i % 4 == 1:
            Case.objects.filter(pk=case.pk).update(granted_amount=Decimal(300000 * (i % 3)))
        cases.append(case)
    marked = register_case(
        officer=officer,
        registered_on=datetime.date(2021, 4, 1),
        title="Ärende om innovation i industrin",
        project=ProjectFactory(
            title="Industriprojekt",
            summary=f"Innovation med {SECRET_WORD} för gruvorna.",
            requested_amount=Decimal("700000"),
        ),
    )
    services.secrecy_mark(user=officer, case=marked, note="Affärsförhållanden")
    return {"cases": cases, "marked": marked}


def _filtered(user, rf, params: dict):
    request = rf.get(URL, params)
    request.user = user
    case_filter = CaseFilter(
        request.GET or None, queryset=selectors.case_table_queryset(), request=request
    )
    assert not case_filter.is_bound or case_filter.form.is_valid(), case_filter.form.errors
    return case_filter.qs if case_filter.is_bound else case_filter.queryset


def _seen(rows) -> list[tuple]:
    """What a row shows and what orders it."""
    return [
        (
            case.pk,
            case.dnr,
            getattr(case, "search_rank", None),
            getattr(case, "search_secret", None),
            case.project.applicant.name if case.project.applicant else None,
            case.officer.username,
        )
        for case in rows
    ]


QUERIES = ["", "innovation", SECRET_WORD, "innovation företag", "innov", "00003-2021"]
ORDERS = ["", *SORTS, *(f"-{key}" for key in SORTS)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ranked search needs PostgreSQL")
def test_rows_chosen_by_key_are_the_rows_of_the_slice_in_its_order(
    register, officer, other_officer, decision_maker, reader, rf
):
    users = {"own officer": officer, "other officer": other_officer}
    users |= {"allowed": decision_maker, "reader": reader}
    compared = 0
    # Every search and order for a user who sees the marked case and one who does not; for
    # the other two (allowed by their role, not allowed though an officer) the search's own
    # order and one column both ways. The filters (which narrow the same rows) with those.
    short = [*ORDERS[:2], f"-{ORDERS[1]}"]
    combinations = [
        ((label, user), text, sort, extra)
        for label, user in users.items()
        for text in QUERIES
        for sort, extra in [
            *((sort, {}) for sort in (ORDERS if label in ("own officer", "reader") else short)),
            *(
                (sort, extra)
                for sort in short
                for extra in ({"kind": CaseKind.CO_FINANCING}, {"year": "2021"})
            ),
        ]
    ]
    for (label, user), text, sort, extra in combinations:
        params = {"q": text, "sort": sort, **extra}
        queryset = _filtered(user, rf, {k: v for k, v in params.items() if v})
        every = list(queryset)
        assert len(every) == queryset.count()
        for start in range(0, len(every) + 3, 3):
            rows = list(batch.rows_by_key(queryset, start, start + 3))
            assert _seen(rows) == _seen(every[start : start + 3]), (label, params)
            compared += 1
        capped = CountAheadPaginator(queryset, 3, cap=4)
        page = batch.paginate(capped, 2)  # counted up to row 3 + 4
        second = every[3:6] if len(every) > 3 else every[:3]  # else the last
        assert _seen(page) == _seen(second), (label, params)
        assert capped.capped == (len(every) > 3 + 4)
        assert capped.count == min(len(every), 3 + 4)
        # counted with the rows (a search): exact
        counted = CountAheadPaginator(queryset, 3, cap=4)
        page = batch.paginate(counted, 2, count_with_rows=True)
        assert _seen(page) == _seen(second), (label, params)
        assert counted.count == len(every) and not counted.capped
    assert compared > 300
    marked = register["marked"].dnr

    def found(user, text):
        return [case.dnr for case in _filtered(user, rf, {"q": text})]

    # the marked case is found by its marked word only by users allowed to see it
    assert found(officer, SECRET_WORD) == [marked] == found(decision_maker, SECRET_WORD)
    assert found(other_officer, SECRET_WORD) == [] == found(reader, SECRET_WORD)


def test_rows_by_key_slices_a_distinct_list_as_it_is(register, officer, rf):
    """A RUS-area filter reads the list with DISTINCT: sliced as before."""
    queryset = _filtered(officer, rf, {"state": "open"})
    assert "IN (SELECT" in str(batch.rows_by_key(queryset, 0, 3).query)
    distinct = queryset.distinct()
    assert "IN (SELECT" not in str(batch.rows_by_key(distinct, 0, 3).query)
    assert list(batch.rows_by_key(distinct, 3, 6)) == list(distinct[3:6])


def test_rows_by_key_keeps_the_conditions_of_a_list_joined_to_many_rows(register):
    """A condition on a to-many relation without DISTINCT (a case per matching area)."""
    first, second = (RusArea.objects.create(name=name) for name in ("Område A", "Område B"))
    for case in register["cases"][:4]:
        case.project.rus_areas.add(first, second)
    queryset = Case.objects.filter(project__rus_areas__name="Område A").order_by("-pk")
    assert "IN (SELECT" in str(batch.rows_by_key(queryset, 0, 3).query)
    for start in (0, 2):
        assert list(batch.rows_by_key(queryset, start, start + 2)) == list(
            queryset[start : start + 2]
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="counted with the rows in PostgreSQL")
def test_a_search_is_counted_with_its_rows_in_one_query(
    register, officer, client_for, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(project_views, "CASES_PER_PAGE", 3)
    monkeypatch.setattr(project_views, "CASE_COUNT_CAP", 2)
    client = client_for(officer)
    params = {"q": "innovation"}
    expected = [case.dnr for case in _filtered(officer, RequestFactory(), params)]
    assert len(expected) > 3
    client.get(URL, params)
    # session, user, roles, the years of the filter; then one query: the page's keys and
    # the count, its rows, the filter form's officers and RUS areas, the saved filters
    with django_assert_num_queries(5) as queries:
        first = client.get(URL, params)
    assert sum("_batch_page" in query["sql"] for query in queries.captured_queries) == 1
    (together,) = [q["sql"] for q in queries.captured_queries if "_batch_page" in q["sql"]]
    assert '"projects_rusarea"' in together and '"auth_group"' in together
    body = first.content.decode()
    # exact, past the cap: every match is read to rank them anyway
    assert f"{len(expected)} ärenden" in body and "Över" not in body
    seen = []
    for number in range(1, (len(expected) + 2) // 3 + 1):
        seen += _page_rows(client.get(URL, {**params, "page": number}))
    assert seen == expected


def test_a_count_with_a_limit_stops_there(register):
    every = Case.objects.all()
    for limit in (1, 5, 11, 12, 50):
        counted = batch.count_queryset(every, limit=limit)
        batch.fetch_together(counted, Case.objects.filter(pk=0))
        assert list(counted) == [min(limit, 11)]
    nothing = batch.count_queryset(Case.objects.none().filter(year=1900), limit=5)
    assert list(nothing) in ([], [0])
    assert batch.count_queryset(Case.objects.filter(year=1900), limit=5)[0] == 0


def test_the_count_ahead_paginator_counts_from_the_page_asked_for(register):
    every = Case.objects.order_by("-year", "-number")
    paginator = CountAheadPaginator(every, 2, cap=3)
    page = paginator.get_page(1)  # counts 4 rows: more than 3
    assert paginator.capped and paginator.count == 3 and page.has_next()
    later = CountAheadPaginator(every, 2, cap=3)
    page = later.get_page(5)  # rows 9-10 of 11, counted from row 9: 3 more
    assert not later.capped and later.count == 11 and page.number == 5
    assert list(page) == list(every[8:10])
    beyond = CountAheadPaginator(every, 2, cap=3).get_page(40)  # past the end: the last
    assert beyond.number == 6 and list(beyond) == list(every[10:])
    # not a number: the first page; below 1: the last counted (as Paginator.get_page)
    for number, shown in (("x", 1), (None, 1), ("-3", 2), (10**9, 6)):
        assert CountAheadPaginator(every, 2, cap=3).get_page(number).number == shown
    # the fixed cap of the e-diarium as before
    fixed = CappedPaginator(every, 2, cap=3)
    assert fixed.capped and fixed.count == 3 and fixed.num_pages == 2


def _page_rows(response) -> list[str]:
    return [case.dnr for case in response.context["page"]]


def test_every_case_is_reached_page_by_page_past_the_cap(
    register, officer, client_for, monkeypatch
):
    monkeypatch.setattr(project_views, "CASES_PER_PAGE", 3)
    monkeypatch.setattr(project_views, "CASE_COUNT_CAP", 4)
    client = client_for(officer)
    expected = [case.dnr for case in Case.objects.order_by("-year", "-number")]
    assert len(expected) == 11
    seen, number = [], 1
    while True:
        response = client.get(URL, {"page": number})
        body = response.content.decode()
        seen += _page_rows(response)
        heading = re.search(r'case-results__count"[^>]*>\s*([^<·]+)', body)[1].strip()
        if response.context["page"].paginator.capped:
            assert heading == "Över 4 ärenden"
            assert f"Sida {number}<" in body.replace("</span>", "<")
        else:
            assert heading == "11 ärenden"
            assert f"Sida {number} av 4" in body
        if not response.context["page"].has_next():
            break
        assert f"page={number + 1}" in body
        number += 1
    assert seen == expected and number == 4
    # a page past the end: the last, counted to the end
    response = client.get(URL, {"page": 99})
    assert _page_rows(response) == expected[9:]
    # below the cap: the exact count, as before
    response = client.get(URL, {"kind": CaseKind.PROJECT_IDEA})
    assert response.context["page"].paginator.count == 3
    assert "3 ärenden" in response.content.decode()


def test_mina_arenden_counts_every_open_case_of_mine(register, officer, client_for, monkeypatch):
    monkeypatch.setattr(project_views, "CASE_COUNT_CAP", 2)
    mine = Case.objects.filter(officer=officer).count()
    assert mine > 2
    response = client_for(officer).get(URL)
    assert response.context["my_open_count"] == mine
