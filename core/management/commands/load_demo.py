"""Load the demo data of every app in stages (``settings.DEMO_LOADERS``); safe to run again.

The stages, in order: the registry and the demo users (projects) -> grants and approved
financing plans (financing: the workflow needs approved plans before RUN) -> the decisions
(workflow and meetings, fired through financing so RUN's grants commit money) -> payments
and other commitments (financing) -> the annual report (reporting) -> the list of demo
users and their password.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load demo data (the real cases of the seed documents) and one user per role."

    def handle(self, *args, **options):
        for path in settings.DEMO_LOADERS:
            self.stdout.write(f"Loading demo data: {path}")
            import_string(path)(self.stdout)
