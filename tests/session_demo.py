"""The demo data (``manage.py load_demo``), loaded once per test session for the tests that
only read it (the ``demo`` fixture and the security tests' ``world``, tests/conftest.py).

``SessionDemo.ensure()`` loads the demo inside a transaction that stays open; every test
then runs in a savepoint inside it (pytest-django's ``db``) that is rolled back after the
test, so the tests see the demo as loaded and never each other's changes. The transaction
is rolled back as soon as a test that does not use the demo is about to run, so no other
test sees the demo and no ``transactional_db`` test (which empties the database) runs
inside it; a later test that uses the demo loads it again. tests/conftest.py runs the
tests that use the demo after all the others, so it is loaded once per session (once per
pytest-xdist worker).

Tests of the loaders themselves (what they create, print, and that a second run creates
nothing) call them on their own empty database instead.
"""

import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import translation

from tests.region_rules import ensure_region_rules

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class SessionDemo:
    """The demo loaded in a transaction of this worker's test database (see the module)."""

    def __init__(self, blocker, media_root: Path):
        self._blocker = blocker
        self.media_root = media_root  # the demo's documents and generated PDFs
        self._atomic = None
        self.loads = 0  # how often the demo was loaded in this session

    @property
    def loaded(self) -> bool:
        return self._atomic is not None

    def ensure(self) -> None:
        """Load the demo unless it is loaded; open no test transaction before this."""
        if self._atomic is not None:
            return
        from norrbotten_cases.celery import app

        with self._blocker.unblock():
            assert not connection.in_atomic_block, (
                "the demo must be loaded before the test's transaction starts"
            )
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            eager = app.conf.task_always_eager
            app.conf.task_always_eager = True
            try:
                with (
                    override_settings(MEDIA_ROOT=self.media_root, PASSWORD_HASHERS=FAST_HASHERS),
                    translation.override("sv"),
                ):
                    # an earlier transactional test may have flushed the migrations' rules
                    ensure_region_rules()
                    call_command("load_demo", stdout=io.StringIO())
            except BaseException:
                self._rollback()
                raise
            finally:
                app.conf.task_always_eager = eager
        self.loads += 1

    def close(self) -> None:
        """Roll the demo back (the next test does not use it)."""
        if self._atomic is None:
            return
        with self._blocker.unblock():
            assert len(connection.atomic_blocks) == 1, (
                "a transaction is still open inside the demo's (a fixture of wider scope?)"
            )
            self._rollback()

    def _rollback(self) -> None:
        transaction.set_rollback(True)
        atomic, self._atomic = self._atomic, None
        atomic.__exit__(None, None, None)

    @staticmethod
    def user(username: str):
        """A demo user: handlaggare, handlaggare2, sekreterare, controller, direktor,
        ordforande, justerare, lasare (projects/demo.py)."""
        return get_user_model().objects.get(username=username)
