"""The seven decision-making bodies (decisions.workflow.constants.BodyCode), so every install has them."""

from django.db import migrations

BODIES = [
    # code, name, genitive, decision intro, short name
    ("au", "Arbetsutskottet", "Arbetsutskottets", "Arbetsutskottet beslutar att:", "AU"),
    ("forum", "Utvecklingsforum", "Utvecklingsforums", "Utvecklingsforum rekommenderar att:", "UF"),
    ("council", "Utvecklingsrådet", "Utvecklingsrådets", "Utvecklingsrådet beslutar att:", "UR"),
    (
        "management_group",
        "Ledningsgruppen",
        "Ledningsgruppens",
        "Ledningsgruppen beslutar att:",
        "LG",
    ),
    ("board", "Regionstyrelsen", "Regionstyrelsens", "Regionstyrelsen beslutar att:", "RS"),
    (
        "run",
        "Regionala utvecklingsnämnden",
        "Regionala utvecklingsnämndens",
        "Regionala utvecklingsnämnden beslutar att:",
        "RUN",
    ),
    (
        "ruu",
        "Regionutvecklingsutskottet",
        "Regionutvecklingsutskottets",
        "Regionutvecklingsutskottet beslutar att:",
        "RUU",
    ),
]


def create_bodies(apps, schema_editor):
    Body = apps.get_model("decisions", "Body")
    for code, name, genitive, intro, short in BODIES:
        Body.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "genitive": genitive,
                "decision_intro": intro,
                "short_name": short,
                "default_place": "Regionhuset, Luleå",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_meetings")]

    operations = [migrations.RunPython(create_bodies, migrations.RunPython.noop)]
