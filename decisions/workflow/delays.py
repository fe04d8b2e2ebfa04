"""Delayed cases (förvaltningslagen 11-12 §§).

- **11 §**: when the region judges that the decision in a case a party began will be
  substantially delayed, it tells the party so and why (``notify_delay``: a letter,
  registered as outgoing).
- **12 §**: a case a party began and that is not decided within six months: the party may
  ask in writing that it be decided. Within four weeks of the request's arrival the region
  either decides the case or refuses the request in a decision of its own, with reasons,
  which can be appealed (``register_demand``, ``refuse_demand``).

Both concern cases an *enskild part* began: here the applications for co-financing
(``PARTY_CASE_KINDS``; a project idea is the region's own) of an applicant that is not
itself a public body (``PUBLIC_KINDS``: a municipality, a region, a state agency or
university), or whose applicant is not recorded (``applies``).

Dates are counted as the law counts them: six months from the day the case came in (the
same date six months later; the month's last day when it has no such date), four weeks
from the day the request came in, and a last day that falls on a Saturday, Sunday or
holiday moves to the next working day (lag 1930:173, ``core.workdays``).
"""

import calendar
import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.access import require
from core.concurrency import lock
from core.errors import Conflict
from core.pdf import PdfRenderError, render_pdf
from core.workdays import next_working_day_from
from decisions.workflow.models import DecisionDemand, DelayNotice
from projects import permissions as project_permissions
from projects import services as project_services
from projects.models import Case, CaseKind, Document, Organisation

# the kinds of case a party begins by applying, and the applicants that are public bodies
PARTY_CASE_KINDS = frozenset({CaseKind.CO_FINANCING})
PUBLIC_KINDS = frozenset(
    {
        Organisation.Kind.MUNICIPALITY,
        Organisation.Kind.REGION,
        Organisation.Kind.GOVERNMENT_AGENCY,
        Organisation.Kind.UNIVERSITY,
    }
)
DEMAND_MONTHS = 6
ANSWER_DAYS = 28  # four weeks
REASON_CHARS = 5000


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same date ``months`` later, or that month's last day when it has none
    (2020-08-31 + 6 months = 2021-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def six_months_end(case: Case) -> datetime.date:
    """The last day of the six months in which the case should be decided (12 §)."""
    return add_months(case.received_on, DEMAND_MONTHS)


def may_demand_from(case: Case) -> datetime.date:
    """The first day the party may ask for a decision: the day after the six months."""
    return six_months_end(case) + datetime.timedelta(days=1)


def answer_due(received_on: datetime.date) -> datetime.date:
    """The last day to decide the case or refuse the request: four weeks after it came in,
    moved past a non-working day."""
    return next_working_day_from(received_on + datetime.timedelta(days=ANSWER_DAYS))


def party_of(case: Case) -> str:
    """Who began the case: the project's applicant, else its owner ("" when neither is
    recorded: the officer writes it; a contact person's name may be marked secret)."""
    project = case.project
    for organisation in (project.applicant, project.owner):
        if organisation is not None:
            return organisation.name
    return ""


def applies(case: Case) -> bool:
    """Whether 11-12 §§ bind the case: an application of a party that is not a public body
    (an applicant not recorded counts as a party: the officer judges)."""
    if case.kind not in PARTY_CASE_KINDS:
        return False
    applicant = case.project.applicant
    return applicant is None or applicant.kind not in PUBLIC_KINDS


def is_pending(case: Case) -> bool:
    """Not yet decided in first instance (nor closed without a decision)."""
    return case.is_open and case.decided_on is None


def is_premature(demand: DecisionDemand, case: Case) -> bool:
    """Made before the six months had run (from the case's receipt date as it is now): the
    law gives such a request no four weeks."""
    return demand.received_on < may_demand_from(case)


@dataclass(frozen=True)
class DemandStatus:
    """Where a request for a decision stands, as the case page and the task list say it."""

    key: str  # "premature", "open", "late", "decided", "decided_late", "refused", "closed"
    label: str
    tone: str


def waiting_demand(demands, case: Case) -> DecisionDemand | None:
    """The request among ``demands`` still waiting for its answer (not refused, and made
    after the six months): one at a time."""
    return next(
        (d for d in demands if not d.refused_on and not is_premature(d, case)),
        None,
    )


def demand_status(demand: DecisionDemand, case: Case, today: datetime.date | None = None):
    today = today or timezone.localdate()
    if demand.refused_on:
        return DemandStatus(
            "refused",
            _("Begäran avslogs %(date)s") % {"date": f"{demand.refused_on:%Y-%m-%d}"},
            "grey",
        )
    if is_premature(demand, case):
        return DemandStatus(
            "premature",
            _(
                "Inkom innan sex månader hade gått (från %(date)s): ingen frist enligt 12 § "
                "förvaltningslagen"
            )
            % {"date": f"{may_demand_from(case):%Y-%m-%d}"},
            "grey",
        )
    if case.decided_on is not None:
        late = case.decided_on > demand.due_on
        label = (
            _("Ärendet avgjordes %(date)s, efter fristen")
            if late
            else _("Ärendet avgjordes %(date)s, inom fristen")
        )
        return DemandStatus(
            "decided_late" if late else "decided",
            label % {"date": f"{case.decided_on:%Y-%m-%d}"},
            "red" if late else "green",
        )
    if not case.is_open:
        return DemandStatus("closed", _("Ärendet avslutades utan beslut"), "grey")
    if demand.due_on < today:
        return DemandStatus(
            "late",
            _("Skulle ha besvarats senast %(date)s") % {"date": f"{demand.due_on:%Y-%m-%d}"},
            "red",
        )
    return DemandStatus(
        "open",
        _("Ska avgöras eller avslås senast %(date)s") % {"date": f"{demand.due_on:%Y-%m-%d}"},
        "amber",
    )


def check_date(value: datetime.date, case: Case, field: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: _("Datumet kan inte ligga i framtiden.")})
    if value < case.received_on:
        raise ValidationError(
            {
                field: _("Datumet kan inte ligga före ärendets inkomstdatum %(date)s.")
                % {"date": f"{case.received_on:%Y-%m-%d}"}
            }
        )


def required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > REASON_CHARS:
        raise ValidationError(
            {field: _("Högst %(n)s tecken.") % {"n": f"{REASON_CHARS:,}".replace(",", " ")}}
        )
    return value


def letter_pdf(template: str, context: dict) -> bytes:
    """A letter or decision of the region as PDF (Swedish). A rendering failure refuses the
    action that makes it (409, nothing saved) rather than failing with a server error."""
    try:
        return _letter_pdf(template, context)
    except PdfRenderError as exc:
        raise Conflict(
            _("Dokumentet kunde inte skapas som PDF (%(error)s). Inget är sparat; försök igen.")
            % {"error": exc}
        ) from exc


def _letter_pdf(template: str, context: dict) -> bytes:
    with translation.override("sv"):
        html = render_to_string(
            template,
            {
                **context,
                "region": settings.REGION_NAME,
                "appeal": settings.DECISION_DEMAND_APPEAL.replace(
                    "%(region)s", settings.REGION_NAME
                ),
            },
        )
    return render_pdf(html)


def stored_text(text: str, **values) -> str:
    """A text stored in the registry: Swedish whatever the user's language (the title also
    names the document's series of versions), so not translated."""
    return text % values if values else text


def locked_case(case: Case) -> Case:
    """The case read again under its row lock: two registrations queue."""
    current = lock(Case, case.pk)
    return Case.objects.select_related("project__applicant", "project__owner", "officer").get(
        pk=current.pk
    )


def require_applies(case: Case) -> None:
    if not applies(case):
        raise Conflict(
            _(
                "11-12 §§ förvaltningslagen gäller ärenden som en enskild part har inlett: "
                "inte detta ärende."
            )
        )


def save_or_drop_files(record, user, *documents) -> None:
    """Save ``record``; if that fails, the files just stored for ``documents`` go too (their
    rows roll back with the transaction)."""
    try:
        record._history_user = user
        record.save()
    except Exception:
        for document in documents:
            if document is not None:
                document.file.delete(save=False)
        raise


@transaction.atomic
def notify_delay(
    *,
    user,
    case: Case,
    recipient: str,
    reason: str,
    expected_on: datetime.date | None = None,
    token: str = "",
) -> DelayNotice:
    """Tell the party that the case will be substantially delayed and why (11 §): the
    letter is made, registered in the case as outgoing, and kept as made. ``token`` (the
    form's, one per form shown): the same form sent twice makes one letter."""
    current = locked_case(case)
    require(project_permissions.can_edit_case(user, current))
    require_applies(current)
    key = f"delay-notice:{form_token(token)}"
    already = DelayNotice.objects.filter(case=current, document__source_key=key).first()
    if already is not None:
        return already
    if not is_pending(current):
        raise Conflict(_("Ärendet är redan avgjort: det finns ingen försening att underrätta om."))
    reason = required_text(
        reason, "reason", _("Ange anledningen till förseningen (11 § förvaltningslagen).")
    )
    recipient = required_text(recipient, "recipient", _("Ange mottagaren."))[:200]
    today = timezone.localdate()
    if expected_on is not None and expected_on < today:
        raise ValidationError({"expected_on": _("Datumet kan inte ligga i det förflutna.")})
    notice = DelayNotice(
        case=current,
        recipient=recipient,
        reason=reason,
        expected_on=expected_on,
        sent_on=today,
        created_by=user,
    )
    notice.full_clean(exclude=["document"])
    content = letter_pdf(
        "decisions/workflow/delay_notice_document.html",
        {
            "case": current,
            "notice": notice,
            "officer": current.officer,
            "may_demand_from": may_demand_from(current),
        },
    )
    number = DelayNotice.objects.filter(case=current).count() + 1
    notice.document = project_services.document_register_generated(
        case=current,
        source_key=key,
        title=stored_text("Underrättelse om försening"),
        filename=f"forsening-{current.dnr}-{number}.pdf",
        content=content,
        direction=Document.Direction.OUTGOING,
        kind=Document.Kind.CORRESPONDENCE,
        user=user,
        party_name=recipient,
        party_kind=Document.PartyKind.ORGANISATION,
        description=stored_text(
            "Underrättelse om försening (11 § förvaltningslagen) till %(to)s", to=recipient
        ),
        document_date=today,
    )
    save_or_drop_files(notice, user, notice.document)
    return notice


def form_token(token: str) -> str:
    """The form's one-time token as a UUID, or a new one (a caller without a form)."""
    try:
        return str(uuid.UUID(str(token)))
    except ValueError:
        return str(uuid.uuid4())


def demand_documents(case: Case):
    """The registered incoming documents a request can be (newest first)."""
    return case.documents.filter(direction=Document.Direction.INCOMING).order_by("-registry_number")


@transaction.atomic
def register_demand(
    *,
    user,
    case: Case,
    party: str,
    received_on: datetime.date,
    document: Document | None = None,
    file=None,
) -> DecisionDemand:
    """Register a party's written request that the case be decided (12 §). The request is
    a document of the case: one already registered (``document``), or the file uploaded
    here, registered as incoming. A request made within the six months is registered as
    premature, with no four weeks to answer."""
    current = locked_case(case)
    require(project_permissions.can_edit_case(user, current))
    require_applies(current)
    if not is_pending(current):
        raise Conflict(_("Ärendet är redan avgjort: en begäran om avgörande kan inte registreras."))
    party = required_text(party, "party", _("Ange vem som begär avgörande."))[:200]
    if received_on is None:
        raise ValidationError({"received_on": _("Ange dagen begäran kom in.")})
    check_date(received_on, current, "received_on")
    waiting = waiting_demand(DecisionDemand.objects.filter(case=current), current)
    if waiting is not None:
        raise Conflict(
            _("En begäran om avgörande som inkom %(date)s väntar redan på svar.")
            % {"date": f"{waiting.received_on:%Y-%m-%d}"}
        )
    uploaded = None
    if (document is None) == (file is None):
        raise ValidationError(
            {
                "document": _(
                    "Begäran ska vara skriftlig: välj den registrerade skrivelsen eller "
                    "ladda upp den (en av dem)."
                )
            }
        )
    if document is not None:
        if document.case_id != current.pk or document.direction != Document.Direction.INCOMING:
            raise ValidationError({"document": _("Välj en inkommen handling i ärendet.")})
        if DecisionDemand.objects.filter(request_document=document).exists():
            raise Conflict(
                _("Handling nr %(number)s är redan registrerad som en begäran om avgörande.")
                % {"number": document.registry_number}
            )
    else:
        document = project_services.document_upload(
            user=user,
            case=current,
            file=file,
            title=stored_text("Begäran om avgörande"),
            kind=Document.Kind.CORRESPONDENCE,
            direction=Document.Direction.INCOMING,
            document_date=received_on,
            party_kind=Document.PartyKind.ORGANISATION,
            party_name=party,
            description=stored_text(
                "Begäran om avgörande (12 § förvaltningslagen) från %(party)s", party=party
            ),
        )
        uploaded = document
    demand = DecisionDemand(
        case=current,
        party=party,
        received_on=received_on,
        request_document=document,
        due_on=answer_due(received_on),
        created_by=user,
    )
    demand.full_clean(validate_constraints=False)
    save_or_drop_files(demand, user, uploaded)
    return demand


@transaction.atomic
def refuse_demand(*, user, demand: DecisionDemand, reasoning: str) -> DecisionDemand:
    """Refuse the request in a decision of its own, with the reasons and how to appeal
    (12 §; the reasons, 32 §): the decision is made, registered as outgoing and kept as
    made. The case itself goes on."""
    current = lock(DecisionDemand, demand.pk)
    case = locked_case(current.case)
    require(project_permissions.can_edit_case(user, case))
    if current.refused_on:
        raise Conflict(_("Begäran är redan avslagen."))
    if is_premature(current, case):
        raise Conflict(
            _(
                "Begäran kom in innan sex månader hade gått: 12 § förvaltningslagen ger den "
                "ingen frist och den avslås inte i ett eget beslut."
            )
        )
    if not is_pending(case):
        raise Conflict(_("Ärendet är redan avgjort: begäran är besvarad med beslutet."))
    current.reasoning = required_text(
        reasoning,
        "reasoning",
        _("Ange skälen för att ärendet inte kan avgöras nu (32 § förvaltningslagen)."),
    )
    current.refused_on = timezone.localdate()
    current.refused_by = user
    content = letter_pdf(
        "decisions/workflow/demand_refusal_document.html",
        {"case": case, "demand": current, "decided_by": user},
    )
    current.refusal_document = project_services.document_register_generated(
        case=case,
        source_key=f"decision-demand:{current.pk}:refusal",
        title=stored_text("Beslut om avslag på begäran om avgörande"),
        filename=f"avslag-begaran-om-avgorande-{case.dnr}-{current.pk}.pdf",
        content=content,
        direction=Document.Direction.OUTGOING,
        kind=Document.Kind.CORRESPONDENCE,
        user=user,
        party_name=current.party,
        party_kind=Document.PartyKind.ORGANISATION,
        description=stored_text(
            "Avslag på begäran om avgörande (12 § förvaltningslagen) till %(party)s",
            party=current.party,
        ),
        document_date=current.refused_on,
    )
    current.full_clean(validate_constraints=False)
    save_or_drop_files(current, user, current.refusal_document)
    return current
