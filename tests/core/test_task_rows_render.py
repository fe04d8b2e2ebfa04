"""The task list written in Python is the text of its template."""

import datetime

import pytest
from django.template.loader import get_template
from django.utils.translation import override

from core.templatetags.nc import render_task_rows
from core.worklist import Task

TODAY = datetime.date(2026, 3, 24)
SINCE = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)

TASKS = [
    [],
    [Task(key="a", kind="Justera", title='Protokoll <AU> & "RUN"', url="/m/1/?a=1&b=2")],
    [
        Task(
            key="b",
            kind="Beslut",
            title="Fyrkanten",
            url="/c/1/",
            reference="00052-2020",
            due=TODAY - datetime.timedelta(days=1),
            since=SINCE,
        ),
        Task(key="c", kind="Plan", title="Plan", url="/c/2/", due=TODAY),
        Task(
            key="d", kind="Plan", title="Plan", url="/c/3/", due=TODAY + datetime.timedelta(days=9)
        ),
        Task(key="e", kind="Plan", title="Plan", url="/c/4/", since=SINCE),
    ],
]


@pytest.mark.parametrize("tasks", TASKS)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_rows_are_their_template(tasks, language):
    template = get_template("home/task_rows.html")
    with override(language):
        context = {"tasks": tasks, "today": TODAY}
        assert render_task_rows(**context) == template.render(context)
