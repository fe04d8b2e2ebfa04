"""HTML -> PDF with WeasyPrint, rendered the same way for every document."""

from django.conf import settings
from django.contrib.staticfiles import finders


class PdfRenderError(RuntimeError):
    """WeasyPrint could not render the document; the message says why."""


def _static_fetcher(url: str):
    """Resolve /static/... from the finders so no network or server is needed."""
    from weasyprint import default_url_fetcher

    if url.startswith(("/static/", settings.STATIC_URL)):
        path = url.split("static/", 1)[1]
        found = finders.find(path)
        if found:
            return {"file_obj": open(found, "rb"), "filename": found}  # noqa: SIM115
    if url.startswith(("http://", "https://")):
        raise PdfRenderError(f"external resources are not allowed in documents: {url}")
    return default_url_fetcher(url)


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render an HTML string (with its print CSS) to PDF bytes."""
    try:
        from weasyprint import HTML

        return HTML(string=html, base_url=base_url or "/", url_fetcher=_static_fetcher).write_pdf()
    except PdfRenderError:
        raise
    except Exception as exc:  # noqa: BLE001 - WeasyPrint raises many kinds
        raise PdfRenderError(f"{exc.__class__.__name__}: {exc}") from exc
