"""A default retention set for the department (general rules, editable in admin).

Applications, decision material, reports and appendices are kept; correspondence of
minor importance is weeded two years after the case is closed, "other" documents ten
years after. The retention decision is a placeholder the region replaces with its own
document management plan (dokumenthanteringsplan) in admin.
"""

import datetime

from django.db import migrations

KEEP = "Bevaras"
MINOR = "Korrespondens av tillfällig betydelse"
OTHER = "Övrigt av begränsad betydelse"

DEFAULTS = {
    "ansokan": KEEP,
    "beslutsunderlag": KEEP,
    "rapport": KEEP,
    "bilaga": KEEP,
    "korrespondens": MINOR,
    "ovrigt": OTHER,
}


def forwards(apps, schema_editor):
    Decision = apps.get_model("projects", "RetentionDecision")
    RetentionClass = apps.get_model("projects", "RetentionClass")
    KindRetention = apps.get_model("projects", "KindRetention")
    decision, _ = Decision.objects.get_or_create(
        reference="DHP RU 2020",
        defaults={
            "title": "Dokumenthanteringsplan för regional utveckling",
            "decided_on": datetime.date(2020, 1, 1),
            "note": "Standardvärde: ersätt med regionens gällande gallringsbeslut.",
        },
    )
    classes = {
        KEEP: RetentionClass.objects.get_or_create(name=KEEP, defaults={"keep": True})[0],
        MINOR: RetentionClass.objects.get_or_create(
            name=MINOR, defaults={"keep": False, "years": 2, "decision": decision}
        )[0],
        OTHER: RetentionClass.objects.get_or_create(
            name=OTHER, defaults={"keep": False, "years": 10, "decision": decision}
        )[0],
    }
    for kind, name in DEFAULTS.items():
        KindRetention.objects.get_or_create(kind=kind, defaults={"retention_class": classes[name]})


def backwards(apps, schema_editor):
    apps.get_model("projects", "KindRetention").objects.all().delete()
    apps.get_model("projects", "RetentionClass").objects.filter(
        name__in=[KEEP, MINOR, OTHER]
    ).delete()
    apps.get_model("projects", "RetentionDecision").objects.filter(reference="DHP RU 2020").delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_retention_classes_runs_and_destruction_log")]

    operations = [migrations.RunPython(forwards, backwards)]
