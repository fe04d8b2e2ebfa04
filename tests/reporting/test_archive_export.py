"""The archive export: a closed case as an E-ARK SIP zip, read back file by file."""

import datetime
import hashlib
import io
import shutil
import zipfile

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import etree
from pypdf import PdfReader

from core.roles import Role
from decisions.workflow.models import DelegationDecision
from projects import services as project_services
from projects.models import Case, SecrecyProvision
from reporting.archive import services
from reporting.archive.inspect import inspect_package, schema_errors
from reporting.archive.models import ArchiveExport
from reporting.archive.package import CASES_NS, METS, XLINK
from tests.core.factories import user_with_role
from tests.projects.factories import DOCX_BYTES, PDF_BYTES, co_financing_case, document_for

pytestmark = pytest.mark.django_db
NS = {"m": METS, "c": CASES_NS, "xlink": XLINK}


def _archivist():
    user = user_with_role(Role.CONTROLLER, username="arkiv", first_name="Arne", last_name="Arkiv")
    user.user_permissions.add(Permission.objects.get(codename="export_archive"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def closed_case(officer, director):
    """Like seed 002: a co-financing case rejected on delegation, with an application,
    a letter and a secret appendix (31 kap. 16 § OSL)."""
    case = co_financing_case(officer=officer, title="Arctic Solar 2.0")
    application = document_for(case, officer, title="Ansökan", name="ansokan.pdf")
    document_for(
        case,
        officer,
        title="Följebrev",
        name="foljebrev.docx",
        content=DOCX_BYTES,
        kind="korrespondens",
    )
    secret = document_for(
        case,
        officer,
        title="Affärsplan",
        name="affarsplan.pdf",
        content=PDF_BYTES + b"%secret",
        kind="bilaga",
    )
    project_services.secrecy_mark(
        user=officer,
        case=case,
        document=secret,
        provision=SecrecyProvision.objects.get(name="31 kap. 16 § OSL"),
        note="Affärsförhållanden",
    )
    DelegationDecision.objects.create(
        case=case,
        decided_on=datetime.date(2020, 4, 2),
        outcome="rejected",
        decision_text="Ansökan avslås.",
        decided_by=director,
        report_reference="RUN 2020-05-12 § 30",
    )
    Case.objects.filter(pk=case.pk).update(state="rejected", decided_on=datetime.date(2020, 4, 2))
    case.refresh_from_db()
    return {"case": case, "application": application, "secret": secret}


def _export(closed_case, django_capture_on_commit_callbacks) -> tuple[ArchiveExport, bytes]:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.archive_export_request(user=_archivist(), cases=[closed_case["case"]])
    job.refresh_from_db()
    assert job.status == "done", job.error
    with job.file.open("rb") as handle:
        data = handle.read()
    return job, data


def test_the_package_reads_back_file_by_file(closed_case, django_capture_on_commit_callbacks):
    from tests.projects.factories import OrganisationFactory

    closed_case["case"].project.partners.add(OrganisationFactory(name="PiteEnergi AB"))
    from projects.models import CaseNote

    CaseNote.objects.create(
        case=closed_case["case"],
        author=closed_case["case"].officer,
        text="Samtal med sökanden om budgeten.",
    )
    from projects import services as project_services

    project_services.document_request_register(
        user=closed_case["case"].officer,
        case=closed_case["case"],
        requester="Journalist",
        received_on=datetime.date(2021, 2, 1),
        subject="Affärsplanen",
        documents=[closed_case["secret"]],
    )
    job, data = _export(closed_case, django_capture_on_commit_callbacks)
    case = closed_case["case"]
    assert hashlib.sha256(data).hexdigest() == job.sha256 and len(data) == job.size
    archive = zipfile.ZipFile(io.BytesIO(data))
    root = job.package_id
    names = set(archive.namelist())
    # CSIP layout
    assert f"{root}/METS.xml" in names
    assert f"{root}/metadata/descriptive/cases.xml" in names
    assert f"{root}/schemas/mets.xsd" in names
    folder = f"{root}/representations/rep1/data/{case.dnr}/"
    originals = sorted(name for name in names if name.startswith(folder))
    assert [name.rsplit("/", 1)[1] for name in originals] == [
        "001-ansokan.pdf",
        "002-foljebrev.docx",
        "003-affarsplan.pdf",
    ]
    assert archive.read(folder + "001-ansokan.pdf") == PDF_BYTES

    mets = etree.fromstring(archive.read(f"{root}/METS.xml"))
    assert mets.get("OBJID") == root
    assert mets.get("PROFILE") == "https://earkcsip.dilcis.eu/profile/E-ARK-SIP.xml"
    assert mets.find("m:metsHdr/m:agent/m:name", NS).text == "Norrbotten Cases"
    # the authority whose records they are: the archival creator and the submitter
    for role in ("ARCHIVIST", "CREATOR"):
        (authority,) = mets.findall(f"m:metsHdr/m:agent[@ROLE='{role}'][@TYPE='ORGANIZATION']", NS)
        assert authority.find("m:name", NS).text == "Region Norrbotten"
    files = mets.findall(".//m:fileSec//m:file", NS)
    listed = {f.find("m:FLocat", NS).get(f"{{{XLINK}}}href"): f for f in files}
    # every file but METS.xml and the descriptive metadata is in fileSec, checked here
    assert {f"{root}/{href}" for href in listed} == names - {
        f"{root}/METS.xml",
        f"{root}/metadata/descriptive/cases.xml",
    }
    for href, element in listed.items():
        content = archive.read(f"{root}/{href}")
        assert element.get("CHECKSUMTYPE") == "SHA-256"
        assert element.get("CHECKSUM") == hashlib.sha256(content).hexdigest().upper()
        assert element.get("SIZE") == str(len(content))
        assert element.get("MIMETYPE")
    assert (
        listed[f"representations/rep1/data/{case.dnr}/001-ansokan.pdf"].get("MIMETYPE")
        == "application/pdf"
    )
    md_ref = mets.find("m:dmdSec/m:mdRef", NS)
    descriptive = archive.read(f"{root}/metadata/descriptive/cases.xml")
    assert md_ref.get("CHECKSUM") == hashlib.sha256(descriptive).hexdigest().upper()
    assert md_ref.get(f"{{{XLINK}}}href") == "metadata/descriptive/cases.xml"
    struct = mets.find("m:structMap", NS)
    assert struct.get("TYPE") == "PHYSICAL" and struct.get("LABEL") == "CSIP"
    labels = [div.get("LABEL") for div in struct.findall("m:div/m:div", NS)]
    assert labels[:3] == ["Metadata", "Schemas", "Representations/rep1"]

    # case metadata
    cases = etree.fromstring(descriptive)
    record = cases.find("c:case", NS)
    assert record.findtext("c:dnr", namespaces=NS) == case.dnr
    assert record.findtext("c:title", namespaces=NS) == case.title
    assert record.findtext("c:state", namespaces=NS) == "rejected"
    assert record.findtext("c:decided_on", namespaces=NS) == "2020-04-02"
    decision = record.find("c:decisions/c:decision", NS)
    assert decision.findtext("c:reference", namespaces=NS) == "RUN 2020-05-12 § 30"
    assert decision.findtext("c:text", namespaces=NS) == "Ansökan avslås."
    assert record.find("c:parties/c:party[@role='applicant']", NS) is not None
    partners = {p.name for p in case.project.partners.all()}
    listed_partners = {
        party.findtext("c:name", namespaces=NS)
        for party in record.findall("c:parties/c:party[@role='partner']", NS)
    }
    assert listed_partners == partners and "PiteEnergi AB" in partners
    # the officers' notes (tjänsteanteckningar) are part of the record
    assert record.findtext("c:notes/c:note/c:text", namespaces=NS) == (
        "Samtal med sökanden om budgeten."
    )
    # and the requests for its documents (TF 2 kap.): the request is there, the requester not
    request = record.find("c:requests/c:request", NS)
    assert request.findtext("c:subject", namespaces=NS) == "Affärsplanen"
    assert request.findtext("c:received_on", namespaces=NS) == "2021-02-01"
    assert b"Journalist" not in descriptive
    documents = {d.get("number"): d for d in record.findall("c:documents/c:document", NS)}
    secret = documents[closed_case["secret"].registry_label]
    assert secret.findtext("c:title", namespaces=NS) == "Affärsplan"
    assert secret.findtext("c:direction", namespaces=NS) == "inkommande"
    assert secret.findtext("c:sha256", namespaces=NS) == closed_case["secret"].sha256
    assert secret.findtext("c:secrecy/c:provision", namespaces=NS) == "31 kap. 16 § OSL"
    assert secret.findtext("c:secrecy/c:note", namespaces=NS) == "Affärsförhållanden"
    assert documents[closed_case["application"].registry_label].find("c:secrecy", NS) is None

    # the package passes its own inspection and the vendored METS schema
    inspection = inspect_package(io.BytesIO(data))
    assert inspection.ok, (inspection.problems, inspection.schema_errors, inspection.unlisted)
    assert len(inspection.entries) == len(files) + 1


@pytest.mark.skipif(not shutil.which("gs"), reason="Ghostscript is not installed")
def test_pdfs_get_pdfa_renditions_and_failures_are_recorded(
    closed_case, django_capture_on_commit_callbacks
):
    job, data = _export(closed_case, django_capture_on_commit_callbacks)
    archive = zipfile.ZipFile(io.BytesIO(data))
    case = closed_case["case"]
    pdfa = archive.read(f"{job.package_id}/representations/rep2/data/{case.dnr}/001-ansokan.pdf")
    reader = PdfReader(io.BytesIO(pdfa))
    assert (
        b"pdfaid:part" in reader.xmp_metadata.stream.get_data()
        if reader.xmp_metadata
        else (b"pdfaid:part" in pdfa)
    )
    cases = etree.fromstring(archive.read(f"{job.package_id}/metadata/descriptive/cases.xml"))
    renditions = {
        d.get("number"): d.find("c:rendition", NS) for d in cases.findall(".//c:document", NS)
    }
    assert renditions[closed_case["application"].registry_label].get("status") == "ok"
    # the minimal test DOCX is not a real document: its conversion fails and is recorded
    letter = renditions[f"{case.dnr}-2"]
    if letter.get("status") == "failed":
        assert letter.get("reason")
        assert f"{case.dnr}-2" in job.conversion_failures


def test_schema_validation_rejects_a_broken_mets():
    broken = (
        b'<mets:mets xmlns:mets="http://www.loc.gov/METS/"><mets:fileSec>'
        b"<mets:fileGrp><mets:file/></mets:fileGrp></mets:fileSec></mets:mets>"
    )
    errors = schema_errors(broken)
    assert errors and any("ID" in error or "structMap" in error for error in errors)


def test_inspection_finds_a_changed_file(closed_case, django_capture_on_commit_callbacks, tmp_path):
    job, data = _export(closed_case, django_capture_on_commit_callbacks)
    source = zipfile.ZipFile(io.BytesIO(data))
    tampered = tmp_path / "tampered.zip"
    target_name = (
        f"{job.package_id}/representations/rep1/data/{closed_case['case'].dnr}/001-ansokan.pdf"
    )
    with zipfile.ZipFile(tampered, "w") as out:
        for name in source.namelist():
            content = source.read(name)
            out.writestr(name, content + b"x" if name == target_name else content)
    result = inspect_package(tampered)
    assert not result.ok
    assert [entry.problem for entry in result.entries if not entry.ok] == ["checksum"]
    with pytest.raises(CommandError):
        call_command("inspect_archive_package", str(tampered), stdout=io.StringIO())
    good = tmp_path / "good.zip"
    good.write_bytes(data)
    out = io.StringIO()
    call_command("inspect_archive_package", str(good), stdout=out)
    assert "files verified" in out.getvalue()
    assert "001-ansokan.pdf" in out.getvalue()


def test_only_closed_cases_and_only_the_permission(closed_case, officer):
    case = co_financing_case(officer=officer)
    with pytest.raises(PermissionDenied):
        services.archive_export_request(user=officer, cases=[closed_case["case"]])
    with pytest.raises(ValidationError):
        services.archive_export_request(user=_archivist(), cases=[case])


def test_the_page_orders_downloads_and_checks(
    closed_case, client_for, officer, django_capture_on_commit_callbacks
):
    url = reverse("reporting:archive")
    assert client_for(officer).get(url).status_code == 403
    archivist = _archivist()
    client = client_for(archivist)
    page = client.get(url)
    assert page.status_code == 200 and '<textarea name="cases"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"cases": closed_case["case"].dnr})
    assert response.status_code == 302
    job = ArchiveExport.objects.get()
    assert job.status == "done", job.error
    download = client.get(reverse("reporting:archive_download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == job.sha256
    assert (
        client_for(officer).get(reverse("reporting:archive_download", args=[job.pk])).status_code
        == 403
    )
    client = client_for(archivist)  # the same test client, logged in again
    check = client.get(reverse("reporting:archive_check", args=[job.pk]))
    assert check.status_code == 200
    assert "alla kontrollsummor stämmer" in check.content.decode()
    assert client.post(url, {}).status_code == 400


def test_cases_are_named_by_their_dnr_with_a_clear_message_for_each_mistake(closed_case, officer):
    """The closed cases are typed by Dnr, not ticked in a list of every closed case."""
    from reporting.archive.forms import ArchiveExportForm

    closed = closed_case["case"]
    open_case = co_financing_case(officer=officer)

    def errors(text):
        form = ArchiveExportForm({"cases": text})
        assert not form.is_valid()
        return " ".join(form.errors.get("cases", []) + form.non_field_errors())

    form = ArchiveExportForm({"cases": f"{closed.dnr},\n {closed.dnr}; "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cases"] == [closed]
    assert "Inte ett diarienummer: 2020-xx" in errors(f"{closed.dnr} 2020-xx")
    assert "inga ärenden med diarienummer 09999-2019" in errors("09999-2019")
    assert f"inte avslutade: {open_case.dnr}" in errors(f"{closed.dnr}, {open_case.dnr}")
    assert "Välj ett år eller minst ett ärende." in errors("")
    html = ArchiveExportForm().as_p()
    assert open_case.dnr not in html and closed.dnr not in html  # no list of every case
    assert f'<option value="{closed.year}">' in html


def test_renditions_made_side_by_side_are_written_in_order_beside_their_originals(
    officer, monkeypatch
):
    """Several conversions run at once (``RENDITION_WORKERS``); the package still lists
    every case's files in registry order, each rendition beside its own original."""
    from core.pdf import render_pdf
    from reporting.archive import package

    monkeypatch.setattr(package, "RENDITION_WORKERS", 3)
    cases = []
    for number in range(2):
        case = co_financing_case(officer=officer, title=f"Ärende {number}")
        for page in range(4):
            document_for(
                case,
                officer,
                title=f"Bilaga {number}-{page}",
                name=f"bilaga-{page}.pdf",
                content=render_pdf(f"<p>Dokument {number}-{page}</p>"),
            )
        cases.append(case)
    handle = io.BytesIO()
    result = package.build_package(
        [c.pk for c in cases], handle, objid="nc-test", label="Test", progress=None
    )
    assert result.documents == 8 and result.renditions == 8
    archive = zipfile.ZipFile(handle)
    names = [n for n in archive.namelist() if "/representations/" in n]
    expected = [
        f"nc-test/representations/{rep}/data/{case.dnr}/{page + 1:03d}-bilaga-{page}.pdf"
        for case in sorted(cases, key=lambda c: (c.year, c.number))
        for page in range(4)
        for rep in ("rep1", "rep2")
    ]
    assert sorted(names) == sorted(expected)
    for name in names:
        if "/rep2/" in name:
            original = name.replace("/rep2/", "/rep1/")
            assert names.index(original) == names.index(name) - 1  # written beside it
            number = name.rsplit("/", 2)[-2]
            case = next(c for c in cases if c.dnr == number)
            page = int(name.rsplit("-", 1)[1].removesuffix(".pdf"))
            text = PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()
            assert f"Dokument {cases.index(case)}-{page}" in text
