"""Load the demo data of every app, lowest layer first; safe to run again."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

BUSINESS_APPS = ("projects", "decisions", "financing", "reporting")


class Command(BaseCommand):
    help = "Load demo data (the real cases of the seed documents) and one user per role."

    def handle(self, *args, **options):
        for label in BUSINESS_APPS:
            if not apps.is_installed(label) or find_spec(f"{label}.demo") is None:
                continue
            self.stdout.write(f"Loading demo data: {label}")
            import_module(f"{label}.demo").load(self.stdout)
        from projects.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(self.style.SUCCESS(f"\nDemo users (password for all: {DEMO_PASSWORD})"))
        for username, first, last, roles, _perms in DEMO_USERS:
            name = f"{first} {last}"
            self.stdout.write(f"  {username:<14} {name:<22} {', '.join(roles)}")
