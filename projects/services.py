"""Writes for organisations, projects, the case registry, members, obligations, documents.

Every function takes keyword-only arguments and the acting user, checks the permission
in ``projects.permissions``, runs in a transaction and validates with ``full_clean``
before saving. Errors: ``ValidationError`` (bad input), ``PermissionDenied`` (403),
``core.errors.Conflict`` (409: the row changed since the form was opened).

Edit services accept ``expected_token`` (``core.concurrency.edit_token`` of the
row as the form showed it); when given, a stale edit is refused with ``Conflict``.
"""

import datetime
import hashlib
import logging
import os
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, OperationalError, transaction
from django.db.models import Max, Q, Value
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import removal as core_removal
from core.access import require
from core.concurrency import lock, lock_current
from core.errors import Conflict
from core.models import NotificationKind, Removal
from core.notifications import notify
from core.roles import Role, has_role
from core.text import is_number
from projects import permissions, search
from projects.documents import (
    display_filename,
    parse_email,
    sha256_of,
    validate_upload,
)
from projects.models import (
    Case,
    CaseKind,
    CaseNote,
    DiaryCounter,
    Document,
    Obligation,
    Organisation,
    OrganisationAlias,
    Project,
    ProjectAim,
    ProjectMember,
    RusArea,
    SavedCaseFilter,
    SecrecyMarking,
    SecrecyProvision,
    SmartSpecialisationArea,
)
from projects.tasks import document_extract_enqueue

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
PROJECT_M2M_FIELDS = ("partners", "rus_areas", "smart_areas", "main_aims")
# What the project form edits (everything but the after-approval and closure data).
PROJECT_EDITABLE_FIELDS = (
    "title",
    "applicant",
    "owner",
    "partners",
    "contact_name",
    "contact_email",
    "contact_phone",
    "start_date",
    "end_date",
    "origin",
    "rus_areas",
    "smart_areas",
    "requested_amount",
    "total_budget",
    *PROJECT_TEXT_FIELDS,
    "main_aims",
    "involves_healthcare",
)
PROJECT_START_FIELDS = ("started_on", "reporting_routine")
PROJECT_CLOSURE_FIELDS = ("result_summary", "recommendation", "follow_up_case", "closed_on")
CASE_EDITABLE_FIELDS = ("title", "nyps_id", "officer", "received_on", "project")
ORGANISATION_FIELDS = ("name", "kind", "org_number", "email", "city")
MEMBER_FIELDS = ("group", "role", "name", "organisation", "email")

logger = logging.getLogger(__name__)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


# --- Diary numbers -------------------------------------------------------------


def _locked_counter(year: int) -> DiaryCounter:
    """The year's counter row, created if missing, locked until the transaction ends."""
    DiaryCounter.objects.bulk_create([DiaryCounter(year=year)], ignore_conflicts=True)
    return DiaryCounter.objects.select_for_update().get(year=year)


def _allocate_diary_number(year: int) -> int:
    """Next number of the year, under a row lock on the year's counter.

    Concurrent registrations queue on the lock, so numbers are consecutive and never
    given twice; the unique (year, number) constraint on Case is the last guard. The
    increment is rolled back with the registration if anything fails, so no gaps.
    """
    counter = _locked_counter(year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _reserve_imported_number(year: int, number: int) -> None:
    """Record a number taken from the old registry so it is never given out again."""
    counter = _locked_counter(year)
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])


# --- Cases ---------------------------------------------------------------------


def _check_officer(officer) -> None:
    if officer is not None and not has_role(officer, Role.OFFICER):
        raise ValidationError(
            {"officer": _("Ansvarig handläggare måste ha rollen handläggare.")},
            code="officer_role",
        )


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
    require(permissions.can_register_case(user))
    require(permissions.can_register_case_on(user, project))
    registered_on = registered_on or timezone.localdate()
    year = registered_on.year
    officer = officer or user
    _check_officer(officer)
    case = Case(
        year=year,
        number=1,  # placeholder until validated; replaced below under the lock
        kind=kind,
        title=_strip(title or ""),
        project=project,
        officer=officer,
        received_on=received_on or registered_on,
        registered_on=registered_on,
        nyps_id=_strip(nyps_id) or None,
    )
    if case.received_on > registered_on:
        raise ValidationError(
            {"received_on": _("Inkomstdatum kan inte vara efter registreringsdatum.")},
            code="received_after_registered",
        )
    case.full_clean(exclude=["number", "year", "state"])
    if import_number is not None:
        if import_number < 1:
            raise ValidationError(_("Löpnumret måste vara minst 1."), code="import_number")
        if Case.objects.filter(year=year, number=import_number).exists():
            raise ValidationError(
                _("Diarienummer %(dnr)s är redan upptaget.")
                % {"dnr": Case(year=year, number=import_number).dnr},
                code="dnr_taken",
            )
        _reserve_imported_number(year, import_number)
        case.number = import_number
    else:
        case.number = _allocate_diary_number(year)
    try:
        with transaction.atomic():
            case._history_user = user
            case.save()
    except IntegrityError as exc:
        if case.nyps_id and Case.objects.filter(nyps_id=case.nyps_id).exists():
            raise ValidationError(
                {"nyps_id": _("Ett annat ärende har redan detta NYPS-id.")}, code="nyps_taken"
            ) from exc
        raise ValidationError(
            _("Diarienummer %(dnr)s är redan upptaget.") % {"dnr": case.dnr}, code="dnr_taken"
        ) from exc
    case_refresh_search(case=case)
    return case


@transaction.atomic
def case_register_with_new_project(*, user, project_fields: dict, **case_fields) -> Case:
    """Create the project and register its first case in one go (both or neither)."""
    project_fields = dict(project_fields)
    title = project_fields.pop("title", "")
    project = project_create(user=user, title=title, **project_fields)
    return case_register(user=user, project=project, **case_fields)


@transaction.atomic
def case_update(*, user, case: Case, data: dict, expected_token: str | None = None) -> Case:
    """Change the registry facts of a case (not its kind, state or Dnr)."""
    require(permissions.can_edit_case(user, case))
    unknown = set(data) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Fältet %(field)s kan inte ändras här.") % {"field": ", ".join(sorted(unknown))}
        )
    current = lock_current(Case, case.pk, expected_token)
    require(permissions.can_edit_case(user, current))
    changed = []
    for field, value in data.items():
        value = _strip(value)
        if field == "nyps_id":
            value = value or None
        if field == "officer":
            _check_officer(value)
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    if current.received_on > current.registered_on:
        raise ValidationError(
            {"received_on": _("Inkomstdatum kan inte vara efter registreringsdatum.")},
            code="received_after_registered",
        )
    current.full_clean(exclude=["state"])
    current._history_user = user
    current.save(update_fields=[*changed, "updated_at"])
    case_refresh_search(case=current)
    if "officer" in changed:
        case_assigned_notify(case=current, user=user)
    return current


def case_assigned_notify(*, case: Case, user) -> None:
    """Tell the new officer that ``user`` gave them the case (in the app and by e-mail,
    as they chose). Called once per assignment, by ``case_update`` (every path that
    changes a case's officer goes through it, single or bulk)."""
    who = user.get_full_name() or user.get_username()
    notify(
        recipient=case.officer,
        kind=NotificationKind.CASE_ASSIGNED,
        url=case.get_absolute_url(),
        text=lambda: (
            _("Ärende %(dnr)s har tilldelats dig av %(user)s: %(title)s")
            % {"dnr": case.dnr, "user": who, "title": case.title}
        ),
        sent_by=user,
        about={"case": case},
    )


@transaction.atomic
def case_note_add(*, user, case: Case, text: str) -> CaseNote:
    """Write a tjänsteanteckning on ``case`` (dated now, signed by ``user``)."""
    require(permissions.can_add_note(user, case))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv anteckningen.")}, code="required")
    note = CaseNote(case=case, author=user, text=text)
    note.full_clean()
    note.save()
    return note


def case_refresh_search(*, case: Case) -> None:
    """Rebuild the case's search document (``projects.search``): the labelled plain text
    everywhere, the weighted ``swedish_unaccent`` vector on PostgreSQL."""
    case = (
        Case.objects.select_related("project__applicant", "project__owner")
        .prefetch_related(
            "project__applicant__aliases",
            "project__owner__aliases",
            "project__partners__aliases",
            "project__obligations",
            "documents",
        )
        .get(pk=case.pk)
    )
    parts, secret_parts = search.case_search_documents(case)
    update: dict = {
        "search_text": search.parts_to_text(parts),
        "secret_search_text": search.parts_to_text(secret_parts) if secret_parts else "",
    }
    if not settings.USING_POSTGRES:
        Case.objects.filter(pk=case.pk).update(**update)
        return
    # Ranked by the case's own parts (``Case.rank_vector``): a few hundred bytes to read
    # per match, where the whole vector holds every document's words.
    update["rank_vector"] = _search_vector(_own_parts(parts))
    update["secret_rank_vector"] = (
        _search_vector(_own_parts(secret_parts)) if secret_parts else None
    )
    # A tsvector holds at most 1 MB: a case with many long documents full of numbers and
    # names (budgets, tables) exceeds it. Its documents' words are then indexed from the
    # start of each document only, shorter until the vector fits; the stored text (the
    # snippets, the SQLite search) stays whole.
    for cap in DOCUMENT_INDEX_CAPS:
        vectors = {
            "search_vector": _search_vector(_documents_cut(parts, cap)),
            "secret_search_vector": (
                _search_vector(_documents_cut(secret_parts, cap)) if secret_parts else None
            ),
        }
        try:
            with transaction.atomic():  # a savepoint: a vector too long fails alone
                Case.objects.filter(pk=case.pk).update(**update, **vectors)
        except (DataError, OperationalError) as exc:  # psycopg's ProgramLimitExceeded
            if "too long for tsvector" not in str(exc) or cap == DOCUMENT_INDEX_CAPS[-1]:
                raise
            logger.warning("case %s: search vector too long, documents indexed in part", case.pk)
        else:
            return


# Characters of each document indexed, tried in turn while the case's vector is too long
# (None: as ``search.MAX_DOCUMENT_CHARS`` cut them; 0: the documents' names only).
DOCUMENT_INDEX_CAPS = (None, 20_000, 5_000, 1_000, 0)


def _documents_cut(parts, cap: int | None):
    if cap is None:
        return parts
    return [(key, name, text[:cap] if key == "document" else text) for key, name, text in parts]


def _own_parts(parts):
    return [part for part in parts if search.WEIGHTS[part[0]] != search.DOCUMENT_WEIGHT]


def _search_vector(parts) -> Any:
    by_weight: dict[str, list[str]] = {}
    for key, name, text in parts:
        by_weight.setdefault(search.WEIGHTS[key], []).append(f"{name} {text}".strip())
    vector: Any = None
    for weight, texts in sorted(by_weight.items()):
        part = SearchVector(Value(" ".join(texts)), weight=weight, config=search.SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


def project_refresh_search(*, project: Project) -> None:
    for case in project.cases.select_related("project__applicant", "project__owner"):
        case_refresh_search(case=case)


def organisation_refresh_search(*, organisation: Organisation) -> None:
    projects = Project.objects.filter(
        Q(applicant=organisation) | Q(owner=organisation) | Q(partners=organisation)
    ).distinct()
    for project in projects:
        project_refresh_search(project=project)


# --- Organisations ----------------------------------------------------------------


def organisation_check_unique(organisation: Organisation) -> None:
    """Names are unique case-insensitively; an organisation number belongs to one."""
    clash = Organisation.objects.filter(name__iexact=organisation.name)
    if organisation.pk:
        clash = clash.exclude(pk=organisation.pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": _("Det finns redan en organisation som heter %(name)s.")
                % {"name": organisation.name}
            },
            code="duplicate_name",
        )
    if organisation.org_number:
        owner = (
            Organisation.objects.filter(org_number=organisation.org_number)
            .exclude(pk=organisation.pk)
            .first()
        )
        if owner:
            raise ValidationError(
                {
                    "org_number": _("Organisationsnumret tillhör redan %(name)s.")
                    % {"name": owner.name}
                },
                code="duplicate_org_number",
            )


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
    require(permissions.can_edit_organisation(user))
    organisation = Organisation(
        name=_strip(name or ""),
        kind=kind,
        org_number=_strip(org_number) or None,
        email=_strip(email or ""),
        city=_strip(city or ""),
    )
    organisation.full_clean(validate_unique=False, validate_constraints=False)
    organisation_check_unique(organisation)
    organisation._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(
    *, user, organisation: Organisation, data: dict, expected_token: str | None = None
) -> Organisation:
    require(permissions.can_edit_organisation(user, organisation))
    unknown = set(data) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError(
            _("Fältet %(field)s kan inte ändras här.") % {"field": ", ".join(sorted(unknown))}
        )
    current = lock_current(Organisation, organisation.pk, expected_token)
    changed = []
    for field, value in data.items():
        value = _strip(value)
        if field == "org_number":
            value = value or None
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if not changed:
        return current
    current.full_clean(validate_unique=False, validate_constraints=False)
    organisation_check_unique(current)
    current._history_user = user
    current.save(update_fields=changed)
    if "name" in changed:
        organisation_refresh_search(organisation=current)
    return current


@transaction.atomic
def organisation_alias_add(*, user, organisation: Organisation, name: str) -> OrganisationAlias:
    """Give an organisation another name (an abbreviation such as LTU, a former name)."""
    require(permissions.can_edit_organisation(user, organisation))
    name = _strip(name or "")
    if not name:
        raise ValidationError({"name": _("Ange ett namn.")}, code="required")
    if organisation.aliases.filter(name__iexact=name).exists() or (
        organisation.name.lower() == name.lower()
    ):
        raise ValidationError(
            {"name": _("Organisationen har redan namnet %(name)s.") % {"name": name}},
            code="alias_taken",
        )
    alias = OrganisationAlias(organisation=organisation, name=name)
    alias.full_clean()
    alias._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    alias.save()
    organisation_refresh_search(organisation=organisation)
    return alias


@transaction.atomic
def organisation_alias_remove(*, user, alias: OrganisationAlias) -> None:
    organisation = alias.organisation
    require(permissions.can_edit_organisation(user, organisation))
    alias._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    alias.delete()
    organisation_refresh_search(organisation=organisation)


# --- Projects -------------------------------------------------------------------


def _validate_areas(rus_areas, smart_areas, *, previous=None, main_aims=None) -> None:
    """New choices must be active list entries (kept old ones may have been retired)."""
    previous = previous or {}
    for field, areas in (
        ("rus_areas", rus_areas),
        ("smart_areas", smart_areas),
        ("main_aims", main_aims or []),
    ):
        kept = previous.get(field, set())
        inactive = [a.name for a in areas if not a.active and a.pk not in kept]
        if inactive:
            raise ValidationError(
                {
                    field: _("%(names)s används inte längre och kan inte väljas.")
                    % {"names": ", ".join(inactive)}
                },
                code="inactive_area",
            )


@transaction.atomic
def project_create(*, user, title: str, **fields) -> Project:
    """Create a project with its parties, period, areas, amounts and texts."""
    require(permissions.can_edit_project(user))
    unknown = set(fields) - set(PROJECT_EDITABLE_FIELDS) - set(PROJECT_START_FIELDS)
    if unknown:
        raise ValidationError(
            _("Fältet %(field)s kan inte anges här.") % {"field": ", ".join(sorted(unknown))}
        )
    partners = list(fields.pop("partners", None) or [])
    rus_areas = list(fields.pop("rus_areas", None) or [])
    smart_areas = list(fields.pop("smart_areas", None) or [])
    main_aims = list(fields.pop("main_aims", None) or [])
    fields = {
        key: ("" if value is None and key in PROJECT_TEXT_FIELDS else _strip(value))
        for key, value in fields.items()
    }
    project = Project(title=_strip(title or ""), **fields)
    project.full_clean()
    _validate_areas(rus_areas, smart_areas, main_aims=main_aims)
    project._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    project.save()
    project.partners.set(partners)
    project.rus_areas.set(rus_areas)
    project.smart_areas.set(smart_areas)
    project.main_aims.set(main_aims)
    return project


def _apply_project_data(project: Project, data: dict, allowed: tuple[str, ...]) -> list[str]:
    """Set plain fields from ``data``; return the names that changed (m2m excluded)."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(
            _("Fältet %(field)s kan inte ändras här.") % {"field": ", ".join(sorted(unknown))}
        )
    changed = []
    for field, value in data.items():
        if field in PROJECT_M2M_FIELDS:
            continue
        value = _strip(value)
        if value is None and field in (
            *PROJECT_TEXT_FIELDS,
            "reporting_routine",
            "result_summary",
            "recommendation",
        ):
            value = ""
        if getattr(project, field) != value:
            setattr(project, field, value)
            changed.append(field)
    return changed


def _set_m2m(project: Project, data: dict) -> bool:
    changed = False
    for field in PROJECT_M2M_FIELDS:
        if field not in data:
            continue
        wanted = {obj.pk for obj in data[field] or []}
        current = set(getattr(project, field).values_list("pk", flat=True))
        if wanted != current:
            getattr(project, field).set(list(data[field] or []))
            changed = True
    return changed


@transaction.atomic
def project_update(
    *, user, project: Project, data: dict, expected_token: str | None = None
) -> Project:
    """Change a project's facts and texts; refreshes the search text of its cases."""
    require(permissions.can_edit_project(user, project))
    current = lock_current(Project, project.pk, expected_token)
    changed = _apply_project_data(current, data, PROJECT_EDITABLE_FIELDS)
    previous = {
        "rus_areas": set(current.rus_areas.values_list("pk", flat=True)),
        "smart_areas": set(current.smart_areas.values_list("pk", flat=True)),
        "main_aims": set(current.main_aims.values_list("pk", flat=True)),
    }
    current.full_clean()
    _validate_areas(
        data.get("rus_areas") or [],
        data.get("smart_areas") or [],
        previous=previous,
        main_aims=data.get("main_aims") or [],
    )
    current._history_user = user
    if changed:
        current.save()
    m2m_changed = _set_m2m(current, data)
    if m2m_changed and not changed:
        # The m2m history rows are written by the m2m signal; only bump the edit token.
        Project.objects.filter(pk=current.pk).update(updated_at=timezone.now())
    if changed or m2m_changed:
        project_refresh_search(project=current)
    return current


@transaction.atomic
def project_record_start(
    *,
    user,
    project: Project,
    started_on: datetime.date | None,
    reporting_routine: str = "",
    expected_token: str | None = None,
) -> Project:
    """After approval: the actual start date and the reporting routine."""
    require(permissions.can_manage_members(user, project))
    current = lock_current(Project, project.pk, expected_token)
    changed = _apply_project_data(
        current,
        {"started_on": started_on, "reporting_routine": reporting_routine or ""},
        PROJECT_START_FIELDS,
    )
    if current.started_on and current.end_date and current.started_on > current.end_date:
        raise ValidationError(
            {"started_on": _("Projektet kan inte starta efter projektslutet.")},
            code="start_after_end",
        )
    if changed:
        current.full_clean()
        current._history_user = user
        current.save(update_fields=[*changed, "updated_at"])
    return current


@transaction.atomic
def project_close(
    *,
    user,
    project: Project,
    result_summary: str,
    recommendation: str,
    follow_up_case: Case | None = None,
    closed_on: datetime.date | None = None,
    expected_token: str | None = None,
) -> Project:
    """Record the closure: results, the recommendation and an optional follow-up idea."""
    require(permissions.can_close_project(user, project))
    current = lock_current(Project, project.pk, expected_token)
    errors = {}
    if not (result_summary or "").strip():
        errors["result_summary"] = _("Beskriv projektets resultat.")
    if not recommendation:
        errors["recommendation"] = _("Välj en rekommendation.")
    if follow_up_case is not None:
        if follow_up_case.kind != CaseKind.PROJECT_IDEA:
            errors["follow_up_case"] = _(
                "Den uppföljande idén ska vara ett ärende av typen projektidé."
            )
        elif follow_up_case.project_id == current.pk:
            errors["follow_up_case"] = _("Projektet kan inte följas upp av sig självt.")
    closed_on = closed_on or timezone.localdate()
    start = current.started_on or current.start_date
    if start and closed_on < start:
        errors["closed_on"] = _("Avslutsdatum kan inte ligga före projektstarten.")
    if errors:
        raise ValidationError(errors)
    changed = _apply_project_data(
        current,
        {
            "result_summary": result_summary,
            "recommendation": recommendation,
            "follow_up_case": follow_up_case,
            "closed_on": closed_on,
        },
        PROJECT_CLOSURE_FIELDS,
    )
    if changed:
        current.full_clean()
        current._history_user = user
        current.save(update_fields=[*changed, "updated_at"])
    return current


# --- Project group and steering group ---------------------------------------------


@transaction.atomic
def project_member_create(
    *,
    user,
    project: Project,
    group: str,
    role: str,
    name: str,
    organisation: Organisation | None = None,
    email: str = "",
) -> ProjectMember:
    require(permissions.can_manage_members(user, project))
    member = ProjectMember(
        project=project,
        group=group,
        role=role,
        name=_strip(name or ""),
        organisation=organisation,
        email=_strip(email or ""),
    )
    member.full_clean()
    member._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    member.save()
    return member


@transaction.atomic
def project_member_update(
    *, user, member: ProjectMember, data: dict, expected_token: str | None = None
) -> ProjectMember:
    require(permissions.can_manage_members(user, member.project))
    unknown = set(data) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError(
            _("Fältet %(field)s kan inte ändras här.") % {"field": ", ".join(sorted(unknown))}
        )
    current = lock_current(ProjectMember, member.pk, expected_token)
    changed = []
    for field, value in data.items():
        value = _strip(value)
        if field == "email" and value is None:
            value = ""
        if getattr(current, field) != value:
            setattr(current, field, value)
            changed.append(field)
    if changed:
        current.full_clean()
        current._history_user = user
        current.save(update_fields=changed)
    return current


@transaction.atomic
def project_member_delete(*, user, member: ProjectMember) -> None:
    require(permissions.can_manage_members(user, member.project))
    current = lock(ProjectMember, member.pk)
    current._history_user = user
    current.delete()


MEMBER_REMOVAL = "project_member"


@transaction.atomic
def project_member_removal_undo(*, user, removal: Removal) -> Project:
    """Bring back a person removed from the project organisation (``core.removal``), if
    ``user`` may still change the project's organisation, as for the removal."""
    label, _sep, pk = removal.scope.partition(":")
    if removal.kind != MEMBER_REMOVAL or label != Project._meta.label_lower or not is_number(pk):
        raise PermissionDenied(_("Borttagningen gäller inte ett projekt."))
    project = Project.objects.filter(pk=int(pk)).first()
    if project is None:
        raise Conflict(_("Projektet finns inte längre."))
    require(permissions.can_manage_members(user, project))
    project = lock(Project, project.pk)
    core_removal.removal_restore(user=user, removal=removal)
    return project


# --- Obligations -------------------------------------------------------------------


def _check_obligation_case(project: Project, case: Case | None) -> None:
    if case is not None and case.project_id != project.pk:
        raise ValidationError({"case": _("Ärendet hör inte till projektet.")}, code="case_project")


@transaction.atomic
def obligation_create(
    *,
    user,
    project: Project,
    case: Case | None = None,
    text: str,
    due_date: datetime.date | None = None,
    source: str = "",
) -> Obligation:
    """Record an obligation of the project, e.g. a special condition of a grant decision.

    Officers and secretaries may record (``permissions.can_record_obligation``); the
    decisions app calls this for each special condition of a grant decision.
    """
    require(permissions.can_record_obligation(user, project))
    _check_obligation_case(project, case)
    obligation = Obligation(
        project=project,
        case=case,
        text=_strip(text or ""),
        due_date=due_date,
        source=_strip(source or ""),
    )
    obligation.full_clean()
    obligation._history_user = user  # type: ignore[attr-defined]  # read by simple-history
    obligation.save()
    project_refresh_search(project=project)
    return obligation


@transaction.atomic
def obligation_update(
    *,
    user,
    obligation: Obligation,
    text: str,
    due_date: datetime.date | None = None,
    source: str = "",
    case: Case | None = None,
    expected_token: str | None = None,
) -> Obligation:
    require(permissions.can_record_obligation(user, obligation.project))
    current = lock_current(Obligation, obligation.pk, expected_token)
    _check_obligation_case(current.project, case)
    current.text = _strip(text or "")
    current.due_date = due_date
    current.source = _strip(source or "")
    current.case = case
    current.full_clean()
    current._history_user = user
    current.save()
    project_refresh_search(project=current.project)
    return current


@transaction.atomic
def obligation_fulfil(
    *,
    user,
    obligation: Obligation,
    fulfilled_on: datetime.date | None = None,
    note: str = "",
) -> Obligation:
    """Mark an open obligation fulfilled on a date (today by default) with a comment."""
    require(permissions.can_fulfil_obligation(user, obligation))
    current = lock(Obligation, obligation.pk)
    if current.status == Obligation.Status.FULFILLED:
        raise Conflict(_("Villkoret är redan markerat som uppfyllt."))
    fulfilled_on = fulfilled_on or timezone.localdate()
    if fulfilled_on > timezone.localdate():
        raise ValidationError(
            {"fulfilled_on": _("Datumet kan inte ligga i framtiden.")}, code="future"
        )
    current.status = Obligation.Status.FULFILLED
    current.fulfilled_on = fulfilled_on
    current.fulfilment_note = _strip(note or "")
    current.full_clean()
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def obligation_reopen(*, user, obligation: Obligation) -> Obligation:
    """Undo a fulfilment recorded by mistake."""
    require(permissions.can_fulfil_obligation(user, obligation))
    current = lock(Obligation, obligation.pk)
    if current.status == Obligation.Status.OPEN:
        raise Conflict(_("Villkoret är redan öppet."))
    current.status = Obligation.Status.OPEN
    current.fulfilled_on = None
    current.full_clean()
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def obligation_delete(*, user, obligation: Obligation) -> None:
    current = lock(Obligation, obligation.pk)
    require(permissions.can_delete_obligation(user, current))
    current._history_user = user
    project = current.project
    current.delete()
    project_refresh_search(project=project)


# --- Documents ---------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    user,
    case: Case,
    file,
    title: str,
    kind: str = Document.Kind.APPENDIX,
    confidential: bool = False,
    provision: SecrecyProvision | None = None,
    direction: str = Document.Direction.INCOMING,
    document_date: datetime.date | None = None,
    party_kind: str = "",
    party_name: str = "",
    description: str = "",
    parent: Document | None = None,
) -> Document:
    """Register a file in the case's registry. The same title again makes a new version
    (a new registry entry); old ones stay.

    The file is checked (type, size, content) and stored under MEDIA_ROOT with a
    sanitised name and its SHA-256 checksum; the user's own file name (å, ä, ö kept) is
    what downloads are called.
    """
    require(permissions.can_upload_document(user, case))
    title = _strip(title or "")
    if not title:
        raise ValidationError({"title": _("Ange en titel.")}, code="required")
    if file is None:
        raise ValidationError({"file": _("Välj en fil att ladda upp.")}, code="required")
    try:
        _ext, content_type = validate_upload(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}, code=exc.code) from exc
    checksum = sha256_of(file)
    # Serialise version numbering per case.
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
    previous = case.documents.filter(title__iexact=title).order_by("-version").first()
    inherited = None
    if previous is not None:
        # a new version of a marked document is marked as it is (the same information):
        # otherwise the e-diarium would publish its title and every role open the file
        inherited = SecrecyMarking.objects.filter(document=previous, lifted_at__isnull=True).first()
        confidential = confidential or previous.confidential or inherited is not None
        if previous.sha256 == checksum:
            raise ValidationError(
                {
                    "file": _("Filen är identisk med den senaste versionen av %(title)s.")
                    % {"title": previous.title}
                },
                code="duplicate_file",
            )
        title = previous.title
    version = (case.documents.filter(title=title).aggregate(m=Max("version"))["m"] or 0) + 1
    document = Document(
        case=case,
        title=title,
        kind=kind,
        version=version,
        original_name=display_filename(file.name or ""),
        content_type=content_type,
        size=file.size,
        sha256=checksum,
        confidential=bool(confidential),
        uploaded_by=user,
        direction=direction,
        document_date=document_date or timezone.localdate(),
        party_kind=party_kind or "",
        party_name=_strip(party_name or ""),
        description=_strip(description or "") or title,
        registered_by=user,
        parent=parent,
    )
    document.full_clean(exclude=["file"])
    document.file.save(document.original_name, file, save=False)
    try:
        document._history_user = user  # type: ignore[attr-defined]  # read by simple-history
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    # Its text is read for the search after the upload commits (a Celery task).
    document_extract_enqueue(document.pk)
    if confidential:
        with translation.override("sv"):  # what the register keeps: Swedish
            if inherited is not None and previous is not None:
                note = _("Markerad som version %(version)s.") % {"version": previous.version}
            else:
                note = _("Markerad vid registreringen.")
        SecrecyMarking.objects.create(
            case=case,
            document=document,
            marked_by=user,
            provision=provision or (inherited.provision if inherited is not None else None),
            note=note,
        )
    return document


@transaction.atomic
def document_register_generated(
    *,
    case: Case,
    source_key: str,
    title: str,
    filename: str,
    content: bytes,
    direction: str,
    kind: str = Document.Kind.DECISION_BASIS,
    user,
    party_kind: str = "",
    party_name: str = "",
    description: str = "",
    document_date: datetime.date | None = None,
) -> Document:
    """Register a document the app made itself (protocol, extract, decision, letter) as
    "upprättad" or "utgående": called by the layer that made it, once per ``source_key``
    (a second call returns the entry already made). The stored bytes are the final ones:
    the same SHA-256 as the source.
    """
    existing = Document.objects.filter(case=case, source_key=source_key).first()
    if existing is not None:
        return existing
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
    version = (case.documents.filter(title=title).aggregate(m=Max("version"))["m"] or 0) + 1
    document = Document(
        case=case,
        title=title[:200],
        kind=kind,
        version=version,
        original_name=display_filename(filename),
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        direction=direction,
        document_date=document_date or timezone.localdate(),
        party_kind=party_kind,
        party_name=party_name[:200],
        description=(description or title)[:300],
        registered_by=user,
        source_key=source_key,
    )
    document.full_clean(exclude=["file"])
    document.file.save(document.original_name, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            document._history_user = user  # type: ignore[attr-defined]
            document.save()
    except IntegrityError:  # registered by a concurrent call
        document.file.delete(save=False)
        return Document.objects.get(case=case, source_key=source_key)
    return document


@transaction.atomic
def document_mark_sent(*, case: Case, source_key: str, recipients: str, user) -> None:
    """A generated document registered as drawn up has been sent (expedierad): the entry
    becomes outgoing with its recipients. Nothing when the document was not registered."""
    current = Document.objects.select_for_update().filter(case=case, source_key=source_key).first()
    if current is None:
        return
    current.direction = Document.Direction.OUTGOING
    current.party_kind = Document.PartyKind.ORGANISATION
    current.party_name = recipients[:200]
    current._history_user = user  # type: ignore[attr-defined]
    current.save(update_fields=["direction", "party_kind", "party_name"])


@transaction.atomic
def document_register_email(*, user, case: Case, file, title: str = "") -> Document:
    """Register an incoming e-mail (.eml) and each of its attachments as documents.

    The message is stored as it arrived (its text in a .txt rendition would lose nothing
    the registry needs: the sender, the date, the subject); the sender becomes the party,
    the message's Date header the document date; attachments are registered as
    "bilaga till" the message, each checked like any upload (a forbidden type is refused,
    and with it the whole message, so nothing is half-registered).
    """
    require(permissions.can_upload_document(user, case))
    if file is None:
        raise ValidationError({"file": _("Välj en fil att ladda upp.")}, code="required")
    parsed = parse_email(file)
    subject = _strip(title or "") or parsed.subject or _("E-post")
    body = ContentFile(parsed.text.encode("utf-8"), name=f"{display_filename(subject)}.txt")
    message = document_upload(
        user=user,
        case=case,
        file=body,
        title=subject,
        kind=Document.Kind.CORRESPONDENCE,
        direction=Document.Direction.INCOMING,
        document_date=parsed.date,
        party_kind=parsed.party_kind,
        party_name=parsed.sender,
        description=subject,
    )
    for attachment in parsed.attachments:
        document_upload(
            user=user,
            case=case,
            file=ContentFile(attachment.content, name=attachment.filename),
            title=os.path.splitext(attachment.filename)[0] or _("Bilaga"),
            kind=Document.Kind.APPENDIX,
            direction=Document.Direction.INCOMING,
            document_date=parsed.date,
            party_kind=parsed.party_kind,
            party_name=parsed.sender,
            description=_("Bilaga till e-post: %(subject)s") % {"subject": subject},
            parent=message,
        )
    return message


@transaction.atomic
def document_update(
    *,
    user,
    document: Document,
    kind: str,
    confidential: bool,
    provision: SecrecyProvision | None = None,
) -> Document:
    """Change a document's kind; ``confidential`` marks it secret (under ``provision``) or
    lifts its marking (the reason: changed on the document's page)."""
    require(permissions.can_edit_document(user, document))
    current = lock(Document, document.pk)
    current.kind = kind
    current.full_clean()
    current._history_user = user
    current.save(update_fields=["kind"])
    if bool(confidential) != current.confidential:
        if confidential:
            secrecy_mark(
                user=user, case=current.case, document=current, provision=provision, note=""
            )
        else:
            for marking in current.secrecy_markings.filter(lifted_at__isnull=True):
                secrecy_lift(user=user, marking=marking, reason=_("Hävd på dokumentets sida."))
        current.refresh_from_db()
    return current


# --- Secrecy -----------------------------------------------------------------------


def _sync_document_flag(document: Document) -> None:
    flag = document.secrecy_markings.filter(lifted_at__isnull=True).exists()
    if flag != document.confidential:
        Document.objects.filter(pk=document.pk).update(confidential=flag)
        document.confidential = flag


@transaction.atomic
def secrecy_mark(
    *,
    user,
    case: Case,
    document: Document | None = None,
    field: str = "",
    provision: SecrecyProvision | None = None,
    note: str = "",
) -> SecrecyMarking:
    """Mark a case, one of its documents, or one of its fields as secret under OSL."""
    from projects import secrecy

    require(permissions.can_mark_secret(user, case))
    if document is not None and document.case_id != case.pk:
        raise ValidationError({"document": _("Dokumentet hör inte till ärendet.")})
    if field and field not in secrecy.MARKABLE_FIELDS:
        raise ValidationError({"field": _("Uppgiften kan inte sekretessmarkeras.")})
    if document is not None and field:
        raise ValidationError(_("Markera antingen ett dokument eller en uppgift."))
    if provision is not None and not provision.active:
        raise ValidationError({"provision": _("Bestämmelsen används inte längre.")})
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
    same = SecrecyMarking.objects.filter(
        case=case, document=document, field=field, lifted_at__isnull=True
    )
    if same.exists():
        raise ValidationError(_("Det finns redan en gällande sekretessmarkering för detta."))
    marking = SecrecyMarking(
        case=case,
        document=document,
        field=field,
        provision=provision,
        note=_strip(note or ""),
        marked_by=user,
    )
    marking.full_clean()
    marking._history_user = user  # type: ignore[attr-defined]
    marking.save()
    if document is not None:
        _sync_document_flag(document)
    # the project's texts are indexed on each of its cases
    project_refresh_search(project=case.project)
    return marking


@transaction.atomic
def secrecy_lift(*, user, marking: SecrecyMarking, reason: str) -> SecrecyMarking:
    """Lift a marking with a reason; the marking stays, with who lifted it, when and why."""
    current = SecrecyMarking.objects.select_for_update().select_related("case").get(pk=marking.pk)
    require(permissions.can_mark_secret(user, current.case))
    reason = _strip(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Ange skälet till att sekretessen hävs.")})
    if current.lifted_at is not None:
        raise Conflict(_("Markeringen är redan hävd."))
    current.lifted_at = timezone.now()
    current.lifted_by = user
    current.lift_reason = reason
    current._history_user = user  # type: ignore[attr-defined]
    current.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    if current.document is not None:
        _sync_document_flag(current.document)
    project_refresh_search(project=current.case.project)
    return current


# --- Managed lists ----------------------------------------------------------------

AREA_MODELS: dict[str, type[RusArea] | type[SmartSpecialisationArea] | type[ProjectAim]] = {
    "rus": RusArea,
    "smart": SmartSpecialisationArea,
    "aims": ProjectAim,
}


@transaction.atomic
def area_create(
    *,
    user,
    list_key: str,
    name: str,
    position: int = 0,
    active: bool = True,
    report_priority: str | None = None,
    reported_as: str | None = None,
):
    """Add an entry to a managed list (``list_key`` "rus", "smart" or "aims")."""
    require(permissions.can_manage_areas(user))
    model = AREA_MODELS[list_key]
    area = model(name=_strip(name or ""), position=position or 0, active=active)
    if isinstance(area, RusArea) and report_priority:
        area.report_priority = report_priority
    if isinstance(area, ProjectAim):
        area.reported_as = reported_as or ""
    if model._default_manager.filter(name__iexact=area.name).exists():
        raise ValidationError(
            {"name": _("Det finns redan en post som heter %(name)s.") % {"name": area.name}},
            code="duplicate_name",
        )
    area.full_clean()
    area._history_user = user  # type: ignore[union-attr]  # read by simple-history
    area.save()
    return area


@transaction.atomic
def area_update(*, user, area, data: dict):
    require(permissions.can_manage_areas(user))
    allowed = (
        {"name", "position", "active"}
        | ({"report_priority"} if isinstance(area, RusArea) else set())
        | ({"reported_as"} if isinstance(area, ProjectAim) else set())
    )
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(
            _("Fältet %(field)s kan inte ändras här.") % {"field": ", ".join(sorted(unknown))}
        )
    current = lock(type(area), area.pk)
    for field, value in data.items():
        value = _strip(value)
        setattr(current, field, "" if value is None and field == "reported_as" else value)
    if type(area).objects.filter(name__iexact=current.name).exclude(pk=current.pk).exists():
        raise ValidationError(
            {"name": _("Det finns redan en post som heter %(name)s.") % {"name": current.name}},
            code="duplicate_name",
        )
    current.full_clean()
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def project_approved_financing_set(
    *, user, project: Project, rows: list[dict], approved_on: datetime.date | None
) -> Project:
    """Record the financing a controller approved (``rows``: ``{financier, funding_type,
    amount, share}``) on the project, or clear it (``rows=[]``, ``approved_on=None``) when
    the plan is reopened. Called by the financing app; the decision proposal and the
    committee's § carry these rows into the decision."""
    current = lock(Project, project.pk)
    current.approved_financing = rows
    current.approved_financing_on = approved_on
    current._history_user = user
    current.save(update_fields=["approved_financing", "approved_financing_on", "updated_at"])
    project.approved_financing = rows
    project.approved_financing_on = approved_on
    return current


# --- Saved filters and bulk actions of the case list ----------------------------------

SAVED_FILTER_KEYS = (
    "q",
    "kind",
    "state",
    "year",
    "officer",
    "rus_area",
    "applicant",
    "mine",
    "sort",
)


def saved_filter_query(query: str) -> str:
    """Keep only the case list's filter parameters (no page, no format)."""
    given = QueryDict(query or "")
    kept = QueryDict(mutable=True)
    for key in SAVED_FILTER_KEYS:
        value = given.get(key, "").strip()
        if value:
            kept[key] = value
    return kept.urlencode()


@transaction.atomic
def saved_filter_save(*, user, name: str, query: str) -> SavedCaseFilter:
    """Save (or replace, by name) the user's own filter of the case list."""
    require(permissions.can_view_registry(user))
    name = _strip(name or "")
    if not name:
        raise ValidationError({"name": _("Ge filtret ett namn.")}, code="required")
    query = saved_filter_query(query)
    if not query:
        raise ValidationError(
            {"name": _("Välj minst ett filter eller en sökning att spara.")}, code="empty"
        )
    saved, _created = SavedCaseFilter.objects.update_or_create(
        user=user, name=name[:100], defaults={"query": query[:1000]}
    )
    return saved


@transaction.atomic
def saved_filter_delete(*, user, saved: SavedCaseFilter) -> None:
    if saved.user_id != user.pk:
        raise PermissionDenied(_("Filtret tillhör en annan användare."))
    saved.delete()


def cases_bulk_assign(*, user, cases, officer) -> tuple[list[Case], list[tuple[Case, str]]]:
    """Give each case to ``officer`` through ``case_update`` (one call and transaction per
    case, so its checks and notifications apply). Returns (changed, [(case, reason)])."""
    require(permissions.can_bulk_assign(user))
    _check_officer(officer)
    changed: list[Case] = []
    refused: list[tuple[Case, str]] = []
    for case in cases:
        try:
            case_update(user=user, case=case, data={"officer": officer})
        except (ValidationError, PermissionDenied, Conflict) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            refused.append((case, reason))
        else:
            changed.append(case)
    return changed, refused


# --- Requests for public documents ------------------------------------------------------


@transaction.atomic
def document_request_register(
    *,
    user,
    case: Case,
    requester: str,
    received_on: datetime.date,
    subject: str,
    documents=(),
):
    """Register a request for public documents of a case and the documents it covers."""
    from projects.models import DocumentRequest

    require(permissions.can_handle_document_request(user, case))
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Datumet kan inte ligga i framtiden.")})
    documents = list(documents)
    if any(d.case_id != case.pk for d in documents):
        raise ValidationError({"documents": _("Handlingarna ska höra till ärendet.")})
    request = DocumentRequest(
        case=case,
        requester=_strip(requester or ""),
        received_on=received_on,
        subject=_strip(subject or ""),
        registered_by=user,
    )
    request.full_clean()
    request._history_user = user  # type: ignore[attr-defined]
    request.save()
    request.documents.set(documents)
    return request


@transaction.atomic
def document_request_decide(
    *,
    user,
    request,
    decision: str,
    provision: SecrecyProvision | None = None,
    phrases: str = "",
    reasoning: str = "",
):
    """Record the decision. "masked": each covered PDF is copied with ``phrases`` blacked
    out and the copy registered as an outgoing document; "refused": a decision letter
    stating the provision and how to appeal is made and registered as outgoing."""
    from projects import masking
    from projects.models import DocumentRequest

    current = DocumentRequest.objects.select_for_update().select_related("case").get(pk=request.pk)
    require(permissions.can_handle_document_request(user, current.case))
    if current.decision:
        raise Conflict(_("Begäran är redan avgjord."))
    if decision not in DocumentRequest.Decision.values:
        raise ValidationError({"decision": _("Välj ett beslut.")})
    case = current.case
    outputs: list = []
    copies: list = []  # (document, masked PDF) of a release with masking
    phrase_list = [p.strip() for p in (phrases or "").splitlines() if p.strip()]
    if decision != DocumentRequest.Decision.RELEASED and provision is None:
        # a masked copy refuses the masked parts: a decision with its ground, appealable
        raise ValidationError({"provision": _("Ange bestämmelsen som avslaget grundas på.")})
    if decision == DocumentRequest.Decision.MASKED:
        if not phrase_list:
            raise ValidationError({"phrases": _("Ange ord eller fraser som ska maskeras.")})
        covered = list(current.documents.order_by("registry_number"))
        others = [d for d in covered if d.content_type != "application/pdf"]
        if not covered or others:
            raise ValidationError(
                {
                    "decision": _(
                        "Maskering kan bara göras i PDF-handlingar. %(others)s är inte PDF: "
                        "lämna ut eller avslå dem i ett eget beslut."
                    )
                    % {"others": ", ".join(d.registry_label for d in others) or _("Ingen")}
                }
            )
        found = 0
        for document in covered:
            with document.file.open("rb") as handle:
                source = handle.read()
            try:
                masked, hits = masking.mask_pdf(source, phrase_list)
            except masking.MaskingError as exc:
                raise ValidationError(
                    _("Handlingen %(title)s kunde inte maskeras: %(error)s")
                    % {"title": document.title, "error": exc}
                ) from exc
            found += hits
            copies.append((document, masked))
        if not found:
            raise ValidationError(
                {
                    "phrases": _(
                        "Inget av orden eller fraserna finns i handlingarna, så ingenting "
                        "skulle maskeras. Kontrollera stavningen, eller besluta att lämna ut "
                        "handlingarna."
                    )
                }
            )
    current.decision = decision
    current.decided_on = timezone.localdate()
    current.decided_by = user
    current.provision = provision if decision != DocumentRequest.Decision.RELEASED else None
    current.masked_phrases = "\n".join(phrase_list)
    current.reasoning = _strip(reasoning or "")
    letter = None
    if decision != DocumentRequest.Decision.RELEASED:
        # made before anything is stored: a failure leaves no file behind
        from core.pdf import PdfRenderError
        from projects.exports import refusal_pdf

        try:
            letter = refusal_pdf(current)
        except PdfRenderError as exc:
            raise Conflict(
                _("Beslutet kunde inte skapas som PDF (%(error)s). Inget är sparat; försök igen.")
                % {"error": exc}
            ) from exc
    current._history_user = user  # type: ignore[attr-defined]
    current.save()
    with translation.override("sv"):  # what the registry keeps: Swedish
        for document, masked in copies:
            outputs.append(
                document_register_generated(
                    case=case,
                    source_key=f"request:{current.pk}:masked:{document.pk}",
                    title=_("%(title)s (maskerad kopia)") % {"title": document.title},
                    filename=f"{os.path.splitext(document.original_name)[0]} (maskerad).pdf",
                    content=masked,
                    direction=Document.Direction.OUTGOING,
                    kind=Document.Kind.CORRESPONDENCE,
                    user=user,
                    party_name=current.requester,
                    party_kind=Document.PartyKind.PERSON,
                    # the requester is the party (masked for a private person in the
                    # e-diarium), never named in the description the e-diarium shows
                    description=_("Maskerad kopia av handling nr %(number)s")
                    % {"number": document.registry_number},
                )
            )
        if letter is not None:
            if decision == DocumentRequest.Decision.MASKED:
                title = _("Beslut om utlämnande med maskeringar (delvis avslag)")
            else:
                title = _("Beslut om avslag på begäran om allmän handling")
            outputs.append(
                document_register_generated(
                    case=case,
                    source_key=f"request:{current.pk}:refusal",
                    title=title,
                    filename=f"avslag-{case.dnr}-{current.pk}.pdf",
                    content=letter,
                    direction=Document.Direction.OUTGOING,
                    # an appealable decision: kept, as the region's other decisions
                    kind=Document.Kind.DECISION,
                    user=user,
                    party_name=current.requester,
                    party_kind=Document.PartyKind.PERSON,
                    description=_("Avslag enligt %(provision)s") % {"provision": provision},
                )
            )
    current.outputs.add(*outputs)
    return current
