"""The shared PDF renderer reads /static/ through the finders and refuses the network."""

import pytest
from pypdf import PdfReader

from core.pdf import PdfRenderError, render_pdf


def _text(pdf: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_renders_html_with_a_static_stylesheet_and_image():
    html = (
        '<html><head><link rel="stylesheet" href="/static/css/print.css"></head>'
        '<body><h1>Protokoll</h1><img src="/static/img/favicon.svg" alt="">'
        "<p>1 245 497 kr</p></body></html>"
    )
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert "1 245 497 kr" in _text(pdf)


def test_missing_static_file_fails_with_a_reason():
    html = '<html><head><link rel="stylesheet" href="/static/css/nope.css"></head></html>'
    with pytest.raises(PdfRenderError, match="nope.css"):
        render_pdf(html)


def test_external_resources_are_refused():
    html = '<html><head><link rel="stylesheet" href="https://cdn.example.com/x.css"></head></html>'
    with pytest.raises(PdfRenderError, match="external resources"):
        render_pdf(html)
