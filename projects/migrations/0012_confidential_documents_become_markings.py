"""The OSL provisions most used in development cases, and the old "sekretess" flag of
documents (hidden from läsare) turned into secrecy markings with no provision given, so no
existing secrecy is lost."""

from django.db import migrations

PROVISIONS = [
    ("30 kap. 23 § OSL", "Uppgifter om enskildas affärs- eller driftförhållanden i statligt stöd"),
    ("31 kap. 16 § OSL", "Enskildas affärs- eller driftförhållanden hos myndighet"),
    ("21 kap. 7 § OSL", "Personuppgifter vars behandling strider mot dataskyddsregleringen"),
    ("18 kap. 8 § OSL", "Säkerhets- eller bevakningsåtgärder"),
    ("19 kap. 3 § OSL", "Det allmännas ekonomiska intresse (upphandling)"),
]
NOTE = (
    "Överförd från dokumentets tidigare sekretessflagga (dold för läsare); "
    "bestämmelsen är inte angiven."
)


def forwards(apps, schema_editor):
    Provision = apps.get_model("projects", "SecrecyProvision")
    for position, (name, description) in enumerate(PROVISIONS):
        Provision.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
    Document = apps.get_model("projects", "Document")
    Marking = apps.get_model("projects", "SecrecyMarking")
    for document in Document.objects.filter(confidential=True).iterator():
        Marking.objects.create(
            case_id=document.case_id,
            document_id=document.pk,
            provision=None,
            note=NOTE,
            marked_on=document.uploaded_at.date(),
            marked_by_id=document.uploaded_by_id,
        )


def backwards(apps, schema_editor):
    apps.get_model("projects", "SecrecyMarking").objects.filter(note=NOTE).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0011_secrecy_markings_and_access_log")]

    operations = [migrations.RunPython(forwards, backwards)]
