"""Who may read a signed record: the final protocol, its extracts and their PDFs.

A signed protocol is the region's legal record and is kept as it was signed, secret parts
included (a § repeats the project's texts, and a decision may rest on marked documents).
So it is never masked afterwards; instead it is served only to those who may see every
marked part it holds (``projects.secrecy``: ``SECRECY_ALLOWED_ROLES``, the case's own
officer), and their reading is logged. Everyone else is refused with the reason and reads
the § pages, where the copies are masked, or asks for a masked copy (a request for public
documents). The draft and the kallelse are rendered masked for their viewer and need no
gate.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.access import ALLOW, Access, deny, require
from decisions.meetings.models import GeneratedDocument, Meeting, Paragraph
from projects import secrecy
from projects.models import Case, Document, SecrecyAccessLog


@dataclass
class RecordSecrecy:
    """The cases a record holds marked material of: hidden from the user, or shown."""

    hidden: list[Case] = field(default_factory=list)
    shown: list[Case] = field(default_factory=list)


def _record_cases(meeting: Meeting, paragraph: Paragraph | None) -> tuple[dict, list[int]]:
    """The cases whose texts the record prints (the §§' cases and those of the delegation
    decisions reported under them, whose decision texts it repeats), and its §§."""
    paragraphs = (
        [paragraph] if paragraph is not None else list(meeting.paragraphs.select_related("case"))
    )
    cases = {p.case_id: p.case for p in paragraphs if p.case_id}
    items = [p.agenda_item_id for p in paragraphs if p.agenda_item_id]
    if items:
        reported = Case.objects.filter(delegation_decisions__agenda_items__in=items).distinct()
        for case in reported:
            cases.setdefault(case.pk, case)
    return cases, [p.pk for p in paragraphs]


def record_secrecy(user, meeting: Meeting, paragraph: Paragraph | None = None) -> RecordSecrecy:
    """The marked material the record of ``meeting`` (or of one §) holds, by case: the
    project's texts marked (on the case or on another case of its project, or the whole
    case) and the §'s marked beslutsunderlag."""
    cases, paragraph_ids = _record_cases(meeting, paragraph)
    result = RecordSecrecy()
    if not cases:
        return result
    secrets = secrecy.secrets_for(user, list(cases.values()))
    marked_basis = set(
        Document.objects.filter(confidential=True, paragraphs__in=paragraph_ids).values_list(
            "case_id", flat=True
        )
    )
    for case_id, case in cases.items():
        marked = case_id in marked_basis or any(
            secrets.field_marking(case_id, key) for key in secrecy.MARKABLE_FIELDS
        )
        if not marked:
            continue
        hidden = any(secrets.hides_field(case_id, key) for key in secrecy.MARKABLE_FIELDS) or (
            case_id in marked_basis and not secrecy.may_see_secret(user, case)
        )
        (result.hidden if hidden else result.shown).append(case)
    return result


def can_read_record(user, meeting: Meeting, paragraph: Paragraph | None = None) -> Access:
    return _refusal(record_secrecy(user, meeting, paragraph))


def _refusal(found: RecordSecrecy) -> Access:
    if not found.hidden:
        return ALLOW
    return deny(
        _(
            "Det justerade protokollet återger sekretessmarkerade uppgifter i %(cases)s som du "
            "inte får ta del av. Läs paragraferna på sammanträdessidan, där uppgifterna är "
            "maskerade, eller be registratorn pröva ett utlämnande."
        )
        % {"cases": ", ".join(case.dnr for case in found.hidden)}
    )


def log_record_read(user, meeting: Meeting, paragraph: Paragraph | None, *, what: str, path: str):
    """The allowed user's reading of marked material in the record, one row per case
    (nothing read for a user who may see no marked material of them)."""
    if (
        paragraph is not None
        and paragraph.case_id
        and not secrecy.may_see_secret(user, paragraph.case)
    ):
        return
    for case in record_secrecy(user, meeting, paragraph).shown:
        secrecy.log_access(
            user=user, case=case, action=SecrecyAccessLog.Action.VIEW, what=what, path=path
        )


def log_paragraphs_read(user, paragraphs, *, what: str, path: str) -> None:
    """A list of §§ (the API's): the reading of each whose project has marked texts logged
    as the § page's is; the others (most) cost one query for the whole list."""
    case_ids = {p.case_id for p in paragraphs if p.case_id}
    if not case_ids:
        return
    marked = set(
        secrecy.active_markings()
        .filter(document=None, case__project__cases__in=case_ids)
        .values_list("case__project__cases", flat=True)
    )
    for paragraph in paragraphs:
        if paragraph.case_id in marked:
            log_record_read(user, paragraph.meeting, paragraph, what=what, path=path)


def require_readable(user, meeting: Meeting, paragraph: Paragraph | None, *, what, path) -> None:
    """The record served: ``PermissionDenied`` (403, with the Dnr) for those who may not
    see a marked part of it, and the reading logged for those who may."""
    require(can_read_record(user, meeting, paragraph))
    log_record_read(user, meeting, paragraph, what=str(what), path=path)


COPY_PREFIX = "meetings.generated:"


def copy_key(document: GeneratedDocument) -> str:
    """The ``source_key`` of the document's copies in the cases' registries."""
    return f"{COPY_PREFIX}{document.pk}"


def _copied(copy: Document) -> GeneratedDocument | None:
    pk = copy.source_key.removeprefix(COPY_PREFIX)
    source = (
        GeneratedDocument.objects.select_related("meeting", "paragraph").filter(pk=pk).first()
        if pk.isdigit()
        else None
    )
    return source if source is not None and is_record_document(source) else None


def _copy_secrecy(user, copy: Document) -> RecordSecrecy:
    """``record_secrecy`` of the record ``copy`` copies, read once per copy and user (the
    download asks for the refusal, then for the reads to log)."""
    cached = getattr(copy, "_record_secrecy", None)
    if cached is not None and cached[0] is user:
        return cached[1]
    source = _copied(copy)
    found = (
        record_secrecy(user, source.meeting, source.paragraph)
        if source is not None
        else RecordSecrecy()
    )
    copy._record_secrecy = (user, found)  # type: ignore[attr-defined]
    return found


def copy_refusal(user, copy: Document) -> str:
    """Why ``user`` may not open a registered copy of a protocol or extract ("" if they
    may): the rule of the record it copies, whichever case's registry holds it."""
    access = _refusal(_copy_secrecy(user, copy))
    return "" if access else str(access.reason)


def copy_reads(user, copy: Document) -> list[Case]:
    """The cases whose marked material the copy shows to ``user`` (logged when opened)."""
    return _copy_secrecy(user, copy).shown


def is_record_document(document: GeneratedDocument) -> bool:
    """A PDF made from the signed record: the final protocol or an extract (drafts and
    the kallelse are rendered masked)."""
    return document.kind == GeneratedDocument.Kind.EXTRACT or (
        document.kind == GeneratedDocument.Kind.PROTOCOL and document.final
    )
