"""Give every existing document its registry entry: a number within its case in upload
order, registered by its uploader at its upload time, dated that day, described by its title."""

from django.db import migrations
from django.utils import timezone


def number_documents(apps, schema_editor):
    Document = apps.get_model("projects", "Document")
    counters: dict[int, int] = {}
    for document in Document.objects.order_by("case_id", "uploaded_at", "pk").iterator():
        counters[document.case_id] = counters.get(document.case_id, 0) + 1
        document.registry_number = counters[document.case_id]
        document.registered_by_id = document.uploaded_by_id
        document.registered_at = document.uploaded_at
        document.document_date = timezone.localdate(document.uploaded_at)
        document.description = document.description or document.title
        document.save(
            update_fields=[
                "registry_number",
                "registered_by",
                "registered_at",
                "document_date",
                "description",
            ]
        )
    # The history rows carry the number of their document (0 for a document deleted since).
    HistoricalDocument = apps.get_model("projects", "HistoricalDocument")
    numbers = dict(Document.objects.values_list("pk", "registry_number"))
    for record in HistoricalDocument.objects.filter(registry_number__isnull=True).iterator():
        record.registry_number = numbers.get(record.id, 0)
        record.save(update_fields=["registry_number"])


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_document_registry")]

    operations = [migrations.RunPython(number_documents, migrations.RunPython.noop)]
