"""The report as PDF: the same content as the DOCX, through an HTML template and WeasyPrint.

The document's CSS (the print part of ``static/css/reporting.css``) is inlined in a
``<style>`` block: the PDF template is never served as a web page, and inlining keeps
the rendering free of any URL fetching.
"""

from functools import cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from norrbotten_cases import pdf
from reporting.documents.content import ReportContent

STYLESHEET = "css/reporting.css"


@cache
def _stylesheet() -> str:
    path = finders.find(STYLESHEET)
    if not path:
        raise pdf.PdfRenderError(f"stylesheet {STYLESHEET} not found")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render_html(content: ReportContent) -> str:
    with translation.override("sv"):
        return render_to_string(
            "reporting/document/report.html",
            {"content": content, "stylesheet": mark_safe(_stylesheet())},  # noqa: S308 - our file
        )


def render_pdf(content: ReportContent) -> bytes:
    """PDF bytes; raises ``norrbotten_cases.pdf.PdfRenderError`` when WeasyPrint fails."""
    return pdf.render_pdf(render_html(content))
