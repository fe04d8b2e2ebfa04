"""PDF/A-2 renditions of documents for the archive package.

PDFs go through Ghostscript (``-dPDFA=2``); office files and images through LibreOffice
(``SelectPdfVersion`` 2 = PDF/A-2b). A rendition counts only if the result is a PDF that
declares PDF/A conformance (``pdfaid:part``); otherwise the reason is recorded and the
package keeps the original alone.
"""

import json
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

TIMEOUT_SECONDS = 120

_OFFICE_FILTERS = {
    ".doc": "writer_pdf_Export",
    ".docx": "writer_pdf_Export",
    ".odt": "writer_pdf_Export",
    ".rtf": "writer_pdf_Export",
    ".txt": "writer_pdf_Export",
    ".xls": "calc_pdf_Export",
    ".xlsx": "calc_pdf_Export",
    ".ods": "calc_pdf_Export",
    ".ppt": "impress_pdf_Export",
    ".pptx": "impress_pdf_Export",
    ".odp": "impress_pdf_Export",
    ".png": "draw_pdf_Export",
    ".jpg": "draw_pdf_Export",
    ".jpeg": "draw_pdf_Export",
}
_PDFA2 = json.dumps({"SelectPdfVersion": {"type": "long", "value": "2"}})


@dataclass(frozen=True)
class Rendition:
    pdf: bytes | None
    tool: str
    error: str = ""


def _declares_pdfa(data: bytes) -> bool:
    return data.startswith(b"%PDF") and b"pdfaid:part" in data


def _run(args: list[str], cwd: Path) -> str:
    """Run a converter; "" on success, else a short reason."""
    try:
        result = subprocess.run(  # noqa: S603 - fixed tool, our own temp paths
            args, cwd=cwd, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        return f"timeout after {TIMEOUT_SECONDS} s"
    except OSError as exc:
        return str(exc)
    if result.returncode != 0:
        return (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-300:] or (
            f"exit status {result.returncode}"
        )
    return ""


def _ghostscript(data: bytes, work: Path) -> Rendition:
    gs = shutil.which("gs")
    if gs is None:
        return Rendition(None, "ghostscript", "Ghostscript (gs) is not installed")
    source, target = work / "in.pdf", work / "out.pdf"
    source.write_bytes(data)
    error = _run(
        [
            gs,
            "-dPDFA=2",
            "-dBATCH",
            "-dNOPAUSE",
            "-dQUIET",
            "-dSAFER",
            "-sColorConversionStrategy=RGB",
            "-dPDFACompatibilityPolicy=1",
            "-sDEVICE=pdfwrite",
            f"-sOutputFile={target}",
            str(source),
        ],
        work,
    )
    return _result(target, "ghostscript", error)


def _libreoffice(data: bytes, suffix: str, work: Path) -> Rendition:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return Rendition(None, "libreoffice", "LibreOffice (soffice) is not installed")
    export = _OFFICE_FILTERS[suffix]
    source = work / f"document{suffix}"
    source.write_bytes(data)
    profile = (work / f"profile-{uuid.uuid4().hex}").as_uri()
    error = _run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            f"pdf:{export}:{_PDFA2}",
            "--outdir",
            str(work / "out"),
            str(source),
        ],
        work,
    )
    return _result(work / "out" / "document.pdf", "libreoffice", error)


def _result(target: Path, tool: str, error: str) -> Rendition:
    if error:
        return Rendition(None, tool, error)
    if not target.exists():
        return Rendition(None, tool, "no output file")
    pdf = target.read_bytes()
    if not _declares_pdfa(pdf):
        return Rendition(None, tool, "the output does not declare PDF/A conformance")
    return Rendition(pdf, tool)


def to_pdfa(data: bytes, original_name: str, content_type: str) -> Rendition:
    """A PDF/A-2 rendition of a document's bytes, or the reason there is none."""
    suffix = Path(original_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="nc-pdfa-") as tmp:
        work = Path(tmp)
        if content_type == "application/pdf" or suffix == ".pdf":
            return _ghostscript(data, work)
        if suffix in _OFFICE_FILTERS:
            return _libreoffice(data, suffix, work)
    return Rendition(None, "", f"no PDF/A conversion for {suffix or content_type}")
