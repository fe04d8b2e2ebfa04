"""HTML -> PDF with WeasyPrint, rendered the same way for every document.

Documents link their stylesheets and images as ``/static/...``; the fetcher below reads
them through the staticfiles finders, so rendering needs no server and no network.
Anything from outside (http, https) is refused: a document must not depend on the net.

``pdfa=True`` writes PDF/A-2u (ISO 19005-2, level U), the archival form of a signed
protocol or extract: PDF/A-2 is built on PDF 1.7, so it admits the PAdES signature that
``core.seal`` adds as an incremental update (PDF/A-1 predates it); level U means every
character maps to Unicode, so the archived text stays searchable and can be extracted;
unlike PDF/A-3 it embeds no arbitrary files. Every PDF/A level embeds its fonts (WeasyPrint
embeds subsets of the fonts it uses in any case) and carries an sRGB output intent and XMP
metadata declaring the part and level.
"""

import mimetypes
import urllib.parse

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

BASE_URL = "file:///"


class PdfRenderError(RuntimeError):
    """WeasyPrint could not render the document; the message says why."""


class StaticFilesFetcher(URLFetcher):
    """Serve ``/static/...`` from the finders; refuse external URLs."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

    def fetch(self, url, headers=None):
        parsed = urllib.parse.urlsplit(url)
        static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if parsed.scheme == "file" and parsed.path.startswith(static_prefix):
            relative = urllib.parse.unquote(parsed.path[len(static_prefix) :])
            found = finders.find(relative)
            if not found:
                raise ValueError(f"static file not found: {relative}")
            with open(found, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if parsed.scheme in ("http", "https"):
            raise ValueError(f"external resources are not allowed in documents: {url}")
        return super().fetch(url, headers)


PDFA_VARIANT = "pdf/a-2u"


def render_pdf(html: str, *, base_url: str | None = None, pdfa: bool = False) -> bytes:
    """Render an HTML string (with its print CSS) to PDF bytes; PDF/A-2u with ``pdfa``.

    Raises ``PdfRenderError`` (with WeasyPrint's reason) when the document cannot be made.
    """
    options = {"pdf_variant": PDFA_VARIANT} if pdfa else {}
    try:
        return HTML(
            string=html, base_url=base_url or BASE_URL, url_fetcher=StaticFilesFetcher()
        ).write_pdf(**options)
    except FatalURLFetchingError as exc:  # a BaseException: a resource could not be read
        raise PdfRenderError(f"{exc}: {exc.__cause__}") from exc
    except Exception as exc:  # noqa: BLE001 - WeasyPrint raises many kinds
        raise PdfRenderError(f"{exc.__class__.__name__}: {exc}") from exc
