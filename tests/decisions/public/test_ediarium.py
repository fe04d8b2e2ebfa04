"""The public e-diarium: search the registered cases and their documents by Dnr, date,
description and party; a secret document shows that it exists, not what it is; private
persons' names and the officers' names are never shown; no file can be downloaded."""

import datetime

import pytest

from core.roles import Role
from decisions.public import policy, selectors
from projects.models import Document, Organisation, PartyKind
from tests.core.factories import user_with_role
from tests.projects.factories import (
    OrganisationFactory,
    ProjectFactory,
    co_financing_case,
    document_for,
)

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(db):
    officer = user_with_role(
        Role.OFFICER, username="anna", first_name="Annika", last_name="Handläggarsson"
    )
    ltu = OrganisationFactory(
        name="Luleå tekniska universitet",
        kind=Organisation.Kind.UNIVERSITY,
        org_number="202100-2841",
    )
    sole_trader = OrganisationFactory(
        name="Kalle Karlssons Snickeri", kind=Organisation.Kind.COMPANY, org_number="800101-1234"
    )
    vatgas = ProjectFactory(
        title="Vätgasdalen", applicant=ltu, owner=ltu, contact_name="Petra Privat"
    )
    vatgas.partners.add(sole_trader)
    case1 = co_financing_case(officer=officer, project=vatgas, registered_on=D(2020, 2, 3))
    document_for(case1, officer, title="Ansökan om medfinansiering")
    document_for(case1, officer, title="Budget Vätgasdalen hemlig", confidential=True)
    piteå = OrganisationFactory(name="Piteå kommun", kind=Organisation.Kind.MUNICIPALITY)
    case2 = co_financing_case(
        officer=officer,
        project=ProjectFactory(title="Smart industri", applicant=piteå),
        registered_on=D(2020, 6, 10),
    )
    return {"officer": officer, "case1": case1, "case2": case2, "ltu": ltu}


def search(client, **params):
    response = client.get("/e-diarium/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_search_by_dnr(registry, client):
    case1, case2 = registry["case1"], registry["case2"]
    html = search(client, dnr=case1.dnr)
    assert case1.dnr in html and case2.dnr not in html
    assert "1 ärende" in html
    short = f"{case2.number}-{case2.year}"  # without the leading zeros
    html = search(client, dnr=short)
    assert case2.dnr in html and case1.dnr not in html


def test_search_by_date_range(registry, client):
    case1, case2 = registry["case1"], registry["case2"]
    html = search(client, date_from="2020-01-01", date_to="2020-03-31")
    assert case1.dnr in html and case2.dnr not in html
    html = search(client, date_from="2020-06-10")
    assert case2.dnr in html and case1.dnr not in html
    refused = search(client, date_from="2020-06-10", date_to="2020-01-01")
    assert "Slutdatumet kan inte vara före startdatumet." in refused


def test_search_by_description_finds_case_titles_and_open_documents_only(registry, client):
    case1, case2 = registry["case1"], registry["case2"]
    assert case2.dnr in search(client, text="smart industri")
    html = search(client, text="Ansökan om medfinansiering")
    assert case1.dnr in html and case2.dnr not in html
    # the secret document's title is neither searchable nor shown
    html = search(client, text="hemlig")
    assert case1.dnr not in html and "Inga ärenden matchar sökningen." in html


def test_search_by_party_organisation_but_not_a_private_person(registry, client):
    case1, case2 = registry["case1"], registry["case2"]
    html = search(client, party="tekniska universitet")
    assert case1.dnr in html and case2.dnr not in html
    assert case2.dnr in search(client, party="Piteå")
    # a sole trader is a private person: the name finds nothing and is never shown
    html = search(client, party="Karlsson")
    assert case1.dnr not in html


def test_each_way_a_case_names_a_party_finds_it_once(registry):
    """Applicant, owner, partner, a document's sender: each finds the case, once, and
    only that way's party; a secret document's sender finds nothing."""
    officer = registry["officer"]
    owner, partner, sender = (
        OrganisationFactory(name=name)
        for name in ("Ägarbolaget", "Partnerföreningen", "Avsändarverket")
    )
    project = ProjectFactory(title="Fyra vägar", applicant=registry["ltu"], owner=owner)
    project.partners.add(partner)
    case = co_financing_case(officer=officer, project=project, registered_on=D(2021, 1, 4))
    for name, secret in (("Avsändarverket", False), ("Hemliga avsändaren AB", True)):
        document = document_for(case, officer, title=f"Brev från {name}", confidential=secret)
        Document.objects.filter(pk=document.pk).update(
            party_kind=PartyKind.ORGANISATION, party_name=name
        )

    def found(party):
        return list(selectors.diary_cases(selectors.DiarySearch(party=party)))

    assert found("Ägarbolaget") == [case]
    assert found("Partnerföreningen") == [case]
    assert found("Avsändarverket") == [case]
    assert found("Hemliga avsändaren") == []
    # the applicant of two cases' projects: both, each once
    assert sorted(c.pk for c in found("tekniska universitet")) == sorted(
        [registry["case1"].pk, case.pk]
    )


def test_an_entry_masks_secret_documents_and_personal_names(registry, client):
    case1 = registry["case1"]
    page = client.get(f"/e-diarium/{case1.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert case1.dnr in html and "Medfinansiering av projektet Vätgasdalen" in html
    assert "Luleå tekniska universitet" in html  # an organisation is shown
    assert "Privatperson (namnet visas inte)" in html
    assert "Ansökan om medfinansiering" in html
    assert "Handlingen är sekretessmarkerad" in html  # the secret document exists...
    for hidden in (
        "Budget Vätgasdalen hemlig",  # ...but not its title
        "Kalle Karlssons Snickeri",  # a private person's firm
        "Handläggarsson",  # the officer
        "Annika",
        "Petra Privat",  # the contact person
    ):
        assert hidden not in html, hidden
    # register entries only: no link to a file
    assert "/cases/" not in html and "download" not in html and ".pdf" not in html


def test_the_policy_recognises_a_personal_identity_number(registry):
    assert policy.organisation_is_private_person(Organisation(org_number="800101-1234"))
    assert not policy.organisation_is_private_person(Organisation(org_number="202100-2841"))
    assert not policy.organisation_is_private_person(Organisation(org_number=None))


@pytest.mark.parametrize(
    "org_number",
    ["800101-1234", "8001011234", "910101-0000", "202100-2841", "5560001234", "12", "", None],
)
def test_the_party_search_keeps_sole_traders_out_by_the_policy(db, org_number):
    """The party search leaves out in SQL the organisations the policy calls private
    persons (``organisation_not_private_person``), and only those."""
    organisation = Organisation.objects.create(name="Testparten", org_number=org_number)
    found = Organisation.objects.filter(pk=organisation.pk).filter(
        policy.organisation_not_private_person()
    )
    assert found.exists() is not policy.organisation_is_private_person(organisation)


def test_the_query_is_one_function_with_a_fixed_number_of_queries(
    registry, client, django_assert_max_num_queries
):
    for n in range(5):
        document_for(registry["case1"], registry["officer"], title=f"Bilaga {n}")
    found = selectors.diary_cases(selectors.DiarySearch(party="Luleå"))
    assert list(found) == [registry["case1"]]
    # the page: a count, the cases, their documents, partners (no query per row)
    with django_assert_max_num_queries(5):
        search(client, date_from="2020-01-01")


def test_an_unknown_case_is_404(registry, client):
    assert client.get("/e-diarium/999999/").status_code == 404


def test_documents_of_the_registry_are_not_reachable_without_login(registry, client):
    document = Document.objects.filter(case=registry["case1"]).first()
    response = client.get(f"/cases/documents/{document.pk}/download/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_count_stops_at_the_cap_and_says_so(registry, client, monkeypatch):
    """A common word's every match is not counted: past the cap the page says "Över N
    ärenden" and pages through the first N; at or under it, the exact count."""
    from decisions.public import views

    officer = registry["officer"]
    for day in range(1, 4):
        co_financing_case(
            officer=officer,
            project=ProjectFactory(title=f"Smart export {day}"),
            registered_on=D(2021, 3, day),
        )
    monkeypatch.setattr(views, "DIARY_COUNT_CAP", 3)
    html = search(client, text="smart")  # four cases: case2 and the three above
    assert "Över 3 ärenden" in html and "Förfina sökningen" in html
    assert "4 ärenden" not in html
    monkeypatch.setattr(views, "DIARY_COUNT_CAP", 4)
    html = search(client, text="smart")
    assert "4 ärenden" in html and "Över" not in html


def _plan(queryset, *switched_off) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", *switched_off):  # a test table is tiny
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_text_and_party_search_use_the_trigram_indexes():
    """``icontains`` on the cases, documents and organisations is served by the pg_trgm GIN
    indexes (migrations projects 0019 and 0022), not by scanning every row."""
    text = selectors.diary_cases(selectors.DiarySearch(text="vätgas"))
    plan = _plan(text)
    assert "ediarium_document_title_trgm" in plan
    assert "ediarium_document_description_trgm" in plan
    plan = _plan(selectors.diary_cases(selectors.DiarySearch(party="kommun")))
    assert "projects_document_party_name_trgm" in plan
    plan = _plan(Organisation.objects.filter(name__icontains="kommun"))
    assert "projects_organisation_name_trgm" in plan
    # A party's cases are looked up by key in the cases' indexes, one list per way a case
    # names a party (core.expressions.AnyOf), in one BitmapOr: not every case joined to its
    # project and partners and made DISTINCT (0.8 s at 200 000 cases).
    party = selectors.diary_cases(selectors.DiarySearch(party="kommun"))
    plan = _plan(party.order_by().values("pk"), "enable_indexscan", "enable_indexonlyscan")
    assert "BitmapOr" in plan and "projects_case_project_id" in plan
    assert "Unique" not in plan and "SubPlan" not in plan
    # What the page counts: the case title's index and the documents' matches in one
    # BitmapOr (core.expressions.AnyOf), not every case tested against a subplan (the
    # plan when the OR holds "pk IN (subquery)", which no index can serve).
    plan = _plan(text.order_by().values("pk"), "enable_indexscan", "enable_indexonlyscan")
    assert "ediarium_case_title_trgm" in plan and "BitmapOr" in plan
    assert "SubPlan" not in plan
