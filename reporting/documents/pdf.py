"""The report as PDF: the same content as the DOCX, through an HTML template and WeasyPrint.

The template links ``/static/css/reporting.css`` (its print part styles the document);
``core.pdf`` serves it from the static finders, never over the network.
"""

from django.template.loader import render_to_string
from django.utils import translation

from core import pdf
from reporting.documents.content import ReportContent


def render_html(content: ReportContent) -> str:
    with translation.override("sv"):
        return render_to_string("reporting/document/report.html", {"content": content})


def render_pdf(content: ReportContent) -> bytes:
    """PDF bytes; raises ``core.pdf.PdfRenderError`` when WeasyPrint fails."""
    return pdf.render_pdf(render_html(content))
