"""The case list's applicant filter: the organisation picker inside the filter form (whose
htmx attributes swap the whole result list and push its URL) opens its own pick list in
place, finds a name typed without its accents (and offers no new organisation: a filter
picks among those registered), and the filter then narrows the list."""

from playwright.sync_api import expect

from core.roles import Role
from tests.core.factories import user_with_role
from tests.projects.factories import OrganisationFactory, ProjectFactory, register_case


def test_the_applicant_filter_picks_an_organisation_typed_without_accents(journey):
    anna = user_with_role(Role.OFFICER, username="anna", first_name="Anna", last_name="Lindberg")
    lulea = OrganisationFactory(name="Luleå kommun")
    kept = register_case(officer=anna, project=ProjectFactory(applicant=lulea, title="Hamnen"))
    other = register_case(
        officer=anna,
        project=ProjectFactory(applicant=OrganisationFactory(name="Kalix kommun"), title="Älven"),
    )
    j = journey()
    page = j.page
    j.login("anna")
    j.goto("/cases/")
    url = page.url

    page.get_by_label("Sökande").press_sequentially("lulea", delay=40)
    results = page.locator("#id_applicant_results")
    option = results.get_by_role("button", name="Luleå kommun")
    expect(option).to_be_visible()
    # the pick list stays the picker's own list, and the address stays the case list's
    expect(results).to_have_class("autocomplete-results")
    assert page.url == url
    # a filter picks among the registered: it offers no new organisation
    expect(results).not_to_contain_text("som ny organisation")
    j.check("applicant-pick-list")
    option.click()
    expect(page.get_by_label("Sökande")).to_have_value("Luleå kommun")
    page.get_by_role("button", name="Filtrera").click()
    table = page.locator("#case-results")
    expect(table).to_contain_text(kept.dnr)
    expect(table).not_to_contain_text(other.dnr)
