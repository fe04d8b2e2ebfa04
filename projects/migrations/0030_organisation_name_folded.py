"""Organisations found by their name typed without accents ("lulea" finds "Luleå kommun").

``nc_fold(text)``: the text in lower case without accents. On PostgreSQL a function over
``unaccent`` declared IMMUTABLE (a generated column may only call such functions; the
unaccent rules are fixed). On SQLite every connection registers it (``core.collation``).
``Organisation.name_folded`` is the name so folded, kept by the database.
"""

from django.db import migrations, models

import core.collation

CREATE = """
CREATE OR REPLACE FUNCTION nc_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS nc_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("projects", "0029_names_sorted_swedish")]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
        migrations.AddField(
            model_name="organisation",
            name="name_folded",
            field=models.GeneratedField(
                db_persist=True,
                expression=core.collation.Folded("name"),
                output_field=models.TextField(),
            ),
        ),
    ]
