"""Lists as long as the register (projects, organisations, commitments, a work queue) count
their rows only up to ``core.pagination.LIST_COUNT_CAP`` past the page asked for: past it
they say "Över …" and every row is still reached page by page."""

import datetime

import pytest
from django.urls import reverse

from core import pagination
from projects.models import Case, CaseKind, CaseState
from tests.financing.factories import CommitmentFactory
from tests.projects.factories import OrganisationFactory, ProjectFactory, register_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(pagination, "LIST_COUNT_CAP", 2)


def _pages(client, url, params=None):
    """Every page of ``url``, following "Nästa" (``page.has_next``) as a user would."""
    pages, number = [], 1
    while True:
        response = client.get(url, {**(params or {}), "page": number})
        assert response.status_code == 200
        pages.append(response)
        if not response.context["page"].has_next():
            return pages
        number += 1


def _rows(pages) -> list:
    return [row.pk for response in pages for row in response.context["page"].object_list]


def test_the_project_list_counts_ahead(small_cap, monkeypatch, officer, client_for):
    from projects import views

    monkeypatch.setattr(views, "PROJECTS_PER_PAGE", 1)
    projects = [ProjectFactory(title=f"Projekt {n}") for n in range(5)]
    pages = _pages(client_for(officer), reverse("projects:project_list"))
    assert "Över 2 projekt" in pages[0].content.decode()
    assert sorted(_rows(pages)) == sorted(p.pk for p in projects)  # none lost
    # past the cap from the last pages: counted to the end there
    assert "5 projekt" in pages[-1].content.decode()


def test_the_organisation_list_counts_ahead(small_cap, monkeypatch, officer, client_for):
    from projects import views

    monkeypatch.setattr(views, "ORGANISATIONS_PER_PAGE", 1)
    for n in range(4):
        OrganisationFactory(name=f"Kommun {n}")
    pages = _pages(client_for(officer), reverse("projects:organisation_list"), {"q": "Kommun"})
    assert "Över 2 organisationer" in pages[0].content.decode()
    assert len(_rows(pages)) == 4


def test_the_commitment_list_counts_ahead(small_cap, monkeypatch, controller, client_for):
    from financing import views

    monkeypatch.setattr(views, "COMMITMENTS_PER_PAGE", 1)
    commitments = [CommitmentFactory(description=f"Åtagande {n}") for n in range(4)]
    pages = _pages(client_for(controller), reverse("financing:commitment_list"))
    assert "Över 2 åtaganden" in pages[0].content.decode()
    assert sorted(_rows(pages)) == sorted(c.pk for c in commitments)


def test_a_cap_below_the_page_never_cuts_the_page_short(small_cap, controller, client_for):
    commitments = [CommitmentFactory(description=f"Åtagande {n}") for n in range(3)]
    page = client_for(controller).get(reverse("financing:commitment_list")).context["page"]
    assert {c.pk for c in page.object_list} == {c.pk for c in commitments}  # 50 a page


def test_a_work_queue_counts_ahead_what_its_filter_matches(
    small_cap, monkeypatch, officer, client_for
):
    from decisions.workflow import views

    monkeypatch.setattr(views, "QUEUE_PER_PAGE", 1)
    cases = [register_case(officer=officer, kind=CaseKind.CO_FINANCING) for _ in range(3)]
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(state=CaseState.READY_FOR_RUN)
    pages = _pages(
        client_for(officer),
        reverse("decisions:workflow_queue", args=["run"]),
        {"kind": CaseKind.CO_FINANCING},
    )
    assert "Över 2 ärenden matchar filtret." in pages[0].content.decode()
    assert sorted(_rows(pages)) == sorted(c.pk for c in cases)


def test_the_delegation_register_counts_ahead(small_cap, monkeypatch, decision_maker, client_for):
    from decisions.workflow import views
    from decisions.workflow.models import DelegationDecision

    monkeypatch.setattr(views, "DELEGATIONS_PER_PAGE", 1)
    decisions = [
        DelegationDecision.objects.create(
            case=register_case(),
            decided_on=datetime.date(2020, 4, day),
            outcome="approved",
            decision_text="Beviljas.",
            decided_by=decision_maker,
        )
        for day in range(1, 5)
    ]
    url = reverse("decisions:delegation_register")
    pages = _pages(client_for(decision_maker), url, {"reported": "no"})
    first = pages[0].content.decode()
    assert "Över 2 beslut" in first and "Sida 1 av" not in first
    assert 'href="?reported=no&amp;page=2"' in first  # the filter kept on "Nästa"
    assert sorted(_rows(pages)) == sorted(d.pk for d in decisions)


def test_the_secrecy_access_log_counts_ahead(small_cap, monkeypatch, decision_maker, client_for):
    from projects import views
    from projects.models import SecrecyAccessLog

    monkeypatch.setattr(views, "SECRECY_LOG_PER_PAGE", 1)
    case = register_case()
    entries = [
        SecrecyAccessLog.objects.create(user=decision_maker, case=case, action="view", what=f"{n}")
        for n in range(4)
    ]
    pages = _pages(client_for(decision_maker), reverse("projects:secrecy_log"))
    assert "Sida 1 av" not in pages[0].content.decode()
    assert sorted(_rows(pages)) == sorted(e.pk for e in entries)
