"""Demo data of the projects app: users per role, organisations, areas, the seed cases.

Idempotent: running it again finds what exists and creates nothing twice.
"""

import datetime
import unicodedata
from decimal import Decimal as D

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from core.pdf import PdfRenderError, render_pdf
from core.roles import Role
from projects import services
from projects.models import (
    Case,
    Document,
    Obligation,
    Organisation,
    Project,
    ProjectAim,
    ReportedAim,
    RusArea,
    SmartSpecialisationArea,
)
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


def aims(*reported: str) -> list:
    """The managed main aims the report counts as ``reported`` (equality, ...)."""
    return list(ProjectAim.objects.filter(reported_as__in=reported, active=True))


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
    # The report's main aims (the data migration's rows; again after a test flush).
    for position, (code, label) in enumerate(ReportedAim.choices):
        if not ProjectAim.objects.filter(reported_as=code).exists():
            ProjectAim.objects.create(name=str(label), reported_as=code, position=position)


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
    fields["main_aims"] = aims(*seed["main_aims"])
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


# An internal project idea (seed 000's route), so the registry holds both kinds of case.
PROJECT_IDEA = {
    "project_title": "Kompetenslyft för digital samverkan i Norrbottens kommuner",
    "case_title": "Projektidé: Kompetenslyft för digital samverkan i Norrbottens kommuner",
    "registered_on": "2020-02-10",
    "applicant": "Region Norrbotten",
    "partners": ["Luleå kommun", "Kalix kommun", "Luleå tekniska universitet"],
    "start_date": "2021-01-01",
    "end_date": "2022-12-31",
    "requested": "850000",
    "total_budget": "2400000",
    "rus": ["Flexibel och väl fungerande kompetensförsörjning"],
    "smart": ["Digitala tjänster"],
    "summary": (
        "Utvecklingsavdelningen vill tillsammans med tre kommuner och Luleå tekniska "
        "universitet söka extern finansiering för ett kompetenslyft i digital samverkan för "
        "chefer och medarbetare inom kommunal verksamhet."
    ),
    "background": (
        "Kommunerna i Norrbotten har svårt att rekrytera digital kompetens och behöver "
        "utveckla befintlig personal för att kunna samverka digitalt över kommungränserna."
    ),
    "purpose": "Att stärka förmågan till digital samverkan mellan länets kommuner och regionen.",
    "implementation": (
        "Förstudie under 2021 med behovsinventering, därefter utbildningsinsatser och "
        "gemensamma piloter. Ansökan ställs till Europeiska socialfonden."
    ),
    "expected_results": "Minst 200 medarbetare har genomgått utbildningen; tre gemensamma piloter.",
}

# A granted project's organisation after approval (seed 000 "Hantering av godkända projekt").
ARCTIC_SOLAR_MEMBERS = [
    ("project", "coordinator", "Maria Öberg", "Piteå Science Park AB"),
    ("project", "subproject_leader", "Johan Lind", "RISE Research Institutes of Sweden AB"),
    ("project", "participant", "Sara Nyström", "PiteEnergi AB"),
    ("project", "support", "Peter Holm", "Piteå Science Park AB"),
    ("steering", "chair", "Karin Strand", "Piteå Science Park AB"),
    ("steering", "member", "Anders Berg", "Piteå kommun"),
    ("steering", "member", "Lena Sjöberg", "Sparbanken Nord"),
]
ARCTIC_SOLAR_ROUTINE = (
    "Lägesrapport till styrgruppen varje kvartal. Projektmöte varannan vecka. "
    "Ekonomisk uppföljning med controller inför varje utbetalningsansökan."
)


def _project_idea(orgs, officer) -> Case:
    seed = PROJECT_IDEA
    existing = Case.objects.filter(title=seed["case_title"]).first()
    if existing:
        return existing
    project = Project.objects.filter(title=seed["project_title"]).first()
    if project is None:
        project = services.project_create(
            user=officer,
            title=seed["project_title"],
            applicant=orgs[seed["applicant"]],
            owner=orgs[seed["applicant"]],
            partners=[orgs[name] for name in seed["partners"]],
            start_date=_date(seed["start_date"]),
            end_date=_date(seed["end_date"]),
            requested_amount=D(seed["requested"]),
            total_budget=D(seed["total_budget"]),
            origin=Project.Origin.INTERNAL,
            rus_areas=list(RusArea.objects.filter(name__in=seed["rus"])),
            smart_areas=list(SmartSpecialisationArea.objects.filter(name__in=seed["smart"])),
            main_aims=aims("equality"),
            **{key: seed.get(key, "") for key in services.PROJECT_TEXT_FIELDS},
        )
    registered = _date(seed["registered_on"])
    return services.case_register(
        user=officer,
        kind="projektide",
        title=seed["case_title"],
        project=project,
        received_on=registered,
        registered_on=registered,
    )


def _arctic_solar_organisation(cases, orgs, officer) -> None:
    project = cases[35, 2020].project
    for group, role, name, organisation in ARCTIC_SOLAR_MEMBERS:
        if not project.members.filter(name=name).exists():
            services.project_member_create(
                user=officer,
                project=project,
                group=group,
                role=role,
                name=name,
                organisation=orgs[organisation],
                email=_email(name),
            )
    if project.started_on is None:
        services.project_record_start(
            user=officer,
            project=project,
            started_on=datetime.date(2020, 9, 1),
            reporting_routine=ARCTIC_SOLAR_ROUTINE,
        )
    report = "Lämna en lägesrapport efter första projektåret med utfall mot indikatorerna."
    if not Obligation.objects.filter(project=project, text=report).exists():
        obligation = services.obligation_create(
            user=officer,
            project=project,
            case=cases[35, 2020],
            text=report,
            due_date=datetime.date(2021, 9, 30),
            source="Region Norrbottens villkor för regionala projektstöd",
        )
        services.obligation_fulfil(
            user=officer,
            obligation=obligation,
            fulfilled_on=datetime.date(2021, 9, 20),
            note="Lägesrapporten inkom och godkändes av handläggaren.",
        )
    final = "Slutrapport med resultat och effekter lämnas senast två månader efter projektslut."
    if not Obligation.objects.filter(project=project, text=final).exists():
        services.obligation_create(
            user=officer,
            project=project,
            case=cases[35, 2020],
            text=final,
            due_date=datetime.date(2023, 4, 30),
            source="Region Norrbottens villkor för regionala projektstöd",
        )


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".") + "@example.se"


def _pdf(title: str, paragraphs: list[str], case: Case) -> bytes:
    with translation.override("sv"):
        html = render_to_string(
            "projects/demo_document.html",
            {"title": title, "paragraphs": paragraphs, "case": case},
        )
    return render_pdf(html)


def _attach(case, user, *, title, kind, name, content, confidential=False, **registry) -> None:
    """Register a demo document as a registrar would: the date it arrived or was drawn up
    (the case's dates, not the day the demo was loaded) and who sent it."""
    if case.documents.filter(title=title).exists():
        return
    services.document_upload(
        user=user,
        case=case,
        file=SimpleUploadedFile(name, content),
        title=title,
        kind=kind,
        confidential=confidential,
        **registry,
    )


def _from_applicant(case) -> dict:
    """An incoming document from the case's applicant, dated the day the case arrived."""
    applicant = case.project.applicant
    return {
        "direction": Document.Direction.INCOMING,
        "document_date": case.received_on or case.registered_on,
        "party_kind": Document.PartyKind.ORGANISATION if applicant else "",
        "party_name": applicant.name if applicant else "",
    }


def _documents(cases, users, stdout) -> None:
    officer = users["handlaggare"]
    for key, case in cases.items():
        if key not in {(35, 2020), (412, 2023), (52, 2020)}:
            continue
        project = case.project
        try:
            application = _pdf(
                f"Ansökan om medfinansiering – {project.title}",
                [project.summary, project.background, project.purpose, project.implementation],
                case,
            )
        except PdfRenderError as exc:  # pragma: no cover - missing system fonts
            stdout.write(f"  projects: skipped demo PDFs ({exc})")
            return
        _attach(
            case,
            officer,
            title="Ansökan",
            kind=Document.Kind.APPLICATION,
            name="ansokan.pdf",
            content=application,
            **_from_applicant(case),
        )
        statement = "\n\n".join(
            filter(None, [f"Yttrande {case.dnr}", project.title, project.expected_results])
        )
        _attach(
            case,
            officer,
            title="Handläggarens yttrande",
            kind=Document.Kind.DECISION_BASIS,
            name="yttrande.txt",
            content=statement.encode("utf-8"),
            direction=Document.Direction.DRAWN_UP,
            document_date=case.registered_on,
        )
    life_science = cases.get((412, 2023))
    if life_science is not None:
        _attach(
            life_science,
            officer,
            title="Affärsplan för innovationsstödet",
            kind=Document.Kind.APPENDIX,
            name="affarsplan.pdf",
            content=_pdf(
                "Affärsplan (sekretess enligt OSL 31 kap. 16 §)",
                ["Innehåller uppgifter om enskildas affärsförhållanden."],
                life_science,
            ),
            confidential=True,
            **_from_applicant(life_science),
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
    idea = _project_idea(orgs, officer)
    cases[idea.number, idea.year] = idea
    _arctic_solar_organisation(cases, orgs, officer)
    _documents(cases, users, stdout)
    stdout.write(
        f"  projects: {Organisation.objects.count()} organisations, "
        f"{Project.objects.count()} projects, {Case.objects.count()} cases, "
        f"{Document.objects.count()} documents"
    )
    return {"users": users, "cases": cases}


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def show_users(stdout) -> None:
    """The demo users, one per role, and their shared password."""
    stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD})")
    for username, first, last, roles, _perms in DEMO_USERS:
        name = f"{first} {last}"
        stdout.write(f"  {username:<14} {name:<22} {', '.join(roles)}")
