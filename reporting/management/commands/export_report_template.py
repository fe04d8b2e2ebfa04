"""Write the template a report year was created from, to edit it for next year.

manage.py export_report_template 2022 > mall-2023.json
"""

import json

from django.core.management.base import BaseCommand, CommandError

from reporting.models import ReportYear


class Command(BaseCommand):
    help = "Print the template (JSON) of a report year, as the start of next year's template."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        report = ReportYear.objects.filter(year=year).first()
        if report is None:
            raise CommandError(f"No report for {year}.")
        self.stdout.write(json.dumps(report.template, ensure_ascii=False, indent=2))
