"""Demo data of the projects app: users per role, organisations, areas, the seed cases.

Idempotent: running it again finds what exists and creates nothing twice.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from projects import services
from projects.models import Case, Organisation, Project, RusArea, SmartSpecialisationArea
from projects.roles import Role
from projects.seed_cases import ORGANISATIONS, RUS_AREAS, SMART_AREAS, all_seed_cases, case_title

DEMO_PASSWORD = "norrbotten-demo-2020"  # noqa: S105 - printed for the demo on purpose

# username, first name, last name, roles, extra permission codenames
DEMO_USERS = [
    ("handlaggare", "Anna", "Lindberg", [Role.OFFICER], []),
    ("handlaggare2", "Kristina", "Nilsson", [Role.OFFICER], []),
    ("sekreterare", "Monica", "Lejon", [Role.SECRETARY], []),
    ("controller", "Erik", "Holmström", [Role.CONTROLLER], []),
    (
        "direktor",
        "Lars",
        "Wikström",
        [Role.DECISION_MAKER],
        ["decisions.decide_by_delegation"],
    ),
    ("ordforande", "Nils-Olov", "Lindfors", [Role.DECISION_MAKER], []),
    ("justerare", "Lage", "Hortlund", [Role.DECISION_MAKER], []),
    ("lasare", "Revisor", "Norrbotten", [Role.READER], []),
]

AIM_FIELDS = {
    "equality": "main_aim_equality",
    "diversity": "main_aim_diversity",
    "environment": "main_aim_environment",
}


def _users(stdout):
    User = get_user_model()
    users = {}
    for username, first, last, roles, perms in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.se"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.set(Group.objects.filter(name__in=roles))
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission:
                user.user_permissions.add(permission)
        users[username] = user
    return users


def _areas():
    for position, (name, priority) in enumerate(RUS_AREAS):
        RusArea.objects.update_or_create(
            name=name, defaults={"report_priority": priority, "position": position}
        )
    for position, name in enumerate(SMART_AREAS):
        SmartSpecialisationArea.objects.update_or_create(name=name, defaults={"position": position})


def _organisations():
    for name, (kind, org_number) in ORGANISATIONS.items():
        Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "org_number": org_number}
        )
    return {org.name: org for org in Organisation.objects.all()}


def seed_project(seed: dict, orgs: dict, officer) -> Project:
    project = Project.objects.filter(title=seed["project_title"]).first()
    if project:
        return project
    fields = {
        "applicant": orgs[seed["applicant"]],
        "owner": orgs[seed["owner"]],
        "start_date": _date(seed.get("start_date")),
        "end_date": _date(seed.get("end_date")),
        "requested_amount": seed["requested"],
        "total_budget": seed["total_budget"],
        "involves_healthcare": seed["involves_healthcare"],
        "origin": Project.Origin.EXTERNAL,
        "partners": [orgs[name] for name in seed["partners"]],
        "rus_areas": list(RusArea.objects.filter(name__in=seed["rus"])),
        "smart_areas": list(SmartSpecialisationArea.objects.filter(name__in=seed["smart"])),
    }
    for key in services.PROJECT_TEXT_FIELDS:
        fields[key] = seed.get(key, "")
    for aim in seed["main_aims"]:
        fields[AIM_FIELDS[aim]] = True
    return services.project_create(user=officer, title=seed["project_title"], **fields)


def seed_case(seed: dict, project: Project, officer) -> Case:
    existing = Case.objects.filter(year=seed["year"], number=seed["number"]).first()
    if existing:
        return existing
    registered = (
        datetime.date(seed["year"], 1, 15)
        if seed["year"] == 2020
        else datetime.date(seed["year"], 5, 10)
    )
    return services.case_register(
        user=officer,
        kind="medfinansiering",
        title=case_title(seed),
        project=project,
        nyps_id=seed["nyps_id"],
        received_on=registered,
        registered_on=registered,
        import_number=seed["number"],
    )


@transaction.atomic
def load(stdout) -> dict:
    users = _users(stdout)
    _areas()
    orgs = _organisations()
    officer = users["handlaggare"]
    cases = {}
    for seed in all_seed_cases():
        project = seed_project(seed, orgs, officer)
        cases[seed["number"], seed["year"]] = seed_case(seed, project, officer)
    stdout.write(
        f"  projects: {Organisation.objects.count()} organisations, "
        f"{Project.objects.count()} projects, {Case.objects.count()} cases"
    )
    return {"users": users, "cases": cases}


def _date(value):
    return datetime.date.fromisoformat(value) if value else None
