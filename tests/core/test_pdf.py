"""The shared PDF renderer reads /static/ through the finders and refuses the network."""

import io
import subprocess

import pytest
from pypdf import PdfReader

from core.pdf import PdfRenderError, render_pdf


def _text(pdf: bytes) -> str:
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


def test_pdfa_declares_pdfa_2u_in_its_xmp_metadata_and_embeds_every_font(tmp_path):
    html = (
        '<html lang="sv"><head><title>Protokoll</title>'
        '<link rel="stylesheet" href="/static/css/print.css"></head>'
        "<body><h1>Protokoll</h1><p>Rätt utdraget intygar: <em>Åsa Öhlund</em></p>"
        "<p style=\"font-family: 'DejaVu Sans'\"><strong>1 245 497 kr</strong></p></body></html>"
    )
    pdf = render_pdf(html, pdfa=True)
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="U"' in xmp
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    assert intent["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent  # sRGB
    path = tmp_path / "a.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(fonts) >= 2
    # columns: name type encoding emb sub uni object ID
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts), fonts
    assert "Rätt utdraget intygar" in _text(pdf)
    assert "pdfaid" not in render_pdf(html).decode("latin-1")  # plain PDF unless asked
