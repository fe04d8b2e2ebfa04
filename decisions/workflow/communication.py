"""Kommunicering (förvaltningslagen 25 §): before a case a party began is decided, the
party is told of the material of importance for the decision and given a set time to
answer it, unless that is plainly unnecessary (a decision wholly in the party's favour, or
material that is the party's own). The letter lists the material; it is made once and
registered as outgoing. The party's answer is registered as incoming when it comes.

25 § binds every party, public bodies applying included (unlike 11-12 §§): here the
applications (``delays.PARTY_CASE_KINDS``; a project idea is the region's own). A decision
proposal that goes against the party (a refusal, or less than was applied for) with nothing
communicated is flagged on the case page (``needs_communication``); a delegate's decision
against the party is refused while the time to answer runs
(``decisions.workflow.services._party_heard_rules``).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from core.concurrency import lock
from core.errors import Conflict
from core.workdays import next_working_day_from
from decisions.workflow import delays
from decisions.workflow.models import Communication
from projects import permissions as project_permissions
from projects import secrecy
from projects import services as project_services
from projects.models import Case, Document, SecrecyMarking

DEFAULT_REPLY_DAYS = 14
MOST_REPLY_DAYS = 366


def default_reply_by(today: datetime.date | None = None) -> datetime.date:
    """Two weeks from today, moved past a non-working day."""
    today = today or timezone.localdate()
    return next_working_day_from(today + datetime.timedelta(days=DEFAULT_REPLY_DAYS))


@dataclass(frozen=True)
class CommunicationStatus:
    key: str  # "replied", "waiting", "lapsed"
    label: str
    tone: str


def applies(case: Case) -> bool:
    """Whether the case has a party who applied (25 §)."""
    return case.kind in delays.PARTY_CASE_KINDS


def require_applies(case: Case) -> None:
    if not applies(case):
        raise Conflict(
            _(
                "Kommunicering enligt 25 § förvaltningslagen görs i ärenden som en part har "
                "inlett genom en ansökan: inte i detta ärende."
            )
        )


def against_the_party(case: Case, proposal) -> bool:
    """The proposal refuses, or grants less than was applied for."""
    if proposal is None:
        return False
    if proposal.proposes_rejection:
        return True
    requested = case.project.requested_amount
    amount = proposal.proposed_amount
    return amount is not None and requested is not None and amount < requested


def status(communication: Communication, today: datetime.date | None = None):
    today = today or timezone.localdate()
    if communication.replied_on:
        return CommunicationStatus(
            "replied",
            _("Svar inkom %(date)s") % {"date": f"{communication.replied_on:%Y-%m-%d}"},
            "green",
        )
    if communication.reply_by >= today:
        return CommunicationStatus(
            "waiting",
            _("Svar senast %(date)s: beslut mot parten tidigast dagen efter")
            % {"date": f"{communication.reply_by:%Y-%m-%d}"},
            "amber",
        )
    return CommunicationStatus(
        "lapsed",
        _("Inget svar; svarstiden gick ut %(date)s")
        % {"date": f"{communication.reply_by:%Y-%m-%d}"},
        "grey",
    )


def needs_communication(case: Case, communications, proposal) -> bool:
    """A proposal against the party of a pending case with nothing communicated."""
    return bool(
        not communications
        and applies(case)
        and delays.is_pending(case)
        and against_the_party(case, proposal)
    )


def material_documents(case: Case):
    """The case's documents that can be communicated, in number order: the latest version
    of each, not the region's own letters to the party about it."""
    newer = Document.objects.filter(
        case_id=OuterRef("case_id"), title=OuterRef("title"), version__gt=OuterRef("version")
    )
    return (
        case.documents.exclude(Exists(newer))
        .exclude(source_key__startswith="communication:")
        .exclude(source_key__startswith="delay-notice:")
        .order_by("registry_number")
    )


@transaction.atomic
def communicate(
    *,
    user,
    case: Case,
    recipient: str,
    documents,
    reply_by: datetime.date,
    message: str = "",
    token: str = "",
) -> Communication:
    """Send the party the material and a time to answer it (25 §): the letter listing it
    is made, registered as outgoing and kept as made. ``token``: as ``notify_delay``'s."""
    current = delays.locked_case(case)
    require(project_permissions.can_edit_case(user, current))
    require_applies(current)
    key = f"communication:{delays.form_token(token)}"
    already = Communication.objects.filter(case=current, letter__source_key=key).first()
    if already is not None:
        return already
    if not delays.is_pending(current):
        raise Conflict(_("Ärendet är redan avgjort: det finns inget beslut att kommunicera inför."))
    recipient = delays.required_text(recipient, "recipient", _("Ange mottagaren."))[:200]
    message = (message or "").strip()
    if len(message) > delays.REASON_CHARS:
        raise ValidationError({"message": _("Högst %(n)s tecken.") % {"n": "5 000"}})
    documents = sorted(documents or [], key=lambda d: d.registry_number)
    if not documents:
        raise ValidationError({"documents": _("Välj underlaget som parten ska få yttra sig över.")})
    if any(d.case_id != current.pk for d in documents):
        raise ValidationError({"documents": _("Underlaget ska höra till ärendet.")})
    secrets = secrecy.secrets_for(user, [current])
    hidden = [d.registry_number for d in documents if secrets.hides_document(d)]
    if hidden:
        raise ValidationError(
            {
                "documents": _(
                    "Handling nr %(numbers)s är sekretessmarkerad för dig: den som får se "
                    "den kommunicerar den."
                )
                % {"numbers": ", ".join(str(n) for n in hidden)}
            }
        )
    today = timezone.localdate()
    if reply_by is None or reply_by <= today:
        raise ValidationError({"reply_by": _("Svarstiden ska sluta efter i dag.")})
    if reply_by > today + datetime.timedelta(days=MOST_REPLY_DAYS):
        raise ValidationError({"reply_by": _("Svarstiden får vara högst ett år.")})
    if next_working_day_from(reply_by) != reply_by:
        # A time limit ending on a non-working day runs to the next working day (lag
        # 1930:173): the letter states the day the party really has.
        raise ValidationError(
            {
                "reply_by": _(
                    "%(date)s är ingen arbetsdag: svarstiden löper då till nästa arbetsdag. "
                    "Ange %(next)s."
                )
                % {
                    "date": f"{reply_by:%Y-%m-%d}",
                    "next": f"{next_working_day_from(reply_by):%Y-%m-%d}",
                }
            }
        )
    communication = Communication(
        case=current,
        recipient=recipient,
        message=message,
        sent_on=today,
        reply_by=reply_by,
        created_by=user,
    )
    communication.full_clean(exclude=["letter"])
    content = delays.letter_pdf(
        "decisions/workflow/communication_document.html",
        {
            "case": current,
            "communication": communication,
            "documents": documents,
            "officer": current.officer,
        },
    )
    number = Communication.objects.filter(case=current).count() + 1
    numbers = ", ".join(str(d.registry_number) for d in documents)
    communication.letter = project_services.document_register_generated(
        case=current,
        source_key=key,
        title=delays.stored_text("Kommunicering"),
        filename=f"kommunicering-{current.dnr}-{number}.pdf",
        content=content,
        direction=Document.Direction.OUTGOING,
        kind=Document.Kind.CORRESPONDENCE,
        user=user,
        party_name=recipient,
        party_kind=Document.PartyKind.ORGANISATION,
        description=delays.stored_text(
            "Kommunicering (25 § förvaltningslagen) av nr %(numbers)s till %(to)s, svar senast "
            "%(date)s",
            numbers=numbers,
            to=recipient,
            date=f"{reply_by:%Y-%m-%d}",
        ),
        document_date=today,
    )
    delays.save_or_drop_files(communication, user, communication.letter)
    communication.documents.set(documents)
    _mark_if_listing_marked(current, communication.letter, documents, user)
    return communication


def _mark_if_listing_marked(case: Case, letter: Document, documents, user) -> None:
    """A letter listing documents marked secret (OSL) is marked too, on the first one's
    provision: their titles are in it."""
    marked = [d for d in documents if d.confidential]
    if not marked:
        return
    first = (
        SecrecyMarking.objects.filter(document__in=marked, lifted_at__isnull=True)
        .select_related("provision")
        .order_by("pk")
        .first()
    )
    project_services.secrecy_mark(
        user=user,
        case=case,
        document=letter,
        provision=first.provision if first is not None else None,
        note=delays.stored_text(
            "Brevet listar sekretessmarkerat underlag: nr %(numbers)s",
            numbers=", ".join(str(d.registry_number) for d in marked),
        ),
    )


def reply_documents(case: Case):
    """The registered incoming documents an answer can be (newest first)."""
    return delays.demand_documents(case)


@transaction.atomic
def record_reply(
    *,
    user,
    communication: Communication,
    received_on: datetime.date,
    document: Document | None = None,
    file=None,
) -> Communication:
    """Register the party's answer: a document already registered, or the file uploaded
    here (registered as incoming)."""
    current = lock(Communication, communication.pk)
    case = delays.locked_case(current.case)
    require(project_permissions.can_edit_case(user, case))
    if current.replied_on:
        raise Conflict(_("Svaret är redan registrerat."))
    if received_on is None:
        raise ValidationError({"received_on": _("Ange dagen svaret kom in.")})
    delays.check_date(received_on, case, "received_on")
    if received_on < current.sent_on:
        raise ValidationError(
            {"received_on": _("Svaret kan inte ha kommit in före kommuniceringen.")}
        )
    if (document is None) == (file is None):
        raise ValidationError(
            {"document": _("Välj det registrerade svaret eller ladda upp det (en av dem).")}
        )
    uploaded = None
    if document is not None:
        if document.case_id != case.pk or document.direction != Document.Direction.INCOMING:
            raise ValidationError({"document": _("Välj en inkommen handling i ärendet.")})
        if (
            document.document_date < current.sent_on
            or current.documents.filter(pk=document.pk).exists()
        ):
            raise ValidationError(
                {
                    "document": _(
                        "Handling nr %(number)s kom in före kommuniceringen %(sent)s: välj "
                        "partens svar."
                    )
                    % {"number": document.registry_number, "sent": f"{current.sent_on:%Y-%m-%d}"}
                }
            )
        if Communication.objects.filter(reply=document).exists():
            raise Conflict(
                _("Handling nr %(number)s är redan registrerad som svar.")
                % {"number": document.registry_number}
            )
    else:
        document = uploaded = project_services.document_upload(
            user=user,
            case=case,
            file=file,
            title=delays.stored_text("Yttrande över kommunicerat underlag"),
            kind=Document.Kind.CORRESPONDENCE,
            direction=Document.Direction.INCOMING,
            document_date=received_on,
            party_kind=Document.PartyKind.ORGANISATION,
            party_name=current.recipient,
            description=delays.stored_text(
                "Yttrande (25 § förvaltningslagen) från %(party)s", party=current.recipient
            ),
        )
    current.reply = document
    current.replied_on = received_on
    current.full_clean(validate_constraints=False)
    delays.save_or_drop_files(current, user, uploaded)
    return current
