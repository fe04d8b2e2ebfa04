"""Indexes for the organisation picker's and the header search's matching
(``projects.selectors.organisation_search``), PostgreSQL only: without them each keystroke
read every organisation (at 50 000 organisations, 41 ms).

- the folded name (``name_folded``, "lulea" in "Luleå kommun") anywhere in it: a trigram
  (pg_trgm) GIN index;
- the town (``city``, ``icontains``: ``UPPER(city) LIKE UPPER('%text%')``): the same;
- an alias typed whole (``iexact``: ``UPPER(name) = UPPER(text)``): a B-tree on
  ``UPPER(name)``.

The organisation number's prefix has its index (the unique constraint's ``_like``)."""

from django.db import migrations

INDEXES = [
    (
        "projects_organisation_name_folded_trgm",
        "projects_organisation USING gin (name_folded gin_trgm_ops)",
    ),
    (
        "projects_organisation_city_trgm",
        "projects_organisation USING gin ((UPPER(city::text)) gin_trgm_ops)",
    ),
    (
        "projects_organisationalias_upper_name",
        "projects_organisationalias ((UPPER(name::text)))",
    ),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0030_organisation_name_folded"),
    ]

    operations = [migrations.RunPython(create, drop)]
