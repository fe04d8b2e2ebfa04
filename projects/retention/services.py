"""The yearly retention run: prepare a proposal, approve it, destroy, log.

Only documents of closed cases past their class's period are proposed. Never weeded:
kinds whose class is kept (or that have no class), protocols and extracts the app
registered from meetings, the beslutsunderlag of a signed § (part of the record the
decision rests on), and what a request for public documents holds: the documents asked
for and the request's own outputs (the refusal, a masked copy) while it is undecided and
for ``REQUEST_HOLD`` after its decision (the requester appeals within three weeks of
receiving it; the appeal reaches the region and the court after that). Approval
re-checks every item, then destroys in ONE transaction: a document that other rows still
reference (PROTECT), or that the database refuses to let go (a signed record's trigger),
is reported as blocked and left whole; its row, file and log entry go together or not at
all.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import Min, OuterRef, ProtectedError, RestrictedError, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Conflict
from projects.models import CLOSED_STATES, Case, Document
from projects.retention.models import (
    DestructionLog,
    KindRetention,
    RetentionClass,
    RetentionItem,
    RetentionRun,
)

logger = logging.getLogger(__name__)

# Registered by decisions.meetings from signed protocols and extracts: never weeded.
PROTOCOL_SOURCE_PREFIX = "meetings.generated:"
# How long after its decision a request for public documents holds what it concerns.
REQUEST_HOLD = datetime.timedelta(days=90)


def can_approve(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "projects.approve_retention"
    )


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Candidate:
    document: Document
    retention_class: RetentionClass
    closed_on: datetime.date


def _closed_on_subquery():
    """The first moment the case was in a closing state (from its history)."""
    history = Case.history.model
    return Subquery(
        history.objects.filter(id=OuterRef("case_id"), state__in=CLOSED_STATES)
        .values("id")
        .annotate(first=Min("history_date"))
        .values("first")[:1]
    )


def candidates(as_of: datetime.date) -> list[Candidate]:
    """Every document that may be destroyed on ``as_of``, in registry order."""
    classes = {
        row.kind: row.retention_class
        for row in KindRetention.objects.select_related("retention_class__decision")
        if not row.retention_class.keep
    }
    if not classes:
        return []
    held_since = as_of - REQUEST_HOLD
    documents = (
        Document.objects.filter(case__state__in=CLOSED_STATES, kind__in=list(classes))
        .exclude(source_key__startswith=PROTOCOL_SOURCE_PREFIX)
        .exclude(requests__decision="")
        .exclude(requests__decided_on__gt=held_since)
        .exclude(request_outputs__decided_on__gt=held_since)
        .exclude(paragraphs__meeting__status="signed")
        .exclude(paragraphs__adjusted_at__isnull=False)
        .select_related("case")
        .annotate(closed_at=_closed_on_subquery())
        .order_by("case__year", "case__number", "registry_number")
    )
    found = []
    for document in documents:
        closed_at = document.closed_at
        closed_on = (
            timezone.localdate(closed_at) if closed_at else document.case.decided_on
        ) or timezone.localdate(document.case.updated_at)
        retention_class = classes[document.kind]
        if add_years(closed_on, retention_class.years or 0) <= as_of:
            found.append(Candidate(document, retention_class, closed_on))
    return found


@transaction.atomic
def prepare_run(*, user=None, as_of: datetime.date | None = None) -> RetentionRun:
    """A new proposal listing what may be destroyed. One open proposal at a time."""
    as_of = as_of or timezone.localdate()
    if (
        RetentionRun.objects.select_for_update()
        .filter(status=RetentionRun.Status.PROPOSED)
        .exists()
    ):
        raise Conflict(_("Det finns redan ett gallringsförslag som väntar på godkännande."))
    run = RetentionRun.objects.create(as_of=as_of, prepared_by=user)
    RetentionItem.objects.bulk_create(
        RetentionItem(
            run=run,
            document=candidate.document,
            dnr=candidate.document.case.dnr,
            document_number=candidate.document.registry_label,
            title=candidate.document.title,
            class_name=candidate.retention_class.name,
            decision_reference=candidate.retention_class.decision.reference,
            closed_on=candidate.closed_on,
        )
        for candidate in candidates(as_of)
    )
    return run


@transaction.atomic
def cancel_run(*, user, run: RetentionRun) -> None:
    run = RetentionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RetentionRun.Status.PROPOSED:
        raise Conflict(_("Gallringen är redan avgjord."))
    run.status = RetentionRun.Status.CANCELLED
    run.save(update_fields=["status"])


def approve_run(*, user, run: RetentionRun) -> RetentionRun:
    """Approve the proposal and destroy what is still allowed; files leave storage only
    after the transaction has committed."""
    files: list = []
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RetentionRun.Status.PROPOSED:
            raise Conflict(_("Gallringen är redan avgjord."))
        now = timezone.now()
        run.status = RetentionRun.Status.DONE
        run.approved_by = user
        run.approved_at = now
        run.save(update_fields=["status", "approved_by", "approved_at"])
        allowed = {c.document.pk: c for c in candidates(run.as_of)}
        items = list(run.items.select_related("document__case"))
        # Attachments before the documents they belong to (parent is PROTECT).
        items.sort(key=lambda item: item.document is None or item.document.parent_id is None)
        approver = user.get_full_name() or user.get_username()
        for item in items:
            candidate = allowed.get(item.document_id) if item.document_id else None
            if candidate is None:
                item.outcome = RetentionItem.Outcome.SKIPPED
                item.reason = _("Handlingen får inte längre gallras eller finns inte.")
                item.save(update_fields=["outcome", "reason"])
                continue
            document = candidate.document
            try:
                with transaction.atomic():
                    DestructionLog.objects.create(
                        destroyed_at=now,
                        run=run,
                        dnr=document.case.dnr,
                        document_number=document.registry_label,
                        title=document.title,
                        kind=document.kind,
                        original_name=document.original_name,
                        sha256=document.sha256,
                        document_date=document.document_date,
                        class_name=candidate.retention_class.name,
                        decision_reference=candidate.retention_class.decision.reference,
                        decision_date=candidate.retention_class.decision.decided_on,
                        approved_by=user,
                        approved_by_name=approver,
                        approved_at=now,
                    )
                    file_name = document.file.name
                    storage = document.file.storage
                    item.document = None
                    item.outcome = RetentionItem.Outcome.DESTROYED
                    item.save(update_fields=["document", "outcome"])
                    document.delete()
            except (ProtectedError, RestrictedError, DatabaseError) as exc:
                item.refresh_from_db()
                item.outcome = RetentionItem.Outcome.BLOCKED
                item.reason = _blocked_reason(exc)
                item.save(update_fields=["outcome", "reason"])
                continue
            files.append((storage, file_name))

        def remove_files():
            for storage, name in files:
                try:
                    storage.delete(name)
                except OSError:
                    logger.exception("retention: could not delete file %s", name)

        transaction.on_commit(remove_files)
    return run


def _blocked_reason(exc: Exception) -> str:
    objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None)
    if objects:
        names = sorted({obj._meta.verbose_name for obj in objects})
        return _("Hänvisas till av: %(what)s") % {"what": ", ".join(str(n) for n in names)}
    return _("Hänvisas till av andra uppgifter.")[:300]
