"""The start page gathers each role's panels from the apps."""

import datetime

import pytest
from django.utils import timezone

from decisions.meetings import services as svc
from tests.core.factories import user_with_role
from tests.decisions.meetings.factories import committee, held_meeting, run_body
from tests.projects.factories import register_case


@pytest.mark.django_db
def test_officer_sees_own_open_cases_queues_and_meetings(client_for, officer):
    case = register_case(officer=officer)
    page = client_for(officer).get("/").content.decode()
    assert "Mina öppna ärenden" in page
    assert case.dnr in page
    assert "Arbetsköer" in page and "Klara för RUN" in page
    assert "Sammanträden" in page
    assert "Finansieringsplaner att granska" not in page


@pytest.mark.django_db
def test_controller_sees_plans_to_review_and_the_grant(client_for, controller):
    page = client_for(controller).get("/").content.decode()
    assert "Finansieringsplaner att granska" in page
    assert "Anslag 1:1" in page
    assert "Mina öppna ärenden" not in page


@pytest.mark.django_db
def test_reader_sees_no_work_queues(client_for, reader):
    page = client_for(reader).get("/").content.decode()
    assert "Arbetsköer</h2>" not in page
    assert "Mina öppna ärenden" not in page


@pytest.mark.django_db
def test_user_without_role_is_told_so(client_for):
    page = client_for(user_with_role("ingen", username="norole")).get("/").content.decode()
    assert "Du har ingen roll" in page


@pytest.mark.django_db
def test_start_page_query_count_does_not_grow_with_cases(
    client_for, officer, django_assert_max_num_queries
):
    client = client_for(officer)
    for _ in range(3):
        register_case(officer=officer)
    with django_assert_max_num_queries(30) as small:
        client.get("/")
    for _ in range(12):
        register_case(officer=officer)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/")


@pytest.mark.django_db
def test_navigation_marks_work_queues_on_workflow_pages(client_for, officer):
    page = client_for(officer).get("/workflow/queues/").content.decode()
    assert 'href="/workflow/queues/" aria-current="page"' in page


@pytest.mark.django_db
def test_panels_show_their_first_rows_and_count_them_all(client_for, officer):
    cases = [register_case(officer=officer) for _ in range(10)]
    page = client_for(officer).get("/").content.decode()
    panel = page[page.index("Mina öppna ärenden") : page.index("Alla mina ärenden")]
    assert '<span class="badge">10</span>' in panel  # all ten counted
    shown = [case for case in cases if case.dnr in panel]
    assert len(shown) == 8  # the panel lists the first eight


@pytest.mark.django_db
def test_meetings_panel_shows_the_latest_when_none_is_coming(client_for, officer, secretary):
    held = held_meeting(secretary, committee(secretary), date=datetime.date(2020, 3, 24))
    page = client_for(officer).get("/").content.decode()
    assert "Inga planerade sammanträden." in page
    assert "Senaste" in page and held.get_absolute_url() in page
    coming = svc.meeting_create(
        user=secretary,
        body=run_body(),
        date=timezone.localdate() + datetime.timedelta(days=7),
        start_time=datetime.time(9, 0),
    )
    page = client_for(officer).get("/").content.decode()
    assert coming.get_absolute_url() in page
    assert "Senaste" not in page and held.get_absolute_url() not in page


# Every panel's rows in one round trip (core.batch.Pending), then what depends on them: the
# markings that mask task titles, the year's anslag figures.
@pytest.mark.parametrize(("username", "most"), [("handlaggare", 8), ("controller", 8)])
def test_start_page_on_the_demo_data_stays_within_its_query_count(
    demo, client, django_assert_max_num_queries, username, most
):
    """Measured on the demo data (open cases, queues, meetings, plans, the anslag) with a
    small margin."""
    client.force_login(demo.user(username))
    client.get("/")  # warm up the session and caches
    with django_assert_max_num_queries(most):
        assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_navigation_marks_cases_on_the_pages_about_one_case(client_for, officer):
    case = register_case(officer=officer)
    page = client_for(officer).get(f"/workflow/cases/{case.pk}/proposal/").content.decode()
    assert 'href="/cases/" aria-current="page"' in page
    assert 'href="/workflow/queues/" aria-current="page"' not in page
