"""``manage.py verify_files``: every stored file checked against the SHA-256 it was stored
with (registered documents, protocols and extracts, report files, archive packages).

Downloads check the file they serve (``core.stored``); this checks them all, e.g. after a
restore from backup or as a scheduled job. Exit status 1 when a file is missing or changed.
"""

from django.core.management.base import BaseCommand, CommandError

from core.stored import file_digest
from decisions.meetings.models import GeneratedDocument
from projects.models import Document
from reporting.archive.models import ArchiveExport
from reporting.models import GeneratedReport

SOURCES = (
    ("registered documents", Document.objects.select_related("case")),
    ("meeting documents", GeneratedDocument.objects.all()),
    ("report files", GeneratedReport.objects.all()),
    ("archive packages", ArchiveExport.objects.exclude(file="")),
)


class Command(BaseCommand):
    help = "Check every stored file against the SHA-256 it was stored with."

    def handle(self, *args, **options):
        problems = []
        for label, queryset in SOURCES:
            checked = 0
            for obj in queryset.order_by("pk").iterator(chunk_size=200):
                if not obj.file or not obj.sha256:
                    continue
                checked += 1
                try:
                    with obj.file.open("rb") as handle:
                        actual = file_digest(handle)
                except (FileNotFoundError, ValueError, OSError):
                    problems.append(f"missing: {label} #{obj.pk} {obj.file.name} ({obj})")
                    continue
                if actual != obj.sha256.lower():
                    problems.append(
                        f"changed: {label} #{obj.pk} {obj.file.name} ({obj}): stored "
                        f"{obj.sha256}, now {actual}"
                    )
            self.stdout.write(f"{label}: {checked} checked")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} stored file(s) missing or changed")
        self.stdout.write(self.style.SUCCESS("Every stored file matches its SHA-256."))
