"""The report as DOCX and PDF, read back: headings, TOC and page fields, tables, figures."""

import io
import zipfile

import pytest
from docx import Document
from pypdf import PdfReader

from financing.models import GrantCategory
from reporting import services
from reporting.documents import build_content, render_docx, render_pdf
from tests.financing.factories import BusinessSupportFactory, CommitmentFactory, GrantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled_report(report, officer, answer_of, section_of):
    report = services.report_year_update(
        user=officer,
        report=report,
        data={
            "government_reference": "N2021/03079, N2021/03001 (delvis)",
            "agency_reference": "Ä 2022–4019",
            "region_reference": "RUN 00060-2022",
        },
        version=report.version,
    )
    services.answer_save(
        user=officer,
        answer=answer_of("1.1.1"),
        text="Coronapandemin har fortsatt haft **stor** inverkan.\n\n- resiliens\n- samverkan",
        version=1,
    )
    services.answer_save(
        user=officer, answer=answer_of("2.3"), text="- Bidrog till RUS", yes_no=True, version=1
    )
    insats = services.insats_add(user=officer, section=section_of("1.2.1.4"))
    services.insats_update(
        user=officer,
        insats=insats,
        data={
            "name": "Form och Design Center i Norr",
            "goal": "RUS: Attraktiva livsmiljöer",
            "outputs": "En nod för gestaltad livsmiljö",
            "effects": "Attraktiva livsmiljöer",
        },
        version=insats.version,
    )
    GrantFactory(year=2022, amount="171100000")
    CommitmentFactory(
        year=2022, amount="104371000", category=GrantCategory.PROJECT, priority="innovation"
    )
    CommitmentFactory(
        year=2022, amount="58174000", category=GrantCategory.BUSINESS_SUPPORT, gender="woman"
    )
    BusinessSupportFactory(leader_gender="woman", eu_framework="REACT-EU", eu_share="100")
    BusinessSupportFactory(decision="rejected")
    CommitmentFactory(
        year=2022,
        amount="8555000",
        category=GrantCategory.COMMERCIAL_SERVICE,
        priority="attractive",
    )
    return report


@pytest.fixture
def docx_bytes(filled_report):
    return render_docx(build_content(filled_report))


def _paragraphs_by_style(document):
    out = {}
    for paragraph in document.paragraphs:
        out.setdefault(paragraph.style.name, []).append(paragraph.text)
    return out


def test_docx_has_real_headings_and_question_texts(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    styles = _paragraphs_by_style(document)
    assert styles["Title"] == ["Återrapportering av villkorsbeslut 2022 – Region Norrbotten"]
    assert styles["Heading 1"] == [
        "Återrapportering 1 – Regionalt utvecklingsarbete",
        "Återrapportering 2 – Fördelning av anslag 1:1 Regionala utvecklingsåtgärder",
        "Återrapportering 3 – Samverkan med andra aktörer",
        "Återrapportering 4 – Analys uppföljning och utvärdering",
        "5 Övriga medskick",
    ]
    assert "1.1 Den regionala utvecklingsstrategin" in styles["Heading 2"]
    assert "3.5 Samråd med näringsliv" in styles["Heading 2"]
    assert (
        "1.2.1 Likvärdiga möjligheter till boende, arbete och välfärd i hela landet"
        in styles["Heading 3"]
    )
    assert any(t.startswith("1.1.1 Beskriv hur det strategiskt") for t in styles["Fråga"])
    assert any(t.startswith("2.6 Beskriv i punktform") for t in styles["Fråga"])


def test_docx_title_page_answers_and_formatting(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    texts = [p.text for p in document.paragraphs]
    assert "Regeringskansliet N2021/03079, N2021/03001 (delvis)" in texts
    assert "Tillväxtverket Ä 2022–4019" in texts
    assert "Region Norrbotten RUN 00060-2022" in texts
    assert "li.registrator@regeringskansliet.se" in texts
    answer = next(p for p in document.paragraphs if p.text.startswith("Coronapandemin"))
    assert [(r.text, bool(r.bold)) for r in answer.runs] == [
        ("Coronapandemin har fortsatt haft ", False),
        ("stor", True),
        (" inverkan.", False),
    ]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert {"resiliens", "samverkan", "Bidrog till RUS"} <= set(bullets)
    assert "Ja ☒    Nej ☐" in texts
    assert "Ej besvarad." in texts


def test_docx_has_toc_and_page_number_fields(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        body = archive.read("word/document.xml").decode()
        footers = "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("word/footer")
        )
        settings = archive.read("word/settings.xml").decode()
    assert 'TOC \\o "1-3" \\h \\z \\u' in body
    assert "PAGE" in footers and "NUMPAGES" in footers
    assert 'w:fldCharType="begin"' in footers
    assert "w:updateFields" in settings
    document = Document(io.BytesIO(docx_bytes))
    toc_heading = [p.text for p in document.paragraphs if p.style.name == "TOC Heading"]
    assert toc_heading == ["Innehåll"]


def test_docx_tables_for_insatser_and_figures(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    tables = [
        [[cell.text for cell in row.cells] for row in table.rows] for table in document.tables
    ]
    insatser = next(t for t in tables if t[0][0] == "Namn på insats och kort beskrivning")
    assert insatser[0] == [
        "Namn på insats och kort beskrivning",
        "Mål",
        "Resultat i form av prestationer",
        "Resultat i form av effekter",
    ]
    assert insatser[1] == [
        "Form och Design Center i Norr",
        "RUS: Attraktiva livsmiljöer",
        "En nod för gestaltad livsmiljö",
        "Attraktiva livsmiljöer",
    ]
    categories = next(t for t in tables if t[0] == ["Kategori", "Miljoner kronor", "Andel"])
    assert categories[1:] == [
        ["Projektverksamhet", "104,4", "61 %"],
        ["Regionala företagsstöd", "58,2", "34 %"],
        ["Stöd till kommersiell service", "8,6", "5 %"],
        ["Totalt", "171,1", "100 %"],
    ]
    priorities = next(t for t in tables if t[0] == ["Prioritering", "Miljoner kronor"])
    assert ["Attraktiva livsmiljöer och tillgänglighet", "8,6"] in priorities
    assert ["Innovation samt entreprenörskap och företagande", "162,5"] in priorities
    leadership = next(t for t in tables if t[0] == ["Ledning", "Företag", "Andel"])
    assert ["Leds av en kvinna", "1", "100 %"] in leadership
    applications = next(t for t in tables if t[0] == ["Ansökningar", "Antal"])
    assert ["Andel avslag av beslutade", "50 %"] in applications
    frameworks = next(t for t in tables if t[0] == ["Ramprojekt", "Andel EU-medel", "Beslut"])
    assert frameworks[1] == ["REACT-EU", "100 %", "1"]
    # Header rows repeat on every page.
    assert (
        document.tables[0]
        .rows[0]
        ._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader")
        is not None
    )


def test_pdf_read_back_as_text(filled_report):
    data = render_pdf(build_content(filled_report))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 5
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Återrapportering av villkorsbeslut 2022 – Region Norrbotten" in flat
    assert "Innehåll" in flat
    assert "Återrapportering 2 – Fördelning av anslag 1:1 Regionala utvecklingsåtgärder" in flat
    assert "1.2.1 Likvärdiga möjligheter till boende, arbete och välfärd i hela landet" in flat
    assert "61 %" in flat and "34 %" in flat and "5 %" in flat
    assert "104,4" in flat and "171,1" in flat
    assert "Form och Design Center i Norr" in flat
    assert "Coronapandemin har fortsatt haft stor inverkan." in flat
    assert "RUN 00060-2022" in flat
    # Page numbers "n (total)" in the footer, and the TOC points at pages.
    total = len(reader.pages)
    assert f"2 ({total})" in flat
    assert reader.outline, "headings become PDF bookmarks"


def test_content_is_built_under_swedish_whatever_the_active_language(filled_report):
    from django.utils import translation

    with translation.override("en"):
        content = build_content(filled_report)
    assert content.toc_heading == "Innehåll"
    assert content.title_page.references_heading == "Diarienummer:"


def test_another_regions_report_names_that_region(officer, settings):
    """The report, its title page, its files' author and name are the deployment's region
    (``REGION_NAME``), not Norrbotten: the shipped template says ``{region}``."""
    settings.REGION_NAME = "Region Jämtland Härjedalen"
    report = services.report_year_create(user=officer, year=2022)
    report.region_reference = "RS/123/2022"
    report.save(update_fields=["region_reference"])
    assert report.title == "Återrapportering av villkorsbeslut 2022 – Region Jämtland Härjedalen"
    content = build_content(report)
    assert ("Region Jämtland Härjedalen", "RS/123/2022") in content.title_page.references
    document = Document(io.BytesIO(render_docx(content)))
    assert document.core_properties.author == "Region Jämtland Härjedalen"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Norrbotten" not in text
    assert services.report_filename(report, "pdf") == (
        "Aterrapportering-villkorsbeslut-2022-Region-Jamtland-Harjedalen.pdf"
    )
