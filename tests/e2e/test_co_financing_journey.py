"""Journey (a): a co-financing application from registration to the e-mailed extract.

A case officer registers the application with its project, writes the financing plan and
sends it to the controller, who approves it; the officer writes the decision proposal and
marks the case ready for RUN; the secretary plans a RUN meeting, takes the case from the
queue, numbers it, records a motion to reject, the proposition order, a reservation and
the grant; the chair and the adjuster sign in the app; the extract PDF is produced and
e-mailed. Everything through the UI; only the committee, the year's grant and the
organisations are set up beforehand, as an administrator would have.
"""

import datetime
import re

from django.core import mail
from playwright.sync_api import expect

from core.roles import Role
from core.seal import verify_pdf
from decisions.meetings import services as meeting_services
from decisions.workflow.constants import BodyCode
from projects.models import Organisation
from tests.core.factories import PASSWORD, user_with_role
from tests.decisions.meetings.factories import committee
from tests.financing.factories import make_grant
from tests.projects.factories import OrganisationFactory

from .helpers import iso, pdf_text, sek, today

PROJECT = "DioD Digital och Delaktig"
GRANT = 1754698
# Seed 001 § 35: the financing plan of DioD.
ROWS = [
    ("Luleå kommun", "municipality", 1105966),
    ("Luleå tekniska universitet", "university", 318699),
    ("Region Norrbotten", "region_1_1", GRANT),
    ("Europeiska regionala utvecklingsfonden", "eruf", 3316073),
]
LATE_ROWS = [
    ("Kalix kommun", "municipality", 195732),
    ("Arvidsjaurs kommun", "municipality", 195732),
]
TOTAL = sum(amount for *_, amount in ROWS + LATE_ROWS)  # 6 886 900
ADDITION = "att slutrapporten ska redovisa hur många seniorer som deltagit"
RECIPIENT = ("Regionala utvecklingsdirektören", "utvecklingsdirektor@example.se")


def _setup():
    year = today().year
    user_with_role(Role.OFFICER, username="anna", first_name="Anna", last_name="Lindberg")
    secretary = user_with_role(
        Role.SECRETARY, username="monica", first_name="Monica", last_name="Lejon"
    )
    controller = user_with_role(
        Role.CONTROLLER, username="erik", first_name="Erik", last_name="Holmström"
    )
    make_grant(year=year, amount="150000000", controller=controller, project="90000000")
    for name, *_ in ROWS + LATE_ROWS:
        kind = (
            Organisation.Kind.MUNICIPALITY
            if "kommun" in name
            else Organisation.Kind.UNIVERSITY
            if "universitet" in name
            else Organisation.Kind.REGION
            if name.startswith("Region")
            else Organisation.Kind.EU_FUND
        )
        OrganisationFactory(name=name, kind=kind)
    body = meeting_services.body_get(BodyCode.RUN)
    committee(secretary, body)


def _heading(j):
    return j.page.get_by_role("heading", level=1)


def register_case(j):
    """The officer registers the application and its new project through the form."""
    j.goto("/cases/")
    j.check("case-list")
    j.click_through(j.page.get_by_role("link", name="Registrera ärende"))
    expect(_heading(j)).to_have_text("Registrera ärende")
    page = j.page
    page.get_by_label("Medfinansiering").check()
    page.get_by_label("NYPS-id").fill("20204888")
    page.get_by_label("Projektnamn").fill(PROJECT)
    # The organisation picker: search as you type (htmx), pick from the list.
    page.get_by_label("Stödsökande").press_sequentially("Luleå ko", delay=20)
    page.locator("#id_applicant_results").get_by_role(
        "button", name=re.compile("Luleå kommun")
    ).click()
    expect(page.get_by_label("Stödsökande")).to_have_value("Luleå kommun")
    page.get_by_label("Sökt belopp").fill("1 754 698 kr")
    # The project starts after the application arrives (a plan check flags an earlier start).
    start = (today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    page.get_by_label("Projektstart").fill(start.isoformat())
    page.get_by_label("Projektslut").fill(f"{start.year + 1}-12-31")
    j.check("register-form")
    j.click_through(page.get_by_role("button", name="Registrera", exact=True))
    dnr = re.search(r"\d{5}-\d{4}", page.locator("#messages").inner_text()).group(0)
    expect(_heading(j)).to_have_text(f"Medfinansiering av projektet {PROJECT}")
    expect(page.locator(".case-head")).to_contain_text("Registrerat")
    expect(page.locator(".case-head")).to_contain_text(f"Inkom {iso(today())}")
    expect(page.locator(".amounts")).to_contain_text(sek(GRANT))
    j.check("case-registered")
    return dnr, page.url


def fill_row(j, index, name, funding_type, amount):
    page = j.page
    page.locator(f"#id_rows-{index}-financier_text").fill(name)
    page.locator(f"#id_rows-{index}-funding_type").select_option(funding_type)
    page.locator(f"#id_rows-{index}-amount_applied").fill(f"{amount:,}".replace(",", " "))


def write_financing_plan(j, case_url):
    """Rows through the form; the total must add up before the plan goes to the controller."""
    page = j.page
    j.goto(case_url)
    expect(page.locator(".fin-case")).to_contain_text("Projektet har ingen finansieringsplan ännu.")
    j.click_through(page.get_by_role("link", name="Skapa finansieringsplan"))
    j.check("plan-form-empty")
    page.get_by_label("Total projektbudget").fill(f"{TOTAL:,}".replace(",", " ") + " kr")
    for index, (name, funding_type, amount) in enumerate(ROWS):
        if page.locator(f"#id_rows-{index}-financier_text").count() == 0:
            page.get_by_role("button", name="Lägg till rad").click()
            expect(page.locator(f"#id_rows-{index}-financier_text")).to_be_visible()
        fill_row(j, index, name, funding_type, amount)
    j.click_through(page.get_by_role("button", name="Spara", exact=True))
    # Two financiers are missing: the form refuses rows that fall short of the total,
    # and keeps what was typed.
    missing = sum(amount for *_, amount in LATE_ROWS)
    expect(page.locator(".field--error")).to_contain_text(
        f"Raderna summerar till {sek(TOTAL - missing)} men den totala budgeten är {sek(TOTAL)}."
    )
    expect(page.locator("#id_rows-3-amount_applied")).to_have_value("3 316 073")
    j.check("plan-does-not-add-up")
    for offset, (name, funding_type, amount) in enumerate(LATE_ROWS):
        index = len(ROWS) + offset
        page.get_by_role("button", name="Lägg till rad").click()
        expect(page.locator(f"#id_rows-{index}-financier_text")).to_be_visible()
        # An added row offers the project's years like the others.
        expect(page.locator(f"select#id_rows-{index}-year option:checked")).to_have_text(
            "Hela perioden"
        )
        fill_row(j, index, name, funding_type, amount)
    j.check("plan-form-rows")
    j.click_through(page.get_by_role("button", name="Spara och skicka till controller"))
    expect(page.locator(".fin-rows tfoot")).to_contain_text(sek(TOTAL))
    expect(page.locator(".fin-mismatch")).to_have_count(0)
    expect(page.locator(".page-header")).to_contain_text("Inskickad")
    j.check("plan-submitted")
    return page.url


def approve_plan(j, plan_url):
    page = j.page
    j.goto(plan_url)
    j.click_through(page.get_by_role("link", name="Granska"))
    expect(page.locator(".fin-checks")).not_to_contain_text("Avvikelse")
    j.check("plan-review")
    page.get_by_label("Godkänn").check()
    page.get_by_label("Kommentar").fill("Budgeten stämmer med ansökan.")
    j.click_through(page.get_by_role("button", name="Spara beslut"))
    expect(page.locator("#messages")).to_contain_text("Finansieringsplanen är godkänd.")
    expect(page.locator(".page-header")).to_contain_text("Godkänd")
    j.check("plan-approved")


def prepare_case(j, case_url):
    """Start preparation (dialog), write the decision proposal, mark ready for RUN."""
    page = j.page
    j.goto(case_url)
    dialog = j.open_dialog(page.get_by_role("link", name="Starta beredning"))
    j.assert_accessible("dialog-start-preparation")
    j.submit_dialog(dialog, "Starta beredning")
    expect(page.locator(".workflow-actions")).to_contain_text("Under beredning")
    j.click_through(page.get_by_role("link", name="Skriv beslutsförslag"))
    j.check("proposal-form")
    page.get_by_label("Förslag till beslut").fill(
        f"Projektet {PROJECT} beviljas medfinansiering med 1 754 698 kronor.\n"
        "Medlen anvisas ur det statliga anslaget 1:1.\n"
        "Region Norrbottens villkor för regionala projektstöd ska följas."
    )
    page.get_by_label("Föreslaget belopp").fill("1 754 698")
    page.get_by_label("Yttrande till beslutsförslaget").fill(
        "Projektet bidrar till att seniora invånare kan vara delaktiga i samhällslivet."
    )
    page.get_by_label("Sammanfattning").fill("Digitala tjänster för äldre i tre kommuner.")
    j.click_through(page.get_by_role("button", name="Spara beslutsförslaget"))
    expect(page.locator("#proposal")).to_contain_text(sek(GRANT))
    dialog = j.open_dialog(page.get_by_role("link", name="Markera klart för RUN"))
    j.assert_accessible("dialog-ready-for-run")
    j.submit_dialog(dialog, "Markera klart för RUN")
    expect(page.locator(".workflow-actions")).to_contain_text("Klar för RUN")
    j.check("case-ready-for-run")


def plan_meeting(j, dnr):
    """The secretary plans a RUN meeting and takes the case from the queue."""
    page = j.page
    j.goto("/workflow/")
    j.check("meetings")
    j.click_through(page.get_by_role("link", name="Nytt sammanträde"))
    j.check("meeting-form")
    page.get_by_role("combobox", name="Organ").select_option(label="Regionala utvecklingsnämnden")
    page.get_by_label("Datum").fill(iso(today()))
    page.get_by_label(re.compile(r"^Tid\b")).fill("09:00")
    page.get_by_label("Plats").fill("Regionhuset, Luleå")
    j.click_through(page.get_by_role("button", name="Spara"))
    expect(_heading(j)).to_have_text(f"Regionala utvecklingsnämnden {iso(today())}")
    dialog = j.open_dialog(page.get_by_role("link", name="Ärenden från kön"))
    dialog.get_by_label(re.compile(dnr)).check()
    j.assert_accessible("dialog-queue")
    j.shot("dialog-queue")
    j.submit_dialog(dialog, "Spara")
    expect(page.locator("#agenda")).to_contain_text(dnr)
    # Attendance and the adjuster (a plain page).
    j.click_through(page.get_by_role("link", name="Registrera närvaro och justerare"))
    page.get_by_label("Justerare").select_option(label="Lage Hortlund (SD)")
    j.check("attendance")
    j.click_through(page.get_by_role("button", name="Spara"))
    expect(page.locator("#attendance")).to_contain_text("Lage Hortlund (SD)")
    # This year's paragraph numbering of RUN continues at § 22 (a dialog on the body page).
    meeting_url = page.url.split("#")[0]
    j.click_through(
        page.locator(".breadcrumbs").get_by_role("link", name="Regionala utvecklingsnämnden")
    )
    j.check("body")
    dialog = j.open_dialog(page.get_by_role("link", name="Ändra paragrafnumreringen"))
    dialog.get_by_label("Nästa paragrafnummer").fill("22")
    j.assert_accessible("dialog-counter")
    j.submit_dialog(dialog, "Spara")
    j.goto(meeting_url)
    # The items are numbered in the agenda's order when they are dealt with.
    j.click_through(
        page.get_by_role("button", name=re.compile(r"punkter paragrafnummer \(från § 22\)"))
    )
    number = re.search(r"§ (\d+)", page.locator("#agenda .agenda-item", has_text=dnr).inner_text())
    j.check("meeting-agenda")
    # The meeting is held: now what happened can be recorded.
    j.click_through(page.get_by_role("button", name="Markera som genomfört"))
    expect(page.locator(".page-header")).to_contain_text("Genomfört")
    return page.url, int(number.group(1))


def record_paragraph(j, number):
    page = j.page
    j.click_through(page.locator("#agenda").get_by_role("link", name=f"§ {number}"))
    expect(_heading(j)).to_contain_text(f"§ {number}")
    j.check("paragraph")
    perdal = "Jan Anders Perdal (V)"
    dialog = j.open_dialog(page.get_by_role("link", name="Nytt yrkande"))
    dialog.get_by_label(perdal).check()
    dialog.get_by_label("Typ").select_option(label="Avslag")
    dialog.get_by_label("Yrkande", exact=True).fill("avslag till projektansökan")
    j.assert_accessible("dialog-motion")
    j.submit_dialog(dialog, "Spara")
    expect(page.get_by_role("heading", name="Yrkanden").locator("..")).to_contain_text(perdal)
    # A tilläggsyrkande that the committee carries: it becomes a point of the decision.
    ohlund = "Helena Öhlund (S)"
    dialog = j.open_dialog(page.get_by_role("link", name="Nytt yrkande"))
    dialog.get_by_label(ohlund).check()
    dialog.get_by_label("Typ").select_option(label="Tilläggsyrkande")
    dialog.get_by_label("Yrkande", exact=True).fill(ADDITION)
    j.submit_dialog(dialog, "Spara")
    dialog = j.open_dialog(page.get_by_role("link", name="Propositionsordning"))
    dialog.get_by_label(re.compile("slutrapporten ska redovisa")).check()
    j.assert_accessible("dialog-proposition")
    j.submit_dialog(dialog, "Spara")
    decision = page.locator("#h-decision").locator("..")
    expect(decision).to_contain_text("Slutrapporten ska redovisa hur många seniorer som deltagit.")
    dialog = j.open_dialog(page.get_by_role("link", name="Reservation", exact=True))
    dialog.get_by_label(perdal).check()
    dialog.get_by_label("Till förmån för").select_option(index=1)
    j.assert_accessible("dialog-reservation")
    j.submit_dialog(dialog, "Spara")
    dialog = j.open_dialog(page.get_by_role("link", name="Ny mottagare"))
    dialog.get_by_label("Mottagare").fill(RECIPIENT[0])
    dialog.get_by_label("E-post").fill(RECIPIENT[1])
    j.submit_dialog(dialog, "Spara")
    proceedings = page.locator(
        "section", has=page.get_by_role("heading", name="Ärendets behandling under sammanträdet")
    )
    expect(proceedings).to_contain_text(f"{perdal} yrkar avslag till projektansökan")
    expect(proceedings).to_contain_text(f"{perdal} reserverar sig")
    # The texts of the paragraph (a plain page): the matter and the financing table.
    j.click_through(page.get_by_role("link", name="Ändra texter"))
    j.check("paragraph-texts-form")
    page.get_by_label("Ärendet", exact=True).fill(
        "## Bakgrund\nSeniora invånare i Luleå, Kalix och Arvidsjaur ska kunna vara "
        "delaktiga i samhällslivet med hjälp av digitala tjänster."
    )
    page.get_by_label("Finansiering", exact=True).fill(
        "\n".join(
            f"{name}{' (1:1)' if kind == 'region_1_1' else ''}; {amount}"
            for name, kind, amount in ROWS + LATE_ROWS
        )
    )
    page.get_by_label("Beslutsunderlag").fill("Ansökan från Luleå kommun\nTjänsteskrivelse")
    j.click_through(page.get_by_role("button", name="Spara"))
    texts = page.locator("section", has=page.get_by_role("heading", name="Texter i protokollet"))
    expect(texts).to_contain_text(sek(TOTAL))
    dialog = j.open_dialog(page.get_by_role("link", name="Registrera beslutet i ärendet"))
    dialog.get_by_label("Organets beslut i ärendet").select_option(label="RUN beviljar")
    dialog.get_by_label("Beviljat belopp").fill("1 754 698 kr")
    j.assert_accessible("dialog-decision")
    j.shot("dialog-decision")
    j.submit_dialog(dialog, "Spara")
    expect(page.locator("#h-decision").locator("..")).to_contain_text(sek(GRANT))
    j.check("paragraph-decided")


def submit_for_signing(j, meeting_url):
    page = j.page
    j.goto(meeting_url)
    j.click_through(page.get_by_role("button", name="Skicka för justering"))
    expect(page.locator("#justering")).to_contain_text("Ingen har justerat ännu.")
    j.check("meeting-out-for-signing")


def sign(j, meeting_url, label):
    """The signer reads the draft beside the form and enters the password again."""
    page = j.page
    j.goto(meeting_url)
    j.assert_accessible(f"meeting-{label}")
    j.click_through(page.get_by_role("link", name="Läs och justera protokollet"))
    frame = page.frame_locator("iframe.signing__frame")
    expect(frame.locator("body")).to_contain_text("Slutrapporten ska redovisa")
    page.get_by_label("Ditt lösenord").fill("fel-lösenord")
    j.allow_error("status of 400")  # the wrong password is refused with 400
    j.click_through(page.get_by_role("button", name="Justera protokollet"))
    expect(page.locator(".form")).to_contain_text("Lösenordet stämmer inte")
    j.check(f"signing-page-{label}")
    page.get_by_label("Ditt lösenord").fill(PASSWORD)
    j.click_through(page.get_by_role("button", name="Justera protokollet"))
    expect(page.locator("#messages")).to_contain_text("Du har justerat protokollet.")
    j.check(f"signed-{label}")


def send_extract(j, meeting_url):
    page = j.page
    j.goto(meeting_url)
    expect(page.locator("#justering")).to_contain_text("Justerat")
    j.click_through(page.get_by_role("link", name="Skapa och skicka protokollsutdrag"))
    # Nothing is sent before the secretary has seen the recipients and the message.
    expect(page.get_by_role("heading", level=1)).to_have_text("Skicka protokollsutdrag")
    expect(page.locator("main")).to_contain_text(RECIPIENT[1])
    j.check("extract-confirm")
    j.click_through(page.get_by_role("button", name="Bekräfta och skicka"))
    jobs = page.locator("#dokument .job")
    expect(jobs.first).to_contain_text("Klar")
    expect(page.locator("#dokument")).to_contain_text(RECIPIENT[1])
    j.check("extract-sent")


def test_co_financing_application_from_registration_to_emailed_extract(journey):
    _setup()
    j = journey()

    j.login("anna")
    dnr, case_url = register_case(j)
    plan_url = write_financing_plan(j, case_url)

    j.switch_user("erik")
    approve_plan(j, plan_url)

    j.switch_user("anna")
    prepare_case(j, case_url)

    j.switch_user("monica")
    meeting_url, number = plan_meeting(j, dnr)
    record_paragraph(j, number)
    submit_for_signing(j, meeting_url)

    j.switch_user("ordforande_t")
    sign(j, meeting_url, "chair")
    j.switch_user("justerare_t")
    sign(j, meeting_url, "adjuster")

    j.switch_user("monica")
    mail.outbox.clear()
    send_extract(j, meeting_url)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [RECIPIENT[1]]
    (filename, content, mimetype) = message.attachments[0]
    assert mimetype == "application/pdf"
    assert content[:5] == b"%PDF-"
    seal = verify_pdf(content)  # sealed by the region, naming who signed
    assert seal.valid and seal.intact, seal.summary
    assert "Lage Hortlund (SD) (justerare)" in seal.reason
    text = pdf_text(content)
    assert f"§ {number}" in text
    assert sek(GRANT) in text
    assert "Rätt utdraget intygar" in text
    assert "Monica Lejon" in text  # the secretary certifies the extract
    assert "Slutrapporten ska redovisa hur många seniorer som deltagit." in text
    assert dnr in text

    # The case page: granted, with the link to its paragraph.
    j.goto(case_url)
    expect(j.page.locator(".case-head")).to_contain_text("Beviljat")
    # (not the registered protocol and extract in the documents and the diarium)
    link = j.page.locator("a:not(#dokument a, #diarium a)", has_text=re.compile(rf"§ {number}$"))
    expect(link).to_be_visible()
    expect(j.page.locator(".amounts")).to_contain_text(sek(GRANT))
    j.check("case-granted")
