"""Paragraphs (§): numbering items, their texts, recipients and the recorded decision."""

import logging
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from core.money import AmountError, format_amount, parse_amount
from core.text import contains_nul
from decisions.meetings import wording
from decisions.meetings.models import (
    AgendaItem,
    Body,
    ExtractRecipient,
    Meeting,
    MeetingStatus,
    Motion,
    Paragraph,
    ParagraphCounter,
)
from decisions.meetings.services.bodies import _allocate_paragraph_number
from decisions.meetings.services.common import MATTER_SECTIONS, _lock_meeting, _paragraph_meeting
from decisions.workflow import permissions as workflow_permissions
from decisions.workflow import services as workflow
from decisions.workflow.constants import BodyCode
from decisions.workflow.models import BODY_TRANSITIONS, DecisionProposal
from projects.models import Document
from projects.secrecy import marked_project_fields

logger = logging.getLogger(__name__)


def _adjuster_decision(meeting: Meeting) -> str:
    if meeting.adjuster is None:
        return ""
    return f"{meeting.body.name} beslutar att utse {meeting.adjuster.display_name} att jämte ordföranden justera dagens protokoll."


def _prefill(paragraph: Paragraph, item: AgendaItem, meeting: Meeting) -> None:
    body = meeting.body
    kind = item.kind
    if kind == AgendaItem.Kind.ADJUSTER:
        paragraph.decision_text = _adjuster_decision(meeting)
    elif kind == AgendaItem.Kind.AGENDA:
        paragraph.decision_text = f"{body.name} beslutar att fastställa föredragningslistan."
    elif kind == AgendaItem.Kind.DELEGATION:
        paragraph.decision_text = (
            f"{body.name} beslutar att lägga redovisade delegationsbeslut till handlingarna."
        )
    elif kind == AgendaItem.Kind.INFORMATION and item.note:
        paragraph.matter = [{"heading": "", "text": item.note}]
    case = item.case
    if case is None:
        return
    project = case.project
    paragraph.nyps_id = case.nyps_id or ""
    # The protocol is public once signed: texts marked secret are left out of the §.
    marked = marked_project_fields(project)
    paragraph.summary = "" if "summary" in marked else project.summary
    paragraph.matter = [
        {"heading": heading, "text": getattr(project, field)}
        for field, heading in MATTER_SECTIONS
        if getattr(project, field) and field not in marked
    ]
    proposal = DecisionProposal.objects.filter(case=case).first()
    if proposal is not None:
        paragraph.statement = proposal.statement
        if proposal.summary:
            paragraph.summary = proposal.summary
        paragraph.special_conditions = [
            {"text": c.get("text", ""), "due_date": c.get("due_date")}
            for c in proposal.special_conditions or []
        ]
        # The conditions are lettered sub-points (a, b, ...) of the point about them.
        paragraph.decision_points = wording.points_with_conditions(
            points_from_list(proposal.decision_points), paragraph.special_conditions
        )
        if proposal.proposes_rejection:
            paragraph.outcome = ""
        elif proposal.proposed_amount is not None:
            paragraph.granted_amount = proposal.proposed_amount
    # The financing plan a controller approved: financier, amount and share.
    if project.approved_financing:
        paragraph.financing_rows = [
            {"financier": row["financier"], "amount": row["amount"]}
            for row in project.approved_financing
        ]
        paragraph.financing_heading = "Belopp"
    paragraph.proposal = {"text": paragraph.decision_text, "points": paragraph.decision_points}


@transaction.atomic
def paragraph_add(*, user, item: AgendaItem) -> Paragraph:
    """Make the agenda item a § with the next number of the body's year (gap-free)."""
    meeting = _lock_meeting(user, item.meeting)
    item = AgendaItem.objects.select_related("case__project").get(pk=item.pk)
    if Paragraph.objects.filter(agenda_item=item).exists():
        raise Conflict(_("Punkten är redan § %(number)s.") % {"number": item.paragraph.number})
    if not item.is_numbered:
        raise ValidationError(_("Sammanträdets öppnande får inget paragrafnummer."))
    earlier_unnumbered = (
        meeting.items.filter(position__lt=item.position)
        .exclude(kind__in=AgendaItem.UNNUMBERED)
        .filter(paragraph__isnull=True)
        .exists()
    )
    if earlier_unnumbered:
        raise ValidationError(
            _("Numrera punkterna i föredragningslistans ordning: en tidigare punkt saknar §.")
        )
    body = meeting.body
    year = meeting.date.year
    paragraph = Paragraph(
        body=body,
        year=year,
        number=1,  # replaced under the counter's lock below
        meeting=meeting,
        agenda_item=item,
        kind=item.kind,
        title=item.title,
        case=item.case,
        dnr=item.dnr_display,
        decision_intro=body.decision_intro,
    )
    _prefill(paragraph, item, meeting)
    paragraph.full_clean(exclude=["number"], validate_constraints=False)
    paragraph.number = _allocate_paragraph_number(body, year)
    try:
        with transaction.atomic():
            paragraph.save()
    except IntegrityError as exc:
        raise Conflict(
            _("§ %(number)s är redan använd för %(body)s %(year)s. Kontrollera paragrafräknaren.")
            % {"number": paragraph.number, "body": body, "year": year}
        ) from exc
    if item.case is not None:
        # The case's documents marked as beslutsunderlag (the newest version of each).
        latest: dict[str, Document] = {}
        for document in item.case.documents.filter(kind=Document.Kind.DECISION_BASIS):
            if document.title not in latest or document.version > latest[document.title].version:
                latest[document.title] = document
        paragraph.basis_documents.set(latest.values())
    if item.kind == AgendaItem.Kind.DELEGATION:
        _mark_delegation_reported(user=user, item=item, paragraph=paragraph)
    return paragraph


def _mark_delegation_reported(*, user, item: AgendaItem, paragraph: Paragraph) -> None:
    decisions = list(item.delegation_decisions.all())
    if not decisions:
        return
    workflow.delegation_decision_mark_reported(
        user=user,
        decisions=decisions,
        reported_on=paragraph.meeting.date,
        reference=paragraph.reference,
    )
    lines = [
        "{date} {dnr} {text}".format(
            date=f"{d.decided_on:%Y-%m-%d}", dnr=d.case.dnr, text=d.decision_text
        )
        for d in decisions
    ]
    paragraph.matter = [
        {"heading": "", "text": "Följande delegationsbeslut redovisas:\n" + "\n".join(lines)}
    ]
    paragraph.save(update_fields=["matter", "updated_at"])


@transaction.atomic
def meeting_number_items(*, user, meeting: Meeting) -> list[Paragraph]:
    """Give every numbered agenda item without a § the next numbers, in agenda order."""
    _lock_meeting(user, meeting)
    created = []
    for item in meeting.items.order_by("position").filter(paragraph__isnull=True):
        if item.is_numbered:
            created.append(paragraph_add(user=user, item=item))
    return created


@transaction.atomic
def paragraph_remove(*, user, paragraph: Paragraph) -> None:
    """Remove the last § of the body's year (a mistake); other numbers would leave a gap."""
    _paragraph_meeting(user, paragraph)
    counter = ParagraphCounter.objects.select_for_update().get(
        body=paragraph.body, year=paragraph.year
    )
    if paragraph.number != counter.last_number:
        raise Conflict(
            _(
                "Bara den senaste paragrafen (§ %(last)s) kan tas bort; annars uppstår en lucka "
                "i numreringen."
            )
            % {"last": counter.last_number}
        )
    if paragraph.decision_recorded_at:
        raise Conflict(
            _("Beslutet i paragrafen är registrerat i ärendet; paragrafen kan inte tas bort.")
        )
    paragraph.delete()
    counter.last_number -= 1
    counter.save(update_fields=["last_number"])


PARAGRAPH_TEXT_FIELDS = {
    "title",
    "dnr",
    "nyps_id",
    "decision_intro",
    "decision_text",
    "decision_points",
    "statement",
    "summary",
    "matter",
    "financing_rows",
    "financing_heading",
    "decision_basis",
    "appendices",
    "protocol_notes",
    "proceedings_override",
    "granted_amount",
    "special_conditions",
}


def decision_is_main_proposal(paragraph: Paragraph) -> bool:
    """Does the § still say the main proposal (liggande förslaget)? Yes until the meeting
    carried a motion or a tilläggsyrkande; the secretary's words are then the proposal."""
    return (
        paragraph.carried_motion_id is None
        and not paragraph.motions.filter(
            kind=Motion.Kind.ADDITION, outcome=Motion.Outcome.CARRIED
        ).exists()
    )


@transaction.atomic
def paragraph_update(*, user, paragraph: Paragraph, data: dict) -> Paragraph:
    """Change the texts of a §. Once the decision is recorded in the case, its amount and
    special conditions stay as recorded; its wording may still be corrected before
    signing (signing checks that it says what was decided)."""
    _paragraph_meeting(user, paragraph)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    for field, value in data.items():
        if field not in PARAGRAPH_TEXT_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        if contains_nul(value):
            raise ValidationError({field: _("Texten innehåller ett otillåtet tecken (NUL).")})
        if (
            paragraph.decision_recorded_at
            and field in ("granted_amount", "special_conditions")
            and value != getattr(paragraph, field)
        ):
            raise Conflict(
                _(
                    "Beslutet i § %(number)s är redan registrerat i ärendet och kan inte ändras. "
                    "En rättelse blir ett nytt beslut."
                )
                % {"number": paragraph.number}
            )
        if field == "financing_rows":
            value = clean_financing_rows(value)
        if field == "decision_points":
            value = points_from_list(value)
        setattr(paragraph, field, value)
    if {"decision_text", "decision_points"} & data.keys() and decision_is_main_proposal(paragraph):
        # The secretary wrote (or reworded) the main proposal: a carried main proposal
        # keeps these words (the propositionsordning, a vote).
        paragraph.proposal = {"text": paragraph.decision_text, "points": paragraph.decision_points}
    paragraph.full_clean(validate_constraints=False)
    paragraph.save()
    return paragraph


def clean_financing_rows(rows) -> list[dict]:
    cleaned = []
    for index, row in enumerate(rows or [], start=1):
        financier = str(row.get("financier", "")).strip()
        if not financier:
            raise ValidationError(
                {"financing_rows": _("Rad %(n)s saknar finansiär.") % {"n": index}}
            )
        try:
            amount = parse_amount(row.get("amount", ""))
        except AmountError as exc:
            raise ValidationError(
                {"financing_rows": _("Rad %(n)s: %(error)s") % {"n": index, "error": exc}}
            ) from exc
        cleaned.append({"financier": financier, "amount": str(amount)})
    return cleaned


def points_from_list(points) -> list[dict]:
    """Normalise decision points to ``[{"text": str, "sub": [str]}]``."""
    out = []
    for point in points or []:
        if isinstance(point, dict):
            text = str(point.get("text", "")).strip()
            sub = [str(s).strip() for s in point.get("sub", []) if str(s).strip()]
        else:
            text, sub = str(point).strip(), []
        if text:
            out.append({"text": text, "sub": sub})
    return out


_SUB_MARK = re.compile(r"^\s*(?:[a-z]\)|-|–)\s*")
_POINT_MARK = re.compile(r"^\s*\d+[.)]\s*")


def points_from_text(text: str) -> list[dict]:
    """One point per line; lines starting with ``a)``, ``-`` or indented are sub-points."""
    points: list[dict] = []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        if (_SUB_MARK.match(raw) or raw[:1].isspace()) and points:
            points[-1]["sub"].append(_SUB_MARK.sub("", raw).strip())
        else:
            points.append({"text": _POINT_MARK.sub("", raw).strip(), "sub": []})
    return points


def points_to_text(points) -> str:
    lines = []
    for point in points_from_list(points):
        lines.append(point["text"])
        for index, sub in enumerate(point["sub"]):
            lines.append(f"  {chr(ord('a') + index)}) {sub}")
    return "\n".join(lines)


def matter_from_text(text: str) -> list[dict]:
    """``## Bakgrund`` lines start a section; text before the first heading has none."""
    sections: list[dict] = []
    current: dict = {"heading": "", "lines": []}
    for line in (text or "").splitlines():
        if line.startswith("#"):
            if current["heading"] or "".join(current["lines"]).strip():
                sections.append(current)
            current = {"heading": line.lstrip("#").strip(), "lines": []}
        else:
            current["lines"].append(line)
    if current["heading"] or "".join(current["lines"]).strip():
        sections.append(current)
    return [{"heading": s["heading"], "text": "\n".join(s["lines"]).strip()} for s in sections]


def matter_to_text(matter) -> str:
    parts = []
    for section in matter or []:
        if section.get("heading"):
            parts.append(f"## {section['heading']}")
        parts.append(section.get("text", ""))
        parts.append("")
    return "\n".join(parts).strip()


def financing_from_text(text: str) -> list[dict]:
    """``Financier; amount`` per line (the amount as 1245497, 1 245 497 kr or 2 000 tkr)."""
    rows = []
    for index, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        financier, sep, amount = line.rpartition(";")
        if not sep:
            raise ValidationError(
                {"financing_rows": _("Rad %(n)s: skriv ”Finansiär; belopp”.") % {"n": index}}
            )
        rows.append({"financier": financier.strip(), "amount": amount.strip()})
    return clean_financing_rows(rows)


def financing_to_text(rows) -> str:
    return "\n".join(
        f"{row['financier']}; {format_amount(Decimal(row['amount']))}" for row in rows or []
    )


@transaction.atomic
def recipient_add(*, user, paragraph: Paragraph, name: str, email: str) -> ExtractRecipient:
    _paragraph_meeting(user, paragraph)
    position = (paragraph.recipients.aggregate(m=Max("position"))["m"] or 0) + 1
    recipient = ExtractRecipient(
        paragraph=paragraph, name=name.strip(), email=email.strip(), position=position
    )
    recipient.full_clean(validate_constraints=False)
    if paragraph.recipients.filter(name__iexact=recipient.name).exists():
        raise ValidationError(
            {"name": _("%(name)s är redan mottagare.") % {"name": recipient.name}}
        )
    recipient.save()
    return recipient


@transaction.atomic
def recipient_remove(*, user, recipient: ExtractRecipient) -> None:
    _paragraph_meeting(user, recipient.paragraph)
    recipient.delete()


def _check_outcome(paragraph: Paragraph, transition: str) -> None:
    """The body's decision in the case must be what the meeting carried."""
    carried = paragraph.carried_motion
    if carried is not None and carried.kind == Motion.Kind.REJECTION:
        if not transition.endswith("reject"):
            raise ValidationError(
                {
                    "transition": _(
                        "Ett yrkande om avslag bifölls i § %(number)s: beslutet i ärendet är "
                        "avslag."
                    )
                    % {"number": paragraph.number}
                }
            )


def decision_transitions(body: Body) -> list[str]:
    """The workflow transitions a meeting of ``body`` decides."""
    return list(BODY_TRANSITIONS.get(BodyCode(body.code), []))


# What the § gives the case's transition (paragraph_record_decision and DecisionForm.extra):
# a transition whose form needs more (AU's assessment) is recorded on the case page.
PARAGRAPH_TRANSITION_DATA = frozenset(
    {
        "decided_on",
        "reference",
        "met_on",
        "recommended_on",
        "amount",
        "decision_points",
        "special_conditions",
        "reason",
        "decision_text",
        "text",
        "motivation",
        "recommendation",
        "suspensive_conditions",
        "cost_share_percent",
        "year_split",
    }
)


def _collected_in_paragraph(name: str) -> bool:
    form_class = workflow.transition_info(name).form_class
    return all(
        key in PARAGRAPH_TRANSITION_DATA
        for key, field in form_class.base_fields.items()
        if field.required
    )


def paragraph_decision_transitions(user, paragraph: Paragraph) -> list[str]:
    """The case transitions the § decision offers ``user`` now: the body's transitions
    that ``user`` may fire, that the case's state and kind allow, and whose data the §
    has. None: the decision is recorded in the § only (``paragraph_only_note``)."""
    case = paragraph.case
    if case is None:
        return []
    return [
        name
        for name in decision_transitions(paragraph.body)
        if workflow.transition_info(name).applies_to(case)
        and workflow_permissions.can_fire(user, case, name)
        and _collected_in_paragraph(name)
    ]


def paragraph_only_note(paragraph: Paragraph) -> str:
    """Why the decision of a case § is recorded in the § only, and where the case moves."""
    names = decision_transitions(paragraph.body)
    on_case_page = [name for name in names if name not in workflow.DECIDED_IN_PARAGRAPH]
    if on_case_page:
        return _(
            "Beslutet registreras i paragrafen; ärendet flyttas inte härifrån. Handläggaren "
            "registrerar steget (%(steps)s) i ärendet på ärendesidan."
        ) % {"steps": ", ".join(str(workflow.transition_info(n).label) for n in on_case_page)}
    return _paragraph_only_refusal(paragraph)


def _only_in_paragraph(paragraph: Paragraph) -> bool:
    """Does the body decide its cases in its § only (RUN, the council, the board)? Then a
    decision not recorded in the case can never reach it afterwards: refused."""
    names = decision_transitions(paragraph.body)
    return bool(names) and all(name in workflow.DECIDED_IN_PARAGRAPH for name in names)


def _paragraph_only_refusal(paragraph: Paragraph) -> str:
    case = paragraph.case
    return _(
        "Beslutet av %(body)s kan inte registreras i ärendet, som har status %(state)s: det "
        "beslutet registreras bara här. För tillbaka ärendet till beslutssteget, eller ta "
        "bort punkten från sammanträdet."
    ) % {"state": case.get_state_display() if case else "–", "body": paragraph.body.name}


def _flat_points(paragraph: Paragraph) -> list[str]:
    out = []
    for point in paragraph.decision_points:
        text = point["text"]
        if point.get("sub"):
            text += " " + " ".join(
                f"{chr(ord('a') + i)}) {sub}" for i, sub in enumerate(point["sub"])
            )
        out.append(text)
    return out


@transaction.atomic
def paragraph_record_decision(
    *,
    user,
    paragraph: Paragraph,
    transition: str = "",
    amount: Decimal | None = None,
    reason: str = "",
    motivation: str = "",
    extra: dict | None = None,
    import_only: bool = False,
    notify: bool = True,
    blockers: Mapping[str, Sequence[str]] | None = None,
) -> Paragraph:
    """Record the body's decision in the §; for a case § fire the case's transition too.

    Both happen in this one transaction: if the workflow (or the financing app's check of
    the grant) refuses, nothing is saved and the § stays undecided. The transition log
    references the § (``RUN 2020-03-24 § 35``). ``extra`` adds transition data the body's
    transition needs (e.g. ``recommendation`` for utvecklingsforum).

    ``import_only`` records a historical protocol's decision without moving the case (demo
    data, protocols imported from the old system); it is not offered in the pages or API.
    ``blockers``: {transition: reasons} from a higher layer (the delegationsordning) why
    the body's transition may not fire; they refuse it like the machine's own conditions.
    """
    meeting = _paragraph_meeting(user, paragraph)
    paragraph = (
        Paragraph.objects.select_for_update().select_related("body", "meeting").get(pk=paragraph.pk)
    )
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(_("Markera sammanträdet som genomfört innan besluten registreras."))
    if paragraph.decision_recorded_at:
        raise Conflict(
            _("Beslutet i § %(number)s är redan registrerat.") % {"number": paragraph.number}
        )
    if paragraph.case_id is None and not paragraph.has_decision:
        raise ValidationError(_("Skriv beslutet (beslutspunkter eller beslutstext) först."))
    paragraph.decision_recorded_at = timezone.now()
    paragraph.decision_recorded_by = user
    if paragraph.case_id is None:
        paragraph.outcome = Paragraph.Outcome.DECIDED
        paragraph.save()
        return paragraph
    allowed = decision_transitions(paragraph.body)
    if not transition and not import_only:
        if paragraph_decision_transitions(user, paragraph):
            raise ValidationError({"transition": _("Välj organets beslut i ärendet.")})
        if _only_in_paragraph(paragraph):
            raise Conflict(_paragraph_only_refusal(paragraph))
        # Nothing the § can do in the case now (AU's assessment is the officer's step on
        # the case page): the body's decision is recorded in the § only.
        if not paragraph.has_decision:
            raise ValidationError(_("Skriv beslutet (beslutspunkter eller beslutstext) först."))
        carried = paragraph.carried_motion
        paragraph.outcome = (
            Paragraph.Outcome.REJECTED
            if carried is not None and carried.kind == Motion.Kind.REJECTION
            else Paragraph.Outcome.DECIDED
        )
        paragraph.full_clean(validate_constraints=False)
        paragraph.save()
        return paragraph
    if not transition:
        raise ValidationError({"transition": _("Välj organets beslut i ärendet.")})
    if transition not in allowed:
        raise ValidationError(
            {
                "transition": _("%(body)s fattar inte det beslutet i ärenden.")
                % {"body": paragraph.body}
            }
        )
    _check_outcome(paragraph, transition)
    if not paragraph.has_decision:  # nothing written: the decision in the case, in words
        paragraph.decision_text = wording.decision_for_transition(
            paragraph.body.name, transition, amount or paragraph.granted_amount
        )
    data = {
        "decided_on": meeting.date,
        "reference": paragraph.reference,
        "met_on": meeting.date,
        "recommended_on": meeting.date,
    }
    if transition == "grant":
        if amount is None:
            amount = paragraph.granted_amount
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("Ange beviljat belopp.")})
        paragraph.granted_amount = amount
        paragraph.outcome = Paragraph.Outcome.GRANTED
        data.update(
            amount=amount,
            decision_points=_flat_points(paragraph),
            special_conditions=paragraph.special_conditions,
        )
    elif transition.endswith("reject"):
        reason = (
            reason.strip() or paragraph.decision_text.strip() or " ".join(_flat_points(paragraph))
        )
        paragraph.outcome = Paragraph.Outcome.REJECTED
        paragraph.granted_amount = None
        data["reason"] = reason
    else:
        paragraph.outcome = Paragraph.Outcome.DECIDED
        text = paragraph.decision_text or " ".join(_flat_points(paragraph))
        data["decision_text"] = text
        data["text"] = text
    data.update(extra or {})
    paragraph.transition = transition
    paragraph.full_clean(validate_constraints=False)
    paragraph.save()
    if import_only:
        return paragraph
    case = paragraph.case
    assert case is not None  # a § without a case returned above
    workflow.case_transition(
        user=user,
        case=case,
        transition=transition,
        data=data,
        motivation=motivation or paragraph.reference,
        notify=notify,
        decided_in=paragraph.reference,
        blockers=(blockers or {}).get(transition, ()),
    )
    return paragraph
