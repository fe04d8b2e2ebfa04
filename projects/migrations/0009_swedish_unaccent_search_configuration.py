"""Accent-insensitive Swedish full text: the ``unaccent`` extension and a text search
configuration ``swedish_unaccent`` (Swedish stemming after unaccent), PostgreSQL only.

"vatgas" then finds "Vätgasdalen". Existing search documents are rebuilt with
``manage.py rebuild_search_index`` (the services build new ones with this configuration).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'swedish_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION swedish_unaccent (COPY = pg_catalog.swedish);
        ALTER TEXT SEARCH CONFIGURATION swedish_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, swedish_stem;
    END IF;
END
$$;
"""

DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS swedish_unaccent;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_search_aliases_saved_filters_document_text")]

    operations = [migrations.RunPython(create, drop)]
