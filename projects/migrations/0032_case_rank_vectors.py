"""The vectors a search ranks by (``Case.rank_vector``, ``Case.secret_rank_vector``): the
search vectors without the documents' words. Ranking a common word's matches by the whole
vectors read every match's, up to 1 MB each: 43 µs a match of 110 kB, a second for 20 000.

Filled from the stored vectors (``ts_filter`` keeps the words of the weights named: the
case's own parts, A-C); ``projects.services.case_refresh_search`` keeps them."""

import django.contrib.postgres.search
from django.db import migrations


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE projects_case SET rank_vector = ts_filter(search_vector, '{a,b,c}'), "
        "secret_rank_vector = ts_filter(secret_search_vector, '{a,b,c}') "
        "WHERE search_vector IS NOT NULL OR secret_search_vector IS NOT NULL"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0031_organisation_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="secret_rank_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
