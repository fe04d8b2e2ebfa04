"""Trigram indexes for the public e-diarium's text search (PostgreSQL only).

The e-diarium matches ``icontains`` (``UPPER(col) LIKE UPPER('%text%')``) on the case's
title and on its documents' titles and descriptions. Without these, the documents'
match was a sequential scan of every document on every search (116 ms at 500 000
documents). The names say what they serve: ``ediarium_*_trgm``.
"""

from django.db import migrations

INDEXES = {
    "ediarium_case_title_trgm": "projects_case USING gin (upper(title::text) gin_trgm_ops)",
    "ediarium_document_title_trgm": (
        "projects_document USING gin (upper(title::text) gin_trgm_ops)"
    ),
    "ediarium_document_description_trgm": (
        "projects_document USING gin (upper(description::text) gin_trgm_ops)"
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("projects", "0018_condition_status_neuter")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
