"""Shared bits of the journeys: dates and amounts as the UI shows them, PDF and DOCX text."""

import io
import re

from django.utils import timezone


def today():
    return timezone.localdate()


def iso(day) -> str:
    """Dates as the UI shows them: 2020-03-24."""
    return day.strftime("%Y-%m-%d")


def sek(amount: int) -> str:
    """Amounts as the UI shows them: 1 754 698 kr."""
    return f"{amount:,}".replace(",", " ") + " kr"


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Normalise the spaces a PDF may carry (no-break, thin) to plain ones.
    return re.sub(r"[\u00a0\u202f\u2009]", " ", text)
