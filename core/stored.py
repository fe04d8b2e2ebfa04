"""Serving a stored file as stored: a registered document, a signed protocol, an extract,
an approved report, an archive package.

Each was stored with the SHA-256 of its bytes. Before a download its bytes are read and
checked against it: a file changed on disk (by hand, a restore gone wrong, a failing disk)
is not handed out as the region's record. The refusal is a ``Conflict`` (409) that says
so, and an error in the log for the administrator (``manage.py verify_files`` checks
every stored file at once).
"""

import hashlib
import logging

from django.http import Http404
from django.utils.translation import gettext as _

from core.errors import Conflict

logger = logging.getLogger(__name__)

CHUNK = 1 << 20


class StoredFileChanged(Conflict):
    """The stored bytes are not those the file was stored with."""


def file_digest(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def open_verified(fieldfile, sha256: str, *, what: str = ""):
    """``fieldfile`` opened for reading at its start, after its bytes were checked against
    ``sha256`` (not checked when no digest was kept). Raises ``Http404`` when the file is
    missing and ``StoredFileChanged`` when its bytes differ."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("Filen saknas i arkivet.")) from exc
    if sha256:
        actual = file_digest(handle)
        if actual != sha256.lower():
            handle.close()
            logger.error(
                "stored file %s (%s) does not match its SHA-256: stored %s, now %s",
                fieldfile.name,
                what,
                sha256,
                actual,
            )
            raise StoredFileChanged(
                _(
                    "Filen i arkivet stämmer inte med kontrollsumman (SHA-256) den lagrades med "
                    "och lämnas därför inte ut. Kontakta administratören: filen behöver "
                    "återställas från säkerhetskopian."
                )
            )
        handle.seek(0)
    return handle
