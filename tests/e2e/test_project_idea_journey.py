"""Journey (b): a projektidé along the forum route of seed 000, through the UI.

The case officer registers the idea and starts AU's preparation, records AU's assessment
(route: utvecklingsforum and utvecklingsrådet) and, after the app has refused to send an
unanchored idea on, the contact with the affected unit; the committee secretary finds the
case in the work queues and records utvecklingsforum's recommendation; the council decides
at its meeting: the secretary plans it, takes the case from the queue, numbers the item and
records the council's approval in the paragraph (a body's decision is never a bare button
on the case). Run once in Swedish and once with English chosen in the language switch
(axe-core checks the pages in the Swedish run).
"""

import re

import pytest
from playwright.sync_api import expect

from core.roles import Role
from decisions.meetings import services as meeting_services
from decisions.workflow.constants import BodyCode
from tests.core.factories import user_with_role
from tests.decisions.meetings.factories import committee

from .helpers import iso, today

PROJECT = "Hemmonitorering vid hjärtsvikt i Östra Norrbotten"

# The texts the journey asserts, as the UI shows them in each language.
TEXTS = {
    "sv": {
        "register": "Registrera ärende",
        "kind": "Projektidé",
        "project_title": "Projektnamn",
        "register_button": "Registrera",
        "title": f"Projektidé: {PROJECT}",
        "registered": "Registrerat",
        "received": "Inkom",  # and the day it is registered
        "start_au": "Starta beredning i AU",
        "au_preparation": "Under beredning i AU",
        "record_assessment": "Registrera AU:s bedömning",
        "assessment": "Bedömning",
        "route_forum": "Utvecklingsforum och utvecklingsrådet",
        "direction": "Förslag till inriktningsbeslut",
        "au_assessed": "Bedömd av AU",
        "send_to_forum": "Skicka till utvecklingsforum",
        "no_anchoring": "Ingen förankring med berörd verksamhet är registrerad.",
        "record_anchoring": "Registrera förankringskontakt",
        "unit": "Verksamhet/enhet",
        "person": "Kontaktperson",
        "outcome": "Resultat av kontakten",
        "save_anchoring": "Spara förankring",
        "anchoring_saved": "Förankringen är registrerad.",
        "at_forum": "Hos utvecklingsforum",
        "queues": "Arbetsköer",
        "queue_forum": "Till utvecklingsforum",
        "queue_council": "Till utvecklingsrådet",
        "forum_recommend": "Registrera forumets rekommendation",
        "recommend_approve": "Rekommenderar godkännande",
        "recommendation_text": "Motivering till rekommendationen",
        "at_council": "Hos utvecklingsrådet",
        "council_approve": "Utvecklingsrådet godkänner",
        "reference": "Referens",
        "decision_text": "Beslutstext",
        "approved": "Godkänt",
        "no_actions": "Du har inga åtgärder att göra i ärendet just nu.",
        "next_at_meeting": "Nästa beslut fattas av Utvecklingsrådet vid ett sammanträde",
        "new_meeting": "Nytt sammanträde",
        "body": "Organ",
        "council": "Utvecklingsrådet",
        "date": "Datum",
        "time": r"^Tid\b",
        "place": "Plats",
        "save": "Spara",
        "from_queue": "Ärenden från kön",
        "attendance": "Registrera närvaro och justerare",
        "adjuster": "Justerare",
        "number_item": r"paragrafnummer \(från §",
        "mark_held": "Markera som genomfört",
        "record_decision": "Registrera beslutet i ärendet",
        "bodys_decision": "Organets beslut i ärendet",
    },
    "en": {
        "register": "Register case",
        "kind": "Project idea",
        "project_title": "Project name",
        "register_button": "Register",
        "title": f"Project idea: {PROJECT}",
        "registered": "Registered",
        "received": "Received",
        "start_au": "Start preparation in the AU",
        "au_preparation": "Being prepared in the AU",
        "record_assessment": "Record the AU's assessment",
        "assessment": "Assessment",
        "route_forum": "Development Forum and Development Council",
        "direction": "Proposed direction decision",
        "au_assessed": "Assessed by the AU",
        "send_to_forum": "Send to the Development Forum",
        "no_anchoring": "No anchoring with an affected unit has been recorded.",
        "record_anchoring": "Record anchoring contact",
        "unit": "Unit/department",
        "person": "Contact person",
        "outcome": "Outcome of the contact",
        "save_anchoring": "Save anchoring",
        "anchoring_saved": "The anchoring has been recorded.",
        "at_forum": "With the Development Forum",
        "queues": "Work queues",
        "queue_forum": "To the Development Forum",
        "queue_council": "To the Development Council",
        "forum_recommend": "Record the forum's recommendation",
        "recommend_approve": "Recommends approval",
        "recommendation_text": "Justification for the recommendation",
        "at_council": "With the Development Council",
        "council_approve": "Development Council approves",
        "reference": "Reference",
        "decision_text": "Decision text",
        "approved": "Approved",
        "no_actions": "You have no actions to take in the case right now.",
        # the body as the region names it (data), in any language
        "next_at_meeting": "The next decision is made by Utvecklingsrådet at a meeting",
        "new_meeting": "New meeting",
        "body": "Body",
        "council": "Utvecklingsrådet",  # the body's name, as registered
        "date": "Date",
        "time": r"^Time\b",
        "place": "Venue",
        "save": "Save",
        "from_queue": "Cases from the queue",
        "attendance": "Record attendance and minutes checker",
        "adjuster": "Minutes checker",
        "number_item": r"paragraph numbers? \(from §",
        "mark_held": "Mark as held",
        "record_decision": "Record the decision in the case",
        "bodys_decision": "The body's decision in the case",
    },
}


def _setup():
    user_with_role(Role.OFFICER, username="anna", first_name="Anna", last_name="Lindberg")
    secretary = user_with_role(
        Role.SECRETARY, username="monica", first_name="Monica", last_name="Lejon"
    )
    committee(secretary, meeting_services.body_get(BodyCode.COUNCIL))


def _heading(j):
    return j.page.get_by_role("heading", level=1)


def _actions(j):
    return j.page.locator("#workflow-actions")


def _fire(j, t, label, fill=None, shot=None):
    """Open a transition's dialog from the case page, fill it, submit, back on the case."""
    dialog = j.open_dialog(_actions(j).get_by_role("link", name=label, exact=True))
    expect(dialog.get_by_role("heading", name=label)).to_be_visible()
    if fill:
        fill(dialog)
    j.assert_accessible(f"dialog-{shot or label}")
    if shot:
        j.shot(f"dialog-{shot}")
    j.submit_dialog(dialog, label)


def register_idea(j, t):
    page = j.page
    j.goto("/cases/new/")
    expect(_heading(j)).to_have_text(t["register"])
    page.get_by_label(t["kind"], exact=True).check()
    page.get_by_label(t["project_title"]).fill(PROJECT)
    j.check("register-form")
    j.click_through(page.get_by_role("button", name=t["register_button"], exact=True))
    dnr = re.search(r"\d{5}-\d{4}", page.locator("#messages").inner_text()).group(0)
    expect(_heading(j)).to_have_text(t["title"])
    expect(page.locator(".case-head")).to_contain_text(t["registered"])
    # today as the test runs (not as it was collected: a run across midnight)
    expect(page.locator(".case-head")).to_contain_text(f"{t['received']} {iso(today())}")
    j.check("idea-registered")
    return dnr, page.url


def au_preparation(j, t):
    page = j.page
    _fire(j, t, t["start_au"])
    expect(_actions(j)).to_contain_text(t["au_preparation"])

    def assessment(dialog):
        dialog.get_by_label(t["assessment"]).fill(
            "Idén ligger i linje med regionens prioriterade utvecklingsområde nära vård och "
            "berör flera divisioner; den kräver regionövergripande resurser."
        )
        dialog.get_by_label(t["route_forum"]).check()
        dialog.get_by_label(t["direction"]).fill(
            "Utvecklingsavdelningen ges i uppdrag att formulera en ansökan tillsammans med "
            "Division Närsjukvård."
        )

    _fire(j, t, t["record_assessment"], assessment, shot="assessment")
    expect(_actions(j)).to_contain_text(t["au_assessed"])
    expect(page.locator("#assessment")).to_contain_text(t["route_forum"])
    j.check("idea-assessed")


def anchor(j, t):
    page = j.page
    # Not yet anchored: the button is there but disabled, with the reason beside it.
    send = _actions(j).get_by_role("button", name=t["send_to_forum"])
    expect(send).to_be_disabled()
    expect(_actions(j)).to_contain_text(t["no_anchoring"])
    anchoring = page.locator("#anchoring")
    anchoring.get_by_text(t["record_anchoring"]).click()
    anchoring.get_by_label(t["unit"]).fill("Division Närsjukvård")
    anchoring.get_by_label(t["person"]).fill("Maria Nilsson, verksamhetschef")
    anchoring.get_by_label(t["outcome"]).fill(
        "Verksamheten ser behovet och avsätter två sjuksköterskor till projektet."
    )
    j.check("anchoring-form")
    anchoring.get_by_role("button", name=t["save_anchoring"]).click()
    expect(page.locator("#anchoring")).to_contain_text(t["anchoring_saved"])
    expect(page.locator("#anchoring table")).to_contain_text("Division Närsjukvård")
    expect(page.locator("#anchoring table")).to_contain_text(iso(today()))
    # The actions above follow without a reload: the button is now a live link.
    expect(send).to_have_count(0)
    expect(_actions(j)).not_to_contain_text(t["no_anchoring"])
    _fire(j, t, t["send_to_forum"])
    expect(_actions(j)).to_contain_text(t["at_forum"])
    j.check("idea-at-forum")


def open_from_queue(j, t, queue, dnr):
    page = j.page
    j.goto("/")
    j.click_through(page.get_by_role("link", name=t["queues"]).first)
    j.check_once("queues")
    j.click_through(page.get_by_role("link", name=re.compile(t[queue])))
    expect(_heading(j)).to_have_text(t[queue])
    j.check(f"queue-{queue}")
    j.click_through(page.get_by_role("link", name=dnr))


def forum_and_council(j, t, dnr):
    page = j.page
    open_from_queue(j, t, "queue_forum", dnr)
    expect(_actions(j)).to_contain_text(t["at_forum"])

    def recommendation(dialog):
        dialog.get_by_label(t["recommend_approve"]).check()
        dialog.get_by_label(t["recommendation_text"]).fill(
            "Forumet rekommenderar att utvecklingsrådet godkänner idén."
        )

    _fire(j, t, t["forum_recommend"], recommendation, shot="forum")
    expect(_actions(j)).to_contain_text(t["at_council"])
    expect(page.locator("#forum-recommendation")).to_contain_text(t["recommend_approve"])

    # The council's decision is not a button on the case: it is made at its meeting.
    expect(_actions(j)).to_contain_text(t["next_at_meeting"])
    expect(_actions(j).get_by_role("link", name=t["council_approve"])).to_have_count(0)
    case_url = page.url
    council_meeting(j, t, dnr)
    j.goto(case_url)
    expect(_actions(j)).to_contain_text(t["approved"])
    log = page.locator("#transition-log")
    for label in (
        t["start_au"],
        t["record_assessment"],
        t["send_to_forum"],
        t["forum_recommend"],
        t["council_approve"],
    ):
        expect(log).to_contain_text(label)
    expect(_actions(j)).to_contain_text(t["no_actions"])
    j.check("idea-approved")


def council_meeting(j, t, dnr):
    """The secretary plans the council's meeting, takes the case from the queue, numbers
    the item, marks the meeting held and records the council's approval in the §."""
    page = j.page
    j.goto("/workflow/")
    j.check("council-meetings")
    j.click_through(page.get_by_role("link", name=t["new_meeting"]))
    j.check("council-meeting-form")
    page.get_by_label(t["body"]).select_option(label=t["council"])
    page.get_by_label(t["date"]).fill(iso(today()))
    page.get_by_label(re.compile(t["time"])).fill("13:00")
    page.get_by_label(t["place"]).fill("Regionhuset, Luleå")
    j.click_through(page.get_by_role("button", name=t["save"]))
    j.check("council-meeting")
    dialog = j.open_dialog(page.get_by_role("link", name=t["from_queue"]))
    dialog.get_by_label(re.compile(dnr)).check()
    j.submit_dialog(dialog, t["save"])
    expect(page.locator("#agenda")).to_contain_text(dnr)
    j.click_through(page.get_by_role("link", name=t["attendance"]))
    j.check("council-attendance")
    page.get_by_label(t["adjuster"]).select_option(index=1)
    j.click_through(page.get_by_role("button", name=t["save"]))
    j.click_through(page.get_by_role("button", name=re.compile(t["number_item"])))
    number = re.search(r"§ (\d+)", page.locator("#agenda .agenda-item", has_text=dnr).inner_text())
    j.click_through(page.get_by_role("button", name=t["mark_held"]))
    j.click_through(page.locator("#agenda").get_by_role("link", name=f"§ {number.group(1)}"))
    j.check("council-paragraph")
    dialog = j.open_dialog(page.get_by_role("link", name=t["record_decision"]))
    dialog.get_by_label(t["bodys_decision"]).select_option(label=t["council_approve"])
    j.assert_accessible("dialog-council-decision")
    j.shot("dialog-council-decision")
    j.submit_dialog(dialog, t["save"])


@pytest.mark.parametrize("language", ["sv", "en"])
def test_project_idea_from_registration_to_council_approval(journey, language):
    _setup()
    t = TEXTS[language]
    j = journey()
    j.login("anna")
    if language == "en":
        # axe-core checked these pages in the Swedish run; the English texts are checked for
        # overflow (they are longer or shorter)
        j.axe = False
        j.set_language("English", "en")
        expect(j.page.get_by_role("heading", level=1)).to_contain_text("Welcome, Anna")
    dnr, case_url = register_idea(j, t)
    au_preparation(j, t)
    anchor(j, t)
    # The officer may not record what the bodies decided.
    expect(_actions(j).get_by_role("link", name=t["forum_recommend"])).to_have_count(0)

    j.switch_user("monica")
    forum_and_council(j, t, dnr)
