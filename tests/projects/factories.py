"""Factories of the projects app: organisations, projects, the case registry and its
documents. Cases are registered through the service, so they get a real Dnr."""

import datetime
import io
from decimal import Decimal

import factory

from core.roles import Role
from projects import services
from projects.models import CaseKind, Document, Obligation, Organisation, Project, ProjectMember
from tests.core.factories import user_with_role

REGISTERED = datetime.date(2020, 1, 15)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} AB")
    kind = Organisation.Kind.COMPANY


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Projekt {n}")
    applicant = factory.SubFactory(OrganisationFactory)
    owner = factory.SelfAttribute("applicant")
    start_date = datetime.date(2020, 9, 1)
    end_date = datetime.date(2023, 2, 28)
    requested_amount = Decimal("1222867")
    total_budget = Decimal("6114325")

    @factory.post_generation
    def aims(self, create, extracted, **kwargs):
        """``aims=["equality", "environment"]``: the managed main aims the annual report
        counts as these (``ProjectAim.reported_as``)."""
        if create and extracted:
            self.main_aims.set([project_aim(code) for code in extracted])


def project_aim(reported_as: str):
    from projects.models import ProjectAim, ReportedAim

    aim, _created = ProjectAim.objects.get_or_create(
        reported_as=reported_as, defaults={"name": ReportedAim(reported_as).label}
    )
    return aim


def register_case(*, officer=None, kind=CaseKind.CO_FINANCING, project=None, **kwargs):
    """A case registered through the service, so it gets a real Dnr."""
    officer = officer or user_with_role(Role.OFFICER)
    project = project or ProjectFactory()
    title = kwargs.pop("title", f"Medfinansiering av projektet {project.title}")
    return services.case_register(user=officer, kind=kind, title=title, project=project, **kwargs)


def co_financing_case(*, officer=None, project=None, registered_on=REGISTERED, **project_fields):
    """A co-financing case registered on 2020-01-15, for ``project`` or a project of its own
    made with ``project_fields`` (``title=`` is the project's)."""
    project = project or ProjectFactory(**project_fields)
    return register_case(officer=officer, project=project, registered_on=registered_on)


def idea_case(*, officer=None, project=None, **kwargs):
    """A projektidé registered on 2020-01-15."""
    project = project or ProjectFactory()
    return register_case(
        officer=officer,
        kind=CaseKind.PROJECT_IDEA,
        project=project,
        title=kwargs.pop("title", f"Projektidé {project.title}"),
        registered_on=kwargs.pop("registered_on", REGISTERED),
        **kwargs,
    )


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def zip_bytes(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if stored_first:
            archive.writestr(
                zipfile.ZipInfo(stored_first), entries[stored_first], zipfile.ZIP_STORED
            )
        for name, data in entries.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


DOCX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT_BYTES = zip_bytes(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
    stored_first="mimetype",
)


def upload(name="beslutsunderlag.pdf", content=PDF_BYTES, content_type="application/pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    group = ProjectMember.Group.PROJECT_GROUP
    role = ProjectMember.MemberRole.COORDINATOR
    name = factory.Faker("name", locale="sv_SE")
    organisation = factory.SubFactory(OrganisationFactory)


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    project = factory.SubFactory(ProjectFactory)
    text = "Beskriv i slutrapporten hur projektet nått målet om antal företag."
    due_date = datetime.date(2023, 3, 31)
    source = "RUN 2020-03-24 § 38"


def document_for(
    case,
    user,
    *,
    title="Ansökan",
    confidential=False,
    content=PDF_BYTES,
    name="ansokan.pdf",
    kind=Document.Kind.APPLICATION,
):
    return services.document_upload(
        user=user,
        case=case,
        file=upload(name, content),
        title=title,
        kind=kind,
        confidential=confidential,
    )
