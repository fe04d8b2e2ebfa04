"""Journey: the controller returns a financing plan; the officer finds it under "Mina
uppgifter" on her start page (and a notification in the header), opens it from there,
sends it back, and the task is gone; her case page says who acts next and since when."""

import re

from django.core import mail
from playwright.sync_api import expect

from core.roles import Role
from tests.core.factories import user_with_role
from tests.financing.factories import make_plan
from tests.projects.factories import co_financing_case

PROJECT = "Vätgasdalen Norrbotten"


def _setup():
    anna = user_with_role(
        Role.OFFICER,
        username="anna",
        first_name="Anna",
        last_name="Lindberg",
        email="anna@example.se",
    )
    user_with_role(Role.CONTROLLER, username="erik", first_name="Erik", last_name="Holmström")
    case = co_financing_case(officer=anna, title=PROJECT)
    plan = make_plan(case, status="submitted")
    return case, plan


def test_the_officer_finds_a_returned_plan_from_the_start_page_and_acts_on_it(journey):
    case, plan = _setup()
    j = journey()
    page = j.page

    j.login("erik")
    tasks = page.locator("#panel-tasks").locator("..")
    expect(tasks).to_contain_text("Finansieringsplan att granska")
    j.click_through(tasks.get_by_role("link", name=re.compile(PROJECT)))
    j.click_through(page.locator(".page-header").get_by_role("link", name="Granska"))
    page.get_by_label("Återsänd för komplettering").check()
    page.get_by_label("Kommentar").fill("Komplettera med Luleå kommuns intygade belopp.")
    j.check("plan-review-return")
    mail.outbox.clear()
    j.click_through(page.get_by_role("button", name="Spara beslut"))
    expect(page.locator(".page-header")).to_contain_text("Återsänd för komplettering")
    j.check("plan-returned")
    (message,) = [m for m in mail.outbox if m.to == ["anna@example.se"]]
    assert "återsänts för komplettering" in message.subject
    assert f"{plan.get_absolute_url()}" in message.body and "http" in message.body

    j.switch_user("anna")
    # The start page leads with her tasks; the header counts tasks and unread notices.
    tasks = page.locator("#panel-tasks").locator("..")
    expect(tasks).to_contain_text("Återsänd finansieringsplan")
    expect(page.locator("#unread-count")).to_contain_text("1")
    j.shot("start-with-tasks")
    j.click_through(tasks.get_by_role("link", name=PROJECT, exact=True))
    assert page.url.endswith(plan.get_absolute_url())
    expect(page.locator("main")).to_contain_text("Komplettera med Luleå kommuns intygade belopp.")
    j.check("returned-plan")
    j.click_through(page.get_by_role("button", name="Skicka till controller"))
    expect(page.locator(".page-header")).to_contain_text("Inskickad")
    j.check("plan-resubmitted")

    j.goto("/mina-uppgifter/")
    expect(page.locator("main")).not_to_contain_text("Återsänd finansieringsplan")
    expect(page.locator("main")).to_contain_text(case.dnr)  # her registered case waits for her
    j.check("my-tasks")

    j.goto("/aviseringar/")
    expect(page.locator("main")).to_contain_text("återsänts för komplettering")
    j.check("notifications")
    j.click_through(page.get_by_role("button", name="Markera som läst"))
    expect(page.locator("main")).not_to_contain_text("Markera som läst")

    j.goto(case.get_absolute_url())
    expect(page.locator("[data-next-actor]")).to_contain_text("handläggaren Anna Lindberg")
    expect(page.locator("[data-next-actor]")).to_contain_text("i denna status sedan")
    j.check("case-page-next-actor")
