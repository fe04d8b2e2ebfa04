"""The digital seal (core.seal): a PAdES signature by the region's seal certificate on a
PDF/A document, with a visible block on the last page; checked with pyHanko itself and with
poppler's pdfsig, broken by changing one byte, and read back by verify_pdf whatever it is
given. The seal is tests/conftest.py's throwaway certificate (``seal_files``)."""

import datetime
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.checks import Error, Warning
from django.core.management import call_command
from fontTools.ttLib import TTFont
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from core import seal as seal_module
from core.checks import seal_check
from core.pdf import render_pdf
from core.seal import (
    FIELD_NAME,
    SealError,
    SealStatus,
    SignerLine,
    create_self_signed_seal,
    occupied_boxes,
    seal_pdf,
    signers_text,
    verify_pdf,
)

STOCKHOLM = datetime.timezone(datetime.timedelta(hours=1))
SIGNERS = [
    SignerLine(
        "Nils-Olov Lindfors", "ordförande", datetime.datetime(2020, 3, 26, 10, 14, tzinfo=STOCKHOLM)
    ),
    SignerLine(
        "Lage Hortlund", "justerare", datetime.datetime(2020, 3, 26, 11, 2, tzinfo=STOCKHOLM)
    ),
]
SIGNERS_LINE = (
    "Justerat: Nils-Olov Lindfors (ordförande) 2020-03-26 10:14, "
    "Lage Hortlund (justerare) 2020-03-26 11:02"
)
REASON = "Protokoll Regionala utvecklingsnämnden 2020-03-24"


def document_html(paragraphs: int = 12) -> str:
    """A protocol-like document: text, a table with rules and a running footer."""
    body = "".join(
        f"<h2>§ {22 + n}</h2><p>Regionala utvecklingsnämnden beslutar att bevilja "
        f"{100 + n} 000 kr ur anslag 1:1 till projektet, med de villkor som anges.</p>"
        for n in range(paragraphs)
    )
    return (
        "<html lang='sv'><head><title>Protokoll</title><style>"
        "@page { size: A4; margin: 25mm 20mm 30mm 25mm;"
        " @bottom-left { content: 'NC-RUN-20200324-0001-P'; font: 8pt 'DejaVu Sans'; }"
        " @bottom-right { content: 'Sida ' counter(page) ' (' counter(pages) ')';"
        " font: 8pt 'DejaVu Sans'; } }"
        "html { font: 10.5pt 'DejaVu Serif'; } td { border-bottom: 1px solid #777; }"
        "</style></head><body><h1>PROTOKOLL</h1>"
        "<table><tr><td>Region Norrbotten (1:1)</td><td>2 000 000 kr</td></tr></table>"
        f"{body}</body></html>"
    )


def seal(pdf: bytes, **kwargs) -> bytes:
    return seal_pdf(
        pdf, reason=kwargs.pop("reason", REASON), signers=SIGNERS, location="Luleå", **kwargs
    )


@pytest.fixture(scope="module")
def unsealed():
    return render_pdf(document_html(), pdfa=True)


@pytest.fixture(scope="module")
def sealed(unsealed, seal_files):
    return seal(unsealed)


def pdfsig(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """poppler's pdfsig on ``pdf``: its "- Key: value" lines of the first signature."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    lines = dict(re.findall(r"^\s+- ([^:\n]+?): (.*)$", result.stdout, flags=re.MULTILINE))
    if "Total document signed" in result.stdout:
        lines["Total document signed"] = "yes"
    return lines


def pyhanko_status(pdf: bytes, certificate: Path):
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(
        trust_roots=[load_cert_from_pemder(str(certificate))], allow_fetching=False
    )
    return validate_pdf_signature(signature, context)


def tampered(pdf: bytes, where: str = "stream") -> bytes:
    """``pdf`` with one byte changed inside the signed range: in the first revision's first
    content stream (compressed data), or in the header (``%PDF-1.7`` -> ``%PDF-1.6``)."""
    data = bytearray(pdf)
    start, length = (int(v) for v in re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)", pdf).groups())
    if where == "header":
        position = data.index(b"%PDF-1.") + 7
    else:
        position = data.index(b"stream\n", 100) + 40
    assert start <= position < start + length
    data[position] ^= 0x01
    return bytes(data)


def widget_rect(pdf: bytes) -> tuple[int, list[float]]:
    reader = PdfReader(io.BytesIO(pdf))
    for index, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/T") == FIELD_NAME:
                return index, [float(v) for v in annot["/Rect"]]
    raise AssertionError("no seal widget")


def pdftotext(pdf: bytes, tmp_path: Path, page: int) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return " ".join(result.stdout.split())


# --- Sealing --------------------------------------------------------------------------------


def test_pyhanko_validates_the_seal_as_intact_trusted_and_covering_the_whole_file(
    sealed, seal_files
):
    status = pyhanko_status(sealed, seal_files.certificate)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.docmdp_ok
    assert status.md_algorithm == "sha256"
    assert "Region Norrbotten testsigill" in status.signing_cert.subject.human_friendly
    reader = PdfFileReader(io.BytesIO(sealed))
    (signature,) = reader.embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert str(signature.sig_object["/Reason"]) == f"{REASON} – {SIGNERS_LINE}"
    assert str(signature.sig_object["/Name"]) == "Region Norrbotten"
    assert str(signature.sig_object["/Location"]) == "Luleå"


def test_pdfsig_reports_a_valid_pades_signature_over_the_whole_document(sealed, tmp_path):
    info = pdfsig(sealed, tmp_path)
    assert info["Signature Validation"] == "Signature is Valid."
    assert info["Signature Type"] == "ETSI.CAdES.detached"
    assert info["Signer Certificate Common Name"] == "Region Norrbotten testsigill"
    assert info["Signing Hash Algorithm"] == "SHA-256"
    assert info["Total document signed"] == "yes"
    # A throwaway self-signed certificate is not in poppler's trust store; the region's
    # own is trusted where its issuer is (pyHanko checks it against SEAL_TRUST_ROOTS).
    assert "Certificate Validation" in info


@pytest.mark.parametrize("where", ["stream", "header"])
def test_changing_one_byte_breaks_the_seal_for_pyhanko_pdfsig_and_verify_pdf(
    sealed, seal_files, tmp_path, where
):
    broken = tampered(sealed, where)
    status = pyhanko_status(broken, seal_files.certificate)
    assert not status.intact
    assert not status.trusted
    assert pdfsig(broken, tmp_path)["Signature Validation"] == "Digest Mismatch."
    report = verify_pdf(broken)
    assert report.status == SealStatus.INVALID
    assert report.intact is False
    assert "ändrats efter att det förseglades" in report.summary


def test_the_visible_block_names_the_region_the_signers_and_the_document_on_the_last_page(
    sealed, unsealed, tmp_path
):
    pages = len(PdfReader(io.BytesIO(unsealed)).pages)
    index, _rect = widget_rect(sealed)
    assert index == pages - 1  # the last page, no page added
    assert len(PdfReader(io.BytesIO(sealed)).pages) == pages
    text = pdftotext(sealed, tmp_path, pages)
    assert "Elektroniskt förseglat av Region Norrbotten" in text
    assert SIGNERS_LINE in text
    assert REASON in text
    assert "Elektroniskt förseglat" not in pdftotext(unsealed, tmp_path, pages)


def test_the_block_lies_in_free_space_covering_nothing_on_the_page(sealed, unsealed):
    _index, (x0, y0, x1, y1) = widget_rect(sealed)
    reader = PdfReader(io.BytesIO(unsealed))
    page = reader.pages[-1]
    assert 0 < x0 < x1 <= float(page.mediabox.width)
    assert 0 < y0 < y1 <= float(page.mediabox.height)
    for bx0, by0, bx1, by1 in occupied_boxes(reader, page):
        overlaps_vertically = by0 < y1 and by1 > y0
        overlaps_horizontally = bx0 < x1 and bx1 > x0
        assert not (overlaps_vertically and overlaps_horizontally), (bx0, by0, bx1, by1)


def _gray(pdf: bytes, tmp_path: Path, page: int, name: str) -> tuple[int, int, bytes]:
    """The page rendered by pdftoppm at 50 dpi in grey: (width, height, pixels)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-gray",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
            str(tmp_path / name),
        ],
        check=True,
        timeout=60,
    )
    data = (tmp_path / f"{name}.pgm").read_bytes()
    magic, width, height, _maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    return int(width), int(height), pixels


def test_rendered_the_block_covers_only_white_paper_and_changes_nothing_else(
    sealed, unsealed, tmp_path
):
    pages = len(PdfReader(io.BytesIO(unsealed)).pages)
    width, height, before = _gray(unsealed, tmp_path, pages, "before")
    _w, _h, after = _gray(sealed, tmp_path, pages, "after")
    _index, (x0, y0, x1, y1) = widget_rect(sealed)
    page_height = float(PdfReader(io.BytesIO(unsealed)).pages[-1].mediabox.height)
    scale = 50 / 72
    left, right = int(x0 * scale) - 1, int(x1 * scale) + 2
    top, bottom = int((page_height - y1) * scale) - 1, int((page_height - y0) * scale) + 2
    inside_changed = outside_changed = 0
    for row in range(height):
        for column in range(width):
            i = row * width + column
            if left <= column < right and top <= row < bottom:
                assert before[i] == 255, "the block would cover something drawn"
                inside_changed += before[i] != after[i]
            else:
                outside_changed += before[i] != after[i]
    assert inside_changed > 100  # the block is drawn (its border and text)
    assert outside_changed == 0


def test_a_full_last_page_gets_the_block_on_a_page_of_its_own(seal_files, tmp_path):
    # The text column is 242 mm high (297 - 25 - 30): 47 lines of 5 mm leave no room.
    lines = "".join(
        f"<p style='margin: 0; line-height: 5mm'>Rad {n} i ett fullt protokoll.</p>"
        for n in range(47)
    )
    html = (
        document_html(paragraphs=0)
        .replace("<h1>PROTOKOLL</h1>", "")
        .replace(
            "<table><tr><td>Region Norrbotten (1:1)</td><td>2 000 000 kr</td></tr></table>", lines
        )
    )
    pages = len(PdfReader(io.BytesIO(render_pdf(html))).pages)
    assert pages == 1
    unsealed = render_pdf(html, pdfa=True)
    sealed = seal(unsealed)
    index, _rect = widget_rect(sealed)
    assert index == pages  # a new last page
    assert len(PdfReader(io.BytesIO(sealed)).pages) == pages + 1
    assert pyhanko_status(sealed, seal_files.certificate).trusted
    assert "Elektroniskt förseglat av Region Norrbotten" in pdftotext(sealed, tmp_path, pages + 1)


def test_sealing_keeps_the_pdfa_declaration_and_consistent_metadata(sealed, tmp_path):
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed)
    xmp = subprocess.run(
        ["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="U"' in xmp
    reader = PdfReader(io.BytesIO(sealed))
    producer = re.search(r'pdf:Producer="([^"]+)"', xmp).group(1)
    assert reader.metadata["/Producer"] == producer  # /Info agrees with the XMP
    assert reader.trailer["/Root"]["/OutputIntents"][0]["/S"] == "/GTS_PDFA1"
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert len(fonts) >= 3
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # every font embedded
    widget = next(a.get_object() for a in reader.pages[-1]["/Annots"])
    assert int(widget["/F"]) & 4  # printed, as PDF/A requires


def test_sealing_is_an_incremental_update_of_the_rendered_file(sealed, unsealed):
    assert sealed.startswith(unsealed)


def test_signers_text():
    assert signers_text(SIGNERS) == SIGNERS_LINE
    assert signers_text([]) == ""


# --- Configuration ---------------------------------------------------------------------------


def test_without_a_seal_certificate_sealing_fails_with_a_reason(settings, unsealed):
    settings.SEAL_CERTIFICATE = ""
    with pytest.raises(SealError, match="SEAL_CERTIFICATE"):
        seal(unsealed)


def test_a_key_that_does_not_belong_to_the_certificate_is_refused(settings, unsealed, tmp_path):
    _cert, other_key = create_self_signed_seal(tmp_path, name="Annan", key_size=2048)
    settings.SEAL_KEY = str(other_key)
    with pytest.raises(SealError, match="hör inte till certifikatet"):
        seal(unsealed)


def test_unreadable_files_are_refused_with_their_path(settings, unsealed):
    settings.SEAL_KEY = "/nonexistent/seal.key"
    with pytest.raises(SealError, match="/nonexistent/seal.key"):
        seal(unsealed)


def _pkcs12(seal_files, path: Path, passphrase: bytes) -> Path:
    key = serialization.load_pem_private_key(seal_files.key.read_bytes(), password=None)
    certificate = x509.load_pem_x509_certificate(seal_files.certificate.read_bytes())
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"seal", key, certificate, None, serialization.BestAvailableEncryption(passphrase)
        )
    )
    return path


@pytest.mark.parametrize("name", ["seal.p12", "seal.bin"])
def test_a_pkcs12_seal_with_its_passphrase_seals(settings, seal_files, unsealed, tmp_path, name):
    settings.SEAL_CERTIFICATE = str(_pkcs12(seal_files, tmp_path / name, b"hemligt"))
    settings.SEAL_KEY = ""
    settings.SEAL_PKCS12_PASSPHRASE = "hemligt"
    settings.SEAL_TRUST_ROOTS = str(seal_files.certificate)
    report = verify_pdf(seal(unsealed))
    assert report.valid, report.summary
    settings.SEAL_PKCS12_PASSPHRASE = "fel"
    with pytest.raises(SealError, match="SEAL_PKCS12_PASSPHRASE"):
        seal(unsealed)


def test_a_der_certificate_seals(settings, seal_files, unsealed, tmp_path):
    certificate = x509.load_pem_x509_certificate(seal_files.certificate.read_bytes())
    der = tmp_path / "seal"
    der.write_bytes(certificate.public_bytes(serialization.Encoding.DER))
    settings.SEAL_CERTIFICATE = str(der)
    assert verify_pdf(seal(unsealed)).valid


def test_an_encrypted_pem_key_needs_its_passphrase(settings, seal_files, unsealed, tmp_path):
    key = serialization.load_pem_private_key(seal_files.key.read_bytes(), password=None)
    encrypted = tmp_path / "seal.key"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"hemligt"),
        )
    )
    settings.SEAL_KEY = str(encrypted)
    with pytest.raises(SealError, match="SEAL_KEY_PASSPHRASE"):
        seal(unsealed)
    settings.SEAL_KEY_PASSPHRASE = "hemligt"
    assert verify_pdf(seal(unsealed)).valid


def test_the_loaded_seal_is_kept_while_its_files_stay_the_same(settings, seal_files, tmp_path):
    """load_seal parses the key and certificate once, not on every seal."""
    first = seal_module.load_seal()
    assert seal_module.load_seal() is first
    # another file with the same content is another seal's configuration
    copy = tmp_path / "copy.pem"
    copy.write_bytes(seal_files.certificate.read_bytes())
    settings.SEAL_CERTIFICATE = str(copy)
    assert seal_module.load_seal() is not first
    settings.SEAL_CERTIFICATE = str(seal_files.certificate)
    assert seal_module.load_seal() is first


def test_the_seal_signs_as_pyhanko_signs_with_the_key_parsed_once(seal_files, monkeypatch):
    """SealSigner keeps the parsed key; its RSA signature is the one pyHanko's own
    SimpleSigner makes (PKCS#1 v1.5 is deterministic)."""
    from cryptography.hazmat.primitives import serialization as crypto_serialization

    signer = seal_module.load_seal().signer
    assert isinstance(signer, seal_module.SealSigner)
    reference = seal_module.pdf_signers.SimpleSigner(
        signing_cert=signer.signing_cert,
        signing_key=signer.signing_key,
        cert_registry=signer.cert_registry,
    )
    data = b"Protokoll RUN 2020-03-24"
    expected = reference.sign_raw(data, "sha256")
    parsed = []
    load = crypto_serialization.load_der_private_key

    def counting_load(*args, **kwargs):
        parsed.append(1)
        return load(*args, **kwargs)

    monkeypatch.setattr(seal_module.serialization, "load_der_private_key", counting_load)
    assert signer.sign_raw(data, "sha256") == expected
    assert signer.sign_raw(data, "sha256") == expected
    assert len(parsed) <= 1  # none when an earlier seal of this session parsed it


def _bump_mtime(path: Path) -> None:
    """A rewrite within the file system's clock tick still gets a new time."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_replaced_key_file_is_used_at_once(settings, seal_files, unsealed, tmp_path):
    """A rotated key is read at the next seal, even when it is rewritten in place."""
    directory = tmp_path / "seal"
    cert, key = create_self_signed_seal(
        directory, name="Region Norrbotten", common_name="Gammalt sigill", key_size=2048
    )
    settings.SEAL_CERTIFICATE, settings.SEAL_KEY = str(cert), str(key)
    report = verify_pdf(seal(unsealed))
    assert report.valid and "Gammalt sigill" in report.signer_subject
    kept = seal_module.load_seal()
    # the key alone is replaced, in place, by one that does not belong to the certificate
    _other_cert, other_key = create_self_signed_seal(
        tmp_path / "other", name="Annan", key_size=2048
    )
    key.write_bytes(other_key.read_bytes())
    _bump_mtime(key)
    with pytest.raises(SealError, match="hör inte till certifikatet"):
        seal(unsealed)
    # both rotated (rewritten in place): the new pair seals, under the new certificate
    create_self_signed_seal(
        directory, name="Region Norrbotten", common_name="Nytt sigill", key_size=2048
    )
    _bump_mtime(key)
    _bump_mtime(cert)
    rotated = seal_module.load_seal()
    assert rotated is not kept
    assert rotated.certificate.subject.native["common_name"] == "Nytt sigill"
    report = verify_pdf(seal(unsealed))
    assert report.valid, report.summary
    assert "Nytt sigill" in report.signer_subject


def _font_programs(obj, seen: set[int] | None = None) -> list[bytes]:
    """The TrueType programs (/FontFile2) reachable from a PDF object (pypdf)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if hasattr(obj, "get_object") and obj.get_object() is not obj:
        return _font_programs(obj.get_object(), seen)
    if isinstance(obj, dict):
        if "/FontFile2" in obj:
            return [obj["/FontFile2"].get_object().get_data()]
        return [
            p for key, value in obj.items() if key != "/Parent" for p in _font_programs(value, seen)
        ]
    if isinstance(obj, list):
        return [p for value in obj for p in _font_programs(value, seen)]
    return []


def test_the_block_font_is_embedded_as_a_subset_without_layout_tables(sealed):
    """The block's font is a TrueType subset without the OpenType layout tables, which
    pyHanko leaves out of the subset (core.seal drops them before subsetting)."""
    reader = PdfReader(io.BytesIO(sealed))
    (field,) = [
        f.get_object()
        for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"]
        if f.get_object()["/T"] == FIELD_NAME
    ]
    (program,) = _font_programs(field["/AP"])
    font = TTFont(io.BytesIO(program))
    assert {"glyf", "cmap", "hmtx"} <= set(font.keys())
    assert not {"GDEF", "GPOS", "GSUB", "kern"} & set(font.keys())


def test_check_deploy_warns_without_a_seal_and_on_the_demo_seal(settings, tmp_path):
    settings.DEBUG = False
    assert seal_check() == []
    settings.SEAL_CERTIFICATE = ""
    (issue,) = seal_check()
    assert isinstance(issue, Warning) and issue.id == "core.W001"
    demo_cert, demo_key = create_self_signed_seal(tmp_path, name="Region Norrbotten", key_size=2048)
    settings.SEAL_CERTIFICATE, settings.SEAL_KEY = str(demo_cert), str(demo_key)
    assert [issue.id for issue in seal_check()] == ["core.W002"]
    settings.SEAL_KEY = str(tmp_path / "missing.key")
    (issue,) = seal_check()
    assert isinstance(issue, Error) and issue.id == "core.E001"


def test_create_demo_seal_creates_the_files_once(tmp_path, capsys):
    call_command("create_demo_seal", "--dir", str(tmp_path))
    out = capsys.readouterr().out
    cert, key = tmp_path / "demo-seal.pem", tmp_path / "demo-seal.key"
    assert f"SEAL_CERTIFICATE={cert}" in out and f"SEAL_KEY={key}" in out
    assert key.stat().st_mode & 0o077 == 0  # the key is readable by its owner only
    before = cert.read_bytes()
    call_command("create_demo_seal", "--dir", str(tmp_path))
    assert cert.read_bytes() == before


# --- Verification -------------------------------------------------------------------------------


def test_verify_pdf_reports_a_valid_seal_with_who_when_and_the_signers(sealed):
    report = verify_pdf(sealed)
    assert report.status == SealStatus.VALID and report.valid
    assert report.intact and report.trusted and report.is_seal_certificate
    assert not report.modified_after and not report.timestamped
    assert "Region Norrbotten testsigill" in report.signer_subject
    assert report.signer_name == "Region Norrbotten"
    assert SIGNERS_LINE in report.reason
    assert report.location == "Luleå"
    age = datetime.datetime.now(tz=datetime.UTC) - report.signed_at
    assert datetime.timedelta(0) <= age < datetime.timedelta(minutes=10)
    assert report.summary.startswith("Förseglingen är giltig")
    assert report.signature_count == 1


def test_verify_pdf_says_an_unsealed_pdf_has_no_seal(unsealed):
    report = verify_pdf(unsealed)
    assert report.status == SealStatus.NONE
    assert report.summary == "Dokumentet har ingen digital försegling."


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a pdf at all",
        b"%PDF-1.7\n garbage without objects",
        bytes(range(256)) * 40,
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>",
    ],
    ids=["empty", "text", "header-only", "binary", "broken-structure"],
)
def test_verify_pdf_never_raises_on_garbage(data):
    report = verify_pdf(data)
    assert report.status in (SealStatus.INVALID, SealStatus.NONE)
    assert report.summary  # a readable sentence
    if report.status == SealStatus.INVALID:
        assert report.problem


def test_verify_pdf_on_a_truncated_sealed_file_is_invalid(sealed):
    report = verify_pdf(sealed[: len(sealed) // 2])
    assert report.status == SealStatus.INVALID
    assert report.summary.startswith("Förseglingen är inte giltig")


def test_a_seal_by_another_certificate_is_intact_but_not_trusted(
    settings, seal_files, unsealed, tmp_path
):
    other_cert, other_key = create_self_signed_seal(
        tmp_path, name="Region Annan", common_name="Falskt sigill", key_size=2048
    )
    settings.SEAL_CERTIFICATE, settings.SEAL_KEY = str(other_cert), str(other_key)
    forged = seal(unsealed)
    settings.SEAL_CERTIFICATE, settings.SEAL_KEY = str(seal_files.certificate), str(seal_files.key)
    report = verify_pdf(forged)
    assert report.status == SealStatus.INVALID
    assert report.intact and not report.trusted and not report.is_seal_certificate
    assert "inte ett betrott sigill" in report.problem
    # ... unless the trust roots name it (e.g. an earlier seal certificate after renewal).
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(seal_files.certificate.read_bytes() + other_cert.read_bytes())
    settings.SEAL_TRUST_ROOTS = str(bundle)
    report = verify_pdf(forged)
    assert report.valid and not report.is_seal_certificate


def test_an_update_appended_after_sealing_makes_it_invalid(sealed):
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    page = writer.find_page_for_modification(0)[0]
    note = writer.add_object(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (100, 100, 300, 150)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("Avslag"),
                generic.NameObject("/DA"): generic.TextStringObject("/Helv 12 Tf 0 g"),
            }
        )
    )
    writer.register_annotation(page, note)
    output = io.BytesIO()
    writer.write(output)
    report = verify_pdf(output.getvalue())
    assert report.intact is True  # the signed bytes are still there ...
    assert report.modified_after and report.status == SealStatus.INVALID  # ... but more came
    assert "tillägg efter förseglingen" in report.problem


def _time_stamping_authority(directory: Path) -> tuple[Path, DummyTimeStamper]:
    """A throwaway timestamp authority (RFC 3161) in-process: no network in tests."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Testens tidsstämpeltjänst")])
    now = datetime.datetime.now(tz=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    path = directory / "tsa.pem"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(str(path)),
        tsa_key=load_private_key_from_pemder_data(key_der, passphrase=None),
    )
    return path, stamper


def test_with_a_timestamp_service_the_seal_is_pades_b_t(
    settings, seal_files, unsealed, tmp_path, monkeypatch
):
    tsa_certificate, stamper = _time_stamping_authority(tmp_path)
    monkeypatch.setattr(seal_module, "_timestamper", lambda: stamper)
    sealed = seal(unsealed)
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(seal_files.certificate.read_bytes() + tsa_certificate.read_bytes())
    settings.SEAL_TRUST_ROOTS = str(bundle)
    report = verify_pdf(sealed)
    assert report.valid and report.timestamped, report.summary
    assert pdfsig(sealed, tmp_path)["Signature Validation"] == "Signature is Valid."
