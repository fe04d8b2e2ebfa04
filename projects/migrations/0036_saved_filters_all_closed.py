"""Saved case filters of "Alla avslutade": ``state=closed`` becomes ``state=all_closed``.

The case list's status filter offered "Alla avslutade" and the state "Avslutat" with the
same value, ``closed``, which always meant every closed state; the group has a value of
its own now, so a saved filter keeps what it showed."""

from urllib.parse import parse_qsl, urlencode

from django.db import migrations


def _rewrite(apps, old: str, new: str) -> None:
    SavedCaseFilter = apps.get_model("projects", "SavedCaseFilter")
    for saved in SavedCaseFilter.objects.filter(query__contains=f"state={old}"):
        pairs = parse_qsl(saved.query, keep_blank_values=True)
        saved.query = urlencode([(k, new if k == "state" and v == old else v) for k, v in pairs])
        saved.save(update_fields=["query"])


def forward(apps, schema_editor):
    _rewrite(apps, "closed", "all_closed")


def backward(apps, schema_editor):
    _rewrite(apps, "all_closed", "closed")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0035_project_title_folded_trigram_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
