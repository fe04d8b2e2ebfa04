"""The search document of a case's marked material (OSL), for the users allowed to see it,
with a partial GIN index (PostgreSQL only). Run ``manage.py rebuild_search_index`` after
migrating so that marked cases get it (and their public document loses the marked texts of
the project's other cases)."""

import django.contrib.postgres.search
from django.db import migrations, models


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS projects_case_secret_search_gin "
            "ON projects_case USING gin (secret_search_vector) "
            "WHERE secret_search_vector IS NOT NULL"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS projects_case_secret_search_gin")


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0020_case_kind_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='secret_search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        migrations.AddField(
            model_name='case',
            name='secret_search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
