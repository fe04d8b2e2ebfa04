"""Rebuild every case's search document (after migration 0009, or a change of what is indexed)."""

from django.core.management.base import BaseCommand

from projects.models import Case
from projects.services import case_refresh_search


class Command(BaseCommand):
    help = "Rebuild the search document of every case (projects.search)."

    def handle(self, *args, **options):
        count = 0
        for case in Case.objects.only("pk").iterator(chunk_size=500):
            case_refresh_search(case=case)
            count += 1
        self.stdout.write(f"{count} cases indexed")
