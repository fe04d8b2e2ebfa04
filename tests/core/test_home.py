"""The start page gathers each role's panels from the apps."""

import pytest

from tests.core.factories import user_with_role
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


# +5 for the officer's "Mina uppgifter" panel (conditions, handling-time targets, cases,
# protocols to sign, returned plans); the controller's fits within its margin.
@pytest.mark.parametrize(("username", "most"), [("handlaggare", 20), ("controller", 16)])
def test_start_page_on_the_demo_data_stays_within_its_query_count(
    demo, client, django_assert_max_num_queries, username, most
):
    """Measured on the demo data (open cases, queues, meetings, plans, the anslag) with a
    small margin."""
    client.force_login(demo.user(username))
    client.get("/")  # warm up the session and caches
    with django_assert_max_num_queries(most):
        assert client.get("/").status_code == 200
