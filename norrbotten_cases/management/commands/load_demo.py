"""Load the demo data of every app in stages; safe to run again.

Stages run in this order, each only if its module and function exist:
projects (registry) -> financing.load_before_decisions (grants, financing plans: the
workflow needs approved plans) -> decisions (workflow, meetings, which commit money) ->
financing.load (payments, other commitments) -> reporting.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

STAGES = (
    ("projects", "load"),
    ("financing", "load_before_decisions"),
    ("decisions", "load"),
    ("financing", "load"),
    ("reporting", "load"),
)


class Command(BaseCommand):
    help = "Load demo data (the real cases of the seed documents) and one user per role."

    def handle(self, *args, **options):
        for label, function in STAGES:
            if not apps.is_installed(label) or find_spec(f"{label}.demo") is None:
                continue
            loader = getattr(import_module(f"{label}.demo"), function, None)
            if loader is None:
                continue
            self.stdout.write(f"Loading demo data: {label}.{function}")
            loader(self.stdout)
        from projects.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(self.style.SUCCESS(f"\nDemo users (password for all: {DEMO_PASSWORD})"))
        for username, first, last, roles, _perms in DEMO_USERS:
            name = f"{first} {last}"
            self.stdout.write(f"  {username:<14} {name:<22} {', '.join(roles)}")
