"""In a real browser: the secretary sends the kallelse, a member reads the meeting's papers
on a tablet (768 px), an officer finds a case with the header search and assigns cases in
bulk."""

import datetime

from django.core import mail

from core.roles import Role
from decisions.meetings import services as svc
from tests.core.factories import user_with_role
from tests.decisions.meetings.factories import case_ready_for_run, committee, run_body, seed
from tests.projects.factories import PDF_BYTES, OrganisationFactory, document_for


def test_the_secretary_sends_the_kallelse_and_a_member_reads_it_on_a_tablet(journey):
    secretary = user_with_role(
        Role.SECRETARY, username="sekreterare", first_name="Monica", last_name="Lejon"
    )
    officer = user_with_role(Role.OFFICER, username="anna", first_name="Anna")
    committee(secretary)  # the chair (ordforande_t) and Lage Hortlund have accounts
    meeting = svc.meeting_create(
        user=secretary,
        body=run_body(),
        date=datetime.date(2020, 5, 12),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0),
        place="Regionhuset, Luleå",
    )
    case = case_ready_for_run(officer, seed(35))
    document_for(case, officer, title="Ansökan DioD", content=PDF_BYTES)
    svc.agenda_items_add_cases(user=secretary, meeting=meeting, cases=[case])

    j = journey()
    j.login("sekreterare")
    j.goto(meeting.get_absolute_url())
    j.check("meeting")
    j.click_through(j.page.get_by_role("button", name="Skicka kallelsen", exact=True))
    assert "Kallelsen skickades till 2 ledamöter och ersättare" in j.page.inner_text("#messages")
    j.check("kallelse-sent")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "justerare_t@example.se",
        "ordforande_t@example.se",
    ]
    assert mail.outbox[0].attachments[0][0] == "sammantrade-2020-05-12.ics"
    link = next(line for line in mail.outbox[0].body.splitlines() if "/ledamoter/" in line)

    member = journey(suffix="-member")
    member.page.set_viewport_size({"width": 768, "height": 1024})
    member.login("ordforande_t")
    member.goto(j.base + link[link.index("/workflow/") :])
    assert member.page.locator("h1").inner_text() == "Regionala utvecklingsnämnden"
    assert member.page.get_by_text("Förslag till beslut").is_visible()
    assert member.page.get_by_role("link", name="Ansökan DioD").is_visible()
    width = member.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768
    member.check("members-page-768")


def test_an_officer_finds_a_case_from_the_header_and_assigns_in_bulk(journey):
    officer = user_with_role(Role.OFFICER, username="anna", first_name="Anna", last_name="Lind")
    user_with_role(Role.OFFICER, username="per", first_name="Per", last_name="Holm")
    from projects import services
    from tests.projects.factories import ProjectFactory, register_case

    ltu = OrganisationFactory(name="Luleå tekniska universitet")
    services.organisation_alias_add(user=officer, organisation=ltu, name="LTU")
    project = ProjectFactory(title="Vätgasdalen", applicant=ltu, owner=ltu)
    found = register_case(officer=officer, project=project, title="Vätgasdalen förstudie")
    register_case(officer=officer, title="Arctic Solar")

    j = journey()
    j.login("anna")
    box = j.page.get_by_role("searchbox", name="Fritextsökning")
    box.fill("vatgas")
    with j.page.expect_navigation():
        box.press("Enter")
    assert j.page.locator(".search-result").count() == 1
    assert j.page.locator(".search-result mark").first.inner_text() == "Vätgasdalen"
    j.check("search-results")
    box = j.page.get_by_role("searchbox", name="Fritextsökning")
    box.fill("LTU")
    with j.page.expect_navigation():
        box.press("Enter")
    assert found.dnr in j.page.locator(".search-results").inner_text()
    j.check("search-abbreviation")

    j.goto("/cases/")
    j.page.get_by_label("Markera alla ärenden på sidan").check()
    j.page.get_by_label("Handläggare", exact=True).last.select_option(label="Per Holm")
    j.click_through(j.page.get_by_role("button", name="Fördela", exact=True))
    assert "2 ärenden fördelades till Per Holm" in j.page.inner_text("#messages")
    j.check("bulk-assigned")
