"""The archive metadata of a case and its documents.

``document_metadata`` is the ONE place a document's metadata is read for the archive:
the descriptive XML and the METS labels both use it.
"""

from django.db.models import Prefetch

from decisions.meetings.models import Paragraph
from decisions.workflow.models import DelegationDecision
from projects.models import Case, CaseNote, Document, DocumentRequest, SecrecyMarking
from projects.retention.models import DestructionLog


def _iso(value) -> str:
    return value.isoformat() if value else ""


def marking_metadata(marking: SecrecyMarking) -> dict:
    return {
        "provision": marking.provision.name if marking.provision_id else "",
        "field": marking.field,
        "document_number": marking.document.registry_label if marking.document_id else "",
        "marked_on": _iso(marking.marked_on),
        "note": marking.note,
        "lifted_at": _iso(marking.lifted_at),
        "lift_reason": marking.lift_reason,
    }


def document_metadata(document: Document, markings: list[SecrecyMarking] = ()) -> dict:
    """A document's registry fields and secrecy (the only reader of document metadata)."""
    return {
        "document_number": document.registry_label,
        "registry_number": document.registry_number,
        "title": document.title,
        "kind": document.kind,
        "kind_label": str(document.get_kind_display()),
        "version": document.version,
        "direction": document.direction,
        "direction_label": str(document.get_direction_display()),
        "document_date": _iso(document.document_date),
        "party_kind": document.party_kind,
        "party_name": document.party_name,
        "description": document.description,
        "original_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "registered_at": _iso(document.registered_at),
        "registered_by": (
            document.registered_by.get_full_name() or document.registered_by.get_username()
        )
        if document.registered_by_id
        else "",
        "parent": document.parent.registry_label if document.parent_id else "",
        "secrecy": [
            marking_metadata(marking) for marking in markings if marking.document_id == document.pk
        ],
    }


def archive_cases(case_ids) -> list[Case]:
    """The cases with everything the archive needs, in a constant number of queries."""
    cases = list(
        Case.objects.filter(pk__in=case_ids)
        .select_related("officer", "project__applicant", "project__owner")
        .prefetch_related(
            "project__members__organisation",
            "project__partners",
            Prefetch("notes", queryset=CaseNote.objects.select_related("author").order_by("pk")),
            Prefetch(
                "document_requests",
                queryset=DocumentRequest.objects.select_related("provision").order_by("pk"),
            ),
            Prefetch(
                "documents",
                queryset=Document.objects.select_related(
                    "case", "registered_by", "parent__case"
                ).order_by("registry_number"),
            ),
            Prefetch(
                "secrecy_markings",
                queryset=SecrecyMarking.objects.select_related("provision", "document__case"),
            ),
            Prefetch(
                "paragraphs",
                queryset=Paragraph.objects.select_related("meeting__body", "body").order_by(
                    "year", "number"
                ),
            ),
            Prefetch(
                "delegation_decisions",
                queryset=DelegationDecision.objects.select_related("decided_by").order_by(
                    "decided_on"
                ),
            ),
        )
        .order_by("year", "number")
    )
    destroyed: dict[str, list] = {}
    for entry in DestructionLog.objects.filter(dnr__in=[c.dnr for c in cases]).order_by("pk"):
        destroyed.setdefault(entry.dnr, []).append(entry)
    for case in cases:
        case._archive_destroyed = destroyed.get(case.dnr, [])
    return cases


def destroyed_of(case: Case) -> list:
    """The documents of ``case`` weeded under a retention decision (its destruction log)."""
    found = getattr(case, "_archive_destroyed", None)
    if found is None:
        found = list(DestructionLog.objects.filter(dnr=case.dnr).order_by("pk"))
    return found


def case_metadata(case: Case) -> dict:
    markings = list(case.secrecy_markings.all())
    project = case.project
    parties = [
        {
            "role": "applicant",
            "name": project.applicant.name if project.applicant_id else "",
            "organisation": "",
        }
    ]
    if project.owner_id and project.owner_id != project.applicant_id:
        parties.append({"role": "owner", "name": project.owner.name, "organisation": ""})
    parties += [
        {"role": "partner", "name": partner.name, "organisation": ""}
        for partner in project.partners.all()
    ]
    parties += [
        {
            "role": "member",
            "name": member.name,
            "organisation": member.organisation.name if member.organisation_id else "",
        }
        for member in project.members.all()
    ]
    decisions = [
        {
            "kind": "paragraph",
            "reference": f"{paragraph.body} {paragraph.meeting.date:%Y-%m-%d} § {paragraph.number}",
            "date": _iso(paragraph.meeting.date),
            "outcome": paragraph.outcome,
            "text": " ".join(filter(None, [paragraph.decision_intro, paragraph.decision_text])),
        }
        for paragraph in case.paragraphs.all()
    ]
    decisions += [
        {
            "kind": "delegation",
            "reference": decision.report_reference,
            "date": _iso(decision.decided_on),
            "outcome": decision.outcome,
            "text": decision.decision_text,
        }
        for decision in case.delegation_decisions.all()
    ]
    return {
        "dnr": case.dnr,
        "title": case.title,
        "kind": case.kind,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "received_on": _iso(case.received_on),
        "registered_on": _iso(case.registered_on),
        "decided_on": _iso(case.decided_on),
        "officer": case.officer.get_full_name() or case.officer.get_username(),
        "project": project.title,
        "parties": parties,
        "decisions": decisions,
        "case_secrecy": [marking_metadata(m) for m in markings if not m.document_id],
        # tjänsteanteckningar: the officers' dated notes, part of the case's record
        "notes": [
            {
                "written_at": note.created_at.isoformat(),
                "author": note.author.get_full_name() or note.author.get_username(),
                "text": note.text,
            }
            for note in case.notes.all()
        ],
        # requests for public documents and how each was decided (TF 2 kap.)
        "requests": [
            {
                "received_on": _iso(request.received_on),
                "subject": request.subject,
                "decision": request.decision,
                "decided_on": _iso(request.decided_on),
                "provision": request.provision.name if request.provision_id else "",
            }
            for request in case.document_requests.all()
        ],
        # what was weeded under a retention decision (gallring): the gaps in the numbering
        "destroyed": [
            {
                "document_number": entry.document_number,
                "title": entry.title,
                "destroyed_at": entry.destroyed_at.isoformat(),
                "decision_reference": entry.decision_reference,
            }
            for entry in destroyed_of(case)
        ],
        "documents": [document_metadata(d, markings) for d in case.documents.all()],
    }
