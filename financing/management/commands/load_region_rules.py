"""Load a region's rule set (financing policy, funding types, delegationsordning).

    python manage.py load_region_rules andra-regionen
    python manage.py load_region_rules /path/to/rules.json

A name is looked up in ``financing/rule_sets/``. See ``financing.region_rules.load``.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from financing import region_rules


class Command(BaseCommand):
    help = "Load a region's rule set (policy, funding types, delegation ordinance) from JSON."

    def add_arguments(self, parser):
        parser.add_argument("source", help="a file, or a name in financing/rule_sets/")

    def handle(self, *args, source, **options):
        path = Path(source)
        if not path.exists():
            path = region_rules.RULES_DIR / f"{source}.json"
        if not path.exists():
            raise CommandError(f"No rule set at {source} (nor {path}).")
        try:
            summary = region_rules.load(path)
        except (ValidationError, ValueError, KeyError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(summary))
