"""Every role against every write action of the registry, through the pages.

Allowed: the action succeeds and the data changes. Refused: 403 and nothing changes.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from core.concurrency import edit_token
from core.roles import Role
from projects.models import (
    Case,
    Document,
    Obligation,
    Organisation,
    Project,
    ProjectMember,
    RusArea,
    SmartSpecialisationArea,
)
from tests.core.factories import user_with_role
from tests.projects.factories import (
    ObligationFactory,
    OrganisationFactory,
    ProjectFactory,
    ProjectMemberFactory,
    document_for,
    register_case,
    upload,
)

pytestmark = pytest.mark.django_db

OFFICER = {Role.OFFICER}
OFFICER_SECRETARY = {Role.OFFICER, Role.SECRETARY}
UPLOADERS = {Role.OFFICER, Role.SECRETARY, Role.CONTROLLER}


@dataclass
class World:
    case: Case
    project: Project
    organisation: Organisation
    member: ProjectMember
    obligation: Obligation
    fulfilled: Obligation
    document: Document
    area: RusArea
    officer: object
    free_project: Project  # no case yet: any officer may register one on it


@pytest.fixture
def world():
    officer = user_with_role(Role.OFFICER, username="owner-officer")
    organisation = OrganisationFactory(name="Luleå kommun")
    project = ProjectFactory(title="Projektet", applicant=organisation, owner=organisation)
    case = register_case(officer=officer, project=project)
    fulfilled = ObligationFactory(project=project, text="Uppfyllt villkor")
    from projects import services

    services.obligation_fulfil(user=officer, obligation=fulfilled)
    return World(
        case=case,
        project=project,
        organisation=organisation,
        member=ProjectMemberFactory(project=project, name="Maria Öberg"),
        obligation=ObligationFactory(project=project, text="Öppet villkor"),
        fulfilled=fulfilled,
        document=document_for(case, officer),
        area=RusArea.objects.create(name="Område"),
        officer=officer,
        free_project=ProjectFactory(title="Projekt utan ärende"),
    )


def _state():
    """Everything the actions could change, as comparable values."""
    models = (
        Case,
        Project,
        Organisation,
        ProjectMember,
        Obligation,
        Document,
        RusArea,
        SmartSpecialisationArea,
    )
    return {
        model.__name__: sorted(
            repr([field.value_from_object(obj) for field in model._meta.concrete_fields])
            for obj in model.objects.all()
        )
        for model in models
    } | {"partners": sorted(Project.partners.through.objects.values_list("pk", flat=True))}


def _project_form(w, **extra):
    return {
        "title": "Nytt namn",
        "origin": "external",
        "applicant_text": "",
        "owner_text": "",
        "partners_text": "",
        "requested_amount": "100 kr",
        "total_budget": "",
        "edit_token": edit_token(w.project),
        **extra,
    }


ACTIONS = {
    "register_case": (
        OFFICER,
        lambda w: (
            reverse("projects:case_register"),
            {
                "kind": "medfinansiering",
                "project_mode": "existing",
                "project": w.free_project.pk,
                "officer": w.officer.pk,
                "received_on": "2020-03-01",
                "title": "Nytt ärende",
            },
        ),
    ),
    "edit_case": (
        OFFICER,
        lambda w: (
            reverse("projects:case_edit", args=[w.case.pk]),
            {
                "title": "Ändrad",
                "nyps_id": "",
                "officer": w.officer.pk,
                "received_on": w.case.received_on.isoformat(),
                "project": w.project.pk,
                "edit_token": edit_token(w.case),
            },
        ),
    ),
    "create_organisation": (
        OFFICER,
        lambda w: (
            reverse("projects:organisation_create"),
            {
                "name": "Ny organisation",
                "kind": "company",
            },
        ),
    ),
    "create_organisation_inline": (
        OFFICER,
        lambda w: (
            reverse("projects:organisation_picker_create"),
            {"name": "Inline AB", "kind": "company", "field": "applicant", "id": "id_applicant"},
        ),
    ),
    "edit_organisation": (
        OFFICER,
        lambda w: (
            reverse("projects:organisation_edit", args=[w.organisation.pk]),
            {
                "name": "Luleå kommun",
                "kind": "municipality",
                "city": "Luleå",
                "edit_token": edit_token(w.organisation),
            },
        ),
    ),
    "create_project": (OFFICER, lambda w: (reverse("projects:project_create"), _project_form(w))),
    "edit_project": (
        OFFICER,
        lambda w: (reverse("projects:project_edit", args=[w.project.pk]), _project_form(w)),
    ),
    "record_start": (
        OFFICER,
        lambda w: (
            reverse("projects:project_start", args=[w.project.pk]),
            {
                "started_on": "2020-09-01",
                "reporting_routine": "Kvartal",
                "edit_token": edit_token(w.project),
            },
        ),
    ),
    "add_member": (
        OFFICER,
        lambda w: (
            reverse("projects:member_create", args=[w.project.pk]),
            {"group": "project", "role": "participant", "name": "Sara", "organisation_text": ""},
        ),
    ),
    "edit_member": (
        OFFICER,
        lambda w: (
            reverse("projects:member_edit", args=[w.member.pk]),
            {
                "group": "project",
                "role": "participant",
                "name": "Maria Öberg",
                "organisation_text": "",
                "edit_token": edit_token(w.member),
            },
        ),
    ),
    "delete_member": (
        OFFICER,
        lambda w: (reverse("projects:member_delete", args=[w.member.pk]), {}),
    ),
    "create_obligation": (
        OFFICER_SECRETARY,
        lambda w: (
            reverse("projects:obligation_create", args=[w.project.pk]),
            {"text": "Nytt villkor", "due_date": "2023-01-01", "source": "", "case": ""},
        ),
    ),
    "edit_obligation": (
        OFFICER_SECRETARY,
        lambda w: (
            reverse("projects:obligation_edit", args=[w.obligation.pk]),
            {
                "text": "Ändrat villkor",
                "due_date": "",
                "source": "",
                "case": "",
                "edit_token": edit_token(w.obligation),
            },
        ),
    ),
    "fulfil_obligation": (
        OFFICER,
        lambda w: (
            reverse("projects:obligation_fulfil", args=[w.obligation.pk]),
            {"fulfilled_on": "2021-01-01", "note": ""},
        ),
    ),
    "reopen_obligation": (
        OFFICER,
        lambda w: (reverse("projects:obligation_reopen", args=[w.fulfilled.pk]), {}),
    ),
    "delete_obligation": (
        OFFICER,
        lambda w: (reverse("projects:obligation_delete", args=[w.obligation.pk]), {}),
    ),
    "close_project": (
        OFFICER,
        lambda w: (
            reverse("projects:project_closure", args=[w.project.pk]),
            {
                "result_summary": "Klart",
                "recommendation": "maintenance",
                "closed_on": "2023-03-01",
                "edit_token": edit_token(w.project),
            },
        ),
    ),
    "upload_document": (
        UPLOADERS,
        lambda w: (
            reverse("projects:document_upload", args=[w.case.pk]),
            {
                "title": "Protokollsutdrag",
                "kind": "bilaga",
                "party_name": "Regionala utvecklingsnämnden",
                "file": upload("utdrag.txt", b"Utdrag"),
            },
        ),
    ),
    "edit_document": (
        OFFICER,
        lambda w: (
            # (marking it secret also needs access to the case's secrets: tests of secrecy)
            reverse("projects:document_edit", args=[w.document.pk]),
            {"kind": "korrespondens"},
        ),
    ),
    "create_area": (
        OFFICER,
        lambda w: (
            reverse("projects:area_create", args=["smart"]),
            {"name": "Nytt fokus", "position": 1},
        ),
    ),
    "edit_area": (
        OFFICER,
        lambda w: (
            reverse("projects:area_edit", args=["rus", w.area.pk]),
            {"name": "Område", "report_priority": "skills", "position": 3, "active": "on"},
        ),
    ),
}


@pytest.mark.parametrize("role", list(Role.values))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(world, client_for, role, action):
    allowed_roles, build = ACTIONS[action]
    user = user_with_role(role, username=f"matrix-{action}")
    url, data = build(world)
    before = _state()
    response = client_for(user).post(url, data)
    after = _state()
    if role in allowed_roles:
        # the inline create answers with the htmx fragment that picks the organisation
        assert (
            response.status_code in (200, 302)
            if action.endswith("inline")
            else (response.status_code == 302)
        ), response.content.decode()[:2000]
        assert after != before
    else:
        assert response.status_code == 403
        assert after == before
        assert response.context["reason"]  # a Swedish reason on the 403 page


@pytest.mark.parametrize("role", [Role.DECISION_MAKER, Role.READER])
def test_forms_of_refused_actions_are_not_even_shown(world, client_for, role):
    client = client_for(user_with_role(role))
    for url in (
        reverse("projects:case_register"),
        reverse("projects:case_edit", args=[world.case.pk]),
        reverse("projects:project_edit", args=[world.project.pk]),
        reverse("projects:document_upload", args=[world.case.pk]),
        reverse("projects:obligation_create", args=[world.project.pk]),
    ):
        assert client.get(url).status_code == 403


def test_closed_cases_cannot_be_edited(world, client_for):
    Case.objects.filter(pk=world.case.pk).update(state="closed")
    response = client_for(world.officer).get(reverse("projects:case_edit", args=[world.case.pk]))
    assert response.status_code == 403
    assert "avslutat" in response.context["reason"]
