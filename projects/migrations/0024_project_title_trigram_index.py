"""A trigram (pg_trgm) GIN index on the projects' titles (PostgreSQL only).

The project picker (``selectors.project_search``) matches a part of the title anywhere
(``icontains``: ``UPPER(title) LIKE UPPER('%text%')``), which the B-tree of 0023 cannot
serve: without it every project was read on each key typed."""

from django.db import migrations

NAME = "projects_project_title_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON projects_project "
        "USING gin ((UPPER(title::text)) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0023_project_title_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
