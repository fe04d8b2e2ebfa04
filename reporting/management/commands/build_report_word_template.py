"""Write the Word template of the report (reporting/templates_docx/report-template.docx).

manage.py build_report_word_template [--output path]

The shipped template is made by this command from ``reporting.documents.word_template``
so it can be regenerated; the department may instead restyle the file in Word.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from reporting.documents.word_template import TEMPLATE_PATH, build_template_bytes


class Command(BaseCommand):
    help = "Write the report's Word template (styles, page, header and footer) from code."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(TEMPLATE_PATH))

    def handle(self, *args, output, **options):
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_template_bytes())
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
