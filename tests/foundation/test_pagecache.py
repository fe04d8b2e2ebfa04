"""The page store (norrbotten_cases.pagecache): served again only while the data is current.

Transactional tests: the store is only used outside a transaction, as in production.
"""

import re

import psycopg
import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from norrbotten_cases import pagecache
from projects.models import Case
from projects.roles import Role
from tests.factories import register_case, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
ANY_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


@pytest.fixture(autouse=True)
def _empty_store():
    caches[pagecache.CACHE_ALIAS].clear()
    yield
    caches[pagecache.CACHE_ALIAS].clear()


@pytest.fixture
def case(officer):
    return register_case(officer=officer, title="Testbädd för hållbar gruvdrift")


def _get(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


def _stored_then_served(store_client, serve_client, path):
    """The page made for ``store_client``, then served to ``serve_client`` from the store.

    Served from the store means 3 queries: session, user, snapshot. The snapshot is the
    whole PostgreSQL cluster's, so a commit by another process in between (another test
    database, autovacuum's analyze) rightly makes a fresh page: then try again.
    """
    for _attempt in range(20):
        first, _count = _get(store_client, path)
        second, count = _get(serve_client, path)
        if count == 3:
            return first, second
    pytest.fail("never served from the store: the cluster kept changing")


def _other_connection(**kwargs):
    """A second database connection, as a Celery worker or psql would have."""
    params = connection.get_connection_params()
    return psycopg.connect(
        dbname=params["dbname"],
        user=params.get("user"),
        host=params.get("host"),
        port=params.get("port"),
        **kwargs,
    )


def _text(response) -> str:
    return response.content.decode()


def test_a_repeated_page_is_served_from_the_store_with_the_same_content(client_for, officer, case):
    client = client_for(officer)
    path = case.get_absolute_url()
    _first, first_queries = _get(client, path)
    assert first_queries > 10
    first, second = _stored_then_served(client, client, path)
    assert ANY_TOKEN.sub("", _text(first)) == ANY_TOKEN.sub("", _text(second))
    assert "Testbädd för hållbar gruvdrift" in _text(second)


def _rename_case_without_signals(case, officer):
    Case.objects.filter(pk=case.pk).update(title="Ändrat ärende")


def _rename_case_from_another_connection(case, officer):
    """As a Celery worker, the admin on another server or psql would: unseen by this process."""
    with _other_connection(autocommit=True) as other:
        other.execute(
            "UPDATE projects_case SET title = %s WHERE id = %s", ["Ändrat ärende", case.pk]
        )


def _rename_user(case, officer):
    type(officer).objects.filter(pk=officer.pk).update(first_name="Annika")


@pytest.mark.parametrize(
    "change, expected",
    [
        (_rename_case_without_signals, "Ändrat ärende"),
        (_rename_case_from_another_connection, "Ändrat ärende"),
        (_rename_user, "Annika Lindberg"),
    ],
)
def test_a_change_is_shown_at_once(change, expected, client_for, officer, case):
    client = client_for(officer)
    path = case.get_absolute_url()
    _stored_then_served(client, client, path)
    change(case, officer)
    response, count = _get(client, path)
    assert count > 3
    assert expected in _text(response)


def test_an_uncommitted_change_elsewhere_is_not_shown_and_its_commit_is(client_for, officer, case):
    client = client_for(officer)
    path = case.get_absolute_url()
    with _other_connection() as other:
        other.execute(
            "UPDATE projects_case SET title = %s WHERE id = %s", ["Ännu inte sparat", case.pk]
        )
        response, _count = _get(client, path)  # stored while the other transaction is open
        assert "Ännu inte sparat" not in _text(response)
        other.commit()
    response, _count = _get(client, path)
    assert "Ännu inte sparat" in _text(response)


def test_each_user_gets_a_page_made_for_them(client_for, client, officer, reader, case):
    path = case.get_absolute_url()
    edit = reverse("projects:case_edit", args=[case.pk])
    officer_page, _count = _get(client_for(officer), path)
    assert edit in _text(officer_page)
    reader_client = Client()
    reader_client.force_login(reader)
    reader_page, count = _get(reader_client, path)
    assert count > 3  # not the officer's stored page
    assert edit not in _text(reader_page)
    assert "Rut Revisor" in _text(reader_page) and "Rut Revisor" not in _text(officer_page)


def test_a_role_taken_away_is_refused_at_once(client_for, officer, case):
    client = client_for(officer)
    path = case.get_absolute_url()
    _stored_then_served(client, client, path)
    officer.groups.clear()
    assert client.get(path).status_code == 403


def test_the_language_is_part_of_the_page(client_for, officer, case):
    client = client_for(officer)
    path = case.get_absolute_url()
    swedish, _count = _get(client, path)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, _count = _get(client, path)
    assert '<html lang="sv">' in _text(swedish)
    assert '<html lang="en">' in _text(english)
    assert "Ändra ärendet" in _text(swedish) and "Ändra ärendet" not in _text(english)


def test_a_stored_page_carries_the_requesting_sessions_csrf_token(officer, case):
    """Two sessions of the same user: each gets a token for its own CSRF secret."""
    path = case.get_absolute_url()
    first = Client(enforce_csrf_checks=True)
    first.force_login(officer)
    second = Client(enforce_csrf_checks=True)
    second.force_login(officer)  # a write: log both in before the page is stored
    _first_page, page = _stored_then_served(first, second, path)
    tokens = set(TOKEN.findall(_text(page)))
    assert tokens
    secret = second.cookies[settings.CSRF_COOKIE_NAME].value
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert first.cookies[settings.CSRF_COOKIE_NAME].value != secret
    # The token works: the language switch is a POST guarded by CSRF.
    response = second.post(
        reverse("set_language"),
        {"language": "en", "next": path, "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code == 302


def test_pages_with_messages_are_not_stored(client_for, officer, case):
    client = client_for(officer)
    path = case.get_absolute_url()
    edit = reverse("projects:case_edit", args=[case.pk])
    form = client.get(edit).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["title"] = "Sparat med meddelande"
    response = client.post(edit, data, follow=True)
    assert "Ärendet sparades." in _text(response)
    again, count = _get(client, path)
    assert "Ärendet sparades." not in _text(again)
    assert "Sparat med meddelande" in _text(again)
    assert count > 3


def test_refusals_and_missing_pages_are_not_stored(client_for, officer):
    client = client_for(officer)
    missing = reverse("projects:case_detail", args=[999999])
    assert client.get(missing).status_code == 404
    assert client.get(missing).status_code == 404
    assert len(caches[pagecache.CACHE_ALIAS]._cache) == 0


def test_nothing_is_stored_inside_a_transaction(officer, case):
    assert pagecache.data_version() is not None
    with transaction.atomic():
        assert pagecache.data_version() is None
    connection.set_autocommit(False)
    try:
        assert pagecache.data_version() is None
    finally:
        connection.rollback()
        connection.set_autocommit(True)


def test_the_raw_query_string_is_part_of_the_key(rf, officer):
    """Two spellings with the same get_full_path() but different request.GET."""
    raw = rf.get("/cases/", QUERY_STRING="q=\xc6\x80")
    encoded = rf.get("/cases/", QUERY_STRING="q=%C3%86%C2%80")
    assert raw.get_full_path() == encoded.get_full_path()
    assert raw.GET["q"] != encoded.GET["q"]
    for request in (raw, encoded):
        request.user = officer
    assert pagecache.page_key(raw, "v") != pagecache.page_key(encoded, "v")


@pytest.mark.parametrize("setting", ["PAGE_CACHE", "DEBUG"])
def test_the_store_can_be_turned_off(setting, client_for, officer, case, settings):
    setattr(settings, setting, setting == "DEBUG")
    client = client_for(officer)
    path = case.get_absolute_url()
    _get(client, path)
    _response, count = _get(client, path)
    assert count > 3
    assert len(caches[pagecache.CACHE_ALIAS]._cache) == 0


def test_a_changed_setting_empties_the_store(client_for, officer, case, settings):
    client = client_for(officer)
    _stored_then_served(client, client, case.get_absolute_url())
    settings.REGION_SHARE_POLICY_CAP_PERCENT = 40
    assert len(caches[pagecache.CACHE_ALIAS]._cache) == 0


@pytest.mark.parametrize(
    "name, expected",
    [
        ("projects:case_list", "Omdöpt ärende"),
        ("projects:project_list", "Omdöpt projekt"),
        ("decisions:index", None),
        ("financing:dashboard", None),
    ],
)
def test_the_other_stored_pages_follow_the_data(name, expected, case):
    from django.contrib.auth.models import Group

    user = user_with_role(Role.CONTROLLER, username="ctrl", first_name="Erik", last_name="Holm")
    user.groups.add(*Group.objects.all())
    client = Client()
    client.force_login(user)
    path = reverse(name)
    _stored_then_served(client, client, path)
    type(case.project).objects.filter(pk=case.project_id).update(title="Omdöpt projekt")
    Case.objects.filter(pk=case.pk).update(title="Omdöpt ärende")
    response, count = _get(client, path)
    assert count > 3  # made again
    if expected:
        assert expected in _text(response)
