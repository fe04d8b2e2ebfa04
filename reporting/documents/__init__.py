"""The annual report as documents: one content model (``content``), two renderers."""

from reporting.documents.content import ReportContent, build_content
from reporting.documents.pdf import render_html, render_pdf
from reporting.documents.word import render_docx

__all__ = ["ReportContent", "build_content", "render_docx", "render_html", "render_pdf"]
