"""A masked copy of a PDF for release (TF 2 kap., OSL): the pages rendered as images with
``pdftoppm``, the boxes of the words and phrases to mask (found with ``pdftotext -bbox``)
painted black, and the images put back together as a PDF with Pillow. The copy holds no
text layer, so nothing masked can be copied out of it.
"""

import re
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from html import unescape
from io import BytesIO
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw

DPI = 120
TIMEOUT_SECONDS = 120
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)
_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)


class MaskingError(Exception):
    """The PDF could not be read or rendered."""


@dataclass(frozen=True)
class Word:
    page: int
    box: tuple[float, float, float, float]  # in PDF points
    text: str


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip(".,;:()»«”\"'").casefold()


def words_of(pdf: Path) -> list[list[Word]]:
    """The words of each page with their boxes."""
    try:
        out = subprocess.run(  # noqa: S603 - fixed program, a file we wrote
            ["pdftotext", "-bbox", str(pdf), "-"],
            capture_output=True,
            check=True,
            timeout=TIMEOUT_SECONDS,
        ).stdout.decode("utf-8", "replace")
    except (subprocess.SubprocessError, OSError) as exc:
        raise MaskingError(str(exc)) from exc
    pages = []
    for number, page in enumerate(_PAGE.findall(out)):
        pages.append(
            [
                Word(number, tuple(float(v) for v in m[:4]), unescape(m[4]))  # type: ignore[arg-type]
                for m in _WORD.findall(page)
            ]
        )
    return pages


def find_phrases(pages: list[list[Word]], phrases: list[str]) -> list[Word]:
    """The words that make up each phrase wherever it occurs (case-insensitive)."""
    hits: list[Word] = []
    for phrase in phrases:
        wanted = [_norm(w) for w in phrase.split() if _norm(w)]
        if not wanted:
            continue
        for words in pages:
            normed = [_norm(w.text) for w in words]
            for start in range(len(words) - len(wanted) + 1):
                if normed[start : start + len(wanted)] == wanted:
                    hits.extend(words[start : start + len(wanted)])
    return hits


def mask_pdf(pdf_bytes: bytes, phrases: list[str]) -> tuple[bytes, int]:
    """(the masked PDF, how many words were blacked out)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf_bytes)
        pages = words_of(source)
        blank = [number for number, words in enumerate(pages, start=1) if not words]
        if blank:
            # a scanned page: its words cannot be found, and it would go out unmasked
            raise MaskingError(
                _("sidan %(pages)s saknar text (en skannad bild?) och måste maskeras för hand")
                % {"pages": ", ".join(str(n) for n in blank)}
            )
        hits = find_phrases(pages, phrases)
        try:
            subprocess.run(  # noqa: S603
                ["pdftoppm", "-r", str(DPI), "-png", str(source), str(Path(folder) / "p")],
                capture_output=True,
                check=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            raise MaskingError(str(exc)) from exc
        images = [Image.open(path).convert("RGB") for path in sorted(Path(folder).glob("p-*.png"))]
        if not images:
            raise MaskingError("no pages")
        scale = DPI / 72
        for word in hits:
            if word.page >= len(images):
                continue
            draw = ImageDraw.Draw(images[word.page])
            x0, y0, x1, y1 = word.box
            draw.rectangle(
                [x0 * scale - 2, y0 * scale - 2, x1 * scale + 2, y1 * scale + 2], fill="black"
            )
        out = BytesIO()
        images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=DPI)
        return out.getvalue(), len(hits)
