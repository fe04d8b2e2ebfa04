"""Create a year's report from a template file, the shipped file, or last year's template.

manage.py create_report_year 2023 --user handlaggare [--template mall-2023.json]
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting import services
from reporting.template import read_template


class Command(BaseCommand):
    help = "Create the annual report of a year from its template (see reporting/template.py)."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--user", required=True, help="The officer who creates the report.")
        parser.add_argument("--template", help="A template JSON file to use for this year.")

    def handle(self, *args, year, user, template=None, **options):
        acting = get_user_model().objects.filter(username=user).first()
        if acting is None:
            raise CommandError(f"No user named {user!r}.")
        data, source = None, ""
        if template:
            path = Path(template)
            if not path.exists():
                raise CommandError(f"No such file: {path}")
            try:
                data = read_template(path.read_text(encoding="utf-8"))
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            source = path.name
        try:
            report = services.report_year_create(
                user=acting, year=year, template=data, template_source=source
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.title}: {report.sections.count()} sections ({report.template_source})."
            )
        )
