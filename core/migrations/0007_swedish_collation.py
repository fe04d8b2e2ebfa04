"""The ``swedish`` collation (core.collation) that names and titles are sorted by.

PostgreSQL: an ICU collation for Swedish, part of the schema. SQLite: nothing here; every
connection registers the collation of that name (``core.collation.register_on_sqlite``).
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE COLLATION IF NOT EXISTS swedish (provider = icu, locale = 'sv-SE')"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS swedish")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_removal")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
