"""GIN index on the Swedish full-text vector (PostgreSQL only; SQLite has no GIN)."""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS projects_case_search_gin "
            "ON projects_case USING gin (search_vector)"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS projects_organisation_name_trgm_like "
            "ON projects_organisation (lower(name) text_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS projects_case_search_gin")
        schema_editor.execute("DROP INDEX IF EXISTS projects_organisation_name_trgm_like")


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_roles")]

    operations = [migrations.RunPython(create_index, drop_index)]
