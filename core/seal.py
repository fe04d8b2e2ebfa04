"""The region's digital seal: a PAdES signature on a final PDF, and its verification.

``seal_pdf`` signs a rendered PDF (normally PDF/A from ``core.pdf.render_pdf(pdfa=True)``)
with the region's seal certificate and key (settings ``SEAL_*``), as an incremental update
so the PDF/A of the first revision is kept. The signature is PAdES B-B (CAdES detached,
SHA-256), B-T when a timestamp service is set (``SEAL_TIMESTAMP_URL``), and certifies the
document (DocMDP: no changes allowed). A visible block at the bottom of the last page, in
free space found by reading the page's content, names the region, the sealing time and the
signers (chair and adjuster with their signing times); when the last page has no room, the
block gets a page of its own at the end, so it never covers the document's text.

``verify_pdf`` reads any bytes and says whether they carry a valid seal: intact (the bytes
signed are the bytes received), nothing changed after sealing, and a certificate that chains
to the configured trust roots (``SEAL_TRUST_ROOTS``, by default the seal certificate). It
never raises: garbage gives an invalid report with a reason.

The block's text is in Swedish, as are the printed documents; the report's summary is a UI
string (gettext).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime
import functools
import hashlib
import io
import logging
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.pdf_utils.writer import PageObject
from pyhanko.sign import fields, timestamps
from pyhanko.sign import signers as pdf_signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash
from pypdf import PdfReader
from pypdf.generic import ContentStream

logger = logging.getLogger(__name__)

FIELD_NAME = "Forsegling"
# DejaVu Sans, from Debian's fonts-dejavu-core (a system dependency, as for WeasyPrint):
# embedded (subset) in the block, as PDF/A requires of every font.
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_SIZE = 8
LEADING = 10
PADDING = 6  # inside the block's border, points
GAP = 10  # between the block and the nearest content, points
EDGE = 28.35  # 10 mm: the block never comes closer to the paper's edge
# In the common name of the demo seal (``create_self_signed_seal``); check --deploy warns.
DEMO_MARK = "demosigill"


class SealError(RuntimeError):
    """The document could not be sealed; the message (Swedish) says why, for a job's reason."""


@dataclass(frozen=True)
class SignerLine:
    """One person who signed (justerade) what the seal certifies."""

    name: str
    role: str  # "ordförande", "justerare"
    signed_at: datetime.datetime

    def __str__(self) -> str:
        when = self.signed_at
        if timezone.is_aware(when):
            when = timezone.localtime(when)
        return f"{self.name} ({self.role}) {when:%Y-%m-%d %H:%M}"


def signers_text(signers: Sequence[SignerLine], label: str = "Justerat") -> str:
    """``Justerat: Nils-Olov Lindfors (ordförande) 2020-03-26 10:14, Lage Hortlund ...``."""
    if not signers:
        return ""
    return f"{label}: " + ", ".join(str(s) for s in signers)


# --- Configuration -----------------------------------------------------------------------


@dataclass(frozen=True)
class SealConfig:
    """The seal as configured: the signer (certificate + key) and what to trust. Shared
    between seals (``load_seal`` caches it): pyHanko only reads a signer while signing."""

    signer: pdf_signers.SimpleSigner
    certificate: asn1_x509.Certificate
    trust_roots: tuple[asn1_x509.Certificate, ...]


class SealSigner(pdf_signers.SimpleSigner):
    """pyHanko's ``SimpleSigner`` with the private key parsed once: pyHanko's parses it
    again for each signature (twice a seal, the first to measure the signature), and
    parsing checks an RSA key's primes (about 30 ms for 2048 bits). RSA PKCS#1 v1.5 (the
    default for an RSA certificate) is signed here as pyHanko signs it; every other
    mechanism by pyHanko."""

    @functools.cached_property
    def _private_key(self):
        return serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        key = self._private_key
        if algorithm == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


def seal_configured() -> bool:
    return bool(settings.SEAL_CERTIFICATE)


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SealError(
            _("%(what)s kunde inte läsas (%(path)s): %(error)s")
            % {"what": what, "path": path, "error": exc.strerror or exc}
        ) from exc


def _passphrase(value: str) -> bytes | None:
    return value.encode() if value else None


def _is_pkcs12(path: str, data: bytes) -> bool:
    """A .p12/.pfx file, or binary data that is not a DER certificate."""
    if path.lower().endswith((".p12", ".pfx")):
        return True
    if b"-----BEGIN" in data:
        return False
    try:
        _load_certificates(data)
    except (ValueError, TypeError):
        return True
    return False


def _load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """The certificates of PEM or DER data; ``ValueError`` if it holds none that parse."""
    certificates = list(load_certs_from_pemder_data(data))
    for certificate in certificates:
        certificate.native  # noqa: B018 - asn1crypto parses lazily: parse it all now
    return certificates


# Loaded seals by the identity of their files and settings (``load_seal``): parsing the key
# and checking it against the certificate took about 65 ms a seal.
_SEALS: OrderedDict[tuple, SealConfig] = OrderedDict()
_SEALS_KEPT = 4  # the configured seal, and a few more for tests that switch between seals
_seals_lock = threading.Lock()


def _file_identity(path: str) -> tuple | None:
    """What changes when the file at ``path`` is replaced or rewritten: a new inode, size,
    modification or status-change time. ``None`` when it cannot be read (not cached)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _seal_cache_key() -> tuple | None:
    """The files and settings a loaded seal depends on; ``None``: load it afresh."""
    passphrases = f"{settings.SEAL_KEY_PASSPHRASE}\0{settings.SEAL_PKCS12_PASSPHRASE}"
    key: list = [
        hashlib.sha256(passphrases.encode()).hexdigest(),  # not the secrets themselves
        settings.SEAL_TRUST_ROOTS,
        settings.SEAL_KEY,
    ]
    for path in (settings.SEAL_CERTIFICATE, settings.SEAL_KEY, settings.SEAL_TRUST_ROOTS):
        if path:
            identity = _file_identity(path)
            if identity is None:
                return None
            key.append(identity)
    return tuple(key)


def load_seal() -> SealConfig:
    """The configured seal, loaded from its files. Raises ``SealError`` with the reason.

    Kept in memory while its files and settings stay the same: a replaced or rewritten
    certificate, key or trust list (another inode, size or time) is loaded again at once."""
    if not settings.SEAL_CERTIFICATE:
        return _load_seal()  # raises: no seal configured
    key = _seal_cache_key()
    if key is None:
        return _load_seal()
    with _seals_lock:
        seal = _SEALS.get(key)
        if seal is not None:
            _SEALS.move_to_end(key)
            return seal
    seal = _load_seal()
    with _seals_lock:
        _SEALS[key] = seal
        while len(_SEALS) > _SEALS_KEPT:
            _SEALS.popitem(last=False)
    return seal


def _load_seal() -> SealConfig:
    cert_path = settings.SEAL_CERTIFICATE
    if not cert_path:
        raise SealError(
            _(
                "Ingen digital försegling är inställd (SEAL_CERTIFICATE saknas): regionens "
                "sigillcertifikat och nyckel måste anges innan justerade dokument kan förseglas."
            )
        )
    data = _read(cert_path, _("Sigillcertifikatet"))
    chain: list[asn1_x509.Certificate]
    if _is_pkcs12(cert_path, data):
        try:
            loaded = pdf_signers.SimpleSigner.load_pkcs12_data(
                data,
                other_certs=[],
                passphrase=_passphrase(settings.SEAL_PKCS12_PASSPHRASE),
            )
        except (ValueError, TypeError) as exc:
            raise SealError(
                _(
                    "Sigillets PKCS#12-fil (%(path)s) kunde inte öppnas: fel lösenord "
                    "(SEAL_PKCS12_PASSPHRASE) eller en skadad fil."
                )
                % {"path": cert_path}
            ) from exc
        signer = SealSigner(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
        )
        certificate = signer.signing_cert
    else:
        try:
            chain = _load_certificates(data)
        except (ValueError, TypeError) as exc:
            raise SealError(
                _("Sigillcertifikatet (%(path)s) är inte ett PEM- eller DER-certifikat.")
                % {"path": cert_path}
            ) from exc
        if not chain:
            raise SealError(
                _("Sigillcertifikatet (%(path)s) innehåller inget certifikat.")
                % {"path": cert_path}
            )
        key_path = settings.SEAL_KEY
        if not key_path:
            raise SealError(
                _("Sigillets privata nyckel saknas (SEAL_KEY): ange sökvägen till PEM-nyckeln.")
            )
        key_data = _read(key_path, _("Sigillets nyckel"))
        try:
            key = load_private_key_from_pemder_data(
                key_data, passphrase=_passphrase(settings.SEAL_KEY_PASSPHRASE)
            )
        except (ValueError, TypeError) as exc:
            raise SealError(
                _(
                    "Sigillets nyckel (%(path)s) kunde inte öppnas: fel lösenord "
                    "(SEAL_KEY_PASSPHRASE) eller inte en PEM-nyckel."
                )
                % {"path": key_path}
            ) from exc
        certificate = chain[0]
        signer = SealSigner(
            signing_cert=certificate,
            signing_key=key,
            cert_registry=SimpleCertificateStore.from_certs(chain[1:]),
        )
        if not _key_matches(key.dump(), certificate):
            raise SealError(
                _("Sigillets nyckel (%(key)s) hör inte till certifikatet (%(cert)s).")
                % {"key": key_path, "cert": cert_path}
            )
    return SealConfig(
        signer=signer, certificate=certificate, trust_roots=tuple(_trust_roots(certificate))
    )


def _key_matches(key_der: bytes, certificate: asn1_x509.Certificate) -> bool:
    """Does the private key (PKCS#8 DER) belong to the certificate's public key?"""
    try:
        key = serialization.load_der_private_key(key_der, password=None)
    except (ValueError, TypeError):  # a key type cryptography cannot read: let pyHanko try
        return True
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public == certificate.public_key.dump()


def seal_certificate() -> asn1_x509.Certificate | None:
    """The configured seal certificate, read without its key where it can be (PEM): the
    verify page needs no access to the key. ``None`` when no seal is configured."""
    cert_path = settings.SEAL_CERTIFICATE
    if not cert_path:
        return None
    data = _read(cert_path, _("Sigillcertifikatet"))
    if _is_pkcs12(cert_path, data):
        return load_seal().certificate
    try:
        chain = _load_certificates(data)
    except (ValueError, TypeError) as exc:
        raise SealError(
            _("Sigillcertifikatet (%(path)s) är inte ett PEM- eller DER-certifikat.")
            % {"path": cert_path}
        ) from exc
    return chain[0] if chain else None


def _trust_roots(certificate: asn1_x509.Certificate | None) -> list[asn1_x509.Certificate]:
    path = settings.SEAL_TRUST_ROOTS
    if not path:
        return [certificate] if certificate is not None else []
    try:
        return _load_certificates(Path(path).read_bytes())
    except (OSError, ValueError, TypeError) as exc:
        raise SealError(
            _("Förtroendelistan för sigill (SEAL_TRUST_ROOTS, %(path)s) kunde inte läsas.")
            % {"path": path}
        ) from exc


def _timestamper() -> timestamps.TimeStamper | None:
    url = settings.SEAL_TIMESTAMP_URL
    return timestamps.HTTPTimeStamper(url, timeout=10) if url else None


# --- Sealing -------------------------------------------------------------------------------


def seal_pdf(
    pdf: bytes,
    *,
    reason: str,
    signers: Sequence[SignerLine],
    location: str,
    signers_label: str = "Justerat",
) -> bytes:
    """Seal ``pdf`` with the region's seal: a PAdES signature with a visible block at the
    bottom of the last page naming the region, the time and ``signers``.

    ``reason`` says what the document is ("Protokoll Regionala utvecklingsnämnden
    2020-03-24"); the signature's reason carries it and the signers' line. Raises
    ``SealError`` (Swedish message) when no seal is configured, its files cannot be read, or
    the PDF cannot be signed.
    """
    seal = load_seal()
    if not FONT_FILE.exists():
        raise SealError(
            _("Typsnittet för förseglingens text saknas (%(path)s): installera fonts-dejavu-core.")
            % {"path": FONT_FILE}
        )
    sealed_at = timezone.localtime()
    seal_name = settings.SEAL_NAME or seal.certificate.subject.native.get("common_name", "")
    line = signers_text(signers, signers_label)
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except Exception as exc:  # noqa: BLE001 - pyHanko raises many kinds for a bad file
        raise SealError(
            _("Dokumentet kunde inte läsas som PDF: %(error)s") % {"error": exc}
        ) from exc
    if writer.security_handler is not None:
        raise SealError(_("Ett krypterat dokument kan inte förseglas."))
    _keep_metadata_consistent(writer)

    column = last_page_column(pdf)
    lines = block_lines(
        seal_name=seal_name,
        sealed_at=sealed_at,
        reason=reason,
        signers_line=line,
        width=column.width - 2 * PADDING,
    )
    height = len(lines) * LEADING + 2 * PADDING + 2
    bottom = column.free_bottom(height)
    if bottom is None:  # no room on the last page: the block gets a page of its own
        page_index = _append_page(writer)
        bottom = column.page_height - 70.87 - height  # 25 mm from the top
    else:
        page_index = int(writer.root["/Pages"]["/Count"]) - 1
    rect = (
        column.origin_x + column.left,
        column.origin_y + bottom,
        column.origin_x + column.left + column.width,
        column.origin_y + bottom + height,
    )

    full_reason = f"{reason} – {line}" if line else reason
    meta = pdf_signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=full_reason,
        location=location,
        name=seal_name,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    style = TextStampStyle(
        stamp_text="\n".join(lines).replace("%", "%%"),
        text_box_style=TextBoxStyle(
            font=BlockFont(str(FONT_FILE), font_size=FONT_SIZE),
            font_size=FONT_SIZE,
            leading=LEADING,
            box_layout_rule=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MIN,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0),
            ),
        ),
        border_width=1,
        border_color=(0.25, 0.25, 0.25),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=PADDING, right=PADDING, top=0, bottom=0),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT,
        ),
    )
    pdf_signer = pdf_signers.PdfSigner(
        meta,
        seal.signer,
        timestamper=_timestamper(),
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(
            sig_field_name=FIELD_NAME,
            on_page=page_index,
            box=tuple(round(v, 2) for v in rect),  # type: ignore[arg-type]
        ),
    )
    try:
        output = _outside_event_loop(pdf_signer.sign_pdf, writer)
    except Exception as exc:  # noqa: BLE001 - pyHanko, the key or the timestamp service
        logger.exception("sealing failed")
        raise SealError(_("Dokumentet kunde inte förseglas: %(error)s") % {"error": exc}) from exc
    return output.getvalue()


def _keep_metadata_consistent(writer: IncrementalPdfFileWriter) -> None:
    """PDF/A wants the document information dictionary to agree with the XMP metadata.
    pyHanko writes ``pdf:Producer`` = "pyHanko x.y" in the XMP but appends it to an existing
    /Producer ("WeasyPrint 70.0; pyHanko x.y"): the updated /Info says the same as the XMP."""
    info_ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if info_ref is None:
        return
    info = generic.DictionaryObject(dict(info_ref.get_object().items()))
    info[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
    writer.set_info(info)


def block_lines(
    *, seal_name: str, sealed_at: datetime.datetime, reason: str, signers_line: str, width: float
) -> list[str]:
    """The visible block's lines, wrapped to ``width`` points."""
    paragraphs = [
        f"Elektroniskt förseglat av {seal_name} {sealed_at:%Y-%m-%d %H:%M}",
        reason,
        signers_line,
        "Förseglingen (PAdES) visar att dokumentet är oförändrat: kontrollera den i en "
        "PDF-läsare eller på regionens kontrollsida.",
    ]
    lines: list[str] = []
    for text in paragraphs:
        if text:
            lines.extend(wrap(text, width))
    return lines


@functools.lru_cache(maxsize=1)
def _font_in_thousandths() -> bytes:
    """The block's font with 1000 units per em. pyHanko 0.38 writes the font's glyph widths
    (/W) and its TJ kerning in the font's own units, which PDF reads as thousandths of an
    em: DejaVu's 2048 units would double every advance. Scaled with fontTools, they agree."""
    font = TTFont(str(FONT_FILE))
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


# The OpenType layout tables pyHanko's subset leaves out (GlyphAccumulator._extract_subset).
LAYOUT_TABLES = ("GDEF", "GPOS", "GSUB")


@dataclass(frozen=True)
class BlockFont(GlyphAccumulatorFactory):
    """``GlyphAccumulatorFactory`` fed the font scaled to 1000 units per em."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        engine = GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_in_thousandths()),
            font_size=self.font_size,
            obj_stream=obj_stream,
        )
        # The embedded subset leaves out the layout tables (pyHanko's subsetting options
        # drop them; HarfBuzz shapes with its own copy of the font), but fontTools' subsetter
        # decompiles them before it drops them: 0.2 s a seal. Dropped here, unread, the
        # subset is the same. The font is this document's own (the subset overwrites it).
        drop = [tag for tag in LAYOUT_TABLES if tag in engine.tt]
        if "GPOS" in drop and "kern" in engine.tt:
            drop.append("kern")  # the subsetter drops 'kern' when there is a GPOS table
        for tag in drop:
            del engine.tt[tag]
        return engine


@functools.lru_cache(maxsize=1)
def _font_metrics() -> tuple[dict[int, str], dict[str, tuple[int, int]], int]:
    font = TTFont(str(FONT_FILE), lazy=True)
    return dict(font.getBestCmap()), dict(font["hmtx"].metrics), font["head"].unitsPerEm


def text_width(text: str, size: float = FONT_SIZE) -> float:
    cmap, metrics, units = _font_metrics()
    advance = sum(metrics.get(cmap.get(ord(c), ".notdef"), (units // 2, 0))[0] for c in text)
    return advance * size / units


def wrap(text: str, width: float) -> list[str]:
    """Greedy word wrap by the font's advance widths (5 % slack for shaping)."""
    limit = width * 0.95
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate) > limit:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


# --- Where the block goes -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """The last page's text column and the vertical bands nothing is drawn in."""

    page_width: float
    page_height: float
    origin_x: float = 0.0
    origin_y: float = 0.0
    left: float = 70.87  # 25 mm
    right: float = 0.0  # where the column ends; 0: as far from the right edge as ``left``
    bands: tuple[tuple[float, float], ...] = ()  # lowest first, relative to the origin

    @property
    def width(self) -> float:
        return (self.right or self.page_width - self.left) - self.left

    def free_bottom(self, height: float) -> float | None:
        """Where the block's bottom goes: in the lowest band it fits in, ``GAP`` above the
        content beneath it (the running footer, if any); ``None`` if none fits."""
        for low, high in self.bands:
            if high - low >= height + 2 * GAP:
                return low + GAP
        return None


def last_page_column(pdf: bytes) -> Column:
    """The block spans the text column (from the page's leftmost content to the same
    margin on the right) and goes in a band of the last page where nothing is drawn. What
    counts as drawn: every line of text, stroked or filled path (except white fills), image
    and annotation, read from the page's content stream and its forms. A page that cannot
    be read has no free band (the block then gets a page of its own)."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        page = reader.pages[-1]
        box = page.mediabox
        page_width, page_height = float(box.width), float(box.height)
        origin_x, origin_y = float(box.left), float(box.bottom)
    except Exception:  # noqa: BLE001 - pyHanko read it; assume A4
        logger.warning("last page could not be read; the seal block gets a page of its own")
        return Column(page_width=595.28, page_height=841.89)
    try:
        occupied = occupied_boxes(reader, page)
    except Exception:  # noqa: BLE001 - an unreadable page: never risk covering it
        logger.warning("last page could not be analysed; the seal block gets a page of its own")
        return Column(page_width, page_height, origin_x, origin_y)
    finite = [b for b in occupied if all(math.isfinite(v) for v in b)]
    lefts = [b[0] - origin_x for b in finite if b[0] - origin_x > 0]
    left = min(max(EDGE, min(lefts)) if lefts else 70.87, page_width / 4)
    # Rules and boxes (tables, the footer) show where the column ends; text is counted
    # from where it starts, so it never reaches past them.
    rights = [b[2] - origin_x for b in finite if b[2] - origin_x < page_width - EDGE + 1]
    right = max(rights) if rights else 0.0
    if right < page_width * 0.6:
        right = 0.0
    bands = free_bands(
        [(b[1] - origin_y, b[3] - origin_y) for b in occupied], EDGE, page_height - EDGE
    )
    return Column(page_width, page_height, origin_x, origin_y, left, right, tuple(bands))


def _append_page(writer: IncrementalPdfFileWriter) -> int:
    last = writer.find_page_for_modification(-1)[0].get_object()
    media = last.get("/MediaBox") or [0, 0, 595.28, 841.89]
    contents = writer.add_object(generic.StreamObject(stream_data=b""))
    page = PageObject(contents=contents, media_box=[float(v) for v in media])
    writer.insert_page(page)
    return int(writer.root["/Pages"]["/Count"]) - 1


def free_bands(
    intervals: Sequence[tuple[float, float]], low: float, high: float
) -> list[tuple[float, float]]:
    """The vertical bands in [low, high] that no interval touches, lowest first."""
    bands = []
    cursor = low
    for start, end in sorted(intervals):
        if end <= cursor:
            continue
        if start > cursor:
            bands.append((cursor, min(start, high)))
        cursor = max(cursor, end)
        if cursor >= high:
            break
    if cursor < high:
        bands.append((cursor, high))
    return [(a, b) for a, b in bands if b > a]


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
FILLS = {b"f", b"F", b"f*"}


def _mul(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _matrix(values) -> Matrix:
    a, b, c, d, e, f = (float(v) for v in values)
    return (a, b, c, d, e, f)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def _bbox(points) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def occupied_boxes(reader: PdfReader, page) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, y0, x1, y1, in page space) of everything drawn on ``page``, and its
    annotations. Text is counted from its baseline's position and font size (its width is
    not measured: the block spans the whole column, so only heights matter)."""
    out: list[tuple[float, float, float, float]] = []
    _content_boxes(reader, page, page.get("/Resources") or {}, IDENTITY, out, depth=0)
    for annot in page.get("/Annots") or []:
        rect = annot.get_object().get("/Rect")
        if rect:
            x0, y0, x1, y1 = (float(v) for v in rect)
            out.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    return out


def _content_boxes(reader, owner, resources, ctm: Matrix, out: list, depth: int) -> None:
    contents = owner.get_contents() if hasattr(owner, "get_contents") else owner
    if contents is None:
        return
    stream = ContentStream(contents, reader)
    stack: list[tuple[Matrix, bool]] = []
    tm = tlm = IDENTITY
    font_size = leading = 0.0
    path: list[tuple[float, float]] = []
    white_fill = False
    for operands, op in stream.operations:
        if op == b"q":
            stack.append((ctm, white_fill))
        elif op == b"Q":
            if stack:
                ctm, white_fill = stack.pop()
        elif op == b"cm" and len(operands) == 6:
            ctm = _mul(_matrix(operands), ctm)
        elif op in (b"m", b"l") and len(operands) >= 2:
            path.append(_apply(ctm, float(operands[0]), float(operands[1])))
        elif op in (b"c", b"v", b"y"):
            values = [float(v) for v in operands]
            path += [_apply(ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2)]
        elif op == b"re" and len(operands) == 4:
            x, y, w, h = (float(v) for v in operands)
            path += [
                _apply(ctm, x, y),
                _apply(ctm, x + w, y + h),
                _apply(ctm, x + w, y),
                _apply(ctm, x, y + h),
            ]
        elif op in PAINT:
            if path and not (white_fill and op in FILLS):
                x0, y0, x1, y1 = _bbox(path)
                out.append((x0 - 1, y0 - 1, x1 + 1, y1 + 1))  # a stroke's width
            path = []
        elif op == b"n":
            path = []
        elif op in (b"rg", b"g", b"k", b"sc", b"scn"):
            values = [v for v in operands if isinstance(v, int | float)]
            if op == b"k":
                white_fill = bool(values) and all(float(v) <= 0.01 for v in values)
            else:
                white_fill = bool(values) and all(float(v) >= 0.99 for v in values)
        elif op == b"BT":
            tm = tlm = IDENTITY
        elif op == b"Tf" and len(operands) == 2:
            font_size = float(operands[1])
        elif op == b"TL" and operands:
            leading = float(operands[0])
        elif op == b"Tm" and len(operands) == 6:
            tm = tlm = _matrix(operands)
        elif op in (b"Td", b"TD") and len(operands) == 2:
            if op == b"TD":
                leading = -float(operands[1])
            tm = tlm = _mul((1.0, 0.0, 0.0, 1.0, float(operands[0]), float(operands[1])), tlm)
        elif op in (b"T*", b"'", b'"', b"Tj", b"TJ"):
            if op in (b"T*", b"'", b'"'):
                tm = tlm = _mul((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
            if op != b"T*":
                matrix = _mul(tm, ctm)
                out.append(
                    _bbox(
                        [_apply(matrix, 0, -0.3 * font_size), _apply(matrix, 0, 1.05 * font_size)]
                    )
                )
        elif op == b"Do" and operands:
            xobjects = resources.get("/XObject") or {}
            xobject = xobjects.get(operands[0])
            if xobject is None:
                continue
            xobject = xobject.get_object()
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                out.append(_bbox([_apply(ctm, x, y) for x in (0, 1) for y in (0, 1)]))
            elif subtype == "/Form" and depth < 10:
                _content_boxes(
                    reader,
                    xobject,
                    xobject.get("/Resources") or resources,
                    _mul(_matrix(xobject.get("/Matrix", IDENTITY)), ctm),
                    out,
                    depth + 1,
                )
        elif op == b"sh":
            out.append((-math.inf, -math.inf, math.inf, math.inf))  # a shading fills the clip


# --- Verification --------------------------------------------------------------------------


class SealStatus:
    VALID = "valid"
    INVALID = "invalid"
    NONE = "none"


@dataclass(frozen=True)
class SealReport:
    """What ``verify_pdf`` found. ``status`` is valid, invalid or none (no signature)."""

    status: str
    problem: str = ""  # why it is invalid (Swedish), empty when valid or none
    intact: bool | None = None  # the signed bytes are unchanged (None: nothing to check)
    trusted: bool = False  # the certificate chains to the configured trust roots
    is_seal_certificate: bool = False  # signed with the seal certificate configured now
    modified_after: bool = False  # something was appended after the signature
    signer_subject: str = ""
    signer_name: str = ""  # the signature's /Name (the region)
    signed_at: datetime.datetime | None = None
    timestamped: bool = False  # a trusted timestamp (PAdES B-T) vouches for the time
    reason: str = ""  # what was sealed, with the signers' line
    location: str = ""
    signature_count: int = 0
    details: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.status == SealStatus.VALID

    @property
    def summary(self) -> str:
        if self.status == SealStatus.NONE:
            return _("Dokumentet har ingen digital försegling.")
        if self.status == SealStatus.VALID:
            when = (
                timezone.localtime(self.signed_at).strftime("%Y-%m-%d %H:%M")
                if (self.signed_at)
                else "?"
            )
            return _(
                "Förseglingen är giltig: dokumentet är oförändrat sedan %(who)s förseglade "
                "det %(when)s."
            ) % {"who": self.signer_name or self.signer_subject, "when": when}
        return _("Förseglingen är inte giltig: %(problem)s") % {"problem": self.problem}


def _outside_event_loop(func, *args):
    """pyHanko signs and validates with ``asyncio.run``, which cannot run in a thread whose
    event loop is running (an async caller, or a task run in-process by such a thread):
    then ``func`` runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args).result()


def verify_pdf(pdf: bytes) -> SealReport:
    """See ``_verify_pdf`` (run outside any running event loop)."""
    return _outside_event_loop(_verify_pdf, pdf)


def _verify_pdf(pdf: bytes) -> SealReport:
    """Check the seal of ``pdf``. Never raises: any failure is an invalid report."""
    try:
        return _verify(pdf)
    except Exception as exc:  # noqa: BLE001 - a verifier must answer, whatever the input
        logger.info("seal verification failed: %s", exc, exc_info=True)
        return SealReport(
            status=SealStatus.INVALID,
            problem=_("förseglingen kunde inte kontrolleras (%(error)s).")
            % {"error": exc.__class__.__name__},
        )


def _verify(pdf: bytes) -> SealReport:
    if not pdf.lstrip()[:5].startswith(b"%PDF-") and b"%PDF-" not in pdf[:1024]:
        return SealReport(status=SealStatus.INVALID, problem=_("filen är inte en PDF."))
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # noqa: BLE001 - a damaged PDF
        return SealReport(
            status=SealStatus.INVALID,
            problem=_("filen kunde inte läsas som PDF (%(error)s).") % {"error": exc},
        )
    if not embedded:
        return SealReport(status=SealStatus.NONE)

    configured: asn1_x509.Certificate | None = None
    try:
        configured = seal_certificate()
        roots = _trust_roots(configured)
    except SealError as exc:
        logger.warning("seal configuration unreadable during verification: %s", exc)
        roots = []
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )

    # The seal is the last signature; every one must hold.
    reports = [_check(sig, context, configured) for sig in embedded]
    last = replace(reports[-1], signature_count=len(reports))
    broken = next((r for r in reports if r.status != SealStatus.VALID), None)
    if broken is not None and broken is not reports[-1]:
        last = replace(last, status=SealStatus.INVALID, problem=broken.problem)
    return last


def _check(
    embedded, context: ValidationContext, configured: asn1_x509.Certificate | None
) -> SealReport:
    sig = embedded.sig_object
    try:
        cert = embedded.signer_cert
        subject = cert.subject.human_friendly
        is_seal_certificate = configured is not None and cert.dump() == configured.dump()
    except Exception:  # noqa: BLE001 - no certificate in the CMS data
        subject, is_seal_certificate = "", False
    status = validate_pdf_signature(embedded, context)
    signed_at = status.signer_reported_dt
    tst = status.timestamp_validity
    timestamped = False
    if tst is not None and tst.valid and tst.intact and tst.trusted:
        signed_at, timestamped = tst.timestamp, True
    modified_after = status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    allowed_after = (
        status.docmdp_ok is not False
        and status.modification_level is not None
        and status.modification_level <= ModificationLevel.LTA_UPDATES
    )
    problem = ""
    if not status.intact:
        problem = _(
            "dokumentet har ändrats efter att det förseglades (kontrollsumman i "
            "signaturen stämmer inte)."
        )
    elif not status.valid:
        problem = _("signaturen är felaktig.")
    elif modified_after and not allowed_after:
        problem = _("dokumentet har fått tillägg efter förseglingen.")
    elif not status.trusted:
        problem = _(
            "signaturen är obruten, men certifikatet (%(subject)s) är inte ett betrott sigill "
            "för regionen."
        ) % {"subject": subject or "?"}
    return SealReport(
        status=SealStatus.INVALID if problem else SealStatus.VALID,
        problem=problem,
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        is_seal_certificate=is_seal_certificate,
        modified_after=modified_after,
        signer_subject=subject,
        signer_name=str(sig.get("/Name", "") or ""),
        signed_at=signed_at,
        timestamped=timestamped,
        reason=str(sig.get("/Reason", "") or ""),
        location=str(sig.get("/Location", "") or ""),
        details=[status.summary()],
    )


# --- A demo seal -----------------------------------------------------------------------------


def create_self_signed_seal(
    directory: Path,
    *,
    name: str,
    common_name: str = "",
    key_size: int = 3072,
    days: int = 3650,
) -> tuple[Path, Path]:
    """A self-signed seal certificate and its key (PEM, unencrypted, 0600) in ``directory``,
    for development and tests only. Returns (certificate path, key path)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
            x509.NameAttribute(
                NameOID.COMMON_NAME, common_name or f"{name} {DEMO_MARK} (ej för produktion)"
            ),
        ]
    )
    now = datetime.datetime.now(tz=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path = directory / "demo-seal.pem"
    key_path = directory / "demo-seal.key"
    key_path.touch(mode=0o600, exist_ok=True)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path
