"""The squashed migrations: each app's history as one migration (``replaces``), which a new
database runs instead of the replaced ones; a database that has run the replaced ones goes
on from them. The squashed migration must create what the replaced ones created: the
tables (``makemigrations --check`` in ``make test`` compares the states) and what the
models do not declare: the rows the data migrations seed (their operations run again here on
emptied tables) and the PostgreSQL objects they create (found in this run's database, which
the squashed migrations made)."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from django.db.migrations.recorder import MigrationRecorder

from core.roles import Role

APPS = ("core", "projects", "decisions", "financing", "reporting")


def _files(app: str) -> set[str]:
    folder = Path(apps.get_app_config(app).path) / "migrations"
    return {path.stem for path in folder.glob("[0-9]*.py")}


@pytest.mark.parametrize("app", APPS)
def test_every_migration_is_squashed_or_comes_after_the_squash(app):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    squashed = [
        key
        for key, migration in loader.disk_migrations.items()
        if key[0] == app and migration.replaces
    ]
    assert len(squashed) == 1, squashed
    replaces = {name for _app, name in loader.disk_migrations[squashed[0]].replaces}
    later = _files(app) - replaces - {squashed[0][1]}
    for name in later:  # a migration made after the squash builds on it
        assert squashed[0] in loader.graph.forwards_plan((app, name)), name
    # a new database runs the squashed migration, not the ones it replaces
    planned = {key for key in loader.graph.nodes if key[0] == app}
    assert squashed[0] in planned
    assert not planned & {(app, name) for name in replaces}


def _loaded_as_if(monkeypatch, applied: set[tuple[str, str]]) -> MigrationLoader:
    """The migrations as Django loads them for a database that has applied ``applied``."""
    monkeypatch.setattr(
        MigrationRecorder, "applied_migrations", lambda self: dict.fromkeys(applied, True)
    )
    monkeypatch.setattr(MigrationRecorder, "has_table", lambda self: True)
    return MigrationLoader(connection)


def test_a_database_that_ran_the_replaced_migrations_goes_on_from_them(monkeypatch):
    """Django counts the squashed migration as applied when every replaced one is, and runs
    the rest of the replaced ones when only some are (so their files stay)."""
    squashed = {
        key: migration
        for key, migration in MigrationLoader(
            None, ignore_no_migrations=True
        ).disk_migrations.items()
        if migration.replaces
    }
    everything = {key for migration in squashed.values() for key in migration.replaces}
    everything |= {("auth", "0012_alter_user_first_name_max_length")}
    loader = _loaded_as_if(monkeypatch, everything)
    assert set(squashed) <= set(loader.applied_migrations)
    executor = MigrationExecutor(connection)
    executor.loader = loader
    # nothing of the history again: only what was added after the squash
    replaced = everything | set(squashed)
    assert not [
        migration
        for migration, _backwards in executor.migration_plan(
            [key for key in loader.graph.leaf_nodes() if key[0] in APPS]
        )
        if migration.app_label in APPS
        and ((migration.app_label, migration.name) in replaced or migration.replaces)
    ]
    # Half of projects' history: the other half of the replaced migrations runs, then on.
    projects = next(m for key, m in squashed.items() if key[0] == "projects")
    half = set(projects.replaces[: len(projects.replaces) // 2])
    others = everything - set(projects.replaces)  # the other apps' whole history
    loader = _loaded_as_if(monkeypatch, others | half)
    executor.loader = loader
    planned = [
        (migration.app_label, migration.name)
        for migration, _backwards in executor.migration_plan(
            [key for key in loader.graph.leaf_nodes() if key[0] == "projects"]
        )
    ]
    assert set(planned) >= set(projects.replaces) - half
    assert not set(planned) & (half | set(squashed))


@pytest.mark.django_db
def test_the_squashed_migrations_seed_what_the_replaced_ones_seeded():
    """The seeding operations at the end of the squashed migrations, run against the
    squashed state on emptied tables (a transactional test elsewhere in the run may have
    emptied them anyway), create the rows a new installation starts with."""
    from decisions.meetings.models import Body
    from decisions.workflow.models import DelegationRule, HandlingTarget
    from financing.models import FinancingPolicy, FundingType
    from projects.models import (
        KindRetention,
        ProjectAim,
        RetentionClass,
        RetentionDecision,
        SecrecyProvision,
    )

    seeded = [KindRetention, RetentionClass, RetentionDecision, SecrecyProvision, ProjectAim]
    seeded += [HandlingTarget, DelegationRule, Body, FundingType, FinancingPolicy, Group]
    for model in seeded:
        model.objects.all().delete()
    loader = MigrationLoader(connection)
    with connection.schema_editor(atomic=False) as editor:
        for app in APPS:
            key = next(k for k, m in loader.graph.nodes.items() if k[0] == app and m.replaces)
            state = loader.project_state(key)
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    operation.database_forwards(app, editor, state, state)

    assert set(Group.objects.values_list("name", flat=True)) == {role.value for role in Role}
    assert set(Body.objects.values_list("code", flat=True)) >= {"au", "run", "board"}
    assert DelegationRule.objects.exists() and HandlingTarget.objects.exists()
    assert FinancingPolicy.objects.count() == 1 and FundingType.objects.count() >= 10
    assert set(ProjectAim.objects.values_list("reported_as", flat=True)) == {
        "equality",
        "diversity",
        "environment",
    }
    assert SecrecyProvision.objects.exists() and KindRetention.objects.exists()
    assert RetentionClass.objects.filter(decision__in=RetentionDecision.objects.all()).exists()


@pytest.mark.django_db
def test_the_new_database_has_the_search_objects_the_models_do_not_declare():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'swedish_unaccent'")
        assert cursor.fetchone()
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        indexes = {row[0] for row in cursor.fetchall()}
    replaced = "projects.migrations."
    expected = {"projects_case_search_gin", "projects_case_secret_search_gin"}
    expected |= set(importlib.import_module(f"{replaced}0019_ediarium_trigram_indexes").INDEXES)
    party = importlib.import_module(f"{replaced}0022_ediarium_party_trigram_indexes")
    expected |= {name for name, _table, _column in party.INDEXES}
    assert expected <= indexes, expected - indexes
