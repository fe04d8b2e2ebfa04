"""The security tests share one populated database (``world``), built once per run of the
package inside a transaction that is rolled back when the package is done; each test
runs in a savepoint inside it, as usual with the ``db`` fixture.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import override_settings

from norrbotten_cases.celery import app as celery_app


@pytest.fixture(scope="package")
def _security_media(tmp_path_factory):
    return tmp_path_factory.mktemp("security-media")


@pytest.fixture(autouse=True)
def _media_root(settings, _security_media):
    """The world's files live in one folder for the whole package (not one per test)."""
    settings.MEDIA_ROOT = _security_media


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, _security_media):
    from django.utils import translation

    from tests.security.world import build_world

    overrides = override_settings(
        MEDIA_ROOT=_security_media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    eager = celery_app.conf.task_always_eager
    with django_db_blocker.unblock():
        overrides.enable()
        celery_app.conf.task_always_eager = True
        translation.activate("sv")
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
        finally:
            translation.deactivate()
            celery_app.conf.task_always_eager = eager
            overrides.disable()
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
        assert not connection.in_atomic_block


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
