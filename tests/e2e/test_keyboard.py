"""Keyboard only: a case officer registers a co-financing case with Tab, arrows, typing and
Enter, including the organisation picker, and sees where the focus is at every step."""

import re

from playwright.sync_api import expect

from core.roles import Role
from projects.models import Organisation
from tests.core.factories import user_with_role
from tests.projects.factories import OrganisationFactory

from .helpers import sek

PROJECT = "Life Science Norrbotten"

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    label: el.id || el.name || el.textContent.trim().slice(0, 40),
    focusVisible: el.matches(":focus-visible"),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
  };
}"""


def assert_focus_visible(j):
    """The focused element shows the app's focus ring (3px solid #f2b705)."""
    focus = j.page.evaluate(FOCUS_STYLE)
    assert focus["focusVisible"], f"no :focus-visible on {focus}"
    assert focus["outlineStyle"] == "solid" and focus["outlineWidth"] >= 2, focus
    assert focus["outlineColor"] == "rgb(242, 183, 5)", focus
    return focus


def tab_and_type(j, locator, text):
    j.tab_to(locator)
    assert_focus_visible(j)
    j.page.keyboard.type(text)


def test_keyboard_user_registers_a_co_financing_case(journey):
    user_with_role(Role.OFFICER, username="anna", first_name="Anna", last_name="Lindberg")
    OrganisationFactory(name="Luleå kommun", kind=Organisation.Kind.MUNICIPALITY)
    OrganisationFactory(name="Luleå tekniska universitet", kind=Organisation.Kind.UNIVERSITY)
    j = journey()
    j.login("anna")
    page = j.page
    j.goto("/cases/")
    j.assert_accessible("case-list")

    # From the list to the form: Tab to the link, Enter.
    j.tab_to(page.get_by_role("link", name="Registrera ärende"))
    assert_focus_visible(j)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera ärende")
    j.assert_accessible("register-form")

    # The kind: Tab into the radio group, arrow to Medfinansiering.
    j.tab_to(page.get_by_label("Projektidé", exact=True))
    assert_focus_visible(j)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Medfinansiering", exact=True)).to_be_checked()
    assert j.focused("value") == "medfinansiering"
    assert_focus_visible(j)

    tab_and_type(j, page.get_by_label("NYPS-id"), "20204867")
    tab_and_type(j, page.get_by_label("Projektnamn"), PROJECT)

    # The organisation picker: type, Tab into the suggestions, Enter picks one.
    tab_and_type(j, page.get_by_label("Stödsökande"), "Luleå ko")
    suggestion = page.locator("#id_applicant_results").get_by_role(
        "button", name=re.compile("Luleå kommun")
    )
    expect(suggestion).to_be_visible()
    j.tab_to(suggestion)
    assert_focus_visible(j)
    j.shot("picker-suggestion-focused")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Stödsökande")).to_have_value("Luleå kommun")
    expect(page.locator("#id_applicant_results li")).to_have_count(0)
    # The picked suggestion is gone; the focus is back on the field, not lost to the page.
    assert j.focused("id") == "id_applicant_text"
    assert_focus_visible(j)

    tab_and_type(j, page.get_by_label("Sökt belopp"), "1 245 497 kr")
    j.shot("register-form-filled")
    # Enter in a text field submits the form.
    with page.expect_navigation():
        page.keyboard.press("Enter")

    messages = page.locator("#messages")
    expect(messages).to_contain_text("Ärendet registrerades med diarienummer")
    dnr = re.search(r"\d{5}-\d{4}", messages.inner_text()).group(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Medfinansiering av projektet {PROJECT}"
    )
    head = page.locator(".case-head")
    expect(head).to_contain_text(dnr)
    expect(head).to_contain_text("NYPS-id 20204867")
    expect(head).to_contain_text("Registrerat")
    expect(page.locator(".amounts")).to_contain_text(sek(1245497))
    expect(page.locator("main")).to_contain_text("Luleå kommun")
    j.check("case-registered")
