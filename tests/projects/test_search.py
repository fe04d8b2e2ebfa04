"""Search that finds: accents ignored, other names of organisations, contacts, special
conditions and the text of uploaded documents (read by the Celery task); ranked results
showing where they matched; saved filters and bulk actions of the case list."""

import csv
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.pdf import render_pdf
from core.roles import Role
from projects import search, selectors, services
from projects.models import Case, Document, SavedCaseFilter
from tests.core.factories import user_with_role
from tests.projects.factories import (
    OrganisationFactory,
    ProjectFactory,
    document_for,
    register_case,
)

pytestmark = pytest.mark.django_db


def _found(text) -> list[str]:
    return [case.title for case in selectors.case_search(Case.objects.all(), text)]


@pytest.fixture
def vatgas(officer):
    ltu = OrganisationFactory(name="Luleå tekniska universitet")
    project = ProjectFactory(
        title="Vätgasdalen i Norrbotten",
        applicant=ltu,
        owner=ltu,
        contact_name="Åsa Öberg",
        contact_email="asa.oberg@example.se",
        summary="Produktion av fossilfri vätgas.",
    )
    case = register_case(officer=officer, project=project, title="Vätgasdalen förstudie")
    other = ProjectFactory(title="Arctic Solar", summary="Solceller på tak.")
    register_case(officer=officer, project=other, title="Arctic Solar 2.0")
    return case


def test_the_search_configuration_ignores_accents_and_stems_swedish(vatgas):
    assert _found("vatgas") == ["Vätgasdalen förstudie"]
    assert _found("VÄTGASDALEN") == ["Vätgasdalen förstudie"]
    assert _found("vätgasdalens") == ["Vätgasdalen förstudie"]  # Swedish stemming
    assert _found("lulea tekniska") == ["Vätgasdalen förstudie"]
    assert _found("solceller") == ["Arctic Solar 2.0"]
    assert _found("väte-nonsens-ord") == []


def test_abbreviations_of_organisations_find_their_cases(vatgas, officer):
    assert _found("LTU") == []
    services.organisation_alias_add(user=officer, organisation=vatgas.project.applicant, name="LTU")
    assert _found("LTU") == ["Vätgasdalen förstudie"]
    assert _found("ltu") == ["Vätgasdalen förstudie"]
    # The organisation picker finds it by the abbreviation too.
    assert [o.name for o in selectors.organisation_search("LTU")] == ["Luleå tekniska universitet"]
    alias = vatgas.project.applicant.aliases.get()
    services.organisation_alias_remove(user=officer, alias=alias)
    assert _found("LTU") == []


def test_an_alias_twice_or_by_a_reader_is_refused(vatgas, officer, reader):
    from django.core.exceptions import ValidationError

    applicant = vatgas.project.applicant
    services.organisation_alias_add(user=officer, organisation=applicant, name="LTU")
    with pytest.raises(ValidationError):
        services.organisation_alias_add(user=officer, organisation=applicant, name="ltu")
    with pytest.raises(PermissionDenied):
        services.organisation_alias_add(user=reader, organisation=applicant, name="Luleå TU")


def test_contact_person_and_special_condition_texts_are_searched(vatgas, officer):
    assert _found("asa oberg") == ["Vätgasdalen förstudie"]
    assert _found("elektrolysör") == []
    services.obligation_create(
        user=officer,
        project=vatgas.project,
        case=vatgas,
        text="Projektet ska redovisa placeringen av elektrolysören före 2021-06-30.",
    )
    assert _found("elektrolysor") == ["Vätgasdalen förstudie"]


def _pdf_bytes(text: str) -> bytes:
    return render_pdf(f"<html><body><h1>Bilaga</h1><p>{text}</p></body></html>")


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph("Ansökan om medfinansiering")
    table = document.add_table(rows=1, cols=1)
    table.rows[0].cells[0].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_text_of_uploaded_pdf_and_docx_is_read_by_the_task_and_searched(
    vatgas, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pdf = document_for(
            vatgas,
            officer,
            title="Miljöbedömning",
            content=_pdf_bytes("Kväveoxider från ångpannan i Svartöstaden."),
            name="miljo.pdf",
        )
    with django_capture_on_commit_callbacks(execute=True):
        word = document_for(
            vatgas,
            officer,
            title="Budgetbilaga",
            content=_docx_bytes("Medfinansiär: Skellefteå Kraft, tabellrad med kronor."),
            name="budget.docx",
        )
    pdf.refresh_from_db()
    word.refresh_from_db()
    assert "Kväveoxider" in pdf.text and pdf.text_extracted_at is not None
    assert "Skellefteå Kraft" in word.text  # from the table cell
    assert _found("kvaveoxider svartostaden") == ["Vätgasdalen förstudie"]
    assert _found("skelleftea kraft") == ["Vätgasdalen förstudie"]
    snippets = search.match_snippets(Case.objects.get(pk=vatgas.pk).search_text, "angpannan")
    assert snippets[0].label == "Dokument: Miljöbedömning"
    assert "<mark>ångpannan</mark>" in snippets[0].html


def test_confidential_documents_stay_out_of_the_index(
    vatgas, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = document_for(
            vatgas,
            officer,
            title="Affärsplan",
            content=_pdf_bytes("Hemligt recept för katalysatorn."),
            name="plan.pdf",
            confidential=True,
        )
    assert "katalysatorn" in Document.objects.get(pk=document.pk).text
    assert _found("katalysatorn") == []
    services.document_update(
        user=officer, document=document, kind=document.kind, confidential=False
    )
    assert _found("katalysatorn") == ["Vätgasdalen förstudie"]


def test_results_are_ranked_and_show_where_they_matched(officer, client_for):
    strong = register_case(
        officer=officer,
        project=ProjectFactory(title="Vätgas i Luleå", summary="Vätgas för stålindustrin."),
        title="Vätgas i Luleå",
    )
    weak = register_case(
        officer=officer,
        project=ProjectFactory(title="Skogsbruk", summary="Maskiner som kan drivas med vätgas."),
        title="Skogsbruk och klimat",
    )
    response = client_for(officer).get(reverse("projects:search"), {"q": "vatgas"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index(strong.title) < page.index(weak.title)
    assert "<mark>vätgas</mark>" in page
    assert "Projektbeskrivning" in page
    assert "Bäst träff först" in page  # the order explained


def test_the_search_page_joins_only_the_page_it_shows(officer, client_for):
    """The page's cases are chosen by key (ranked and counted in one pass over the
    matches), then joined to their projects, applicants and officers; the organisations
    found come in the same round trip. Its count and pages are as the matches'."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(23):
        register_case(
            officer=officer,
            project=ProjectFactory(title=f"Vätgasprojekt {n}"),
            title=f"Vätgas nummer {n}",
        )
    OrganisationFactory(name="Vätgasföreningen")
    client = client_for(officer)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("projects:search"), {"q": "vätgas"}).content.decode()
    page_queries = [q["sql"] for q in queries.captured_queries if "_batch_page" in q["sql"]]
    assert len(page_queries) == 1 and "projects_organisation" in page_queries[0]
    assert "23 ärenden" in first and "Vätgasföreningen" in first
    second = client.get(reverse("projects:search"), {"q": "vätgas", "page": 2}).content
    shown = [f"Vätgas nummer {n}<" for n in range(23)]
    assert sum(title in first for title in shown) == 20
    assert sum(title.encode() in second for title in shown) == 3


def test_snippets_are_html_escaped(officer, client_for):
    register_case(
        officer=officer,
        project=ProjectFactory(title="Test", summary="<script>alert(1)</script> vätgasbuss"),
        title="Bussar",
    )
    page = client_for(officer).get(reverse("projects:search"), {"q": "vätgasbuss"}).content
    assert b"<script>alert(1)" not in page
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_header_has_the_search_box_for_logged_in_users(officer, client_for, client):
    page = client_for(officer).get(reverse("home")).content.decode()
    assert f'action="{reverse("projects:search")}"' in page
    client.logout()
    assert reverse("projects:search") not in client.get(reverse("login")).content.decode()


def test_the_search_page_needs_a_role(client_for):
    nobody = user_with_role(Role.READER, username="nobody")
    nobody.groups.clear()
    assert client_for(nobody).get(reverse("projects:search"), {"q": "x"}).status_code == 403


def test_sqlite_fallback_folds_accents_in_python():
    stored = search.parts_to_text([("case", "", "Vätgasdalen förstudie"), ("contact", "", "Åsa")])
    assert search.folded_match(stored, search.query_words("vatgas asa"))
    assert not search.folded_match(stored, search.query_words("vatgas bo"))


# --- Saved filters -------------------------------------------------------------------


def test_saved_filters_are_per_user(vatgas, officer, secretary, client_for):
    client = client_for(officer)
    response = client.post(
        reverse("projects:saved_filter_create"),
        {"name": "Mina vätgasärenden", "query": "q=vatgas&state=open&page=3&format=csv"},
    )
    assert response.status_code == 302
    saved = SavedCaseFilter.objects.get(user=officer)
    assert saved.query == "q=vatgas&state=open"
    page = client.get(reverse("projects:case_list")).content.decode()
    assert "Mina vätgasärenden" in page
    assert "?q=vatgas&amp;state=open" in page
    assert (
        "Mina vätgasärenden"
        not in client_for(secretary).get(reverse("projects:case_list")).content.decode()
    )
    # Someone else's filter cannot be removed; the owner confirms first.
    url = reverse("projects:saved_filter_delete", args=[saved.pk])
    assert client_for(secretary).post(url).status_code == 403
    client = client_for(officer)
    assert client.get(url).status_code == 200  # the confirmation
    assert SavedCaseFilter.objects.filter(pk=saved.pk).exists()
    client.post(url)
    assert not SavedCaseFilter.objects.filter(pk=saved.pk).exists()


def test_an_empty_filter_is_not_saved(officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.saved_filter_save(user=officer, name="Allt", query="page=2")


# --- Bulk actions ----------------------------------------------------------------------


def test_bulk_assign_calls_the_single_case_update_for_each_case(vatgas, officer, client_for):
    colleague = user_with_role(Role.OFFICER, username="kollega", first_name="Per")
    cases = list(Case.objects.order_by("pk"))
    response = client_for(officer).post(
        reverse("projects:case_bulk"),
        {"action": "assign", "officer": colleague.pk, "cases": [c.pk for c in cases]},
    )
    assert response.status_code == 302
    assert set(Case.objects.values_list("officer", flat=True)) == {colleague.pk}
    # Each change is in the case's own history, by the acting officer.
    for case in cases:
        latest = Case.history.filter(id=case.pk).latest("history_date")
        assert latest.officer_id == colleague.pk and latest.history_user_id == officer.pk


def test_bulk_assign_is_refused_to_other_roles_and_to_non_officers(
    vatgas, secretary, officer, client_for
):
    url = reverse("projects:case_bulk")
    assert (
        client_for(secretary)
        .post(url, {"action": "assign", "officer": officer.pk, "cases": [vatgas.pk]})
        .status_code
        == 403
    )
    client = client_for(officer)
    client.post(url, {"action": "assign", "officer": secretary.pk, "cases": [vatgas.pk]})
    assert Case.objects.get(pk=vatgas.pk).officer_id == officer.pk


def test_bulk_export_writes_only_the_selected_cases(vatgas, reader, client_for):
    response = client_for(reader).post(
        reverse("projects:case_bulk"), {"action": "export", "cases": [vatgas.pk]}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert len(rows) == 2 and rows[1][0] == vatgas.dnr


def test_the_case_list_offers_bulk_actions(vatgas, officer, client_for):
    page = client_for(officer).get(reverse("projects:case_list")).content.decode()
    assert 'id="bulk-form"' in page
    assert f'name="cases" value="{vatgas.pk}" form="bulk-form"' in page


def test_the_organisation_search_finds_each_way_through_an_index(officer):
    """The picker's and the header's organisation search: the name anywhere, typed with or
    without its accents and in any case; the organisation number's start; the town; an
    alias typed whole. Names starting with the text come first. Each way is served by an
    index, together one BitmapOr: a keystroke does not read every organisation (at 50 000
    organisations 41 ms before, 0.03 ms after)."""
    from django.db import connection

    from projects.models import OrganisationAlias

    OrganisationFactory(name="Luleå Energi AB", org_number="556139-7203", city="Luleå")
    OrganisationFactory(name="Bodens Energi AB", city="Boden")
    kalix = OrganisationFactory(name="Kalix kommun", city="Kalix")
    OrganisationAlias.objects.create(organisation=kalix, name="KK")

    def names(text):
        return [o.name for o in selectors.organisation_search(text, limit=12)]

    assert names("energi") == ["Bodens Energi AB", "Luleå Energi AB"]
    assert names("LULEA ENERGI") == ["Luleå Energi AB"]
    assert names("bodens") == ["Bodens Energi AB"]
    assert names("556139") == ["Luleå Energi AB"]
    assert names("kalix") == ["Kalix kommun"]  # the name and the town: once
    assert names("lule") == ["Luleå Energi AB"]
    assert names("kk") == ["Kalix kommun"]  # the alias, whole
    assert names("l") == ["Luleå Energi AB", "Kalix kommun"]  # starting with it first
    assert names("") == ["Bodens Energi AB", "Kalix kommun", "Luleå Energi AB"]

    sql, params = selectors.organisation_search("energi", limit=12).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is tiny
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "BitmapOr" in plan and "SubPlan" not in plan
    for index in (
        "projects_organisation_name_folded_trgm",
        "projects_organisation_city_trgm",
        "projects_organisation_org_number",
    ):
        assert index in plan, plan


def test_a_snippet_marks_the_words_the_folded_rule_finds():
    """A snippet marks each word whose folded form (lower case, no accents) starts with a
    typed word's stem, as the search finds them, in any case and with any accents, found
    without folding the text (a case's search text is up to megabytes)."""
    import re

    from core.collation import fold

    text = (
        "Vätgasdalen i LULEÅ: vatgas, VÄTGAS och Vätgasen; evätgas inte, Luleå-hamnen, "
        "Lulea tekniska universitet och Ångström"
    )
    for typed in ("vatgas lulea", "VÄTGASDALEN", "angstrom", "lule"):
        words = search.query_words(typed)
        html = search._highlight(text, words, width=len(text))
        stems = [search._stem(word) for word in words]
        expected = [
            w for w in re.findall(r"\w+", text) if any(fold(w).startswith(s) for s in stems)
        ]
        assert expected and re.findall(r"<mark>(.*?)</mark>", html) == expected
    assert search._highlight(text, search.query_words("elektrolys")) is None


def test_the_search_page_reads_the_start_of_a_long_text_for_its_snippets(
    vatgas, officer, client_for
):
    """A case's stored search text is up to megabytes (every document's text): the search
    page reads its start (``selectors.SNIPPET_HEAD``) for the snippets, and the whole only
    for a case whose start is cut and holds none."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stored = Case.objects.values_list("search_text", flat=True).get(pk=vatgas.pk)
    filler = "budget personal " * (selectors.SNIPPET_HEAD // 16)
    Case.objects.filter(pk=vatgas.pk).update(
        search_text=stored + f"\ndocument\tBilaga 1\t{filler}\ndocument\tBilaga 2\tElektrolysör"
    )
    with connection.cursor() as cursor:  # and the word in its index
        cursor.execute(
            "UPDATE projects_case SET search_vector = search_vector"
            " || to_tsvector('swedish_unaccent', 'Elektrolysör') WHERE id = %s",
            [vatgas.pk],
        )
    client = client_for(officer)

    def page_and_whole_reads(q):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("projects:search"), {"q": q}).content.decode()
        whole = [s for s in queries.captured_queries if '"search_text" FROM' in s["sql"]]
        return page, len(whole)

    page, whole = page_and_whole_reads("vatgas")  # in the case's own parts: the start
    assert "<mark>Vätgas" in page, re.findall(r"<mark>[^<]*</mark>", page)
    assert whole == 0
    page, whole = page_and_whole_reads("elektrolysor")  # only past the start: read whole
    assert "Dokument: Bilaga 2" in page and "<mark>Elektrolysör</mark>" in page
    assert whole == 1


def test_a_case_whose_documents_overflow_a_search_vector_is_still_indexed(vatgas, officer):
    """A tsvector holds at most 1 MB: ten budget appendices of 100 000 characters of
    numbers overflow it. The case is indexed with each document's start (the vector fits),
    its own texts whole; the stored text keeps every word (snippets)."""
    from projects.models import Document

    documents = [
        document_for(vatgas, officer, title=f"Budgetbilaga {n}", name=f"budget{n}.pdf")
        for n in range(10)
    ]
    for n, document in enumerate(documents):
        numbers = " ".join(str(10_000_000 + n * 20_000 + i) for i in range(10_000))
        Document.objects.filter(pk=document.pk).update(text=f"Kalkyl{n} {numbers}")

    services.case_refresh_search(case=vatgas)

    assert _found("vatgasdalen") == ["Vätgasdalen förstudie"]  # its own texts
    assert _found("kalkyl7") == ["Vätgasdalen förstudie"]  # each document's start
    stored = Case.objects.values_list("search_text", flat=True).get(pk=vatgas.pk)
    assert "10189999" in stored  # the last number of the last document: kept whole


def _vector_matches(column: str, word: str) -> list[str]:
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery(word, config=search.SEARCH_CONFIG)
    return list(Case.objects.filter(**{column: query}).values_list("title", flat=True))


def test_matches_are_ranked_by_the_cases_own_parts_then_newest_first(vatgas, officer):
    """A common word matches thousands of cases whose vectors hold their documents' words
    (up to 1 MB each): ranking read every match's. Ranked by ``rank_vector`` (the case's own
    parts), a case naming the word ranks first however often another's documents repeat
    it; cases matched in their documents only follow, newest first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    older = register_case(officer=officer, title="Skogsbruk och klimat")
    document_for(older, officer, title="Bilaga", name="bilaga.pdf")
    newer = register_case(officer=officer, title="Rennäring och turism")
    document_for(newer, officer, title="Bilaga", name="bilaga.pdf")
    Document.objects.filter(case__in=[older, newer]).update(text="vätgas " * 50)
    for case in (older, newer):
        services.case_refresh_search(case=case)

    with CaptureQueriesContext(connection) as queries:
        found = _found("vätgas")
    assert found == ["Vätgasdalen förstudie", "Rennäring och turism", "Skogsbruk och klimat"]
    ranked = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"projects_case"."rank_vector"' in ranked
    assert 'ts_rank("projects_case"."search_vector"' not in ranked
    # the documents' words are matched (search_vector), not ranked (rank_vector)
    assert set(_vector_matches("search_vector", "vätgas")) == set(found)
    assert _vector_matches("rank_vector", "vätgas") == ["Vätgasdalen förstudie"]


def test_the_rank_vectors_migration_fills_them_from_the_stored_vectors(vatgas, officer):
    import importlib

    from django.db import connection

    document_for(vatgas, officer, title="Bilaga", name="bilaga.pdf")
    Document.objects.filter(case=vatgas).update(text="Kalkyl för elektrolysören")
    services.case_refresh_search(case=vatgas)
    made = Case.objects.values_list("rank_vector", flat=True).get(pk=vatgas.pk)
    Case.objects.update(rank_vector=None, secret_rank_vector=None)
    migration = importlib.import_module("projects.migrations.0032_case_rank_vectors")
    with connection.schema_editor() as schema_editor:
        migration.fill(None, schema_editor)
    assert Case.objects.values_list("rank_vector", flat=True).get(pk=vatgas.pk) == made
    assert "elektrolys" in str(
        Case.objects.values_list("search_vector", flat=True).get(pk=vatgas.pk)
    )
    assert "elektrolys" not in made


def test_a_dnrs_running_number_or_year_typed_alone_finds_its_cases(officer):
    """The indexed Dnr is one word (``00412-2023``): ``412``, ``0035`` or ``2022`` typed
    alone found nothing, or only the cases that had the digits in a text."""
    import datetime

    def case(title, on):
        project = ProjectFactory(title=title, summary="")
        return register_case(
            officer=officer, project=project, title=title, registered_on=datetime.date(*on)
        )

    first = case("Fiskevård i Kalix", (2022, 3, 1))
    second = case("Bredband i byarna", (2022, 4, 1))
    later = case("Kulturarv i Tornedalen", (2023, 2, 1))
    assert (first.number, second.number, later.number) == (1, 2, 1)
    assert _found("2")[0] == "Bredband i byarna"  # first; words begun by "2" follow
    assert _found("0001") == ["Kulturarv i Tornedalen", "Fiskevård i Kalix"]
    # the year's cases first (a text may hold the digits too: the project's dates)
    assert _found("2022")[:2] == ["Bredband i byarna", "Fiskevård i Kalix"]
    assert _found("-2022")[:2] == ["Bredband i byarna", "Fiskevård i Kalix"]
    assert _found(second.dnr) == ["Bredband i byarna"]
    assert _found("kalix") == ["Fiskevård i Kalix"]
