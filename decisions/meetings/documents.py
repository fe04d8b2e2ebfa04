"""The printed documents of a meeting, always in Swedish and in seed 001's wording:
the kallelse with föredragningslista, the protocol, and the protokollsutdrag (extract).

Also writes "Ärendets behandling under sammanträdet" and the reservations from the
recorded motions, propositionsordning, votes and jäv.

A signed protocol is never rendered from today's data: at the final signature the
protocol and every extract are rendered to HTML from the data as it was and kept in a
``ProtocolRecord`` (with the signers' names as they signed); ``render_html`` returns that
record's text for a signed meeting (or an immediately adjusted §), and the stored final
PDF is made from it once. Drafts render from the live data, marked "utkast". A final PDF is PDF/A and sealed
(``render``); since the seal carries its time, it is made and stored once.
"""

import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import F, Func, Prefetch, TextField, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from core import seal
from core.collation import swedish_key
from core.money import format_amount
from core.pdf import render_pdf
from decisions.meetings import notice_dates as notices
from decisions.meetings.models import (
    AgendaItem,
    ConflictOfInterest,
    GeneratedDocument,
    Meeting,
    MeetingStatus,
    Motion,
    Paragraph,
    ProtocolRecord,
    Reservation,
    Signature,
    Vote,
)
from decisions.meetings.selectors import meeting_chair
from decisions.workflow.models import DelegationDecision
from projects.models import Document
from projects.secrecy import CopyMasker


class DocumentError(Exception):
    """The document cannot be made from the meeting as it is (readable reason)."""


# What the wording below reads of each paragraph, loaded for all of a protocol's
# paragraphs at once (one query per relation instead of five per paragraph).
PARAGRAPH_PREFETCH = (
    Prefetch("conflicts", queryset=ConflictOfInterest.objects.select_related("member")),
    Prefetch("motions", queryset=Motion.objects.prefetch_related("movers")),
    Prefetch("votes", queryset=Vote.objects.select_related("member")),
    Prefetch("reservations", queryset=Reservation.objects.prefetch_related("members")),
    "recipients",
    Prefetch("basis_documents", queryset=Document.objects.order_by("title")),
    Prefetch(
        "agenda_item__delegation_decisions",
        queryset=DelegationDecision.objects.select_related("case"),
    ),
)


def _related(instance, name: str, query) -> list:
    """``instance.<name>`` as prefetched (PARAGRAPH_PREFETCH), else ``query(manager)``."""
    cache = getattr(instance, "_prefetched_objects_cache", {})
    if name in cache:
        return list(cache[name])
    return list(query(getattr(instance, name)))


def _motion(paragraph: Paragraph, pk: int | None, fallback) -> Motion | None:
    """The paragraph's motion ``pk``: the prefetched one (movers loaded) if there."""
    if pk is None:
        return None
    for motion in getattr(paragraph, "_prefetched_objects_cache", {}).get("motions", ()):
        if motion.pk == pk:
            return motion
    return fallback()


# --- Wording ----------------------------------------------------------------------------


def count_phrase(count: int, one: str, many: str) -> str:
    """``1 nej-röst``, ``3 nej-röster``, ``0 nej-röster``."""
    return f"{count} {one if count == 1 else many}"


def join_names(names: list[str]) -> str:
    """``A``, ``A och B``, ``A, B och C``."""
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " och " + names[-1]


def genitive(display_name: str) -> str:
    """``Jan Anders Perdal (V)`` -> ``Jan Anders Perdals (V)``."""
    name, sep, party = display_name.partition(" (")
    suffix = "" if name[-1:].lower() in ("s", "x", "z") else "s"
    return f"{name}{suffix}{sep}{party}"


def _movers(motion: Motion) -> list:
    return sorted(motion.movers.all(), key=lambda m: (m.position, swedish_key(m.name)))


def motion_sentence(motion: Motion) -> str:
    who = join_names([m.display_name for m in _movers(motion)])
    text = motion.text.strip()
    if text.lower().startswith("yrkar "):
        text = text[6:].strip()
    if not text:
        text = {
            Motion.Kind.APPROVAL: "på det liggande förslaget",
            Motion.Kind.REJECTION: "avslag till förslaget",
        }.get(motion.kind, "")
    text = text.rstrip()
    if not text.endswith((".", "!", "?", "\u201d", '"')):
        text += "."
    return f"{who} yrkar {text}"


def motion_owner_phrase(motion: Motion) -> str:
    """``Jan Anders Perdals (V) yrkande``."""
    owners = [genitive(m.display_name) for m in _movers(motion)]
    return f"{join_names(owners)} yrkande"


def _carried_phrase(paragraph: Paragraph) -> str:
    motion = _motion(paragraph, paragraph.carried_motion_id, lambda: paragraph.carried_motion)
    phrase = "det liggande förslaget" if motion is None else motion_owner_phrase(motion)
    additions = [
        m
        for m in paragraph.motions.all()
        if m.kind == Motion.Kind.ADDITION and m.outcome == Motion.Outcome.CARRIED
    ]
    for addition in additions:
        who = join_names([m.display_name for m in _movers(addition)])
        phrase += f" med tilläggsyrkandet av {who}"
    return phrase


def generated_proceedings(paragraph: Paragraph) -> list[str]:
    """The sentences of "Ärendets behandling under sammanträdet" (empty: no section)."""
    body = paragraph.body.name_in_sentence
    lines = []
    for conflict in _related(paragraph, "conflicts", lambda m: m.select_related("member")):
        lines.append(
            f"{conflict.member.display_name} anmäler jäv och deltar inte i handläggningen av ärendet."
        )
    motions = _related(paragraph, "motions", lambda m: m.prefetch_related("movers"))
    for motion in motions:
        lines.append(motion_sentence(motion))
    if paragraph.vote_held and paragraph.vote_no_motion_id:
        vote_no_motion = _motion(
            paragraph, paragraph.vote_no_motion_id, lambda: paragraph.vote_no_motion
        )
        votes = _related(paragraph, "votes", lambda m: m.select_related("member"))
        by_choice = {choice: [] for choice in Vote.Choice.values}
        for vote in votes:
            by_choice[vote.choice].append(vote.member.display_name)
        yes, no, abstain = (len(by_choice[c]) for c in ("yes", "no", "abstain"))
        lines.append("Ordföranden ställer förslagen mot varandra.")
        lines.append("Omröstning begärs och verkställs.")
        lines.append(
            "Ja-röst för det liggande förslaget, nej-röst för "
            f"{motion_owner_phrase(vote_no_motion)}."
        )
        result = f"Med {count_phrase(yes, 'ja-röst', 'ja-röster')} mot {count_phrase(no, 'nej-röst', 'nej-röster')}"
        if abstain:
            result += f" ({abstain} avstår)"
        if yes == no:
            result += " och ordförandens utslagsröst"
        result += f" beslutar {body} i enlighet med {_carried_phrase(paragraph)}."
        lines.append(result)
        for choice, label in (("yes", "Ja"), ("no", "Nej"), ("abstain", "Avstår")):
            if by_choice[choice]:
                lines.append(f"{label}: {join_names(by_choice[choice])}.")
    elif paragraph.proposition_put:
        lines.append(
            "Ordföranden ställer förslagen mot varandra och finner att "
            f"{body} beslutar i enlighet med {_carried_phrase(paragraph)}."
        )
    elif any(
        m.kind == Motion.Kind.ADDITION and m.outcome == Motion.Outcome.CARRIED for m in motions
    ):
        lines.append(f"{paragraph.body.name} beslutar i enlighet med {_carried_phrase(paragraph)}.")
    return lines


def proceedings_text(paragraph: Paragraph) -> str:
    if paragraph.proceedings_override.strip():
        return paragraph.proceedings_override.strip()
    return "\n".join(generated_proceedings(paragraph))


def reservation_sentences(paragraph: Paragraph) -> list[str]:
    lines = []
    for reservation in _related(paragraph, "reservations", lambda m: m.prefetch_related("members")):
        members = sorted(reservation.members.all(), key=lambda m: (m.position, swedish_key(m.name)))
        who = join_names([m.display_name for m in members])
        motion = _motion(
            paragraph, reservation.in_favour_of_id, lambda r=reservation: r.in_favour_of
        )
        if motion is None:
            sentence = f"{who} reserverar sig mot beslutet."
        elif {m.pk for m in members} <= {m.pk for m in motion.movers.all()}:
            sentence = f"{who} reserverar sig till förmån för det egna förslaget."
        else:
            sentence = f"{who} reserverar sig till förmån för {motion_owner_phrase(motion)}."
        if reservation.text:
            sentence += " " + reservation.text
        lines.append(sentence)
    return lines


def reservation_heading(paragraph: Paragraph) -> str:
    cache = getattr(paragraph, "_prefetched_objects_cache", {})
    if "reservations" in cache:
        people = sum(len(r.members.all()) for r in cache["reservations"])
    else:
        people = sum(r.members.count() for r in paragraph.reservations.all())
    return "Reservationer" if people > 1 else "Reservation"


# --- Context for the templates ---------------------------------------------------------


def format_share(value: Decimal | None) -> str:
    """``Decimal("21.04")`` -> ``21,0 %``; None stays empty."""
    if value is None:
        return ""
    return f"{value:.1f}".replace(".", ",") + "\u00a0%"


def paragraph_context(paragraph: Paragraph) -> dict:
    proceedings = proceedings_text(paragraph)
    basis_documents = _related(paragraph, "basis_documents", lambda m: m.order_by("title"))
    total = paragraph.financing_total
    return {
        "paragraph": paragraph,
        "decision_heading": f"{paragraph.body.genitive} beslut",
        "points": [
            {
                "text": point["text"],
                "sub": [(chr(ord("a") + i), sub) for i, sub in enumerate(point.get("sub", []))],
            }
            for point in paragraph.decision_points
        ],
        "proceedings": [line for line in proceedings.splitlines() if line.strip()],
        "reservation_heading": reservation_heading(paragraph),
        "reservations": reservation_sentences(paragraph),
        "matter": [s for s in paragraph.matter if s.get("text") or s.get("heading")],
        "financing_rows": [
            {
                "financier": r["financier"],
                "amount": format_amount(r["amount"]),
                "share": format_share(Decimal(str(r["amount"])) * 100 / total if total else None),
            }
            for r in paragraph.financing_rows
        ],
        "financing_shares": bool(total),
        "financing_total": format_amount(paragraph.financing_total),
        "basis_documents": basis_documents,
        "basis_lines": [x for x in paragraph.decision_basis.splitlines() if x.strip()],
        "decision_basis": [str(d) for d in basis_documents]
        + [x for x in paragraph.decision_basis.splitlines() if x.strip()],
        "appendices": [x for x in paragraph.appendices.splitlines() if x.strip()],
        "recipients": [r.name for r in paragraph.recipients.all()],
        # Omedelbar justering: the protocol says so, with the §'s own dates.
        "adjustment": _paragraph_adjustment(paragraph) if paragraph.adjusted_at else None,
        "delegation_decisions": (
            _related(
                paragraph.agenda_item,
                "delegation_decisions",
                lambda m: m.select_related("case"),
            )
            if paragraph.agenda_item_id
            else []
        ),
    }


def document_id(meeting: Meeting, kind: str, paragraph: Paragraph | None = None) -> str:
    """``NC-RUN-20200324-0001-P``: printed in the footer of every page. Each extract is a
    document of its own, numbered by its §: ``NC-RUN-20200324-0001-U035``."""
    code = {"protocol": "P", "extract": "U", "kallelse": "K"}[kind]
    if kind == "extract" and paragraph is not None:
        code += f"{paragraph.number:03d}"
    return f"NC-{meeting.body.reference_name}-{meeting.date:%Y%m%d}-{meeting.pk:04d}-{code}"


# Put in an extract's certification when it is taken at the justering; replaced by the
# date the extract is made ("Rätt utdraget intygar ... 2020-03-26").
CERTIFIED_ON = "[[intygat-datum]]"
# Put in an extract's certification when it is taken at the justering; replaced by what
# the notice board says the day the extract is made (posted, and the last day to appeal).
NOTICE_MARK = "[[anslag]]"


def _signature_lines(meeting: Meeting) -> dict:
    signed = {}
    if meeting.signing_round:
        for sig in meeting.signatures.filter(
            round=meeting.signing_round,
            decision=Signature.Decision.SIGNED,
            paragraph__isnull=True,
        ).select_related("member"):
            signed[sig.role] = sig
    return {
        "chair": meeting_chair(meeting),
        "adjuster": meeting.adjuster,
        "chair_signature": signed.get("chair"),
        "adjuster_signature": signed.get("adjuster"),
        # the front page's "Justeringens plats och tid" says how it was justerat
        "signed_on_paper": bool(signed)
        and all(sig.method == Signature.Method.PAPER for sig in signed.values()),
    }


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.replace("-", " ").split() if part).upper()


def meeting_context(meeting: Meeting, kind: str) -> dict:
    attendance = list(
        meeting.attendance.select_related("member", "serving_for").order_by(
            "member__position", "member__name"
        )
    )
    paragraphs = list(
        meeting.paragraphs.select_related("body", "meeting", "case", "agenda_item").order_by(
            "number"
        )
    )
    signatures = _signature_lines(meeting)
    signed = meeting.status == MeetingStatus.SIGNED
    dates = None
    if signed:
        dates = notices.notice_dates(
            timezone.localdate(meeting.signed_at), meeting.notice_posted_on
        )
    return {
        "meeting": meeting,
        "body": meeting.body,
        "kind": kind,
        "signed": signed,
        "document_id": document_id(meeting, kind),
        "header_title": {
            "protocol": "PROTOKOLL",
            "extract": "PROTOKOLLSUTDRAG",
            "kallelse": "KALLELSE",
        }[kind],
        "members_present": [a for a in attendance if a.present and not a.member.is_substitute],
        "substitutes_serving": [
            a for a in attendance if a.present and a.member.is_substitute and a.serving_for_id
        ],
        "substitutes_present": [
            a for a in attendance if a.present and a.member.is_substitute and not a.serving_for_id
        ],
        "others": list(meeting.others.all()),
        "paragraphs": paragraphs,
        "paragraph_range": (
            f"§ {paragraphs[0].number}-{paragraphs[-1].number}"
            if len(paragraphs) > 1
            else (f"§ {paragraphs[0].number}" if paragraphs else "")
        ),
        "secretary_name": meeting.secretary.get_full_name() or meeting.secretary.get_username(),
        "notice": dates,
        "kept_at": settings.PROTOCOL_KEPT_AT,
        "region_name": settings.REGION_NAME,
        "board_url": f"{settings.SITE_URL}{reverse('public:notice_board')}",
        "chair_initials": _initials(_signed_name(signatures["chair_signature"]))
        if signatures["chair_signature"]
        else "",
        "adjuster_initials": _initials(_signed_name(signatures["adjuster_signature"]))
        if signatures["adjuster_signature"]
        else "",
        "certified_on": CERTIFIED_ON,
        **signatures,
    }


def _paragraph_adjustment(paragraph: Paragraph) -> dict:
    """An immediately adjusted §: its own signers and dates."""
    signed = {
        sig.role: sig
        for sig in paragraph.signatures.filter(decision=Signature.Decision.SIGNED).order_by("at")
    }
    chair, adjuster = signed.get("chair"), signed.get("adjuster")
    assert paragraph.adjusted_at is not None
    return {
        "paragraph_adjusted": True,
        "signed": True,
        "paragraph_chair": chair.member_name if chair else "",
        "paragraph_adjuster": adjuster.member_name if adjuster else "",
        "chair_initials": _initials(_signed_name(chair)) if chair else "",
        "adjuster_initials": _initials(_signed_name(adjuster)) if adjuster else "",
        "notice": _paragraph_notice(paragraph),
    }


def _paragraph_notice(paragraph: Paragraph) -> notices.NoticeDates:
    assert paragraph.adjusted_at is not None
    return notices.notice_dates(
        timezone.localdate(paragraph.adjusted_at), paragraph.notice_posted_on
    )


def extract_notice_html(meeting: Meeting, paragraph: Paragraph | None) -> str:
    """The extract's sentence about the notice as the board stands now: the §'s own
    notice for an immediately adjusted §, else the protocol's."""
    if paragraph is not None and paragraph.adjusted_at:
        dates = _paragraph_notice(paragraph)
    elif meeting.signed_at:
        dates = notices.notice_dates(
            timezone.localdate(meeting.signed_at), meeting.notice_posted_on
        )
    else:
        return ""
    return render_to_string(
        "decisions/documents/extract_notice.html",
        {
            "notice": dates,
            "region_name": settings.REGION_NAME,
            "board_url": f"{settings.SITE_URL}{reverse('public:notice_board')}",
        },
    )


def _signed_name(signature: Signature) -> str:
    """The name as it was at the signature (``Lage Hortlund (SD)`` -> ``Lage Hortlund``)."""
    return (signature.member_name or signature.member.display_name).split(" (")[0]


# --- Rendering --------------------------------------------------------------------------


PRINT_CSS = "css/protocol-print.css"


def print_css() -> str:
    """The documents' stylesheet (static/css/protocol-print.css), inlined in the HTML."""
    path = finders.find(PRINT_CSS)
    if not path:
        raise DocumentError(f"Stilmallen {PRINT_CSS} saknas.")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


class _ExtractHtml(Func):
    """The extract of one § from a record's ``extracts`` ({paragraph id: html}), read in
    the database: a long protocol's record holds the protocol and every extract."""

    output_field = TextField()

    def __init__(self, paragraph_id: int):
        self.key = str(int(paragraph_id))
        super().__init__(F("extracts"))

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"({column} ->> %s)", (*params, self.key)

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({column}, %s)", (*params, f'$."{self.key}"')


def signed_record(
    meeting: Meeting, paragraph: Paragraph | None = None, *, html: str | None = None
) -> ProtocolRecord | None:
    """The record a signed document is made from: the §'s own (omedelbar justering), else
    the meeting's once it is signed; None for a draft.

    Read with the signers and only the HTML asked for (``html``): "protocol" (its
    ``protocol_html``), "extract" (``paragraph``'s extract, as ``extract_html``: None if
    the record has none) or None."""
    records = ProtocolRecord.objects.defer("extracts")
    if html != "protocol":
        records = records.defer("extracts", "protocol_html")
    if html == "extract" and paragraph is not None:
        records = records.annotate(extract_html=_ExtractHtml(paragraph.pk))
    if paragraph is not None and paragraph.adjusted_at:
        record = records.filter(paragraph=paragraph).first()
        if record is not None:
            return record
    if meeting.status == MeetingStatus.SIGNED:
        return records.filter(meeting=meeting).first()
    return None


def render_html(
    *,
    kind: str,
    meeting: Meeting,
    paragraph: Paragraph | None = None,
    live: bool = False,
    certified_on: datetime.date | None = None,
    viewer=None,
) -> str:
    """The document's HTML: of a signed meeting (or adjusted §) the recorded text (the
    extract certified ``certified_on``, default today); of a draft, or with ``live=True``
    (taking the record), from the data as it is now.

    A draft shows copies of secret texts masked unless ``viewer`` may see them (a draft
    made for nobody, e.g. a stored PDF, masks them); the record (``live=True``) is taken
    as it stands: a signed protocol is final."""
    if not live and kind != GeneratedDocument.Kind.KALLELSE:
        part = "protocol" if kind == GeneratedDocument.Kind.PROTOCOL else "extract"
        record = signed_record(meeting, paragraph, html=part)
        if record is not None:
            if kind == GeneratedDocument.Kind.PROTOCOL and record.meeting_id:
                return record.protocol_html
            if kind == GeneratedDocument.Kind.EXTRACT and paragraph is not None:
                html = record.extract_html
                if html is None:
                    raise DocumentError("Paragrafen finns inte i det justerade protokollet.")
                day = certified_on or timezone.localdate()
                html = html.replace(CERTIFIED_ON, f"{day:%Y-%m-%d}")
                if NOTICE_MARK in html:
                    with translation.override("sv"):
                        html = html.replace(NOTICE_MARK, extract_notice_html(meeting, paragraph))
                return html
    with translation.override("sv"):
        context = meeting_context(meeting, kind)
        context["print_css"] = print_css()
        if live:
            context["secrecy_unmasked"] = True
        else:
            context["secrecy_masker"] = CopyMasker(viewer)
        if kind == GeneratedDocument.Kind.PROTOCOL:
            if not context["paragraphs"]:
                raise DocumentError("Protokollet har inga paragrafer ännu.")
            prefetch_related_objects(context["paragraphs"], *PARAGRAPH_PREFETCH)
            if not live:
                context["secrecy_masker"].preload(p.case_id for p in context["paragraphs"])
            context["sections"] = [paragraph_context(p) for p in context["paragraphs"]]
            return render_to_string("decisions/documents/protocol.html", context)
        if kind == GeneratedDocument.Kind.EXTRACT:
            if paragraph is None:
                raise DocumentError("Utdraget saknar paragraf.")
            if meeting.status != MeetingStatus.SIGNED and not paragraph.adjusted_at:
                raise DocumentError("Protokollsutdrag kan bara skapas när protokollet är justerat.")
            context["sections"] = [paragraph_context(paragraph)]
            context["paragraph"] = paragraph
            context["document_id"] = document_id(meeting, kind, paragraph)
            if paragraph.adjusted_at:
                # Its own justering, signers and notice, also in the meeting's record.
                context.update(_paragraph_adjustment(paragraph))
            if live:
                context["notice_mark"] = NOTICE_MARK
            return render_to_string("decisions/documents/extract.html", context)
        if kind == GeneratedDocument.Kind.KALLELSE:
            context["items"] = list(meeting.items.select_related("case").order_by("position"))
            context["members"] = list(
                meeting.body.members.filter(active=True).order_by("position", "name")
            )
            return render_to_string("decisions/documents/kallelse.html", context)
    raise DocumentError(f"Okänd dokumenttyp: {kind}")


def filename_for(*, kind: str, meeting: Meeting, paragraph: Paragraph | None = None) -> str:
    base = f"{meeting.body.reference_name}-{meeting.date:%Y-%m-%d}"
    if kind == GeneratedDocument.Kind.EXTRACT and paragraph is not None:
        return f"Protokollsutdrag-{base}-par{paragraph.number}.pdf"
    if kind == GeneratedDocument.Kind.KALLELSE:
        return f"Kallelse-{base}.pdf"
    return f"Protokoll-{base}.pdf"


def render(*, kind: str, meeting: Meeting, paragraph: Paragraph | None = None) -> tuple[bytes, str]:
    """The document as PDF and its file name. A final document (a signed meeting's
    protocol or extract, or an immediately adjusted §'s extract) is PDF/A, made from the
    record, and sealed with the region's seal naming who signed it when a seal is
    configured (``core.seal``; ``SealError`` when it is configured but fails)."""
    html = render_html(kind=kind, meeting=meeting, paragraph=paragraph)
    filename = filename_for(kind=kind, meeting=meeting, paragraph=paragraph)
    record = None if kind == GeneratedDocument.Kind.KALLELSE else signed_record(meeting, paragraph)
    if record is None:
        return render_pdf(html), filename
    pdf = render_pdf(html, pdfa=True)
    if not seal.seal_configured():
        return pdf, filename
    what = "Protokoll" if kind == GeneratedDocument.Kind.PROTOCOL else "Protokollsutdrag"
    reference = f"{meeting.body.name} {meeting.date:%Y-%m-%d}"
    if paragraph is not None:
        reference += f" § {paragraph.number}"
    return (
        seal.seal_pdf(
            pdf,
            reason=f"{what} {reference}",
            signers=[
                seal.SignerLine(
                    name=signer["name"],
                    role=SIGNER_ROLES.get(signer["role"], signer["role"]),
                    signed_at=datetime.datetime.fromisoformat(signer["at"]),
                )
                for signer in record.signers
            ],
            location=settings.PROTOCOL_KEPT_AT,
        ),
        filename,
    )


SIGNER_ROLES = {"chair": "ordförande", "adjuster": "justerare"}


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


__all__ = [
    "AgendaItem",
    "DocumentError",
    "generated_proceedings",
    "page_count",
    "proceedings_text",
    "render",
    "render_html",
    "reservation_sentences",
]
