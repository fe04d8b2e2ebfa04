"""List an archive package's content and verify every checksum: exit status 1 if not sound."""

from django.core.management.base import BaseCommand, CommandError

from reporting.archive.inspect import inspect_package


class Command(BaseCommand):
    help = "List the content of an E-ARK SIP zip and verify every SHA-256 and the METS schema."

    def add_arguments(self, parser):
        parser.add_argument("package", help="path to the .zip")

    def handle(self, *args, **options):
        try:
            result = inspect_package(options["package"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Package {result.objid}")
        for entry in result.entries:
            status = "OK " if entry.ok else f"BAD ({entry.problem})"
            self.stdout.write(f"  {status} {entry.kind:8} {entry.size:>10} {entry.path}")
        for name in result.unlisted:
            self.stdout.write(f"  NOT IN METS {name}")
        for problem in result.problems + result.schema_errors:
            self.stdout.write(f"  PROBLEM {problem}")
        if not result.ok:
            raise CommandError("the package is not sound")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.entries)} files verified, METS valid against the schema"
            )
        )
