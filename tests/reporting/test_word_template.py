"""The DOCX is built on a Word template kept in the repo; LibreOffice opens what we build.

The template (reporting/templates_docx/report-template.docx) is made by
``build_report_word_template`` and may be restyled in Word: the report uses its named
styles only, so a restyled template restyles the report.
"""

import io
import shutil
import subprocess

import pytest
from django.core.management import call_command
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor
from pypdf import PdfReader

from reporting import services
from reporting.documents import build_content, render_docx, render_pdf
from reporting.documents.word_template import (
    REQUIRED_STYLES,
    TABLE_STYLE,
    TEMPLATE_PATH,
    build_template_bytes,
    template_problems,
)
from tests.financing.factories import CommitmentFactory, GrantFactory

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _style_names(data: bytes) -> dict[str, int]:
    return {style.name: style.type for style in Document(io.BytesIO(data)).styles}


def test_the_shipped_template_has_every_style_the_report_uses():
    data = TEMPLATE_PATH.read_bytes()
    assert template_problems(data) == []
    styles = _style_names(data)
    for name, kind in REQUIRED_STYLES:
        assert styles[name] == kind, name
    assert styles[TABLE_STYLE] == WD_STYLE_TYPE.TABLE


def test_the_shipped_template_is_what_the_command_builds(tmp_path):
    """The file in the repo and the code that makes it agree (regenerate it if not)."""
    out = tmp_path / "mall.docx"
    call_command("build_report_word_template", "--output", str(out))
    built, shipped = Document(str(out)), Document(str(TEMPLATE_PATH))
    assert [s.name for s in built.styles] == [s.name for s in shipped.styles]
    for name in ("Heading 1", "Fråga", "toc 2", TABLE_STYLE):
        assert built.styles[name].element.xml == shipped.styles[name].element.xml, name
    section_built, section_shipped = built.sections[0], shipped.sections[0]
    assert section_built.page_width == section_shipped.page_width
    assert section_built.left_margin == section_shipped.left_margin


def test_a_file_without_the_styles_or_not_a_docx_is_refused():
    plain = io.BytesIO()
    Document().save(plain)
    problems = template_problems(plain.getvalue())
    assert len(problems) == 1
    assert problems[0].startswith("Mallen saknar formatmallarna:")
    assert "Fråga" in problems[0] and TABLE_STYLE in problems[0]
    assert template_problems(b"not a zip") == ["Filen är inget Word-dokument (.docx)."]


@pytest.fixture
def report_with_figures(report, officer, answer_of):
    services.answer_save(
        user=officer, answer=answer_of("1.1.1"), text="Coronapandemin.\n\n- resiliens", version=1
    )
    GrantFactory(year=2022, amount="171100000")
    CommitmentFactory(year=2022, amount="104371000", category="project", priority="innovation")
    return report


@pytest.mark.django_db
def test_the_report_is_written_with_the_templates_named_styles(report_with_figures):
    document = Document(io.BytesIO(render_docx(build_content(report_with_figures))))
    used = {paragraph.style.name for paragraph in document.paragraphs}
    for name in ("Title", "Utkastmarkering", "Titelsida", "TOC Heading", "toc 1", "toc 2"):
        assert name in used, name
    for name in ("Heading 1", "Heading 2", "Fråga", "Inledning", "Ej besvarad", "Caption"):
        assert name in used, name
    # The template's explanatory body text is gone; its page setup stays.
    assert not any("Mall för återrapporteringen" in p.text for p in document.paragraphs)
    assert document.sections[0].left_margin == Document(str(TEMPLATE_PATH)).sections[0].left_margin
    assert document.tables
    for table in document.tables:
        assert table.style.name == TABLE_STYLE
        header = table.rows[0]._tr.trPr
        assert header.find(f"{W}tblHeader").get(f"{W}val") == "true"
        for row in table.rows:
            cant = row._tr.trPr.find(f"{W}cantSplit")
            assert cant is not None and cant.get(f"{W}val") == "true"
        # The header row's look comes from the style (no direct shading in the cells).
        assert header.getparent().find(f"{W}tc/{W}tcPr/{W}shd") is None


@pytest.mark.django_db
def test_restyling_the_template_restyles_the_report(report_with_figures):
    template = Document(str(TEMPLATE_PATH))
    template.styles["Heading 1"].font.size = Pt(22)
    template.styles["Heading 1"].font.color.rgb = RGBColor(0x00, 0x80, 0x00)
    template.styles["Fråga"].font.name = "DejaVu Serif"
    buffer = io.BytesIO()
    template.save(buffer)

    document = Document(
        io.BytesIO(render_docx(build_content(report_with_figures), buffer.getvalue()))
    )
    heading = document.styles["Heading 1"]
    assert heading.font.size == Pt(22)
    assert heading.font.color.rgb == RGBColor(0x00, 0x80, 0x00)
    assert document.styles["Fråga"].font.name == "DejaVu Serif"
    first_heading = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    # No direct formatting overrides the style on the paragraph's runs.
    assert all(run.font.size is None and run.font.color.rgb is None for run in first_heading.runs)


def _convert(docx: bytes, tmp_path) -> tuple[subprocess.CompletedProcess, bytes]:
    path = tmp_path / "rapport.docx"
    path.write_bytes(docx)
    result = subprocess.run(  # noqa: S603 - a fixed program on a file we wrote
        [OFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    pdf = tmp_path / "rapport.pdf"
    return result, pdf.read_bytes() if pdf.exists() else b""


@pytest.mark.django_db
@pytest.mark.skipif(OFFICE is None, reason="LibreOffice missing (CI installs it)")
def test_libreoffice_converts_the_docx_without_errors_within_a_page_of_the_pdf(
    report_with_figures, tmp_path
):
    content = build_content(report_with_figures)
    result, converted = _convert(render_docx(content), tmp_path)
    assert result.returncode == 0, result.stderr
    assert b"Error" not in result.stderr and b"error" not in result.stdout.lower()
    assert converted.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(converted))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Återrapportering av villkorsbeslut 2022" in text
    assert "UTKAST" in text and "Innehåll" in text
    assert "Coronapandemin." in text
    app_pages = len(PdfReader(io.BytesIO(render_pdf(content))).pages)
    assert abs(len(reader.pages) - app_pages) <= 1, (len(reader.pages), app_pages)


def test_building_the_template_twice_gives_the_same_styles():
    assert _style_names(build_template_bytes()) == _style_names(build_template_bytes())


def _restyled() -> bytes:
    template = Document(str(TEMPLATE_PATH))
    template.styles["Heading 1"].font.size = Pt(24)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_an_administrator_uploads_a_restyled_template_and_the_report_uses_it(
    client_for, report_with_figures, officer
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from reporting.models import WordTemplate
    from tests.core.factories import UserFactory

    admin = UserFactory(username="mall-admin", is_superuser=True)
    url = reverse("reporting:word_template")
    assert client_for(officer).get(url).status_code == 403

    plain = io.BytesIO()
    Document().save(plain)
    response = client_for(admin).post(
        url, {"file": SimpleUploadedFile("fel.docx", plain.getvalue())}
    )
    assert response.status_code == 400
    assert "Mallen saknar formatmallarna:" in response.content.decode()
    assert not WordTemplate.objects.exists()

    response = client_for(admin).post(url, {"file": SimpleUploadedFile("ny.docx", _restyled())})
    assert response.status_code == 302
    in_use = WordTemplate.objects.get(in_use=True)
    assert in_use.filename == "ny.docx" and in_use.uploaded_by == admin
    document = Document(io.BytesIO(render_docx(build_content(report_with_figures))))
    assert document.styles["Heading 1"].font.size == Pt(24)
    # Everyone who reads reports downloads the template in use, to restyle it.
    download = client_for(officer).get(reverse("reporting:word_template_download"))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    assert Document(io.BytesIO(data)).styles["Heading 1"].font.size == Pt(24)

    response = client_for(admin).post(reverse("reporting:word_template_reset"))
    assert response.status_code == 302
    assert not WordTemplate.objects.filter(in_use=True).exists()
    assert WordTemplate.objects.count() == 1  # kept: which template was used when
    document = Document(io.BytesIO(render_docx(build_content(report_with_figures))))
    assert document.styles["Heading 1"].font.size == Pt(16)
