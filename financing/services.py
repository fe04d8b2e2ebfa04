"""Writes of the financing app.

Every function takes keyword-only arguments and the acting user, runs in a transaction,
validates with ``full_clean`` before saving, and raises ``ValidationError`` (bad input,
400), ``PermissionDenied`` (403) or ``Conflict`` (409: stale or frozen record).

Money that leaves the anslag is serialised on the year's ``Grant`` row
(``select_for_update``): a commitment is checked against what is left only while the
lock is held, so two decisions at the same moment cannot both pass when only one fits.
Payments and releases lock their commitment row the same way.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from financing import permissions, selectors
from financing.models import (
    EDITABLE_PLAN_STATUSES,
    Allocation,
    AllocationDimension,
    Commitment,
    FinancingPlan,
    FinancingRow,
    FundingType,
    Grant,
    GrantCategory,
    LeaderGender,
    Payment,
    PlanStatus,
    Release,
)
from norrbotten_cases.access import Access
from norrbotten_cases.errors import Conflict
from norrbotten_cases.money import AmountError, format_amount, parse_amount
from projects.models import Case, Organisation, Project, ReportPriority

ZERO = Decimal("0.00")

# Default RUS priority of recorded commitments outside projektverksamhet (seed 004 2.1:
# "innovation ... innefattar samtliga beviljade medel inom företagsstöd", attraktiva
# livsmiljöer "samtliga beviljade medel inom kommersiell service").
DEFAULT_PRIORITY = {
    GrantCategory.BUSINESS_SUPPORT: ReportPriority.INNOVATION,
    GrantCategory.COMMERCIAL_SERVICE: ReportPriority.ATTRACTIVE_ENVIRONMENTS,
}


def _require(access: Access) -> None:
    if not access:
        raise PermissionDenied(access.reason)


def _require_state(access: Access) -> None:
    if not access:
        raise Conflict(access.reason)


def _stale(obj, version) -> None:
    if version not in (None, "") and int(version) != obj.version:
        raise Conflict(
            _(
                "Någon annan har ändrat uppgifterna sedan du öppnade sidan. "
                "Ladda om sidan och gör om din ändring."
            )
        )


def _amount(value, field: str, *, positive: bool = True) -> Decimal:
    try:
        amount = parse_amount(value)
    except AmountError as exc:
        raise ValidationError({field: str(exc)}) from exc
    if positive and amount <= 0:
        raise ValidationError({field: _("Beloppet måste vara större än noll.")})
    return amount


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("Ange ett datum som 2020-03-24.")}) from exc


def _save_transition(plan: FinancingPlan, fields: list[str], user) -> None:
    try:
        with transaction.atomic():
            plan._history_user = user
            plan.save(update_fields=[*fields, "status", "updated_at"])
    except ConcurrentTransition as exc:
        raise Conflict(
            _("Finansieringsplanen ändrades samtidigt av någon annan. Ladda om sidan.")
        ) from exc


# --- Anslag 1:1 and the allocation plan ------------------------------------------------


def allocation_field(dimension: str, key: str) -> str:
    """The name used for an allocation in forms and error messages: ``category_project``."""
    return f"{dimension}_{key}"


ALLOCATION_KEYS = [(AllocationDimension.CATEGORY, key) for key in GrantCategory.values] + [
    (AllocationDimension.PRIORITY, key) for key in ReportPriority.values
]


def _validate_allocations(grant: Grant, allocations: dict) -> dict:
    """Normalise ``{(dimension, key): amount | None}`` and check it against the anslag."""
    cleaned: dict[tuple[str, str], Decimal | None] = {}
    errors: dict[str, str] = {}
    for (dimension, key), value in allocations.items():
        if (dimension, key) not in ALLOCATION_KEYS:
            raise ValidationError(
                _("Okänd fördelning: %(dimension)s/%(key)s.") % {"dimension": dimension, "key": key}
            )
        if value in (None, ""):
            cleaned[dimension, key] = None
            continue
        try:
            cleaned[dimension, key] = parse_amount(value)
        except AmountError as exc:
            errors[allocation_field(dimension, key)] = str(exc)
    if errors:
        raise ValidationError(errors)
    for dimension, label in (
        (AllocationDimension.CATEGORY, _("per kategori")),
        (AllocationDimension.PRIORITY, _("per prioritering")),
    ):
        total = sum((v or ZERO for (d, _k), v in cleaned.items() if d == dimension), ZERO)
        if total > grant.amount:
            raise ValidationError(
                _(
                    "Fördelningen %(dimension)s (%(total)s) överstiger anslaget (%(amount)s) "
                    "med %(excess)s."
                )
                % {
                    "dimension": label,
                    "total": format_amount(total),
                    "amount": format_amount(grant.amount),
                    "excess": format_amount(total - grant.amount),
                }
            )
    if grant.pk:
        for (dimension, key), value in cleaned.items():
            if dimension != AllocationDimension.CATEGORY or value is None:
                continue
            net = selectors._net_committed(grant, key)
            if value < net:
                errors[allocation_field(dimension, key)] = _(
                    "Redan beslutade åtaganden inom %(category)s uppgår till %(net)s; "
                    "fördelningen kan inte vara lägre."
                ) % {"category": GrantCategory(key).label, "net": format_amount(net)}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store_allocations(grant: Grant, cleaned: dict, user) -> None:
    existing = {(a.dimension, a.key): a for a in grant.allocations.all()}
    for (dimension, key), value in cleaned.items():
        current = existing.get((dimension, key))
        if value is None:
            if current is not None:
                current._history_user = user
                current.delete()
        elif current is None:
            allocation = Allocation(grant=grant, dimension=dimension, key=key, amount=value)
            allocation.full_clean()
            allocation._history_user = user
            allocation.save()
        elif current.amount != value:
            current.amount = value
            current.full_clean()
            current._history_user = user
            current.save(update_fields=["amount"])


@transaction.atomic
def grant_create(
    *,
    user,
    year: int,
    amount,
    decision_reference: str = "",
    note: str = "",
    allocations: dict | None = None,
) -> Grant:
    """Register the anslag 1:1 of a year with its allocation plan."""
    _require(permissions.can_edit_grant(user))
    if Grant.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("Anslag 1:1 för %(year)s är redan registrerat.") % {"year": year}}
        )
    grant = Grant(
        year=year,
        amount=_amount(amount, "amount", positive=False),
        decision_reference=decision_reference.strip(),
        note=note.strip(),
    )
    grant.full_clean()
    cleaned = _validate_allocations(grant, allocations or {})
    try:
        with transaction.atomic():
            grant._history_user = user
            grant.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"year": _("Anslag 1:1 för %(year)s är redan registrerat.") % {"year": year}}
        ) from exc
    _store_allocations(grant, cleaned, user)
    return grant


@transaction.atomic
def grant_update(
    *,
    user,
    grant: Grant,
    amount,
    decision_reference: str = "",
    note: str = "",
    allocations: dict | None = None,
    version: int | None = None,
) -> Grant:
    """Change the anslag and its allocation plan (under the year's lock).

    ``allocations`` is the complete plan: a key that is missing or ``None`` has no
    allocation. Neither the anslag nor a category can go below what is already committed.
    """
    _require(permissions.can_edit_grant(user))
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    _stale(locked, version)
    new_amount = _amount(amount, "amount", positive=False)
    net = selectors._net_committed(locked)
    if new_amount < net:
        raise ValidationError(
            {
                "amount": _(
                    "Redan beslutade åtaganden uppgår till %(net)s; anslaget kan inte vara lägre."
                )
                % {"net": format_amount(net)}
            }
        )
    changed = []
    for name, value in (
        ("amount", new_amount),
        ("decision_reference", decision_reference.strip()),
        ("note", note.strip()),
    ):
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    locked.full_clean()
    cleaned = _validate_allocations(
        locked, {key: None for key in ALLOCATION_KEYS} | dict(allocations or {})
    )
    locked.version += 1
    locked._history_user = user
    locked.save(update_fields=[*changed, "version", "updated_at"])
    _store_allocations(locked, cleaned, user)
    return locked


# --- Commitments ------------------------------------------------------------------------


def project_priority(project: Project) -> str:
    """The RUS priority of a project: its first RUS area's report priority."""
    areas = sorted(project.rus_areas.all(), key=lambda a: (a.position, a.name))
    return areas[0].report_priority if areas else ReportPriority.OTHER


def _lock_grant(year: int) -> Grant:
    try:
        return Grant.objects.select_for_update().get(year=year)
    except Grant.DoesNotExist as exc:
        raise ValidationError(
            _(
                "Inget anslag 1:1 är registrerat för %(year)s. En controller registrerar "
                "årets anslag under Ekonomi innan beslut kan belasta det."
            )
            % {"year": year}
        ) from exc


def _commit(
    *,
    user,
    grant: Grant,
    category: str,
    priority: str,
    amount: Decimal,
    committed_on: datetime.date,
    case: Case | None = None,
    recipient: Organisation | None = None,
    company_leader_gender: str | None = None,
    description: str = "",
    reference: str = "",
) -> Commitment:
    """Create a commitment; the caller holds the lock on ``grant``."""
    room = selectors.grant_room(grant, category)
    if amount > room.left:
        if room.left_category is not None and room.left_category <= room.left_total:
            where = _("inom %(category)s") % {"category": GrantCategory(category).label.lower()}
        else:
            where = _("av anslaget")
        raise ValidationError(
            _(
                "Beslutet om %(amount)s ryms inte i anslaget 1:1 för %(year)s: "
                "%(left)s kvar %(where)s."
            )
            % {
                "amount": format_amount(amount),
                "year": grant.year,
                "left": format_amount(max(room.left, ZERO)),
                "where": where,
            }
        )
    commitment = Commitment(
        grant=grant,
        category=category,
        priority=priority,
        case=case,
        amount=amount,
        committed_on=committed_on,
        description=description[:300],
        reference=reference[:200],
        company_leader_gender=company_leader_gender or None,
        recipient=recipient,
        created_by=user,
    )
    commitment.full_clean()
    commitment._history_user = user
    commitment.save()
    return commitment


@transaction.atomic
def commitment_record(
    *,
    user,
    category: str,
    amount,
    committed_on,
    year: int | None = None,
    priority: str | None = None,
    case: Case | None = None,
    company_leader_gender: str | None = None,
    recipient: Organisation | None = None,
    description: str = "",
    reference: str = "",
) -> Commitment:
    """Record a decision taken outside the case workflow as a commitment.

    Business support (with the company leader's gender), commercial service, and
    historic project decisions. Same lock and limit as grant decisions.
    """
    _require(permissions.can_record_commitment(user))
    if category not in GrantCategory.values:
        raise ValidationError({"category": _("Välj en kategori.")})
    amount = _amount(amount, "amount")
    committed_on = _date(committed_on, "committed_on")
    errors = {}
    if category == GrantCategory.BUSINESS_SUPPORT:
        if company_leader_gender not in LeaderGender.values:
            errors["company_leader_gender"] = _(
                "Ange om företaget leds av en kvinna, en man eller har delat ledarskap."
            )
    elif company_leader_gender:
        errors["company_leader_gender"] = _("Företagets ledning anges bara för företagsstöd.")
    if not priority:
        if case is not None:
            priority = project_priority(case.project)
        else:
            priority = DEFAULT_PRIORITY.get(category)
    if priority not in ReportPriority.values:
        errors["priority"] = _("Välj den RUS-prioritering som beslutet hör till.")
    if case is not None and category != GrantCategory.PROJECT:
        errors["case"] = _("Endast åtaganden för projektverksamhet kopplas till ett ärende.")
    if errors:
        raise ValidationError(errors)
    if recipient is None and case is not None:
        recipient = case.project.owner or case.project.applicant
    grant = _lock_grant(year or committed_on.year)
    return _commit(
        user=user,
        grant=grant,
        category=category,
        priority=priority,
        amount=amount,
        committed_on=committed_on,
        case=case,
        recipient=recipient,
        company_leader_gender=company_leader_gender,
        description=description.strip(),
        reference=reference.strip(),
    )


def _year_split(amount: Decimal, decided_on: datetime.date, split) -> dict[int, Decimal]:
    if not split:
        return {decided_on.year: amount}
    parts: dict[int, Decimal] = {}
    for year, value in dict(split).items():
        try:
            year = int(year)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Fördelningen per år har ett ogiltigt år.")) from exc
        part = _amount(value, "year_split")
        parts[year] = parts.get(year, ZERO) + part
    total = sum(parts.values(), ZERO)
    if total != amount:
        raise ValidationError(
            _("Fördelningen per år (%(total)s) summerar inte till beviljat belopp (%(amount)s).")
            % {"total": format_amount(total), "amount": format_amount(amount)}
        )
    return parts


@transaction.atomic
def commitments_for_grant_decision(*, case: Case, user, data: dict, log=None) -> list[Commitment]:
    """The ``grant`` transition's effect: commit the granted amount against the anslag.

    One commitment per year of ``data["year_split"]`` (or of the decision date), category
    projektverksamhet, priority from the project's first RUS area. Runs inside the
    transition's transaction; a ``ValidationError`` rolls the whole decision back.
    """
    raw = data.get("amount")
    if raw in (None, ""):
        raw = case.granted_amount
    if raw in (None, ""):
        raise ValidationError(_("Beviljat belopp saknas i beslutet."))
    amount = _amount(raw, "amount")
    decided_on = _date(data.get("decided_on") or timezone.localdate(), "decided_on")
    parts = _year_split(amount, decided_on, data.get("year_split"))
    project = case.project
    priority = project_priority(project)
    reference = str(data.get("reference") or "")
    recipient = project.owner or project.applicant
    with translation.override("sv"):
        description = _("Medfinansiering: %(title)s") % {"title": project.title}
    grants = {year: _lock_grant(year) for year in sorted(parts)}  # fixed order: no deadlock
    return [
        _commit(
            user=user,
            grant=grants[year],
            category=GrantCategory.PROJECT,
            priority=priority,
            amount=part,
            committed_on=decided_on,
            case=case,
            recipient=recipient,
            description=description,
            reference=reference,
        )
        for year, part in sorted(parts.items())
    ]


def _remaining(commitment: Commitment) -> Decimal:
    paid = commitment.payments.aggregate(s=Sum("amount"))["s"] or ZERO
    released = commitment.releases.aggregate(s=Sum("amount"))["s"] or ZERO
    return commitment.amount - paid - released


# --- Payments and releases ----------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    user,
    commitment: Commitment,
    paid_on,
    amount,
    period_start,
    period_end,
    requisition_reference: str = "",
) -> Payment:
    """Pay out against a commitment; the sum of payments never exceeds it."""
    _require(permissions.can_record_payment(user))
    amount = _amount(amount, "amount")
    paid_on = _date(paid_on, "paid_on")
    period_start = _date(period_start, "period_start")
    period_end = _date(period_end, "period_end")
    if period_start > period_end:
        raise ValidationError({"period_end": _("Perioden kan inte sluta innan den börjar.")})
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if paid_on < locked.committed_on:
        raise ValidationError(
            {
                "paid_on": _("Utbetalningen kan inte göras före beslutet (%(date)s).")
                % {"date": locked.committed_on.isoformat()}
            }
        )
    remaining = _remaining(locked)
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _(
                    "Utbetalningen (%(amount)s) överstiger det som återstår av åtagandet "
                    "(%(remaining)s)."
                )
                % {"amount": format_amount(amount), "remaining": format_amount(remaining)}
            }
        )
    payment = Payment(
        commitment=locked,
        paid_on=paid_on,
        amount=amount,
        period_start=period_start,
        period_end=period_end,
        requisition_reference=requisition_reference.strip(),
        created_by=user,
    )
    payment.full_clean()
    payment._history_user = user
    payment.save()
    return payment


def _release(*, user, commitment: Commitment, released_on, amount, reason: str) -> Release:
    release = Release(
        commitment=commitment,
        released_on=released_on,
        amount=amount,
        reason=reason[:300],
        created_by=user,
    )
    release.full_clean()
    release._history_user = user
    release.save()
    return release


@transaction.atomic
def release_record(
    *, user, commitment: Commitment, released_on, reason: str, amount=None
) -> Release:
    """Give (part of) the unused remainder of a commitment back to its year's anslag.

    Without ``amount`` the whole remainder is released.
    """
    _require(permissions.can_record_release(user))
    released_on = _date(released_on, "released_on")
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Ange varför medlen återförs.")})
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    remaining = _remaining(locked)
    if remaining <= 0:
        raise Conflict(_("Åtagandet har inget återstående belopp att återföra."))
    amount = remaining if amount in (None, "") else _amount(amount, "amount")
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _("Återföringen (%(amount)s) överstiger återstående %(remaining)s.")
                % {"amount": format_amount(amount), "remaining": format_amount(remaining)}
            }
        )
    if released_on < locked.committed_on:
        raise ValidationError({"released_on": _("Återföringen kan inte ske före beslutet.")})
    return _release(
        user=user, commitment=locked, released_on=released_on, amount=amount, reason=reason.strip()
    )


@transaction.atomic
def releases_at_case_closure(*, case: Case, user, data: dict, log=None) -> list[Release]:
    """The ``close`` transition's effect: release every open remainder of the case."""
    released_on = _date(
        data.get("decided_on")
        or data.get("closed_on")
        or case.project.closed_on
        or timezone.localdate(),
        "released_on",
    )
    with translation.override("sv"):
        reason = _("Återföring av outnyttjade medel när ärendet %(dnr)s avslutades.") % {
            "dnr": case.dnr
        }
    releases = []
    for commitment in Commitment.objects.select_for_update().filter(case=case).order_by("pk"):
        remaining = _remaining(commitment)
        if remaining > 0:
            releases.append(
                _release(
                    user=user,
                    commitment=commitment,
                    released_on=max(released_on, commitment.committed_on),
                    amount=remaining,
                    reason=reason,
                )
            )
    return releases


# --- Financing plans --------------------------------------------------------------------


def _organisation(value) -> Organisation:
    if isinstance(value, Organisation):
        return value
    try:
        return Organisation.objects.get(pk=int(value))
    except (TypeError, ValueError, Organisation.DoesNotExist) as exc:
        raise ValidationError({"financier": _("Välj en finansiär.")}) from exc


def _clean_rows(project: Project, rows: list[dict]) -> list[dict]:
    """Normalise row dicts and check each against the project's period."""
    if not rows:
        raise ValidationError({"rows": _("Lägg till minst en finansieringsrad.")})
    first = project.start_date.year if project.start_date else None
    last = project.end_date.year if project.end_date else None
    cleaned, errors = [], []
    for number, row in enumerate(rows, start=1):
        try:
            financier = _organisation(row.get("financier"))
            funding_type = row.get("funding_type")
            if funding_type not in FundingType.values:
                raise ValidationError({"funding_type": _("Välj finansieringstyp.")})
            applied = _amount(row.get("amount_applied"), "amount_applied", positive=False)
            granted = row.get("amount_granted")
            granted = (
                None
                if granted in (None, "")
                else _amount(granted, "amount_granted", positive=False)
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
            row._history_user = user
            row.save()
        else:
            changed = [name for name, value in data.items() if getattr(row, name) != value]
            if changed:
                for name in changed:
                    setattr(row, name, data[name])
                row.full_clean()
                row._history_user = user
                row.save(update_fields=changed)
        keep.add(row.pk)
    for pk, row in existing.items():
        if pk not in keep:
            row._history_user = user
            row.delete()


@transaction.atomic
def financing_plan_save(
    *,
    user,
    project: Project,
    stated_total,
    rows: list[dict],
    version: int | None = None,
) -> FinancingPlan:
    """Create or change the financing plan of a project (rows replace the old rows).

    Only the case officer, only while the plan is a draft or returned. The rows must add
    up to the stated total. Editing an approved plan is refused (409): a controller
    reopens it first, which sends it through review again.
    """
    _require(permissions.plan_owner_access(user, project))
    stated_total = _amount(stated_total, "stated_total", positive=False)
    plan = FinancingPlan.objects.select_for_update().filter(project=project).first()
    if plan is None:
        if version not in (None, ""):
            raise Conflict(_("Finansieringsplanen finns inte längre. Ladda om sidan."))
        plan = FinancingPlan(project=project, stated_total=stated_total, created_by=user)
    else:
        _require_state(permissions.plan_state_access(plan))
        _stale(plan, version)
    cleaned = _clean_rows(project, rows)
    rows_total = sum((r["amount_applied"] for r in cleaned), ZERO)
    if rows_total != stated_total:
        raise ValidationError({"stated_total": total_mismatch_message(rows_total, stated_total)})
    if plan.pk:
        plan.version += 1
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
    _require(permissions.can_record_granted_amounts(user, plan))
    locked = FinancingPlan.objects.select_for_update().get(pk=plan.pk)
    _stale(locked, version)
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
    locked.version += 1
    locked._history_user = user
    locked.save(update_fields=["version", "updated_at"])
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
    return locked


def _review_access(user, plan: FinancingPlan) -> None:
    _require(permissions.review_role_access(user, plan))
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
    return locked


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
    return locked


@transaction.atomic
def financing_plan_reopen(*, user, plan: FinancingPlan, comment: str) -> FinancingPlan:
    """Controller: reopen an approved plan for changes (approved -> draft).

    The plan must then be submitted and approved again, so a co-financing case cannot be
    put before RUN on a changed budget that nobody reviewed.
    """
    _require(permissions.reopen_role_access(user))
    locked = _lock_plan(plan)
    _require_state(permissions.can_reopen_plan(user, locked))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Skriv varför planen öppnas igen.")})
    locked.reopen()
    locked.reviewed_by = None
    locked.reviewed_at = None
    locked.review_comment = comment
    locked.version += 1
    _save_transition(locked, ["reviewed_by", "reviewed_at", "review_comment", "version"], user)
    return locked
