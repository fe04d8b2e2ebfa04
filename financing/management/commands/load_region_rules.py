"""Load a region's rule set (financing policy, funding types, delegationsordning).

    python manage.py load_region_rules andra-regionen
    python manage.py load_region_rules /path/to/rules.json
    python manage.py load_region_rules --replace /path/to/rules.json   # a region's first set

A name is looked up in ``financing/rule_sets/``. See ``financing.region_rules.load``.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from financing import region_rules


class Command(BaseCommand):
    help = "Load a region's rule set (policy, funding types, delegation ordinance) from JSON."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a file, or a name in financing/rule_sets/")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="the region's first set: remove the rules the installation started with "
            "(Norrbotten's) instead of continuing them before the set's start",
        )

    def handle(self, *args, source, replace=False, **options):
        path = Path(source)
        if not path.exists():
            path = region_rules.RULES_DIR / f"{source}.json"
        if not path.exists():
            raise CommandError(f"No rule set at {source} (nor {path}).")
        try:
            summary = region_rules.load(path, replace=replace)
        except (ValidationError, ValueError, KeyError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(summary))
        named = region_rules.region_named(path)
        if named and named != settings.REGION_NAME:
            self.stdout.write(
                self.style.WARNING(
                    f"The set is {named}'s; documents and public pages name the authority "
                    f"REGION_NAME ({settings.REGION_NAME}): set it in the environment."
                )
            )
