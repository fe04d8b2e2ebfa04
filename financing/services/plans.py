"""Financing plans: rows per financier, submission, the controller's review, reopening."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.access import require, require_state
from core.concurrency import ensure_current
from core.errors import Conflict
from core.models import NotificationKind
from core.money import AmountError, format_amount, parse_amount
from core.notifications import notify
from core.roles import Role
from financing import permissions, selectors
from financing.models import (
    EDITABLE_PLAN_STATUSES,
    FinancingPlan,
    FinancingRow,
    FundingType,
    PlanStatus,
)
from financing.services.common import ZERO, amount_from_input
from projects import services as project_services
from projects.models import Organisation, Project


def _save_transition(plan: FinancingPlan, fields: list[str], user) -> None:
    try:
        with transaction.atomic():
            plan._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            plan.save(update_fields=[*fields, "status", "updated_at"])
    except ConcurrentTransition as exc:
        raise Conflict(
            _("Finansieringsplanen ändrades samtidigt av någon annan. Ladda om sidan.")
        ) from exc


def _organisation(value) -> Organisation:
    if isinstance(value, Organisation):
        return value
    try:
        return Organisation.objects.get(pk=int(value))
    except (TypeError, ValueError, Organisation.DoesNotExist) as exc:
        raise ValidationError({"financier": _("Välj en finansiär.")}) from exc


def _funding_type(value, types: dict[str, FundingType], kept: str | None) -> FundingType:
    """The row's funding type by code; a retired type only on a row that already has it
    (``kept``: the stored row's code)."""
    code = value.code if isinstance(value, FundingType) else str(value or "")
    funding_type = types.get(code)
    if funding_type is None:
        raise ValidationError({"funding_type": _("Välj finansieringstyp.")})
    if not funding_type.active and code != kept:
        raise ValidationError(
            {
                "funding_type": _("Finansieringstypen %(name)s används inte längre.")
                % {"name": funding_type.name}
            }
        )
    return funding_type


def _clean_rows(
    project: Project, rows: list[dict], plan: FinancingPlan | None = None
) -> list[dict]:
    """Normalise row dicts and check each against the project's period."""
    if not rows:
        raise ValidationError({"rows": _("Lägg till minst en finansieringsrad.")})
    types = {t.code: t for t in FundingType.objects.all()}
    stored = (
        {pk: str(code) for pk, code in plan.rows.values_list("pk", "funding_type")}
        if plan and plan.pk
        else {}
    )
    first = project.start_date.year if project.start_date else None
    last = project.end_date.year if project.end_date else None
    cleaned, errors = [], []
    for number, row in enumerate(rows, start=1):
        try:
            financier = _organisation(row.get("financier"))
            row_id = row.get("id")
            kept = stored.get(int(row_id)) if row_id not in (None, "") else None
            funding_type = _funding_type(row.get("funding_type"), types, kept)
            applied = amount_from_input(row.get("amount_applied"), "amount_applied", positive=False)
            granted = row.get("amount_granted")
            granted = (
                None
                if granted in (None, "")
                else amount_from_input(granted, "amount_granted", positive=False)
            )
            year = row.get("year")
            year = None if year in (None, "") else int(year)
            if year is not None and first and last and not first <= year <= last:
                raise ValidationError(
                    {
                        "year": _(
                            "Året %(year)s ligger utanför projektperioden %(first)s–%(last)s."
                        )
                        % {"year": year, "first": first, "last": last}
                    }
                )
        except ValidationError as exc:
            messages = exc.messages
            errors.append(
                _("Rad %(number)s: %(message)s") % {"number": number, "message": " ".join(messages)}
            )
            continue
        except (TypeError, ValueError):
            errors.append(_("Rad %(number)s: ogiltigt år.") % {"number": number})
            continue
        cleaned.append(
            {
                "id": row.get("id") or None,
                "financier": financier,
                "funding_type": funding_type,
                "amount_applied": applied,
                "amount_granted": granted,
                "year": year,
                "in_kind": bool(row.get("in_kind")),
                "position": number,
            }
        )
    if errors:
        raise ValidationError({"rows": errors})
    return cleaned


def total_mismatch_message(rows_total: Decimal, stated_total: Decimal) -> str:
    difference = rows_total - stated_total
    return _(
        "Raderna summerar till %(rows)s men den totala budgeten är %(stated)s. Skillnad: %(diff)s."
    ) % {
        "rows": format_amount(rows_total),
        "stated": format_amount(stated_total),
        "diff": format_amount(difference),
    }


def _store_rows(plan: FinancingPlan, rows: list[dict], user) -> None:
    existing = {row.pk: row for row in plan.rows.all()}
    keep = set()
    for data in rows:
        row_id = data.pop("id")
        row = existing.get(int(row_id)) if row_id else None
        if row_id and row is None:
            raise Conflict(_("En rad i planen har tagits bort av någon annan. Ladda om sidan."))
        if row is None:
            row = FinancingRow(plan=plan, **data)
            row.full_clean()
            row._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            row.save()
        else:
            changed = [name for name, value in data.items() if getattr(row, name) != value]
            if changed:
                for name in changed:
                    setattr(row, name, data[name])
                row.full_clean()
                row._history_user = user  # type: ignore[attr-defined]  # read by simple-history
                row.save(update_fields=changed)
        keep.add(row.pk)
    for pk, row in existing.items():
        if pk not in keep:
            row._history_user = user  # type: ignore[attr-defined]  # read by simple-history
            row.delete()


@transaction.atomic
def financing_plan_save(
    *,
    user,
    project: Project,
    stated_total,
    rows: list[dict],
    version: int | str | None = None,
) -> FinancingPlan:
    """Create or change the financing plan of a project (rows replace the old rows).

    Only the case officer, only while the plan is a draft or returned. The rows must add
    up to the stated total. Editing an approved plan is refused (409): a controller
    reopens it first, which sends it through review again.
    """
    require(permissions.plan_owner_access(user, project))
    stated_total = amount_from_input(stated_total, "stated_total", positive=False)
    plan = FinancingPlan.objects.select_for_update().filter(project=project).first()
    if plan is None:
        if version not in (None, ""):
            raise Conflict(_("Finansieringsplanen finns inte längre. Ladda om sidan."))
        plan = FinancingPlan(project=project, stated_total=stated_total, created_by=user)
    else:
        require_state(permissions.plan_state_access(plan))
        ensure_current(plan, version)
    cleaned = _clean_rows(project, rows, plan)
    rows_total = sum((r["amount_applied"] for r in cleaned), ZERO)
    if rows_total != stated_total:
        raise ValidationError({"stated_total": total_mismatch_message(rows_total, stated_total)})
    plan.stated_total = stated_total
    plan.full_clean(exclude=["project", "status"] if plan.pk else ["status"])
    try:
        with transaction.atomic():
            plan._history_user = user
            plan.save()
    except IntegrityError as exc:
        raise Conflict(_("Projektet har redan en finansieringsplan. Ladda om sidan.")) from exc
    _store_rows(plan, cleaned, user)
    return plan


@transaction.atomic
def financing_plan_record_granted(
    *, user, plan: FinancingPlan, granted: dict, version: int | None = None
) -> FinancingPlan:
    """Record what each financier granted (beviljat), in any state of the plan.

    ``granted`` maps row id -> amount or ``None``. The budget applied for is not touched.
    """
    require(permissions.can_record_granted_amounts(user, plan))
    locked = FinancingPlan.objects.select_for_update().get(pk=plan.pk)
    ensure_current(locked, version)
    rows = {row.pk: row for row in locked.rows.all()}
    errors = {}
    for row_id, value in granted.items():
        row = rows.get(int(row_id))
        if row is None:
            raise Conflict(_("En rad i planen har tagits bort av någon annan. Ladda om sidan."))
        try:
            amount = None if value in (None, "") else parse_amount(value)
        except AmountError as exc:
            errors[f"row_{row.pk}"] = str(exc)
            continue
        if row.amount_granted != amount:
            row.amount_granted = amount
            row.full_clean()
            row._history_user = user
            row.save(update_fields=["amount_granted"])
    if errors:
        raise ValidationError(errors)
    locked._history_user = user
    locked.save(update_fields=["updated_at"])
    return locked


def _lock_plan(plan: FinancingPlan) -> FinancingPlan:
    return FinancingPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)


@transaction.atomic
def financing_plan_submit(*, user, plan: FinancingPlan) -> FinancingPlan:
    """Officer: send the plan to a controller for review (draft/returned -> submitted)."""
    locked = _lock_plan(plan)
    access = permissions.can_submit_plan(user, locked)
    if not access:
        if locked.status not in EDITABLE_PLAN_STATUSES and permissions.plan_owner_access(
            user, locked.project
        ):
            raise Conflict(access.reason)
        raise PermissionDenied(access.reason)
    figures = selectors.plan_figures(locked)
    if figures.total_applied <= 0:
        raise ValidationError(_("Planen saknar finansieringsrader."))
    if not figures.adds_up:
        raise ValidationError(total_mismatch_message(figures.total_applied, locked.stated_total))
    try:
        locked.submit()
    except TransitionNotAllowed as exc:  # pragma: no cover - checked above
        raise Conflict(str(exc)) from exc
    locked.submitted_by = user
    locked.submitted_at = timezone.now()
    _save_transition(locked, ["submitted_by", "submitted_at"], user)
    project = locked.project
    controllers = (
        get_user_model().objects.filter(is_active=True, groups__name=Role.CONTROLLER).distinct()
    )
    for controller in controllers:
        notify(
            recipient=controller,
            kind=NotificationKind.PLAN_SUBMITTED,
            url=locked.get_absolute_url(),
            text=lambda: _("Finansieringsplan att granska: %(project)s") % {"project": project},
            sent_by=user,
            about={"project": project},
        )
    return locked


def _plan_reviewed_notify(plan: FinancingPlan, user, kind: str) -> None:
    """Tell the officer who submitted the plan what the controller decided."""
    project = plan.project

    def text() -> str:
        if kind == NotificationKind.PLAN_RETURNED:
            return _("Finansieringsplanen för %(project)s har återsänts för komplettering") % {
                "project": project
            }
        return _("Finansieringsplanen för %(project)s är godkänd") % {"project": project}

    def body() -> str:
        comment = plan.review_comment
        return f"{text()}.\n\n{comment}".strip() if comment else text()

    notify(
        recipient=plan.submitted_by,
        kind=kind,
        url=plan.get_absolute_url(),
        text=text,
        body=body,
        sent_by=user,
        about={"project": project},
    )


def _review_access(user, plan: FinancingPlan) -> None:
    require(permissions.review_role_access(user, plan))
    if plan.status != PlanStatus.SUBMITTED:
        raise Conflict(
            _("Finansieringsplanen är inte inskickad för granskning (status: %(status)s).")
            % {"status": plan.get_status_display()}
        )


@transaction.atomic
def financing_plan_approve(*, user, plan: FinancingPlan, comment: str = "") -> FinancingPlan:
    """Controller: approve a submitted plan.

    The rows must add up (hard check). When another check fails, the controller must say
    why the plan is approved anyway.
    """
    locked = _lock_plan(plan)
    _review_access(user, locked)
    comment = (comment or "").strip()
    checks = selectors.plan_checks(locked)
    hard = [c for c in checks if c.hard and not c.ok]
    if hard:
        raise ValidationError(" ".join(c.detail for c in hard))
    soft = [c for c in checks if c.ok is False]
    if soft and not comment:
        raise ValidationError(
            {
                "comment": _(
                    "Kontrollerna visar avvikelser (%(checks)s). Motivera godkännandet i en "
                    "kommentar."
                )
                % {"checks": "; ".join(str(c.label).lower() for c in soft)}
            }
        )
    locked.approve()
    locked.reviewed_by = user
    locked.reviewed_at = timezone.now()
    locked.review_comment = comment
    _save_transition(locked, ["reviewed_by", "reviewed_at", "review_comment"], user)
    _plan_reviewed_notify(locked, user, NotificationKind.PLAN_APPROVED)
    # The approved rows go with the project into the decision proposal and RUN's §.
    project_services.project_approved_financing_set(
        user=user,
        project=locked.project,
        rows=approved_financing_rows(locked),
        approved_on=timezone.localdate(locked.reviewed_at),
    )
    return locked


def approved_financing_rows(plan: FinancingPlan) -> list[dict]:
    """The plan's rows as the decision prints them: financier, type, amount, share (%)."""
    rows = list(plan.rows.select_related("financier", "funding_type").order_by("position", "pk"))
    total = sum((r.amount_applied for r in rows), ZERO)
    return [
        {
            "financier": row.financier.name,
            "funding_type": row.funding_type_id,
            "funding_type_name": row.funding_type.name,
            "amount": str(row.amount_applied),
            "share": str((row.amount_applied * 100 / total).quantize(Decimal("0.1")))
            if total
            else "",
        }
        for row in rows
    ]


@transaction.atomic
def financing_plan_return(*, user, plan: FinancingPlan, comment: str) -> FinancingPlan:
    """Controller: return a submitted plan to the officer with what must change."""
    locked = _lock_plan(plan)
    _review_access(user, locked)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Skriv vad som behöver kompletteras.")})
    locked.return_for_changes()
    locked.reviewed_by = user
    locked.reviewed_at = timezone.now()
    locked.review_comment = comment
    _save_transition(locked, ["reviewed_by", "reviewed_at", "review_comment"], user)
    _plan_reviewed_notify(locked, user, NotificationKind.PLAN_RETURNED)
    return locked


@transaction.atomic
def financing_plan_reopen(*, user, plan: FinancingPlan, comment: str) -> FinancingPlan:
    """Controller: reopen an approved plan for changes (approved -> draft).

    The plan must then be submitted and approved again, so a co-financing case cannot be
    put before RUN on a changed budget that nobody reviewed.
    """
    require(permissions.reopen_role_access(user))
    locked = _lock_plan(plan)
    require_state(permissions.can_reopen_plan(user, locked))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Skriv varför planen öppnas igen.")})
    locked.reopen()
    locked.reviewed_by = None
    locked.reviewed_at = None
    locked.review_comment = comment
    _save_transition(locked, ["reviewed_by", "reviewed_at", "review_comment"], user)
    project_services.project_approved_financing_set(
        user=user, project=locked.project, rows=[], approved_on=None
    )
    return locked
