"""The report as a Word document (python-docx), from ``content.ReportContent``.

Built on the Word template (``word_template``: the shipped
``reporting/templates_docx/report-template.docx`` or the one an administrator
uploaded): the template's body is cleared and the content written with its named
styles only (Title, Heading 1-6, toc 1-3, Fråga, Rapporttabell ...), so restyling the
template restyles the report. Real Heading styles (Word's navigation and the table of
contents use them), a TOC field that Word fills in with page numbers when the document
is opened (its cached result already lists the headings), tables whose header row
repeats and whose rows never break across pages, and a footer with PAGE and NUMPAGES
fields: ``3 (45)``.
"""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from reporting import formatting
from reporting.documents.content import Heading, Question, ReportContent, Table, Text, YesNo
from reporting.documents.word_template import RED as DRAFT_RED
from reporting.documents.word_template import TABLE_STYLE, active_template_bytes

GREY = RGBColor(0x4A, 0x53, 0x60)


def _field(paragraph, instruction: str, cached: str = "", dirty: bool = False) -> None:
    """Insert a complex field (PAGE, NUMPAGES, TOC ...) with a cached result."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    if dirty:
        begin.set(qn("w:dirty"), "true")
    paragraph.add_run()._r.append(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    paragraph.add_run()._r.append(separate)
    paragraph.add_run(cached)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _toc(document, content: ReportContent) -> None:
    """A TOC field over Heading 1-3 whose cached result already lists the headings.

    The begin/instruction/separate parts sit in the first paragraph, one paragraph per
    heading follows, and the end part closes the last one; Word updates it on opening
    (``w:dirty`` and the ``updateFields`` setting), LibreOffice shows the cached list.
    """
    document.add_paragraph(content.toc_heading, style="TOC Heading")
    first = document.add_paragraph()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    first.add_run()._r.append(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = ' TOC \\o "1-3" \\h \\z \\u '
    first.add_run()._r.append(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    first.add_run()._r.append(separate)
    last = first
    for index, heading in enumerate(content.toc):
        style = f"toc {min(heading.level, 3)}"
        if index == 0:
            paragraph = first
            paragraph.style = document.styles[style]
        else:
            paragraph = document.add_paragraph(style=style)
        paragraph.add_run(heading.text)
        last = paragraph
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    last.add_run()._r.append(end)


# Elements that follow w:updateFields in CT_Settings (the schema fixes the order).
SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
)


def _update_fields_on_open(document) -> None:
    """Ask Word to update the fields (TOC, page numbers) when the file is opened."""
    settings = document.settings.element
    update = settings.find(qn("w:updateFields"))
    if update is None:
        update = OxmlElement("w:updateFields")
        successors = {qn(f"w:{name}") for name in SETTINGS_AFTER_UPDATE_FIELDS}
        following = next((child for child in settings if child.tag in successors), None)
        if following is not None:
            following.addprevious(update)
        else:
            settings.append(update)
    update.set(qn("w:val"), "true")


def _free_paragraph(part, style: str):
    """The part's first paragraph if it is empty, else a new one (the template's own
    header or footer text, a logo say, stays)."""
    first = part.paragraphs[0] if part.paragraphs else None
    if first is not None and not first.text.strip() and not first.runs:
        first.style = style
        return first
    return part.add_paragraph(style=style)


def _draft_header(document, content: ReportContent) -> None:
    """Every page of a draft says UTKAST at the top (the page header)."""
    if not content.draft:
        return
    paragraph = _free_paragraph(document.sections[0].header, "Header")
    run = paragraph.add_run(content.draft_mark)
    run.bold = True
    run.font.size = Pt(20)
    run.font.color.rgb = DRAFT_RED
    note = paragraph.add_run("  " + _("inte godkänd av nämnden"))
    note.font.size = Pt(9)
    note.font.color.rgb = DRAFT_RED


def _footer(document, content: ReportContent) -> None:
    paragraph = _free_paragraph(document.sections[0].footer, "Footer")
    paragraph.add_run(content.footer_label + "    ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" (")
    _field(paragraph, "NUMPAGES", "1")
    paragraph.add_run(")")


def _add_runs(paragraph, runs: list[formatting.Run]) -> None:
    for run in runs:
        added = paragraph.add_run(run.text)
        if run.bold:
            added.bold = True


def _add_lines(paragraph, lines: list[list[formatting.Run]]) -> None:
    for index, line in enumerate(lines):
        if index:
            paragraph.add_run().add_break()
        _add_runs(paragraph, line)


STYLE_FOR_TEXT = {
    "intro": "Inledning",
    "prompt": "Delfråga",
    "answer": "Normal",
    "missing": "Ej besvarad",
    "carried": "Att revidera",
}


def _text(container, block: Text) -> None:
    for part in block.blocks:
        if isinstance(part, formatting.BulletList):
            for item in part.items:
                _add_lines(container.add_paragraph(style="List Bullet"), item)
        else:
            paragraph = container.add_paragraph(style=STYLE_FOR_TEXT.get(block.style, "Normal"))
            _add_lines(paragraph, part.lines)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _cant_split(row) -> None:
    """The row stays on one page (Word and LibreOffice move it whole to the next page).

    ``w:cantSplit`` comes before ``w:tblHeader`` in CT_TrPr's sequence."""
    trpr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    cant.set(qn("w:val"), "true")
    trpr.insert(0, cant)


def _cell_text(cell, text: str, *, bold=False, align_right=False, size=None) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    lines = text.split("\n") if text else [""]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        run = paragraph.add_run(line)
        run.bold = bold
        if size:
            run.font.size = size
        paragraph.paragraph_format.space_after = Pt(0)
        if align_right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _table(document, block: Table, usable_width) -> None:
    document.add_paragraph(block.caption, style="Caption")
    rows = len(block.rows) + 1 + (1 if block.footer else 0)
    table = document.add_table(rows=rows, cols=len(block.columns))
    # The header row's shading comes from the style's firstRow part; its bold is also set
    # on the runs, since LibreOffice does not apply a table style's conditional bold.
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    size = Pt(9) if block.kind == "insatser" else None
    widths = block.widths or [1] * len(block.columns)
    total = sum(widths)
    for index, column in enumerate(table.columns):
        width = int(usable_width * widths[index] / total)
        for cell in column.cells:
            cell.width = width
    for row in table.rows:
        _cant_split(row)
    header = table.rows[0]
    _repeat_header(header)
    for index, title in enumerate(block.columns):
        cell = header.cells[index]
        _cell_text(cell, title, bold=True, align_right=index in block.numeric, size=size)
    for row_index, values in enumerate(block.rows, start=1):
        for index, value in enumerate(values):
            _cell_text(
                table.rows[row_index].cells[index],
                value,
                align_right=index in block.numeric,
                size=size,
            )
    if block.footer:
        for index, value in enumerate(block.footer):
            _cell_text(
                table.rows[-1].cells[index], value, bold=True, align_right=index in block.numeric
            )
    document.add_paragraph()


def _title_page(document, content: ReportContent) -> None:
    page = content.title_page
    document.add_paragraph(page.title, style="Title")
    if content.draft:
        document.add_paragraph(content.draft_note, style="Utkastmarkering")
    elif content.approval:
        document.add_paragraph(content.approval, style="Subtitle")
    document.add_paragraph()
    if page.recipients:
        document.add_paragraph(style="Titelsida").add_run(page.recipients_heading).bold = True
        for recipient in page.recipients:
            document.add_paragraph(recipient, style="Titelsida")
        document.add_paragraph()
    if page.references:
        document.add_paragraph(style="Titelsida").add_run(page.references_heading).bold = True
        for label, value in page.references:
            paragraph = document.add_paragraph(style="Titelsida")
            paragraph.add_run(f"{label} ")
            paragraph.add_run(value).bold = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _clear_body(document) -> None:
    """Remove the template's body text; its final section properties (page) stay."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def render_docx(content: ReportContent, template: bytes | None = None) -> bytes:
    """DOCX bytes on ``template`` (default: the template in use, see ``word_template``)."""
    if template is None:
        template = active_template_bytes()
    document = Document(io.BytesIO(template))
    _clear_body(document)
    section = document.sections[0]
    usable_width = section.page_width - section.left_margin - section.right_margin

    properties = document.core_properties
    properties.title = content.title
    properties.author = content.author
    properties.language = "sv-SE"
    properties.subject = "Återrapportering av villkorsbeslut"
    properties.comments = ""

    _draft_header(document, content)
    _footer(document, content)
    _update_fields_on_open(document)
    _title_page(document, content)
    _toc(document, content)

    for block in content.body:
        if isinstance(block, Heading):
            document.add_paragraph(block.text, style=f"Heading {min(block.level, 6)}")
        elif isinstance(block, Question):
            text = f"{block.number} {block.text}" if block.number else block.text
            document.add_paragraph(text, style="Fråga")
        elif isinstance(block, Text):
            _text(document, block)
        elif isinstance(block, YesNo):
            paragraph = document.add_paragraph()
            yes = "☒" if block.value is True else "☐"
            no = "☒" if block.value is False else "☐"
            paragraph.add_run(f"{block.yes_label} {yes}    {block.no_label} {no}")
        elif isinstance(block, Table):
            _table(document, block, usable_width)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
