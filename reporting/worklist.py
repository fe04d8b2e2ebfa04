"""The report's tasks in Mina uppgifter (core.worklist): questions of a report not yet
approved that are given to the user to write and not marked done."""

import datetime

from django.utils.translation import gettext as _

from core.worklist import Pending, Task
from reporting.models import Answer


def tasks(user, today: datetime.date, most: int | None = None) -> Pending:
    answers = (
        Answer.objects.filter(
            assigned_to=user,
            done=False,
            section__report__approved_paragraph__isnull=True,
            section__report__approved_on__isnull=True,
        )
        .select_related("section__report")
        .order_by("section__report__year", "section__position")
    )

    def build() -> list[Task]:
        return [
            Task(
                key=f"report-section:{answer.pk}",
                kind=_("Rapportavsnitt att skriva"),
                title=f"{answer.section.number} {answer.section.title or answer.section.question[:80]}",
                url=answer.section.get_absolute_url(),
                reference=str(answer.section.report.year),
            )
            for answer in answers
        ]

    return Pending(build, (answers,))
