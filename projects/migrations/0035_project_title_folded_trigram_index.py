"""A trigram (pg_trgm) GIN index on the projects' titles folded (lower case, no accents:
``nc_fold``), PostgreSQL only.

The project picker (``selectors.project_matches``) matches each typed word in the title
folded, so ``umea hamn`` finds "Solcellspark Umeå hamn" as ``Umeå`` does; 0024's index
is on the title as written, which the folded text cannot use, and nothing else reads it:
it is dropped."""

from django.db import migrations

NAME = "projects_project_title_folded_trgm"
OLD = "projects_project_title_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON projects_project "
        "USING gin ((nc_fold(title::text)) gin_trgm_ops)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD} ON projects_project "
        "USING gin ((UPPER(title::text)) gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0034_case_number_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
