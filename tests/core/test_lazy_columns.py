"""Lazy columns (``LAZY_FIELDS``, core.db.postgresql.compiler): a case's search columns and
a document's extracted text, megabytes with real documents, are selected only by a query
that names them; everything else reads them deferred, on first use."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import services
from projects.models import Case, Document, Obligation
from tests.projects.factories import ObligationFactory, document_for, register_case

pytestmark = pytest.mark.django_db

WHOLE = "Vätgas " * 2000


def _selects(queries, column: str) -> bool:
    return any(f'"{column}"' in q["sql"].split(" FROM ")[0] for q in queries.captured_queries)


def test_a_case_is_read_without_its_search_columns_unless_a_query_names_them(officer):
    case = register_case(officer=officer)
    Case.objects.filter(pk=case.pk).update(search_text=WHOLE)

    with CaptureQueriesContext(connection) as queries:
        loaded = Case.objects.get(pk=case.pk)
    assert not _selects(queries, "search_text") and not _selects(queries, "search_vector")
    assert set(Case.SEARCH_FIELDS) <= loaded.get_deferred_fields()
    assert loaded.title == case.title  # every other column is read
    assert loaded.search_text == WHOLE  # read on first use
    with CaptureQueriesContext(connection) as queries:
        assert loaded.search_text == WHOLE  # then kept
    assert len(queries) == 0

    # a query that names them reads them: only(), values()
    named = Case.objects.only("title", "search_text").get(pk=case.pk)
    assert "search_text" not in named.get_deferred_fields()
    assert Case.objects.values_list("search_text", flat=True).get(pk=case.pk) == WHOLE
    # defer() of another column does not bring them back
    assert "search_text" in Case.objects.defer("title").get(pk=case.pk).get_deferred_fields()

    # a related case (select_related) leaves them out as well
    ObligationFactory(project=case.project, case=case)
    with CaptureQueriesContext(connection) as queries:
        obligation = Obligation.objects.select_related("case").get(case=case)
    assert not _selects(queries, "search_text")
    assert obligation.case.dnr == case.dnr
    assert "search_text" in obligation.case.get_deferred_fields()

    # refresh_from_db() reloads them where the instance holds them (it was made here)
    case.refresh_from_db()
    assert case.search_text == WHOLE

    # saving a case read without them leaves them as they were
    loaded = Case.objects.get(pk=case.pk)
    loaded.title = "Ny rubrik"
    loaded.save()
    stored = Case.objects.values("title", "search_text").get(pk=case.pk)
    assert stored == {"title": "Ny rubrik", "search_text": WHOLE}


def test_the_search_index_reads_the_indexed_documents_texts_in_one_query(officer):
    case = register_case(officer=officer)
    first = document_for(case, officer, title="Ansökan")
    second = document_for(case, officer, title="Budget", name="budget.pdf")
    Document.objects.filter(pk=first.pk).update(text="Laddinfrastruktur i Kiruna")
    Document.objects.filter(pk=second.pk).update(text="Elektrolysör i Luleå")

    with CaptureQueriesContext(connection) as queries:
        services.case_refresh_search(case=case)
    reading = [q for q in queries.captured_queries if '"projects_document"."text"' in q["sql"]]
    assert len(reading) == 1
    text = Case.objects.values_list("search_text", flat=True).get(pk=case.pk)
    assert "Laddinfrastruktur i Kiruna" in text and "Elektrolysör i Luleå" in text

    with CaptureQueriesContext(connection) as queries:
        listed = list(case.documents.all())
    assert not _selects(queries, "text") and len(listed) == 2
