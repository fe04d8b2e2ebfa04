"""The case page: facts, texts, parties, documents, organisation, obligations, history."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

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


def test_timeline_is_paginated_with_visa_fler(case, officer, client_for):
    for i in range(20):
        Obligation.objects.create(project=case.project, text=f"Villkor {i}")
    client = client_for(officer)
    body = client.get(case.get_absolute_url()).content.decode()
    history_url = reverse("projects:case_history", args=[case.pk])
    assert f'href="{history_url}?page=2"' in body
    assert len(case_timeline(case, officer)) > 15
    assert "Visa äldre händelser" in body
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


def _long_history(case, officer):
    """A project followed for years: its texts and partners saved again and again by two
    officers, some saves within the merge window (one entry), members and obligations
    added, a member removed; the case's own facts changed between; documents uploaded."""
    colleague = user_with_role(Role.OFFICER, username="officer2")
    start = timezone.now() + datetime.timedelta(hours=1)  # after the case's own records
    project = Project.objects.get(pk=case.project_id)
    partners = [OrganisationFactory(name=f"Partner {n}") for n in range(3)]
    for title in ("Ansökan", "Budget"):
        document_for(case, officer, title=title, name=f"{title}.pdf")
    moment = start
    kept: list[ProjectMember] = []
    for i in range(70):
        # every fifth save 2 s after the one before by the same user: merged with it
        moment += datetime.timedelta(seconds=2) if i % 5 == 4 else datetime.timedelta(hours=7)
        user = officer if (i // 5) % 2 else colleague
        if i % 7 == 3:
            member = ProjectMember(project=project, group="project", role="participant")
            member.name = f"Deltagare {i}"
            member._history_user, member._history_date = user, moment
            member.save()
            if i % 2:
                member._history_user = user
                member._history_date = moment + datetime.timedelta(minutes=1)
                member.delete()
            else:
                kept.append(member)
        elif i % 7 == 5 and kept:
            # a member added long before renamed: its diff needs a record older than a page
            member = kept[0]
            member.name = f"{member.name} (ny roll {i})"
            member._history_user, member._history_date = user, moment
            member.save()
        elif i % 11 == 5:
            obligation = Obligation(project=project, text=f"Villkor {i}")
            obligation._history_user, obligation._history_date = user, moment
            obligation.save()
        elif i % 13 == 6:
            case.nyps_id = f"2021{i:04d}"
            case._history_user, case._history_date = user, moment
            case.save()
        else:
            project.summary = f"Sammanfattning, version {i}. " * (1 + i % 3)
            project.contact_name = f"Kontakt {i % 4}"  # the same again every fourth: no change
            project._history_user, project._history_date = user, moment
            project.save()
            if i % 4 == 1:  # the partners too, in the same save's record
                project.partners.set(partners[: 1 + i % 3])
    # last, a burst of saves a second apart (one entry): more records than a page reads
    for i in range(60):
        moment += datetime.timedelta(seconds=1)
        project.summary = f"Sammanfattning, utkast {i}."
        project._history_user, project._history_date = officer, moment
        project.save()


def _shown(entries):
    return [
        (e.when, e.user, e.kind, e.action, e.subject, [(c.label, c.old, c.new) for c in e.changes])
        for e in entries
    ]


def test_a_page_of_a_long_timeline_reads_its_newest_records_and_equals_the_whole(case, officer):
    """The case page shows fifteen entries; reading and diffing every record of a project
    followed for years grew with its history. A page reads the newest records of each kind
    (and each object's record before them, for its diff) and shows what the whole
    timeline shows, merges and unchanged saves included."""
    _long_history(case, officer)
    whole = case_timeline(case, officer)
    assert len(whole) > 60
    for entries in (1, 16, 31, 46, len(whole), len(whole) + 5):
        with CaptureQueriesContext(connection) as queries:
            page = case_timeline(case, officer, entries=entries)
        assert _shown(page[:entries]) == _shown(whole[:entries]), entries
        if entries == 1:  # the burst is the newest entry: the newest records suffice
            read = " ".join(q["sql"] for q in queries.captured_queries)
            assert "LIMIT 3" in read and "DISTINCT ON" in read


def test_a_page_shows_a_change_to_an_object_added_before_its_window(case, officer):
    """Of a kind of many objects (members), the newest records of the kind can belong to an
    object whose earlier record is older than the page reads: its diff needs that one (read
    with ``DISTINCT ON``), or the change would show as the member being added."""
    start = timezone.now() + datetime.timedelta(hours=1)  # after the case's own records
    members = []
    for n in range(12):
        member = ProjectMember(project=case.project, group="project", role="participant")
        member.name = f"Deltagare {n}"
        member._history_user = officer
        member._history_date = start + datetime.timedelta(days=n)
        member.save()
        members.append(member)
    first = members[0]
    first.name = "Deltagare 0 (projektledare)"
    first._history_user, first._history_date = officer, start + datetime.timedelta(days=40)
    first.save()

    whole = case_timeline(case, officer)
    for entries in (1, 2, 5):
        with CaptureQueriesContext(connection) as queries:
            page = case_timeline(case, officer, entries=entries)
        assert _shown(page[:entries]) == _shown(whole[:entries]), entries
        if entries == 1:  # three member records read: the renamed one's first read too
            assert "DISTINCT ON" in " ".join(q["sql"] for q in queries.captured_queries)
    change = next(e for e in whole if e.kind == "member")
    assert change.action == "changed" and change.changes


def test_the_case_page_and_its_history_pages_show_the_whole_timeline(case, officer, client_for):
    _long_history(case, officer)
    whole = case_timeline(case, officer)
    client = client_for(officer)
    history_url = reverse("projects:case_history", args=[case.pk])
    body = client.get(case.get_absolute_url()).content.decode()
    shown = [e.subject for e in whole]
    # the case page's entries (its rows preloaded with the rest of the page) are the newest
    page = re.findall(r'<p class="history__what">(.*?)</p>', body)
    assert page == [escape(subject) for subject in shown[:15]]
    for number in range(1, len(whole) // 15 + 2):
        fragment = client.get(history_url, {"page": number}, HTTP_HX_REQUEST="true")
        text = fragment.content.decode()
        expected = [escape(subject) for subject in shown[(number - 1) * 15 : number * 15]]
        assert re.findall(r'<p class="history__what">(.*?)</p>', text) == expected
        assert ("Visa äldre händelser" in text) == (number * 15 < len(whole))
    for number in ("x", "0", "-1", "9" * 40):
        assert client.get(history_url, {"page": number}).status_code == 200
    last = client.get(history_url, {"page": "9" * 40}, HTTP_HX_REQUEST="true").content.decode()
    assert shown[-1] in last
