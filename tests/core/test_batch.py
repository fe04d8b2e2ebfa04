"""core.batch: several querysets in one query give what each gives on its own."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from core import batch
from core.collation import swedish
from decisions.workflow.models import TransitionLog
from financing.models import FinancingRow
from financing.selectors import commitments_with_balances
from projects.models import Case, Document, Project

pytestmark = pytest.mark.django_db


def _querysets():
    return [
        Case.objects.select_related("project__applicant", "officer").order_by("year", "number"),
        Document.objects.order_by("case", "registry_number"),
        FinancingRow.objects.select_related("financier").order_by("pk"),
        TransitionLog.objects.select_related("user").order_by("pk"),  # JSON, datetimes
        commitments_with_balances().order_by("pk"),  # annotated decimals
        Project.objects.annotate(n=Count("cases")).order_by("pk").values("pk", "title", "n"),
        Case.objects.order_by("pk").values_list("pk", "received_on"),
        Case.objects.filter(pk__in=[]),  # nothing to ask for
        Case.objects.order_by("-pk")[:3],
        # DISTINCT sorted by an expression: the expression is selected after the columns
        Project.objects.distinct().order_by(swedish("contact_name"), "pk"),
        batch.count_queryset(Case.objects.filter(project__rus_areas__isnull=False).distinct()),
    ]


def _rows(queryset) -> list:
    out = []
    for item in queryset:
        if hasattr(item, "_meta"):
            values = [getattr(item, f.attname) for f in item._meta.concrete_fields]
            for name in ("paid", "released", "remaining"):
                values.append(getattr(item, name, None))
            related = getattr(item, "project", None) if isinstance(item, Case) else None
            if related is not None:
                values += [related.title, related.applicant and related.applicant.name]
            out.append(tuple(str(v) if hasattr(v, "tsvector") else v for v in values))
        else:
            out.append(item)
    return out


def test_fetch_together_gives_what_each_queryset_gives(demo):
    expected = [_rows(qs) for qs in _querysets()]
    together = _querysets()
    with CaptureQueriesContext(connection) as ctx:
        batch.fetch_together(*together)
        evaluated = [list(qs) for qs in together]
    assert len(ctx.captured_queries) == 1
    assert [len(rows) for rows in evaluated] == [len(rows) for rows in expected]
    got = [_rows(qs) for qs in together]
    assert got == expected
    assert all(rows for rows in expected[:7])  # the demo has rows of each
    assert got[-1] == [Case.objects.filter(project__rus_areas__isnull=False).distinct().count()]


def test_a_queryset_passed_twice_is_read_once(demo):
    """Parts of a page may pass the same queryset (the case list's officers are the filter's
    choices and the bulk list): it is asked for once and filled once."""
    shared = Case.objects.order_by("pk").values_list("pk", flat=True)
    other = Project.objects.order_by("pk").values_list("pk", flat=True)
    with CaptureQueriesContext(connection) as ctx:
        batch.fetch_together(shared, other, shared)
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert sql.count("json_agg") == 2
    assert list(shared) == list(Case.objects.order_by("pk").values_list("pk", flat=True))
    assert list(other) == list(Project.objects.order_by("pk").values_list("pk", flat=True))


def test_a_loaded_relation_reads_no_rows(demo):
    project = Project.objects.filter(cases__isnull=False).first()
    batch.load(
        project,
        {
            "relation:cases": project.cases.order_by("pk"),
            "ids": project.cases.order_by("pk").values_list("pk", flat=True),
        },
    )
    with CaptureQueriesContext(connection) as ctx:
        cases = list(project.cases.all())
        assert all(case.project is project for case in cases)
        assert batch.loaded(project, "ids", ()) == [c.pk for c in cases]
    assert not ctx.captured_queries


@pytest.mark.parametrize("number", ["9" * 400, "-5", "x", None, "١٢٣"])
def test_any_page_number_gives_a_page_as_get_page_does(number):
    from django.contrib.auth.models import Group
    from django.core.paginator import Paginator

    Group.objects.bulk_create(Group(name=f"batch-{i}") for i in range(25))
    groups = Group.objects.filter(name__startswith="batch-").order_by("name")
    expected = Paginator(groups, 10).get_page(number)
    page = batch.paginate(Paginator(groups, 10), number)
    assert page.number == expected.number
    assert [g.name for g in page.object_list] == [g.name for g in expected.object_list]


def test_aggregates_read_together_are_the_aggregates(demo):
    from django.db.models import Max, Sum

    from financing.models import Commitment

    everything = Commitment.objects.all()
    nothing = Commitment.objects.filter(amount__lt=0)
    sums = [
        batch.aggregate_queryset(everything, s=Sum("amount"), n=Count("pk"), top=Max("amount")),
        batch.aggregate_queryset(nothing, s=Sum("amount"), n=Count("pk")),
    ]
    with CaptureQueriesContext(connection) as ctx:
        batch.fetch_together(*sums)
        got = [batch.aggregated(sums[0]), batch.aggregated(sums[1], 0)]
    assert len(ctx.captured_queries) == 1
    assert got[0] == everything.aggregate(s=Sum("amount"), n=Count("pk"), top=Max("amount"))
    assert got[0]["n"] > 0
    assert got[1] == {"s": 0, "n": 0}


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def _case_and_documents(case):
    return (
        Case.objects.filter(pk=case.pk).values_list("title", flat=True),
        Document.objects.filter(case=case).order_by("pk").values_list("pk", flat=True),
    )


def test_a_prepared_query_is_kept_on_the_connection_and_reused_with_other_values(demo):
    cases = list(Case.objects.filter(documents__isnull=False).distinct().order_by("pk")[:2])
    assert len(cases) == 2
    for case in cases * 2:
        title, documents = _case_and_documents(case)
        with CaptureQueriesContext(connection) as ctx:
            batch.fetch_together(title, documents, prepare=True)
        assert list(title) == [case.title]
        assert list(documents) == list(case.documents.order_by("pk").values_list("pk", flat=True))
        # logged with its values, as other queries are (counts, EXPLAIN of captured SQL)
        (logged,) = ctx.captured_queries
        assert f'"projects_document"."case_id" = {case.pk}' in logged["sql"]
    ours = [s for s in _prepared_statements() if '"projects_document"."case_id" = $' in s]
    assert len(ours) == 1  # one statement for both cases: the values are sent apart


def test_without_prepared_statements_nothing_is_prepared(demo, settings):
    from django.db.models import Value

    settings.DB_PREPARED_STATEMENTS = False
    case = Case.objects.filter(documents__isnull=False).first()
    title, documents = _case_and_documents(case)
    probe = title.annotate(unprepared_probe=Value(1))
    batch.fetch_together(probe, documents, prepare=True)
    assert list(probe) == [case.title] and list(documents)
    assert not [s for s in _prepared_statements() if "unprepared_probe" in s]
    settings.DB_PREPARED_STATEMENTS = True  # the same query prepared: the probe works
    title, documents = _case_and_documents(case)
    probe = title.annotate(unprepared_probe=Value(1))
    batch.fetch_together(probe, documents, prepare=True)
    assert [s for s in _prepared_statements() if "unprepared_probe" in s]


def test_get_is_a_prepared_get(demo):
    """``batch.get``: ``QuerySet.get`` as one prepared statement, reused for every key."""
    first, second = Case.objects.order_by("pk")[:2]
    with_project = Case.objects.select_related("project__applicant")
    for case in (first, second, first):
        with CaptureQueriesContext(connection) as ctx:
            got = batch.get(with_project, pk=case.pk)
        assert len(ctx.captured_queries) == 1
        assert (got.pk, got.title, got.project.title) == (case.pk, case.title, case.project.title)
        assert got.project.applicant == case.project.applicant  # joined, not queried again
    prepared = [s for s in _prepared_statements() if '"projects_case"."id" = $' in s]
    assert len(prepared) == 1
    with pytest.raises(Case.DoesNotExist):
        batch.get(with_project, pk=0)
    with pytest.raises(Case.MultipleObjectsReturned):
        batch.get(Case.objects.all(), kind=first.kind)
    with pytest.raises(ValueError):
        batch.get(Case.objects.prefetch_related("documents"), pk=first.pk)


def _window_input_width(plan: dict) -> int | None:
    """The estimated width of the rows a plan's WindowAgg keeps (its input's)."""
    if plan["Node Type"] == "WindowAgg":
        return plan["Plans"][0]["Plan Width"]
    for child in plan.get("Plans", []):
        width = _window_input_width(child)
        if width is not None:
            return width
    return None


def test_a_ranked_search_is_counted_over_its_keys_and_ranks_only(demo):
    """``paginate(count_with_rows=True)`` counts every match in a window over the key and
    what orders the rows, not over whole rows (a case's search vectors and texts, which
    a common word's thousands of matches spilled to disk), and gives the same page."""
    from projects.selectors import case_search

    matches = case_search(Case.objects.all(), "innovation")
    assert matches.count() > 3
    prelude, params = batch._keys_and_total(matches, 0, 3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE projects_case")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {prelude} SELECT c0, c1 FROM _batch_page", params)
        (plan,) = cursor.fetchone()[0]
        cursor.execute(f"{prelude} SELECT c0, c1 FROM _batch_page", params)
        rows = cursor.fetchall()
    assert _window_input_width(plan["Plan"]) <= 32  # id, rank, year, number
    assert [key for key, _total in rows] == [case.pk for case in matches[:3]]
    assert {total for _key, total in rows} == {matches.count()}
