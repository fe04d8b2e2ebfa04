"""The security tests share one populated database (``world``): the session's demo data
(tests/session_demo.py) plus what the pages need in every state, built once per run of the
package in a savepoint that is rolled back when the package is done; each test runs in a
savepoint inside it, as usual with the ``db`` fixture.
"""

import pytest
from django.db import transaction
from django.test.utils import override_settings

from norrbotten_cases.celery import app as celery_app
from tests.session_demo import FAST_HASHERS


@pytest.fixture(autouse=True)
def _world_media_root(request, settings):
    """The world's files live beside the demo's, in one folder for the session."""
    if "world" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("session_demo").media_root


@pytest.fixture(scope="package")
def world(session_demo, django_db_blocker):
    from django.utils import translation

    from tests.security.world import build_world

    session_demo.ensure()
    overrides = override_settings(MEDIA_ROOT=session_demo.media_root, PASSWORD_HASHERS=FAST_HASHERS)
    eager = celery_app.conf.task_always_eager
    with django_db_blocker.unblock():
        overrides.enable()
        celery_app.conf.task_always_eager = True
        translation.activate("sv")
        savepoint = transaction.atomic()
        savepoint.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            savepoint.__exit__(None, None, None)
            raise
        finally:
            translation.deactivate()
            celery_app.conf.task_always_eager = eager
            overrides.disable()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        savepoint.__exit__(None, None, None)
    assert session_demo.loaded


@pytest.fixture
def as_role(client, world):
    """``as_role("reader")``: the test client logged in as the world's user of that role
    (``"anonymous"``: logged out)."""

    def login(key):
        client.logout()
        if key != "anonymous":
            client.force_login(world.users[key])
        return client

    return login
