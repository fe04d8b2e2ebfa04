"""``CaseStateCount`` is kept exact by triggers on the cases (``projects.triggers``) on
every path that writes them, and the work queues' counts read it."""

import pytest
from django.db import connection
from django.db.models import Count

from decisions.workflow import selectors as workflow_selectors
from projects.models import Case, CaseKind, CaseState, CaseStateCount
from tests.projects.factories import co_financing_case, idea_case

pytestmark = pytest.mark.django_db


def _maintained() -> dict:
    return {(c.kind, c.state): c.count for c in CaseStateCount.objects.all()}


def _counted() -> dict:
    rows = Case.objects.order_by().values("kind", "state").annotate(n=Count("pk"))
    return {(row["kind"], row["state"]): row["n"] for row in rows}


def test_every_way_of_writing_cases_keeps_the_counts(officer):
    cases = [co_financing_case(officer=officer) for _ in range(3)] + [idea_case(officer=officer)]
    assert (
        _maintained()
        == _counted()
        == {
            (CaseKind.CO_FINANCING, CaseState.REGISTERED): 3,
            (CaseKind.PROJECT_IDEA, CaseState.REGISTERED): 1,
        }
    )
    # a bulk update moving two of them, an edit that moves none, a single save
    Case.objects.filter(pk__in=[cases[0].pk, cases[1].pk]).update(state=CaseState.PREPARATION)
    Case.objects.filter(pk=cases[2].pk).update(title="Ny ärendemening")
    assert _maintained() == _counted()
    assert _maintained()[(CaseKind.CO_FINANCING, CaseState.PREPARATION)] == 2
    # a kind changed, a row deleted: a key at zero is gone
    Case.objects.filter(pk=cases[3].pk).update(kind=CaseKind.CO_FINANCING)
    assert (CaseKind.PROJECT_IDEA, CaseState.REGISTERED) not in _maintained()
    with connection.cursor() as cursor:  # raw SQL, past the ORM's protections
        cursor.execute("DELETE FROM projects_document WHERE case_id = %s", [cases[2].pk])
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("DELETE FROM projects_case WHERE id = %s", [cases[2].pk])
    assert _maintained() == _counted()
    assert _maintained()[(CaseKind.CO_FINANCING, CaseState.REGISTERED)] == 1


def test_the_queues_are_counted_from_the_maintained_counts(officer, django_assert_num_queries):
    for _ in range(2):
        case = co_financing_case(officer=officer)
        Case.objects.filter(pk=case.pk).update(state=CaseState.READY_FOR_RUN)
    idea = idea_case(officer=officer)
    Case.objects.filter(pk=idea.pk).update(state=CaseState.AT_FORUM)
    counts = workflow_selectors.queue_counts()
    assert counts["run"] == 2 and counts["forum"] == 1 and counts["council"] == 0
    for queue in workflow_selectors.QUEUES:
        assert counts[queue.key] == Case.objects.filter(queue.condition).count()
    sql = str(workflow_selectors.queue_counts_queryset().query)
    assert "projects_casestatecount" in sql and 'projects_case"' not in sql
