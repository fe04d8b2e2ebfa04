"""Journey (c): the annual report to the government for 2022, generated and downloaded.

The 2022 anslag 1:1 and its decisions are those of the demo (seed 004: 171,1 MSEK split
61 / 34 / 5 % between project support, business support and commercial service), the
demo's NYPS 2020 export of 2022's business support (164 applications, 125 granted to 125
companies, 24 % led by a woman), plus four co-financing applications. A case
officer creates the year's report from the report page, reads the figures, answers
question 2.1, and has the report made as Word and PDF by a real Celery worker while the
page polls the job (htmx) and shows its progress; the Word file is downloaded in the
browser and read back with python-docx.
"""

import datetime
import io
import re

from docx import Document
from playwright.sync_api import expect

from core.roles import Role
from financing import demo as financing_demo
from projects.models import CaseState
from tests.core.factories import user_with_role
from tests.reporting.factories import decided_case

ANSWER = (
    "Under 2022 fördelades anslaget enligt följande: **61 %** till projekt, 34 % till "
    "företagsstöd och 5 % till kommersiell service."
)
CATEGORIES = [
    ["Projektverksamhet", "104,4", "61 %"],
    ["Regionala företagsstöd", "58,2", "34 %"],
    ["Stöd till kommersiell service", "8,6", "5 %"],
    ["Totalt", "171,1", "100 %"],
]
PRIORITIES = [
    ["Attraktiva livsmiljöer och tillgänglighet", "32,3"],
    ["Innovation samt entreprenörskap och företagande", "120,1"],
    ["Internationellt samarbete", "1,4"],
    ["Kompetensförsörjning och kompetensutveckling", "5,3"],
    ["Övriga prioriterade områden", "12,0"],
]

APPLICATIONS = [
    ("Grön omställning i processindustrin", CaseState.GRANTED),
    ("Arctic Business Incubator 2022–2024", CaseState.GRANTED),
    ("Kompetenslyft för industrin i Norrbotten", CaseState.GRANTED),
    ("Upplevelsecentrum vid polcirkeln", CaseState.REJECTED),
]


def _setup():
    user_with_role(Role.OFFICER, username="anna", first_name="Anna", last_name="Lindberg")
    controller = user_with_role(
        Role.CONTROLLER, username="controller", first_name="Erik", last_name="Holmström"
    )
    log = io.StringIO()
    financing_demo._grants(controller, log)  # anslag 1:1 2020, 2022, 2023 with allocations
    financing_demo._commitments_2022(controller, log)  # the 2022 decisions of seed 004
    financing_demo._business_support_2022(controller, log)  # the NYPS export of 2022
    # Applications for co-financing received in 2022: three granted, one rejected.
    for number, (title, state) in enumerate(APPLICATIONS, start=1):
        decided_case(
            title=title,
            registered_on=datetime.date(2022, 2, number),
            decided_on=datetime.date(2022, 6, 14),
            state=state,
            granted_amount="1500000" if state == CaseState.GRANTED else None,
        )


def _heading(j):
    return j.page.get_by_role("heading", level=1)


def create_report(j):
    page = j.page
    j.goto("/")
    j.click_through(page.locator(".main-nav").get_by_role("link", name="Rapporter"))
    expect(_heading(j)).to_have_text("Återrapportering av villkorsbeslut")
    expect(page.locator("main table")).to_contain_text("Ingen återrapportering är skapad ännu.")
    page.get_by_label("År").fill("2022")
    j.check("reports")
    j.click_through(page.get_by_role("button", name="Skapa återrapportering"))
    expect(page.locator("#messages")).to_contain_text("Återrapporteringen för 2022 är skapad")
    expect(_heading(j)).to_contain_text("2022")
    expect(page.locator("#generation")).to_contain_text("Rapporten har inte skapats som fil ännu.")
    j.check("report-created")
    return page.url


def read_figures(j):
    page = j.page
    j.click_through(page.locator(".page-header").get_by_role("link", name="Nyckeltal"))
    expect(_heading(j)).to_have_text("Nyckeltal för återrapporteringen 2022")
    main = page.locator("main")
    expect(main).to_contain_text("171 100 000 kr")
    applications = main.locator(
        "section", has=page.get_by_role("heading", name="Ansökningar om regionala företagsstöd")
    )
    expect(applications.locator("tr", has_text="Inkomna")).to_contain_text("164")
    expect(applications.locator("tr", has_text="Andel avslag")).to_contain_text("24 %")
    for label, _msek, share in CATEGORIES[:3]:
        row = main.locator("tr", has_text=label).first
        expect(row).to_contain_text(share)
    j.check("figures")


def answer_question(j, report_url):
    page = j.page
    j.goto(report_url)
    j.click_through(page.locator(".section-tree").get_by_role("link", name=re.compile(r"^2\.1")))
    expect(_heading(j)).to_contain_text("2.1")
    page.get_by_label("Svar", exact=True).fill(ANSWER)
    j.click_through(page.get_by_role("button", name="Spara", exact=True))
    expect(page.get_by_label("Svar", exact=True)).to_have_value(ANSWER)
    j.click_through(page.get_by_role("button", name="Markera som klar"))
    expect(page.get_by_role("button", name="Markera som ej klar")).to_be_visible()
    j.check("answer-2.1")


def generate_and_download(j, report_url) -> bytes:
    page = j.page
    j.goto(report_url)
    expect(page.locator(".report-progress__label")).to_contain_text("1 av")
    j.click_through(page.get_by_role("button", name="Skapa Word och PDF"))
    job = page.locator("#generation .job")
    # The worker has the job: the page shows its progress and polls until it is done.
    expect(job.locator("progress")).to_be_visible()
    expect(job.locator(".badge")).to_have_text(re.compile("I kö|Pågår"))
    generate = page.get_by_role("button", name="Skapa Word och PDF")
    expect(generate).to_be_hidden()  # nothing to start while a generation runs
    j.shot("job-running")
    expect(job.locator(".badge")).to_have_text("Klar", timeout=60000)
    expect(job.locator("progress")).to_have_count(0)
    expect(generate).to_be_visible()
    # The finished job brings the new files into the table too (out of band).
    expect(page.locator("#report-files")).to_contain_text("Word (DOCX)")
    expect(page.locator("#report-files")).to_contain_text("PDF")
    j.check("job-done")
    with page.expect_download() as info:
        job.get_by_role("link", name="Ladda ner Word (DOCX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    path = j.dir / download.suggested_filename
    download.save_as(path)
    return path.read_bytes()


def _tables(document):
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_annual_report_generated_by_the_worker_and_downloaded_as_word(journey, celery_worker):
    _setup()
    j = journey()
    j.login("anna")
    report_url = create_report(j)
    read_figures(j)
    answer_question(j, report_url)
    data = generate_and_download(j, report_url)

    document = Document(io.BytesIO(data))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    titles = [text for style, text in paragraphs if style == "Title"]
    assert titles == ["Återrapportering av villkorsbeslut 2022 – Region Norrbotten"]
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert "Återrapportering 2 – Fördelning av anslag 1:1 Regionala utvecklingsåtgärder" in headings
    question = next(i for i, (_s, text) in enumerate(paragraphs) if text.startswith("2.1 "))
    answer = document.paragraphs[question + 1]
    assert answer.text == ANSWER.replace("**", "")
    assert [r.text for r in answer.runs if r.bold] == ["61 %"]

    tables = _tables(document)
    categories = next(t for t in tables if t[0] == ["Kategori", "Miljoner kronor", "Andel"])
    assert categories[1:] == CATEGORIES
    priorities = next(t for t in tables if t[0] == ["Prioritering", "Miljoner kronor"])
    for row in PRIORITIES:
        assert row in priorities
    applications = next(t for t in tables if t[0] == ["Ansökningar", "Antal"])
    assert applications[1:] == [
        ["Inkomna", "164"],
        ["Beviljade", "125"],
        ["Avslagna", "39"],
        ["Andel avslag av beslutade", "24 %"],
        ["Företag som beviljats stöd", "125"],
    ]
    leadership = next(t for t in tables if t[0] == ["Ledning", "Företag", "Andel"])
    assert ["Leds av en kvinna", "30", "24 %"] in leadership
    assert ["Leds av en man", "83", "66 %"] in leadership
    # Not approved yet: a draft on every page.
    assert document.sections[0].header.paragraphs[0].text.startswith("UTKAST")
