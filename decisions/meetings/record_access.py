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

from core.access import ALLOW, Access, deny
from decisions.meetings.models import GeneratedDocument, Meeting, Paragraph
from projects import secrecy
from projects.models import Case, Document, SecrecyAccessLog, SecrecyMarking


@dataclass
class RecordSecrecy:
    """The cases a record holds marked material of: hidden from the user, or shown; and
    for each such case a marking it repeats (for the marking of a registered copy)."""

    hidden: list[Case] = field(default_factory=list)
    shown: list[Case] = field(default_factory=list)
    sources: dict[int, SecrecyMarking | None] = field(default_factory=dict)


def _paragraphs(meeting: Meeting, paragraph: Paragraph | None) -> list[Paragraph]:
    if paragraph is not None:
        return [paragraph] if paragraph.case_id else []
    return list(meeting.paragraphs.filter(case__isnull=False).select_related("case"))


def record_secrecy(user, meeting: Meeting, paragraph: Paragraph | None = None) -> RecordSecrecy:
    """The marked material the record of ``meeting`` (or of one §) holds, by case: the
    project's texts marked (on the case or on another case of its project, or the whole
    case) and the §'s marked beslutsunderlag. ``user=None``: what is marked at all."""
    paragraphs = _paragraphs(meeting, paragraph)
    result = RecordSecrecy()
    if not paragraphs:
        return result
    cases = {p.case_id: p.case for p in paragraphs}
    secrets = secrecy.secrets_for(user, list(cases.values()))
    marked_basis = {
        document.case_id: document
        for document in Document.objects.filter(
            confidential=True, paragraphs__in=[p.pk for p in paragraphs]
        )
    }
    for case_id, case in cases.items():
        fields = [
            marking
            for key in secrecy.MARKABLE_FIELDS
            if (marking := secrets.field_marking(case_id, key)) is not None
        ]
        basis = marked_basis.get(case_id)
        if not fields and basis is None:
            continue
        result.sources[case_id] = (
            fields[0] if fields else secrets.document_marking(basis) if basis else None
        )
        hidden = user is None or (
            any(secrets.hides_field(case_id, key) for key in secrecy.MARKABLE_FIELDS)
            or (basis is not None and not secrecy.may_see_secret(user, case))
        )
        (result.hidden if hidden else result.shown).append(case)
    return result


def can_read_record(user, meeting: Meeting, paragraph: Paragraph | None = None) -> Access:
    found = record_secrecy(user, meeting, paragraph)
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
    if paragraph is not None and (
        paragraph.case_id is None or not secrecy.may_see_secret(user, paragraph.case)
    ):
        return
    for case in record_secrecy(user, meeting, paragraph).shown:
        secrecy.log_access(
            user=user, case=case, action=SecrecyAccessLog.Action.VIEW, what=what, path=path
        )


def is_record_document(document: GeneratedDocument) -> bool:
    """A PDF made from the signed record: the final protocol or an extract (drafts and
    the kallelse are rendered masked)."""
    return document.kind == GeneratedDocument.Kind.EXTRACT or (
        document.kind == GeneratedDocument.Kind.PROTOCOL and document.final
    )
