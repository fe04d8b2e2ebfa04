"""The public pages in a browser, without login: the notice board, a notice with its
published protocol, the archive (after the appeal period, with the app's clock moved on),
the e-diarium (search, results, an entry) and the accessibility statement, at desktop and
mobile width and in English. Every page passes axe-core with no serious or critical
finding, and each links to the accessibility statement."""

import datetime
import threading

from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from decisions.meetings import services as svc
from decisions.meetings.models import GeneratedDocument
from projects.models import Organisation
from tests.core.factories import user_with_role
from tests.decisions.meetings.factories import seed_meeting
from tests.projects.factories import document_for


def _outside_the_event_loop(function, **kwargs):
    """Run ``function`` in a thread of its own: sealing the PDF (pyHanko) starts an asyncio
    loop, which it cannot while Playwright's loop runs in the test's thread."""
    from django.db import connection

    def run():
        try:
            function(**kwargs)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _posted_meeting():
    secretary = user_with_role(Role.SECRETARY, username="monica", first_name="Monica")
    officer = user_with_role(Role.OFFICER, username="anna", first_name="Anna")
    seeded = seed_meeting(secretary, officer, sign=True)
    meeting = seeded["meeting"]
    svc.notice_publish(user=secretary, meeting=meeting, posted_on=timezone.localdate())
    if not GeneratedDocument.objects.filter(meeting=meeting, kind="protocol", final=True):
        job = svc.document_job_request(user=secretary, meeting=meeting, kind="protocol")
        _outside_the_event_loop(svc.document_job_run, job_id=job.pk)
    assert GeneratedDocument.objects.filter(meeting=meeting, kind="protocol", final=True)
    case = seeded["case35"]
    document_for(case, officer, title="Ansökan om medfinansiering")
    document_for(case, officer, title="Affärshemligheter", confidential=True)
    project = case.project
    project.partners.add(
        Organisation.objects.create(
            name="Kalle Karlssons Firma", kind=Organisation.Kind.COMPANY, org_number="800101-1234"
        )
    )
    return meeting, case


def _no_sideways_scrolling(j):
    """At 390 px the page reflows: nothing wider than the viewport (WCAG 1.4.10)."""
    width = j.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{j.path} is {width} px wide"


def _footer_links_to_the_statement(j):
    expect(j.page.locator("footer a[href='/tillganglighet/']")).to_be_visible()
    assert j.page.locator("nav.main-nav").count() == 0  # no internal navigation


def test_public_pages_are_accessible_without_login(journey, monkeypatch):
    meeting, case = _posted_meeting()
    j = journey()
    page = j.page

    j.goto("/anslagstavla/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anslagstavla")
    _footer_links_to_the_statement(j)
    j.check("anslagstavla")

    j.click_through(page.get_by_role("link", name=f"Protokoll {meeting.body}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tillkännagivande av justerat protokoll"
    )
    expect(page.locator("main")).to_contain_text("Sista dag för överklagande")
    expect(page.get_by_role("link", name="Läs protokollet")).to_be_visible()
    j.check("anslag")

    page.set_viewport_size({"width": 390, "height": 844})
    j.check("anslag-mobil")
    _no_sideways_scrolling(j)
    page.set_viewport_size({"width": 1366, "height": 900})

    j.goto("/e-diarium/")
    j.check("e-diarium")
    page.get_by_label("Diarienummer").fill(case.dnr)
    j.click_through(page.get_by_role("button", name="Sök"))
    expect(page.locator("main")).to_contain_text("Handlingen är sekretessmarkerad")
    expect(page.locator("main")).not_to_contain_text("Affärshemligheter")
    expect(page.locator("main")).to_contain_text("Privatperson (namnet visas inte)")
    j.check("e-diarium-traffar")
    j.click_through(page.get_by_role("link", name=case.dnr))
    j.check("e-diarium-arende")

    j.goto("/tillganglighet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse")
    j.check("tillganglighet")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scrolling(j)
    j.goto(f"/e-diarium/?dnr={case.dnr}")
    _no_sideways_scrolling(j)
    page.set_viewport_size({"width": 1366, "height": 900})

    # Forty days later the notice is down and in the archive (no job ran in between).
    later = timezone.now() + datetime.timedelta(days=40)
    monkeypatch.setattr(timezone, "now", lambda: later)
    j.goto("/anslagstavla/")
    expect(page.locator("main")).to_contain_text("Inga tillkännagivanden just nu.")
    j.goto("/anslagstavla/arkiv/")
    expect(page.locator("main .notice-list")).to_contain_text(str(meeting.body))
    j.check("arkiv")
    page.set_viewport_size({"width": 390, "height": 844})
    j.check("arkiv-mobil")
    _no_sideways_scrolling(j)

    # English, chosen with the switch in the header.
    j.set_language("English", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archive of notices")
    expect(page.locator("footer")).to_contain_text("Accessibility statement")
    j.check("archive-en")


def test_the_rate_limit_page_is_accessible(journey, settings):
    settings.PUBLIC_RATE_LIMIT = 1
    # The limit counts in fixed windows: with the default 60 s, the two requests could fall
    # in two windows (a 200 instead of the 429) when a minute turns between them.
    settings.PUBLIC_RATE_WINDOW = 24 * 3600
    j = journey()
    j.goto("/tillganglighet/")
    j.check("tillganglighet")
    j.allow_error("429")
    response = j.goto("/e-diarium/")
    assert response.status == 429
    expect(j.page.get_by_role("heading", level=1)).to_have_text("För många förfrågningar")
    j.check("429")
