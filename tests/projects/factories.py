"""Factories of the projects app's own tests (shared ones live in tests/factories.py)."""

import datetime
import io

import factory

from projects.models import Document, Obligation, ProjectMember
from tests.factories import OrganisationFactory, ProjectFactory

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
    from projects import services

    return services.document_upload(
        user=user,
        case=case,
        file=upload(name, content),
        title=title,
        kind=kind,
        confidential=confidential,
    )
