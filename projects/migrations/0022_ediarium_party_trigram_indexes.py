"""Trigram (pg_trgm) GIN indexes for the public e-diarium's party search (PostgreSQL only).

It matches a substring anywhere (``icontains``: ``UPPER(column) LIKE UPPER('%text%')``) in
the documents' parties and the organisations' names, which a B-tree cannot serve (each
scanned every row). The titles and descriptions have theirs from 0019. EXPLAIN shows both
used by ``decisions.public.selectors.diary_cases``."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("projects_document_party_name_trgm", "projects_document", "party_name"),
    ("projects_organisation_name_trgm", "projects_organisation", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0021_case_secret_search"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
