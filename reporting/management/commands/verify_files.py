"""``manage.py verify_files``: every stored file checked against the SHA-256 it was stored
with (registered documents, protocols and extracts, paper-signed protocols' scans, report
files, archive packages).

Downloads check the file they serve (``core.stored``); this checks them all, e.g. after a
restore from backup or as a scheduled job. Exit status 1 when a file is missing or changed.
"""

from django.core.management.base import BaseCommand, CommandError

from core.stored import file_digest
from decisions.meetings.models import GeneratedDocument, Meeting
from projects.models import Document
from reporting.archive.models import ArchiveExport
from reporting.models import GeneratedReport

# (what, rows, the file's field, the digest's field)
SOURCES = (
    ("registered documents", Document.objects.all(), "file", "sha256"),
    ("meeting documents", GeneratedDocument.objects.all(), "file", "sha256"),
    (
        "protocols signed on paper (scans)",
        Meeting.objects.exclude(paper_protocol=""),
        "paper_protocol",
        "paper_protocol_sha256",
    ),
    ("report files", GeneratedReport.objects.all(), "file", "sha256"),
    ("archive packages", ArchiveExport.objects.exclude(file=""), "file", "sha256"),
)


class Command(BaseCommand):
    help = "Check every stored file against the SHA-256 it was stored with."

    def handle(self, *args, **options):
        problems = []
        for label, queryset, file_field, digest_field in SOURCES:
            checked = 0
            for obj in queryset.order_by("pk").iterator(chunk_size=200):
                stored, digest = getattr(obj, file_field), getattr(obj, digest_field)
                if not stored or not digest:
                    continue
                checked += 1
                try:
                    with stored.open("rb") as handle:
                        actual = file_digest(handle)
                except (FileNotFoundError, ValueError, OSError):
                    problems.append(f"missing: {label} #{obj.pk} {stored.name} ({obj})")
                    continue
                if actual != digest.lower():
                    problems.append(
                        f"changed: {label} #{obj.pk} {stored.name} ({obj}): stored "
                        f"{digest}, now {actual}"
                    )
            self.stdout.write(f"{label}: {checked} checked")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} stored file(s) missing or changed")
        self.stdout.write(self.style.SUCCESS("Every stored file matches its SHA-256."))
