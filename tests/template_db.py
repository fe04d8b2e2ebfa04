"""One migrated test database per run, copied for every pytest-xdist worker.

Migrating a test database costs about 25 s of CPU (the squashed migrations, then the
triggers pgtrigger installs after them; a minute before the squash), and with ``-n 2`` every worker used to migrate its own at
the same time on the same two cores. Instead the first worker to get here migrates
``test_<name>_template`` (under a lock file shared by the run's workers) and every worker
copies it into its own database (``test_<name>_gw0``: ``CREATE DATABASE ... TEMPLATE``,
which PostgreSQL does by copying files). The template is migrated afresh in every run
(a marker in the run's temporary folder says this run made it) and dropped by the worker
that finishes first; a worker that finds it gone (one started late) migrates it again.

Used by ``django_db_setup`` in tests/conftest.py for the PostgreSQL runs under pytest-xdist
with migrations and without ``--reuse-db``; anything else sets up the database as
pytest-django does.
"""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.db import connections
from django.db.migrations.state import StateApps
from django.db.models.signals import class_prepared

ALIAS = "default"


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def faster_state_rendering() -> Iterator[None]:
    """Two costs of migrating that do not change what it does. Migrating renders the models
    of the migrations' states over and over (about 22 000 model classes for this project's
    squashed migrations):

    - Django sends ``class_prepared`` for each; the receivers connected to it, one per
      history-tracked model (django-simple-history) and one per FSM field (django-fsm-2),
      are about a hundred, and every one returns at once for a model of a migration state
      (it is not their model, and has no transition methods): about 9 % of the CPU.
      Meanwhile the signal is not sent for models of a migration state (``StateApps``); for
      every other model it is sent as always.
    - Every relation's ``deconstruct`` asks the app registry which setting swaps its target
      (``AUTH_USER_MODEL``), a question about the project's real models, which do not
      change while migrating; Django caches the answer, but registering each state model
      clears that cache (it is shared by all registries), so the registry's models were
      searched 71 000 times. Meanwhile the answers are kept.
    """
    send = class_prepared.send

    def send_unless_state_model(sender, **named):
        if isinstance(sender._meta.apps, StateApps):
            return []
        return send(sender, **named)

    swappable_setting = global_apps.get_swappable_settings_name
    answers: dict[str, str | None] = {}

    def kept_swappable_setting(to_string: str) -> str | None:
        if to_string not in answers:
            answers[to_string] = swappable_setting(to_string)
        return answers[to_string]

    kept_swappable_setting.cache_clear = answers.clear  # type: ignore[attr-defined]

    class_prepared.send = send_unless_state_model  # type: ignore[method-assign]
    global_apps.get_swappable_settings_name = kept_swappable_setting  # type: ignore[method-assign]
    try:
        yield
    finally:
        del class_prepared.send  # the class's method again
        del global_apps.get_swappable_settings_name


def _exists(connection, name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _use(connection, name: str) -> None:
    connection.close()
    settings.DATABASES[ALIAS]["NAME"] = name
    connection.settings_dict["NAME"] = name


class TemplateDatabase:
    """The worker's test database, copied from the run's migrated template."""

    def __init__(self, worker: str, shared_dir: Path, verbosity: int = 0):
        self.connection = connections[ALIAS]
        self.shared_dir = shared_dir
        self.verbosity = verbosity
        self.old_name = self.connection.settings_dict["NAME"]
        # pytest-django has put the worker's suffix on the test database's name.
        self.name = self.connection.creation._get_test_db_name()
        self.template = self.name.removesuffix(f"_{worker}") + "_template"
        self._lock = shared_dir / "test-db-template.lock"
        self._ready = shared_dir / "test-db-template.ready"

    def setup(self) -> None:
        connection = self.connection
        with file_lock(self._lock):
            if not (self._ready.exists() and _exists(connection, self.template)):
                self._migrate_template()
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                cursor.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')
        _use(connection, self.name)
        connection.ensure_connection()

    def _migrate_template(self) -> None:
        connection = self.connection
        test = connection.settings_dict["TEST"]
        test["NAME"] = self.template
        try:
            # Creates the template (dropping one left by an earlier run) and migrates it.
            with faster_state_rendering():
                connection.creation.create_test_db(
                    verbosity=self.verbosity, autoclobber=True, serialize=False
                )
        finally:
            test["NAME"] = self.name
            _use(connection, self.old_name)  # no session may stay open on a template
        self._ready.write_text(self.template)

    def teardown(self) -> None:
        self.connection.creation.destroy_test_db(self.old_name, self.verbosity)
        with file_lock(self._lock), self.connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.template}"')
