"""Fixtures every test folder shares, and how the suite runs in parallel.

``make test`` runs the suite on two pytest-xdist workers (``-n 2 --dist loadgroup``).
Each worker has its own test database (pytest-django appends the worker id:
``test_<name>_gw0``, ``test_<name>_gw1``) and every test its own media folder
(``tmp_path``). Tests that must not run at the same time as each other carry an
``xdist_group`` mark, and a group runs on one worker, one test after the other:

- ``services``: tests that start a server or process of their own: the browser journeys
  (a live server and Chromium, tests/e2e), real Celery workers (``celery_worker`` below,
  ``start_worker`` in tests/reliability) and private ``redis-server`` processes that a test
  stops and starts (``private_redis``). tests/reliability/test_parallel_groups.py checks
  that every test using those fixtures is in the group.
- ``connections``: the concurrency tests that open dozens of database connections at once
  (so that two of them never exhaust PostgreSQL's ``max_connections`` together).
- ``no_database``: every other test that needs no database (given in
  ``pytest_collection_modifyitems``): they run on one worker while the other migrates the
  run's template database (tests/template_db.py) instead of waiting for it.

The demo data (``load_demo``) is loaded once per session (per worker) for the tests that
only read it: the ``demo`` fixture and the security tests' ``world``
(tests/session_demo.py). Those tests run after all others, and the tests that need no
database before all others.
"""

import os
import uuid
from types import SimpleNamespace

import pytest
from django.conf import settings

from core.roles import Role
from core.seal import create_self_signed_seal
from tests.core.factories import user_with_role
from tests.parallel import name_groups_in_node_ids, xdist_groups
from tests.region_rules import ensure_region_rules
from tests.session_demo import SessionDemo
from tests.workers import SharedWorker

DEMO = pytest.StashKey[SessionDemo]()
NO_DATABASE_GROUP = "no_database"


def _uses_the_demo(item) -> bool:
    return "session_demo" in getattr(item, "fixturenames", ())


def _uses_the_database(item) -> bool:
    """Does the test need the test database (pytest-django's ``db``, ``transactional_db``,
    ``live_server``... all need ``django_db_setup``; a ``django_db`` mark asks for it)?"""
    return (
        "django_db_setup" in getattr(item, "fixturenames", ())
        or item.get_closest_marker("django_db") is not None
    )


def pytest_configure(config):
    # Every cached compile of a query (core.sqlcache) is checked against a fresh one: the
    # whole suite checks that the shapes of every page's queries key their SQL.
    settings.SQL_CACHE_VERIFY = os.environ.get("SQL_CACHE_VERIFY", "true") != "false"
    # Every form's standard widgets, rendered in Python (core.renderers), are checked
    # against Django's widget templates (the first renderings of each template).
    settings.FORM_RENDERER_VERIFY = True


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # First the tests without a database: under pytest-xdist they run on one worker while
    # another migrates the run's template database (tests/template_db.py), which would
    # otherwise leave that worker waiting. The tests that read the session's demo data run
    # last, one after the other.
    items[:] = sorted(items, key=lambda item: (_uses_the_demo(item), _uses_the_database(item)))
    if getattr(config.option, "loadgroup", False):  # on the workers of ``--dist loadgroup``
        # pytest-xdist hands out the largest groups first (services, connections: both need
        # the database); as a group of their own, the tests without a database go first to
        # the worker that does not migrate.
        for item in items:
            if not _uses_the_database(item) and not xdist_groups(item):
                item.add_marker(pytest.mark.xdist_group(NO_DATABASE_GROUP))
        name_groups_in_node_ids(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before a test that does not use the demo data: roll the demo back."""
    demo = item.config.stash.get(DEMO, None)
    if demo is not None and not _uses_the_demo(item):
        demo.close()


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """pytest-django's test database, except that the workers of a pytest-xdist run copy one
    migrated template instead of each migrating their own (tests/template_db.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    keepdb = django_db_keepdb and not django_db_createdb
    if (
        worker
        and settings.USING_POSTGRES
        and django_db_use_migrations
        and not keepdb
        and aliases == {"default"}
        and not serialized_aliases
    ):
        from tests.template_db import TemplateDatabase

        database = TemplateDatabase(worker, tmp_path_factory.getbasetemp().parent)
        with django_db_blocker.unblock():
            database.setup()
        yield
        with django_db_blocker.unblock():
            database.teardown()
        return
    # As pytest-django's own django_db_setup.
    if not django_db_use_migrations:
        _disable_migrations()
    from tests.template_db import faster_state_rendering

    with django_db_blocker.unblock(), faster_state_rendering():
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keepdb,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    """Transactional tests empty the database with DELETE, not TRUNCATE (tests/quick_flush.py)."""
    if not settings.USING_POSTGRES:
        yield
        return
    from tests import quick_flush

    quick_flush.install()
    yield
    quick_flush.uninstall()


@pytest.fixture(scope="session", autouse=True)
def _static_files_read_once():
    """WhiteNoise reads STATIC_ROOT once per run, not once per test client
    (tests/static_files.py)."""
    from tests import static_files

    static_files.install()
    yield
    static_files.uninstall()


def _rules_after_flush(sender, plan=None, **kwargs):
    """After a transactional test emptied the database (``flush`` sends ``post_migrate``
    without a plan), the migrations' rules are made again at once, committed, so that the
    tests after it find them instead of each making them in its own rolled-back
    transaction (0.3 s a test)."""
    if plan is None and sender.label == "projects":
        ensure_region_rules()


@pytest.fixture(scope="session", autouse=True)
def _region_rules_kept():
    from django.db.models.signals import post_migrate

    post_migrate.connect(_rules_after_flush, dispatch_uid="tests-region-rules")
    yield
    post_migrate.disconnect(dispatch_uid="tests-region-rules")


@pytest.fixture(scope="session")
def session_demo(django_db_setup, django_db_blocker, tmp_path_factory, pytestconfig):
    """The demo data of this session (tests/session_demo.py); tests use ``demo``."""
    demo = SessionDemo(django_db_blocker, tmp_path_factory.mktemp("demo-media"))
    pytestconfig.stash[DEMO] = demo
    yield demo
    demo.close()
    del pytestconfig.stash[DEMO]


@pytest.fixture(autouse=True, scope="class")
def _demo_before_the_test_transaction(request):
    """Loads the demo for a test that uses it before any function-scoped fixture runs, in
    particular before pytest-django opens the test's transaction (for a ``django_db`` mark
    as well as for ``db``). Class-scoped: set up before the function-scoped fixtures, and
    for a test function outside a class, once per test."""
    if _uses_the_demo(request.node):
        request.getfixturevalue("session_demo").ensure()


@pytest.fixture
def demo(request, session_demo, db, settings):
    """The demo data (``load_demo``), for tests that only read it: loaded once per session
    and each test rolled back (tests/session_demo.py). Files are in ``demo.media_root``."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        raise pytest.UsageError("the demo data cannot be used with transactional_db")
    assert session_demo.loaded
    settings.MEDIA_ROOT = session_demo.media_root
    return session_demo


SEAL_VARIABLES = (
    "SEAL_CERTIFICATE",
    "SEAL_KEY",
    "SEAL_KEY_PASSPHRASE",
    "SEAL_PKCS12_PASSPHRASE",
    "SEAL_TRUST_ROOTS",
    "SEAL_TIMESTAMP_URL",
)


@pytest.fixture(scope="session", autouse=True)
def seal_files(tmp_path_factory):
    """A throwaway self-signed seal (core.seal) for the whole run, as a deployment would
    configure the region's: the settings point at it, and so does the environment, for the
    Celery workers and servers that tests start as processes. Tests that need another seal
    (or none) change ``settings`` (the ``settings`` fixture restores these values)."""
    directory = tmp_path_factory.mktemp("seal")
    certificate, key = create_self_signed_seal(
        directory,
        name="Region Norrbotten",
        common_name="Region Norrbotten testsigill",
        key_size=2048,
        days=365,
    )
    values = dict.fromkeys(SEAL_VARIABLES, "")
    values.update(SEAL_CERTIFICATE=str(certificate), SEAL_KEY=str(key))
    before = {name: (getattr(settings, name), os.environ.get(name)) for name in values}
    for name, value in values.items():
        setattr(settings, name, value)
        os.environ[name] = value
    yield SimpleNamespace(certificate=certificate, key=key, directory=directory)
    for name, (setting, variable) in before.items():
        setattr(settings, name, setting)
        if variable is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = variable


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in-process unless a test asks for a real worker (``celery_worker``)."""
    from celery._state import _set_task_join_will_block

    from norrbotten_cases.celery import app

    # Celery marks "a result may not be awaited here" process-wide while an eager task
    # runs; eager tasks run at the same moment in a live server's request threads can leave
    # the mark set for the tests after (``.get()`` would then refuse to run).
    _set_task_join_will_block(False)
    eager = "celery_worker" not in request.fixturenames
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factories hash a password for every user; the production hasher is slow on purpose.
    The production hasher stays listed so the session demo's users (hashed when it was
    loaded) can still prove their password, e.g. when signing."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _swedish_ui():
    """Tests assert Swedish texts, whatever language an earlier test left active."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _region_rules(request):
    """The default rules (funding types, financing policy, delegationsordning, handling-time
    targets, OSL provisions, retention classes) that the data migrations create, again after
    a transactional test flushed the tables."""
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if not (transactional or "db" in names or marker is not None):
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    ensure_region_rules()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache (e.g. the public pages' rate limit counts,
    core.ratelimit, are per client IP, and the test client's IP is always the same)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(db):
    return user_with_role(Role.OFFICER, username="officer", first_name="Anna", last_name="Lindberg")


@pytest.fixture
def secretary(db):
    return user_with_role(
        Role.SECRETARY, username="secretary", first_name="Monica", last_name="Lejon"
    )


@pytest.fixture
def controller(db):
    return user_with_role(
        Role.CONTROLLER, username="controller", first_name="Erik", last_name="Holm"
    )


@pytest.fixture
def decision_maker(db):
    return user_with_role(
        Role.DECISION_MAKER, username="director", first_name="Lars", last_name="Wik"
    )


@pytest.fixture
def reader(db):
    return user_with_role(Role.READER, username="reader", first_name="Rut", last_name="Revisor")


@pytest.fixture
def director(db):
    """The development director: a beslutsfattare holding the delegation."""
    from tests.decisions.workflow.factories import delegate_user

    return delegate_user(username="utvecklingsdirektor", first_name="Lars", last_name="Wik")


@pytest.fixture
def actors(officer, secretary, director):
    """The users who move a case through the workflow (``walk`` in
    tests/decisions/workflow/factories.py)."""
    from tests.decisions.workflow.factories import Actors

    return Actors(officer, secretary, director)


@pytest.fixture
def role_users(officer, secretary, controller, decision_maker, reader):
    return {
        Role.OFFICER: officer,
        Role.SECRETARY: secretary,
        Role.CONTROLLER: controller,
        Role.DECISION_MAKER: decision_maker,
        Role.READER: reader,
    }


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api():
    """``api(user)``: a DRF test client authenticated as ``user`` with an API token, as the
    API's clients are (a new client per call)."""
    import uuid

    from rest_framework.test import APIClient

    from core.accounts import api_token_create

    def as_user(user):
        _row, token = api_token_create(user=user, name=f"test {uuid.uuid4().hex[:12]}")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return as_user


@pytest.fixture(scope="session")
def _shared_celery_worker(django_db_setup, tmp_path_factory):
    """The Celery worker process of this session's ``celery_worker`` tests
    (tests/workers.py ``SharedWorker``), stopped before the test database is dropped."""
    if not settings.CELERY_BROKER_URL:
        pytest.skip("CELERY_BROKER_URL is not set")
    shared = SharedWorker(tmp_path_factory.mktemp("celery-worker"), settings.CELERY_BROKER_URL)
    yield shared
    shared.stop()


@pytest.fixture
def celery_worker(transactional_db, _shared_celery_worker, settings):
    """A real Celery worker process (solo pool) on the shared Redis, consuming a queue
    private to this test; tasks the test sends go to that queue. The process is shared by
    the session's ``celery_worker`` tests (``_shared_celery_worker``): it consumes the
    test's queue from before the test until after it, when the task it runs (and one it
    had already taken) is finished. The test's MEDIA_ROOT is the worker's.

    Yields the ``tests.workers.Worker`` (``queue``, ``process``, ``log_path``, ``name``).
    """
    from norrbotten_cases.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    settings.MEDIA_ROOT = _shared_celery_worker.media_root
    worker = _shared_celery_worker.acquire(queue)
    try:
        yield worker
    finally:
        app.conf.task_default_queue = previous_queue
        _shared_celery_worker.release(worker, queue)


@pytest.fixture
def members(secretary):
    """RUN's members (seed 001), by name."""
    from tests.decisions.meetings.factories import committee

    return committee(secretary)
