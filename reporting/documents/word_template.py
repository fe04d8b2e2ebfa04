"""The Word template the report's DOCX is built on (``reporting/templates_docx/``).

The template is an ordinary .docx whose *styles* decide how the report looks: the
department opens it in Word, changes fonts, colours, spacing, the table style or the
page margins, saves it, and every report generated afterwards looks that way. The body
of the template is ignored (the renderer clears it); the page setup, header and footer
of its first section are kept.

``build_template()`` makes the shipped file from code so it can be regenerated
(``manage.py build_report_word_template``); ``template_problems()`` checks an uploaded
replacement for the styles the renderer needs.
"""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates_docx"
TEMPLATE_PATH = TEMPLATE_DIR / "report-template.docx"

FONT = "Calibri"
BLUE = RGBColor(0x0B, 0x3D, 0x6B)
GREY = RGBColor(0x4A, 0x53, 0x60)
RED = RGBColor(0xB0, 0x1E, 0x1E)
HEADER_FILL = "E6EFF8"
BORDER = "8A96A3"

# Style names the renderer uses (python-docx's UI names). An uploaded template must
# have every one of them, with the right type.
TABLE_STYLE = "Rapporttabell"
PARAGRAPH_STYLES = (
    "Normal",
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Heading 4",
    "Heading 5",
    "Heading 6",
    "TOC Heading",
    "toc 1",
    "toc 2",
    "toc 3",
    "Caption",
    "List Bullet",
    "Fråga",
    "Inledning",
    "Delfråga",
    "Ej besvarad",
    "Att revidera",
    "Titelsida",
    "Utkastmarkering",
    "Header",
    "Footer",
)
REQUIRED_STYLES: tuple[tuple[str, int], ...] = (
    *((name, WD_STYLE_TYPE.PARAGRAPH) for name in PARAGRAPH_STYLES),
    (TABLE_STYLE, WD_STYLE_TYPE.TABLE),
)
MAX_TEMPLATE_SIZE = 5 * 1024 * 1024


def _paragraph_style(styles, name: str, *, base: str = "Normal"):
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
    style.quick_style = True
    return style


def _set_language(style, lang: str = "sv-SE") -> None:
    rpr = style.element.get_or_add_rPr()
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), lang)


def _table_style(styles) -> None:
    """``Rapporttabell``: thin grid, cell margins, a shaded bold header row (firstRow)."""
    style = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    style.base_style = styles["Normal Table"]
    style.quick_style = True
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{BORDER}"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    style.element.append(
        parse_xml(f'<w:pPr {nsdecls("w")}><w:spacing w:before="0" w:after="0"/></w:pPr>')
    )
    style.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}>"
            f"<w:tblBorders>{borders}</w:tblBorders>"
            '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="90" w:type="dxa"/>'
            '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="90" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
        )
    )
    style.element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
            "<w:rPr><w:b/><w:bCs/></w:rPr>"
            f"<w:tblPr/><w:trPr><w:tblHeader/></w:trPr>"
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr>'
            "</w:tblStylePr>"
        )
    )


def build_template():
    """The shipped template as a python-docx ``Document`` (styles, page, header, footer)."""
    document = Document()
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    _set_language(normal)

    title = styles["Title"]
    title.font.name = FONT
    title.font.size = Pt(26)
    title.font.color.rgb = BLUE
    title.paragraph_format.space_before = Pt(96)
    subtitle = styles["Subtitle"]
    subtitle.font.name = FONT
    subtitle.font.size = Pt(14)
    subtitle.font.color.rgb = GREY

    sizes = {1: 16, 2: 14, 3: 12.5, 4: 12, 5: 11, 6: 11}
    for level, size in sizes.items():
        style = styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.space_before = Pt(14 if level <= 2 else 10)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    # Every chapter (Återrapportering 1, 2 ...) starts on a new page, as in seed 004.
    styles["Heading 1"].paragraph_format.page_break_before = True

    toc_heading = styles["TOC Heading"]
    toc_heading.font.name = FONT
    toc_heading.font.color.rgb = BLUE
    for level in (1, 2, 3):
        toc = _paragraph_style(styles, f"toc {level}")
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)
        toc.font.bold = level == 1

    question = _paragraph_style(styles, "Fråga")
    question.font.bold = True
    question.paragraph_format.space_before = Pt(10)
    question.paragraph_format.keep_with_next = True
    intro = _paragraph_style(styles, "Inledning")
    intro.font.size = Pt(10)
    intro.font.color.rgb = GREY
    prompt = _paragraph_style(styles, "Delfråga")
    prompt.font.italic = True
    prompt.paragraph_format.keep_with_next = True
    missing = _paragraph_style(styles, "Ej besvarad")
    missing.font.italic = True
    missing.font.color.rgb = GREY
    carried = _paragraph_style(styles, "Att revidera")
    carried.font.italic = True
    carried.font.size = Pt(9)
    carried.font.color.rgb = RED
    carried.paragraph_format.keep_with_next = True
    title_page = _paragraph_style(styles, "Titelsida")
    title_page.paragraph_format.space_after = Pt(0)
    draft = _paragraph_style(styles, "Utkastmarkering")
    draft.font.bold = True
    draft.font.color.rgb = RED

    caption = styles["Caption"]
    caption.font.name = FONT
    caption.font.size = Pt(10)
    caption.font.bold = True
    caption.font.italic = False
    caption.font.color.rgb = GREY
    caption.paragraph_format.keep_with_next = True
    styles["List Bullet"].font.name = FONT
    for name in ("Header", "Footer"):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(8)
        style.font.color.rgb = GREY
    _table_style(styles)

    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    section.footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    properties = document.core_properties
    properties.title = "Återrapportering av villkorsbeslut – mall"
    properties.author = settings.REGION_NAME
    properties.language = "sv-SE"
    properties.comments = (
        "Mall för återrapporteringen. Ändra formatmallarna (Rubrik 1-6, Fråga, "
        "Rapporttabell ...) och sidans marginaler; innehållet skrivs av Norrbotten Cases."
    )
    document.add_paragraph(
        "Mall för återrapporteringen. Brödtexten ersätts när rapporten skapas; "
        "ändra formatmallarna, inte den här texten.",
        style="Normal",
    )
    return document


def build_template_bytes() -> bytes:
    buffer = io.BytesIO()
    build_template().save(buffer)
    return buffer.getvalue()


def template_problems(data: bytes) -> list[str]:
    """What is wrong with ``data`` as a report template (empty when it can be used)."""
    if len(data) > MAX_TEMPLATE_SIZE:
        return [_("Mallen är för stor (högst 5 MB).")]
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [_("Filen är inget Word-dokument (.docx).")]
    try:
        document = Document(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - python-docx raises many kinds on a broken file
        return [_("Filen kan inte läsas som ett Word-dokument (.docx).")]
    styles = {style.name: style.type for style in document.styles}
    problems = []
    missing = [name for name, kind in REQUIRED_STYLES if styles.get(name) != kind]
    if missing:
        problems.append(
            _("Mallen saknar formatmallarna: %(names)s. Utgå från den levererade mallen.")
            % {"names": ", ".join(missing)}
        )
    return problems


def shipped_template_bytes() -> bytes:
    return TEMPLATE_PATH.read_bytes()


def active_template_bytes() -> bytes:
    """The template the report is built on now: the uploaded one in use, else the shipped."""
    from reporting.models import WordTemplate

    uploaded = WordTemplate.objects.filter(in_use=True).first()
    if uploaded is None:
        return shipped_template_bytes()
    with uploaded.file.open("rb") as handle:
        return handle.read()
