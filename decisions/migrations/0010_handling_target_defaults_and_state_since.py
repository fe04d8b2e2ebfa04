"""Norrbotten's handling-time targets (editable in the admin afterwards), and "in this
state since" for the cases that exist: the time of their last transition, else their
registration."""

from django.db import migrations
from django.db.models import Max, OuterRef, Subquery

from decisions.workflow.defaults import ensure_handling_targets

def forwards(apps, schema_editor):
    ensure_handling_targets(apps.get_model("decisions", "HandlingTarget"))
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
