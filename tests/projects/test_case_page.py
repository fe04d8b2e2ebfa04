"""The case page: facts, texts, parties, documents, organisation, obligations, history."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from projects import case_page, services
from projects.models import Case, Document, Obligation, Project, ProjectMember, RusArea
from projects.timeline import _tracked, case_timeline
from tests.core.factories import user_with_role
from tests.projects.factories import (
    ObligationFactory,
    OrganisationFactory,
    document_for,
    project_aim,
    register_case,
)

pytestmark = pytest.mark.django_db


def test_shows_all_facts_texts_and_parties(case, client_for, reader):
    project = case.project
    project.purpose = "Projektet syftar till att öka investeringar i solel."
    project.involves_healthcare = True
    project.save()
    project.main_aims.add(project_aim("environment"))
    project.rus_areas.add(RusArea.objects.create(name="Hög livskvalitet"))
    body = client_for(reader).get(case.get_absolute_url()).content.decode()
    for text in (
        case.dnr,
        "20204814",
        "Medfinansiering",
        case.title,
        "Registrerat",
        "Sammanfattning",
        "Öka efterfrågan på solel",
        "Bakgrund",
        "Syfte",
        "Piteå Science Park AB",
        "PiteEnergi AB",
        "1 222 867 kr",
        "6 114 325 kr",
        "2020-09-01",
        "2023-02-28",
        "Hög livskvalitet",
        "Miljö",
        "Berör hälso- och sjukvården",
    ):
        assert text in body, text
    assert "Ändra ärendet" not in body  # the reader sees no buttons
    assert "Ladda upp dokument" not in body


def test_officer_sees_the_action_buttons(case, client_for, officer):
    body = client_for(officer).get(case.get_absolute_url()).content.decode()
    for text in (
        "Ändra ärendet",
        "Ändra projektet",
        "Ladda upp dokument",
        "Lägg till i projektgruppen",
        "Nytt särskilt villkor",
        "Registrera projektavslut",
    ):
        assert text in body


def test_members_obligations_and_closure_are_shown_with_overdue_marking(case, client_for, officer):
    project = case.project
    services.project_member_create(
        user=officer, project=project, group="project", role="coordinator", name="Maria Öberg"
    )
    services.project_member_create(
        user=officer, project=project, group="steering", role="chair", name="Karin Strand"
    )
    ObligationFactory(
        project=project, text="Lämna lägesrapport", due_date=datetime.date(2020, 1, 1)
    )
    ObligationFactory(project=project, text="Slutrapport", due_date=datetime.date(2099, 1, 1))
    idea = register_case(officer=officer, kind="projektide", title="Projektidé: uppföljning")
    services.project_close(
        user=officer,
        project=project,
        result_summary="Målen nåddes.",
        recommendation="wide_implementation",
        follow_up_case=idea,
        closed_on=datetime.date(2023, 3, 1),
    )
    body = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert "Maria Öberg" in body and "Projektkoordinator/projektledare" in body
    assert "Karin Strand" in body and "Ordförande" in body
    assert body.count('class="row--overdue"') == 1
    assert "Försenad" in body
    assert "Målen nåddes." in body and "Breddinförande" in body and idea.dnr in body


def _section_text(area):
    return lambda request, case: {"text": f"{area}-{case.dnr}"}


SECTION_HEADER, SECTION_MAIN, SECTION_SIDE = (
    case_page.Section(
        key=f"test_{area}", area=area, template="t/s.html", context=_section_text(area)
    )
    for area in ("header", "main", "side")
)
SECTION_HIDDEN = case_page.Section(
    key="test_hidden", area="main", template="t/s.html", context=lambda request, case: None
)


def test_sections_listed_in_the_settings_are_rendered_in_their_areas(
    case, client_for, officer, tmp_path, settings
):
    template_dir = tmp_path / "templates"
    (template_dir / "t").mkdir(parents=True)
    (template_dir / "t" / "s.html").write_text("<p>SECTION {{ section.text }}</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], template_dir]}]
    settings.CASE_PAGE_SECTIONS = [
        f"tests.projects.test_case_page.SECTION_{area.upper()}" for area in ("side", "main")
    ] + [
        "tests.projects.test_case_page.SECTION_HIDDEN",
        "tests.projects.test_case_page.SECTION_HEADER",
    ]
    body = client_for(officer).get(case.get_absolute_url()).content.decode()
    for area in ("header", "main", "side"):
        assert f"SECTION {area}-{case.dnr}" in body
    assert body.index("SECTION header") < body.index("SECTION main") < body.index("SECTION side")
    assert body.count("SECTION") == 3


def test_missing_case_is_404(client_for, officer):
    assert (
        client_for(officer).get(reverse("projects:case_detail", args=[999999])).status_code == 404
    )


# --- history ------------------------------------------------------------------------


def _entry_texts(entries):
    return [e.subject for e in entries]


def test_timeline_shows_who_when_which_fields_old_and_new_readably(case, officer, controller):
    project = case.project
    ltu = OrganisationFactory(name="Luleå tekniska universitet")
    services.project_update(
        user=officer,
        project=project,
        data={
            "requested_amount": Decimal("1500000"),
            "origin": "eic",
            "applicant": ltu,
            "partners": [ltu],
            "involves_healthcare": True,
        },
    )
    services.case_update(user=officer, case=case, data={"nyps_id": "20209999"})
    document_for(case, controller, title="Budget")
    obligation = services.obligation_create(
        user=officer,
        project=project,
        case=case,
        text="Lämna slutrapport",
        due_date=datetime.date(2023, 4, 30),
    )
    services.obligation_fulfil(user=officer, obligation=obligation, note="Klar")
    member = services.project_member_create(
        user=officer, project=project, group="project", role="participant", name="Sara Nyström"
    )
    services.project_member_delete(user=officer, member=member)

    entries = case_timeline(case, officer)
    texts = _entry_texts(entries)
    assert texts[-1] == "Projektet ”Arctic Solar 2.0” skapades"  # oldest last
    assert f"Ärendet {case.dnr} registrerades" in texts
    project_change = next(e for e in entries if e.subject.startswith("Projektet") and e.changes)
    assert project_change.user == "Anna Lindberg"
    changes = {c.label: (c.old, c.new) for c in project_change.changes}
    assert changes["Sökt belopp"] == ("1 222 867 kr", "1 500 000 kr")
    assert changes["Ursprung"] == ("Extern", "Extern via EIC")
    assert changes["Stödsökande"] == ("Piteå Science Park AB", "Luleå tekniska universitet")
    assert changes["Samverkansparter"] == ("PiteEnergi AB", "Luleå tekniska universitet")
    assert changes["Berör hälso- och sjukvården"] == ("Nej", "Ja")
    case_change = next(e for e in entries if e.subject.startswith("Ärendet") and e.changes)
    assert [(c.label, c.old, c.new) for c in case_change.changes] == [
        ("NYPS-id", "20204814", "20209999")
    ]
    assert "Dokumentet ”Budget” version 1 laddades upp" in texts
    document_entry = next(e for e in entries if "Budget" in e.subject)
    assert document_entry.user == controller.get_full_name()
    fulfilment = next(e for e in entries if e.subject.startswith("Villkoret") and e.changes)
    labels = {c.label: (c.old, c.new) for c in fulfilment.changes}
    assert labels["Status"] == ("Öppet", "Uppfyllt")
    assert labels["Kommentar"] == ("–", "Klar")
    assert "Sara Nyström lades till i projektgrupp" in texts
    assert "Sara Nyström togs bort från projektgrupp" in texts
    # newest first
    assert entries == sorted(entries, key=lambda e: e.when, reverse=True)


def test_timeline_long_texts_are_folded(case, officer, client_for):
    services.project_update(
        user=officer, project=case.project, data={"background": "Ny bakgrund. " * 20}
    )
    body = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert '<details><summary><span class="history__field">Bakgrund</span> ändrades' in body


def test_timeline_is_paginated_with_visa_fler(case, officer, client_for):
    for i in range(20):
        Obligation.objects.create(project=case.project, text=f"Villkor {i}")
    client = client_for(officer)
    body = client.get(case.get_absolute_url()).content.decode()
    history_url = reverse("projects:case_history", args=[case.pk])
    assert f'href="{history_url}?page=2"' in body
    total = len(case_timeline(case, officer))
    assert total > 15
    assert f"Visa fler ({total} händelser totalt)" in body
    fragment = client.get(history_url, {"page": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Villkor 0" in fragment
    full = client.get(history_url, {"page": 2}).content.decode()
    assert "<html" in full and "Nyare händelser" in full


def test_timeline_queries_do_not_grow_with_the_changes(
    case, officer, django_assert_max_num_queries
):
    """Diffing reads no rows (diff_against on the fetched records; the m2m rows of all
    the project's records in one query per field), so a long history costs no more."""
    colleague = user_with_role(Role.OFFICER, username="officer2")  # no merging of saves
    ltu, lkab = OrganisationFactory(name="LTU"), OrganisationFactory(name="LKAB")
    services.project_update(user=officer, project=case.project, data={"partners": [ltu]})
    with CaptureQueriesContext(connection) as short:
        case_timeline(case, officer)
    for i in range(6):
        user = officer if i % 2 else colleague
        services.project_update(
            user=user,
            project=case.project,
            data={"partners": [lkab] if i % 2 else [ltu, lkab], "contact_name": f"Kontakt {i}"},
        )
        services.case_update(user=user, case=case, data={"nyps_id": f"2020481{i}"})
        services.obligation_create(user=officer, project=case.project, text=f"Villkor {i}")
    with django_assert_max_num_queries(len(short.captured_queries)):
        entries = case_timeline(case, officer)
    # as many as before diff_against, + 1: the case's secrecy markings (projects.secrecy)
    assert len(short.captured_queries) <= 12
    changes = [c.label for e in entries for c in e.changes]
    assert changes.count("Samverkansparter") == 7 and changes.count("NYPS-id") == 6


def test_every_field_the_history_shows_can_be_diffed():
    """diff_against compares editable fields only: a shown field must be one."""
    for model in (Case, Project, ProjectMember, Document, Obligation):
        assert all(f.editable for f in _tracked(model)), model


def test_history_records_the_acting_user_outside_requests(case, secretary):
    obligation = services.obligation_create(user=secretary, project=case.project, text="Villkor")
    assert obligation.history.get().history_user == secretary


def test_member_roles_must_fit_the_group(case, officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        services.project_member_create(
            user=officer, project=case.project, group="steering", role="participant", name="X"
        )
    assert "role" in info.value.message_dict
    assert not ProjectMember.objects.exists()
