"""Norrbotten's handling-time targets (editable in the admin afterwards), and "in this
state since" for the cases that exist: the time of their last transition, else their
registration."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery

# (case kind, state or "" for the whole case, days)
DEFAULTS = [
    ("medfinansiering", "", 84),  # an application decided within 12 weeks of receipt
    ("medfinansiering", "registered", 14),
    ("medfinansiering", "preparation", 56),
    ("medfinansiering", "ready_for_run", 42),
    ("projektide", "", 120),
    ("projektide", "registered", 14),
    ("projektide", "au_preparation", 30),
    ("projektide", "au_assessed", 14),
    ("projektide", "at_forum", 45),
    ("projektide", "at_council", 45),
    ("projektide", "at_management_group", 30),
    ("projektide", "at_board", 45),
]


def forwards(apps, schema_editor):
    HandlingTarget = apps.get_model("decisions", "HandlingTarget")
    for kind, state, days in DEFAULTS:
        HandlingTarget.objects.get_or_create(case_kind=kind, state=state, defaults={"days": days})
    Case = apps.get_model("projects", "Case")
    TransitionLog = apps.get_model("decisions", "TransitionLog")
    last = (
        TransitionLog.objects.filter(case=OuterRef("pk"))
        .values("case")
        .annotate(at=Max("timestamp"))
        .values("at")
    )
    for case in Case.objects.annotate(last_move=Subquery(last)).only("pk", "created_at"):
        Case.objects.filter(pk=case.pk).update(state_since=case.last_move or case.created_at)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0009_handling_targets"),
        ("projects", "0008_case_state_since_and_notes"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
