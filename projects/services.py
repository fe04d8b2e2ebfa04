"""Writes for organisations, projects and the case registry.

Every function takes keyword-only arguments and the acting user, runs in a transaction
and validates with ``full_clean`` before saving.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from projects import permissions
from projects.models import Case, CaseKind, DiaryCounter, Organisation, Project

PROJECT_TEXT_FIELDS = (
    "summary",
    "background",
    "purpose",
    "implementation",
    "expected_results",
    "social_sustainability",
    "economic_sustainability",
    "environmental_sustainability",
)


def _require(allowed: permissions.Access) -> None:
    if not allowed:
        raise PermissionDenied(allowed.reason)


# --- Diary numbers -------------------------------------------------------------


def _allocate_diary_number(year: int) -> int:
    """Next number of the year, under a row lock on the year's counter.

    Concurrent registrations queue on the lock, so numbers are consecutive and never
    given twice; the unique (year, number) constraint on Case is the last guard.
    """
    DiaryCounter.objects.get_or_create(year=year)
    counter = DiaryCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _reserve_imported_number(year: int, number: int) -> None:
    """Record a number taken from the old registry so it is never given out again."""
    DiaryCounter.objects.get_or_create(year=year)
    counter = DiaryCounter.objects.select_for_update().get(year=year)
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])


# --- Cases ---------------------------------------------------------------------


@transaction.atomic
def case_register(
    *,
    user,
    kind: str,
    title: str,
    project: Project,
    officer=None,
    received_on: datetime.date | None = None,
    nyps_id: str | None = None,
    registered_on: datetime.date | None = None,
    import_number: int | None = None,
) -> Case:
    """Register a case and give it the next Dnr of the registration year.

    ``import_number`` keeps the number a case already has in the old registry
    (demo data, migration); the year's counter then continues after it.
    """
    _require(permissions.can_register_case(user))
    registered_on = registered_on or timezone.localdate()
    year = registered_on.year
    case = Case(
        year=year,
        number=1,  # placeholder until validated; replaced below under the lock
        kind=kind,
        title=title.strip(),
        project=project,
        officer=officer or user,
        received_on=received_on or registered_on,
        registered_on=registered_on,
        nyps_id=nyps_id or None,
    )
    if case.received_on > registered_on:
        raise ValidationError(
            {"received_on": _("Inkomstdatum kan inte vara efter registreringen.")}
        )
    case.full_clean(exclude=["number", "year", "state"])
    if kind not in CaseKind.values:  # pragma: no cover - full_clean checks choices
        raise ValidationError({"kind": _("Okänd ärendetyp.")})
    if import_number is not None:
        _reserve_imported_number(year, import_number)
        case.number = import_number
    else:
        case.number = _allocate_diary_number(year)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Diarienummer %(dnr)s är redan upptaget.") % {"dnr": case.dnr}
        ) from exc
    case_refresh_search(case=case)
    return case


CASE_EDITABLE_FIELDS = ("title", "nyps_id", "officer", "received_on", "project")


@transaction.atomic
def case_update(*, user, case: Case, data: dict) -> Case:
    """Change the registry facts of a case (not its state, not its Dnr)."""
    _require(permissions.can_edit_case(user, case))
    changed = []
    for field, value in data.items():
        if field not in CASE_EDITABLE_FIELDS:
            raise ValidationError(_("Fältet %(field)s kan inte ändras här.") % {"field": field})
        if field == "nyps_id":
            value = value or None
        if getattr(case, field) != value:
            setattr(case, field, value)
            changed.append(field)
    if not changed:
        return case
    case.full_clean(exclude=["state"])
    case.save(update_fields=[*changed, "updated_at"])
    case_refresh_search(case=case)
    return case


def _search_text_parts(case: Case) -> tuple[str, str, str]:
    project = case.project
    heading = " ".join(filter(None, [case.dnr, case.nyps_id, case.title, project.title]))
    parties = " ".join(org.name for org in (project.applicant, project.owner) if org is not None)
    texts = " ".join(getattr(project, name) for name in PROJECT_TEXT_FIELDS)
    return heading, parties, texts


def case_refresh_search(*, case: Case) -> None:
    """Rebuild the case's Swedish full-text document (weights: Dnr/title A, parties B)."""
    if not settings.USING_POSTGRES:
        return
    heading, parties, texts = _search_text_parts(case)
    Case.objects.filter(pk=case.pk).update(
        search_vector=(
            SearchVector(Value(heading), weight="A", config="swedish")
            + SearchVector(Value(parties), weight="B", config="swedish")
            + SearchVector(Value(texts), weight="C", config="swedish")
        )
    )


def project_refresh_search(*, project: Project) -> None:
    for case in project.cases.select_related("project__applicant", "project__owner"):
        case_refresh_search(case=case)


# --- Organisations and projects ---------------------------------------------------


@transaction.atomic
def organisation_create(
    *,
    user,
    name: str,
    kind: str = Organisation.Kind.OTHER,
    org_number: str | None = None,
    email: str = "",
    city: str = "",
) -> Organisation:
    _require(permissions.can_edit_registry(user))
    organisation = Organisation(
        name=name.strip(), kind=kind, org_number=org_number or None, email=email, city=city
    )
    organisation.full_clean()
    organisation.save()
    return organisation


def organisation_get_or_create(*, user, name: str, **fields) -> Organisation:
    """The organisation with this name (case-insensitive), created when missing."""
    existing = Organisation.objects.filter(name__iexact=name.strip()).first()
    if existing:
        return existing
    return organisation_create(user=user, name=name, **fields)


@transaction.atomic
def project_create(*, user, title: str, **fields) -> Project:
    _require(permissions.can_edit_registry(user))
    partners = fields.pop("partners", [])
    rus_areas = fields.pop("rus_areas", [])
    smart_areas = fields.pop("smart_areas", [])
    project = Project(title=title.strip(), **fields)
    project.full_clean()
    project.save()
    project.partners.set(partners)
    project.rus_areas.set(rus_areas)
    project.smart_areas.set(smart_areas)
    return project
