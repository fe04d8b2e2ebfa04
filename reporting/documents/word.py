"""The report as a Word document (python-docx), from ``content.ReportContent``.

Real Heading 1-6 styles (Word's navigation and the table of contents use them), a TOC
field that Word fills in with page numbers when the document is opened (its cached
result already lists the headings), tables with a repeated header row, and a footer
with PAGE and NUMPAGES fields: ``3 (45)``.
"""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from reporting import formatting
from reporting.documents.content import Heading, Question, ReportContent, Table, Text, YesNo

FONT = "Calibri"
BLUE = RGBColor(0x0B, 0x3D, 0x6B)
GREY = RGBColor(0x4A, 0x53, 0x60)
HEADER_FILL = "E6EFF8"


def _set_language(element, lang: str = "sv-SE") -> None:
    rpr = element.get_or_add_rPr()
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), lang)


def _setup_styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    _set_language(normal.element)
    sizes = {1: 16, 2: 14, 3: 12.5, 4: 12, 5: 11, 6: 11}
    for level, size in sizes.items():
        style = styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
        style.font.bold = True
        style.paragraph_format.space_before = Pt(14 if level <= 2 else 10)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    # Every chapter (Återrapportering 1, 2 ...) starts on a new page, as in seed 004.
    styles["Heading 1"].paragraph_format.page_break_before = True
    question = styles.add_style("Fråga", WD_STYLE_TYPE.PARAGRAPH)
    question.base_style = normal
    question.font.bold = True
    question.paragraph_format.space_before = Pt(10)
    question.paragraph_format.keep_with_next = True
    intro = styles.add_style("Inledning", WD_STYLE_TYPE.PARAGRAPH)
    intro.base_style = normal
    intro.font.size = Pt(10)
    intro.font.color.rgb = GREY
    prompt = styles.add_style("Delfråga", WD_STYLE_TYPE.PARAGRAPH)
    prompt.base_style = normal
    prompt.font.italic = True
    prompt.paragraph_format.keep_with_next = True
    caption = styles["Caption"]
    caption.font.name = FONT
    caption.font.size = Pt(10)
    caption.font.bold = True
    caption.font.color.rgb = GREY
    caption.paragraph_format.keep_with_next = True
    toc_heading = styles["TOC Heading"]
    toc_heading.font.name = FONT
    toc_heading.font.color.rgb = BLUE


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
        paragraph = first if index == 0 else document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.6 * (heading.level - 1))
        paragraph.paragraph_format.space_after = Pt(2)
        run = paragraph.add_run(heading.text)
        run.bold = heading.level == 1
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


DRAFT_RED = RGBColor(0xB0, 0x1E, 0x1E)


def _draft_header(document, content: ReportContent) -> None:
    """Every page of a draft says UTKAST at the top (the page header)."""
    if not content.draft:
        return
    paragraph = document.sections[0].header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(content.draft_mark)
    run.bold = True
    run.font.size = Pt(20)
    run.font.color.rgb = DRAFT_RED
    note = paragraph.add_run("  " + _("inte godkänd av nämnden"))
    note.font.size = Pt(9)
    note.font.color.rgb = DRAFT_RED


def _footer(document, content: ReportContent) -> None:
    section = document.sections[0]
    footer = section.footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    label = paragraph.add_run(content.footer_label + "    ")
    label.font.size = Pt(8)
    label.font.color.rgb = GREY
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
    "missing": "Normal",
}


def _text(container, block: Text) -> None:
    for part in block.blocks:
        if isinstance(part, formatting.BulletList):
            for item in part.items:
                _add_lines(container.add_paragraph(style="List Bullet"), item)
        else:
            paragraph = container.add_paragraph(style=STYLE_FOR_TEXT.get(block.style, "Normal"))
            _add_lines(paragraph, part.lines)
            if block.style == "missing":
                for run in paragraph.runs:
                    run.italic = True
                    run.font.color.rgb = GREY


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    tcpr.append(shading)


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
    table.style = document.styles["Table Grid"]
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
        _shade(cell, HEADER_FILL)
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
    for _blank in range(4):
        document.add_paragraph()
    document.add_paragraph(page.title, style="Title")
    if content.draft:
        run = document.add_paragraph().add_run(content.draft_note)
        run.bold = True
        run.font.color.rgb = DRAFT_RED
    elif content.approval:
        document.add_paragraph(content.approval)
    document.add_paragraph()
    if page.recipients:
        document.add_paragraph().add_run(page.recipients_heading).bold = True
        for recipient in page.recipients:
            paragraph = document.add_paragraph(recipient)
            paragraph.paragraph_format.space_after = Pt(0)
        document.add_paragraph()
    if page.references:
        document.add_paragraph().add_run(page.references_heading).bold = True
        for label, value in page.references:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            paragraph.add_run(f"{label} ")
            paragraph.add_run(value).bold = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def render_docx(content: ReportContent) -> bytes:
    document = Document()
    _setup_styles(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    usable_width = section.page_width - section.left_margin - section.right_margin

    properties = document.core_properties
    properties.title = content.title
    properties.author = "Region Norrbotten"
    properties.language = "sv-SE"
    properties.subject = "Återrapportering av villkorsbeslut"

    _draft_header(document, content)
    _footer(document, content)
    _update_fields_on_open(document)
    _title_page(document, content)
    _toc(document, content)

    for block in content.body:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
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
