"""An E-ARK SIP (CSIP 2.x) package of closed cases, as a zip.

Layout (one root folder named after the package's OBJID)::

    <objid>/METS.xml
    <objid>/metadata/descriptive/cases.xml          case and document metadata
    <objid>/representations/rep1/data/<dnr>/...     the registered files as stored
    <objid>/representations/rep2/data/<dnr>/...     PDF/A-2 renditions where conversion succeeded
    <objid>/schemas/*.xsd                           the schemas the METS uses

Every file but METS.xml is listed in METS with its SHA-256, size and MIME type.
"""

import collections
import concurrent.futures
import datetime
import hashlib
import mimetypes
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from lxml import etree

from projects.documents import sanitise_filename
from reporting.archive.metadata import archive_cases, case_metadata
from reporting.archive.pdfa import to_pdfa

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
PACKAGED_SCHEMAS = (
    "mets.xsd",
    "xlink.xsd",
    "xml.xsd",
    "DILCISExtensionMETS.xsd",
    "DILCISExtensionSIPMETS.xsd",
)
METS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CSIP = "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
SIP = "https://DILCIS.eu/XML/METS/SIPExtensionMETS"
CASES_NS = "urn:norrbotten-cases:archive:1"
NSMAP = {"mets": METS, "xlink": XLINK, "xsi": XSI, "csip": CSIP, "sip": SIP}
PROFILE = "https://earkcsip.dilcis.eu/profile/E-ARK-SIP.xml"
SOFTWARE = "Norrbotten Cases"
SOFTWARE_VERSION = "1"


def _m(tag: str) -> str:
    return f"{{{METS}}}{tag}"


@dataclass
class PackedFile:
    path: str  # relative to the package root
    sha256: str
    size: int
    mimetype: str
    use: str  # the fileGrp it belongs to
    file_id: str


@dataclass
class BuildResult:
    objid: str
    files: list[PackedFile] = field(default_factory=list)
    conversion_failures: list[str] = field(default_factory=list)
    renditions: int = 0
    documents: int = 0


class _Writer:
    """Adds files to the zip under the root folder and remembers their checksums."""

    def __init__(self, archive: zipfile.ZipFile, objid: str):
        self.archive, self.objid, self.files = archive, objid, []

    def add(self, path: str, data: bytes, *, use: str, mimetype: str = "") -> PackedFile:
        mimetype = mimetype or mimetypes.guess_type(path)[0] or "application/octet-stream"
        self.archive.writestr(f"{self.objid}/{path}", data)
        packed = PackedFile(
            path=path,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            mimetype=mimetype,
            use=use,
            file_id=f"file-{len(self.files) + 1}",
        )
        self.files.append(packed)
        return packed


def _text(parent, tag: str, value) -> None:
    element = etree.SubElement(parent, f"{{{CASES_NS}}}{tag}")
    element.text = "" if value is None else str(value)


def _secrecy(parent, markings: list[dict]) -> None:
    for marking in markings:
        element = etree.SubElement(parent, f"{{{CASES_NS}}}secrecy")
        for key in ("provision", "field", "marked_on", "note", "lifted_at", "lift_reason"):
            _text(element, key, marking[key])


def cases_xml(cases: list[dict], renditions: dict[str, dict]) -> bytes:
    """The descriptive metadata of the cases (namespace ``urn:norrbotten-cases:archive:1``)."""
    root = etree.Element(f"{{{CASES_NS}}}cases", nsmap={None: CASES_NS})
    for case in cases:
        element = etree.SubElement(root, f"{{{CASES_NS}}}case", dnr=case["dnr"])
        for key in (
            "dnr",
            "title",
            "kind",
            "state",
            "state_label",
            "received_on",
            "registered_on",
            "decided_on",
            "officer",
            "project",
        ):
            _text(element, key, case[key])
        parties = etree.SubElement(element, f"{{{CASES_NS}}}parties")
        for party in case["parties"]:
            item = etree.SubElement(parties, f"{{{CASES_NS}}}party", role=party["role"])
            _text(item, "name", party["name"])
            _text(item, "organisation", party["organisation"])
        decisions = etree.SubElement(element, f"{{{CASES_NS}}}decisions")
        for decision in case["decisions"]:
            item = etree.SubElement(decisions, f"{{{CASES_NS}}}decision", kind=decision["kind"])
            for key in ("reference", "date", "outcome", "text"):
                _text(item, key, decision[key])
        _secrecy(element, case["case_secrecy"])
        for group, tag, keys in (
            ("notes", "note", ("written_at", "author", "text")),
            (
                "requests",
                "request",
                ("received_on", "subject", "decision", "decided_on", "provision"),
            ),
            (
                "destroyed",
                "destroyed_document",
                ("document_number", "title", "destroyed_at", "decision_reference"),
            ),
        ):
            holder = etree.SubElement(element, f"{{{CASES_NS}}}{group}")
            for row in case[group]:
                item = etree.SubElement(holder, f"{{{CASES_NS}}}{tag}")
                for key in keys:
                    _text(item, key, row[key])
        documents = etree.SubElement(element, f"{{{CASES_NS}}}documents")
        for document in case["documents"]:
            item = etree.SubElement(
                documents, f"{{{CASES_NS}}}document", number=document["document_number"]
            )
            for key in (
                "document_number",
                "title",
                "kind",
                "version",
                "direction",
                "document_date",
                "party_kind",
                "party_name",
                "description",
                "original_name",
                "content_type",
                "size",
                "sha256",
                "registered_at",
                "registered_by",
                "parent",
                "path",
            ):
                _text(item, key, document.get(key, ""))
            rendition = renditions.get(document["document_number"], {})
            etree.SubElement(
                item,
                f"{{{CASES_NS}}}rendition",
                format="PDF/A-2",
                status=rendition.get("status", "none"),
                tool=rendition.get("tool", ""),
                path=rendition.get("path", ""),
                reason=rendition.get("reason", ""),
            )
            _secrecy(item, document["secrecy"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def mets_xml(
    *,
    objid: str,
    label: str,
    created: datetime.datetime,
    files: list[PackedFile],
    descriptive: PackedFile,
) -> bytes:
    stamp = created.replace(microsecond=0).isoformat()
    root = etree.Element(
        _m("mets"),
        nsmap=NSMAP,
        OBJID=objid,
        LABEL=label,
        TYPE="OTHER",
        PROFILE=PROFILE,
    )
    root.set(f"{{{CSIP}}}OTHERTYPE", "Case records")
    root.set(f"{{{CSIP}}}CONTENTINFORMATIONTYPE", "MIXED")
    root.set(
        f"{{{XSI}}}schemaLocation",
        f"{METS} schemas/mets.xsd {XLINK} schemas/xlink.xsd "
        f"{CSIP} schemas/DILCISExtensionMETS.xsd {SIP} schemas/DILCISExtensionSIPMETS.xsd",
    )
    header = etree.SubElement(root, _m("metsHdr"), CREATEDATE=stamp, RECORDSTATUS="NEW")
    header.set(f"{{{CSIP}}}OAISPACKAGETYPE", "SIP")
    agent = etree.SubElement(
        header, _m("agent"), ROLE="CREATOR", TYPE="OTHER", OTHERTYPE="SOFTWARE"
    )
    etree.SubElement(agent, _m("name")).text = SOFTWARE
    note = etree.SubElement(agent, _m("note"))
    note.text = SOFTWARE_VERSION
    note.set(f"{{{CSIP}}}NOTETYPE", "SOFTWARE VERSION")
    # the authority whose records these are (E-ARK SIP: the archival creator) and that
    # submits them: the region (REGION_NAME)
    for role in ("ARCHIVIST", "CREATOR"):
        authority = etree.SubElement(header, _m("agent"), ROLE=role, TYPE="ORGANIZATION")
        etree.SubElement(authority, _m("name")).text = settings.REGION_NAME

    dmd = etree.SubElement(root, _m("dmdSec"), ID="dmd-1", CREATED=stamp, STATUS="CURRENT")
    ref = etree.SubElement(
        dmd,
        _m("mdRef"),
        LOCTYPE="URL",
        MDTYPE="OTHER",
        OTHERMDTYPE="NorrbottenCases",
        MIMETYPE=descriptive.mimetype,
        SIZE=str(descriptive.size),
        CREATED=stamp,
        CHECKSUM=descriptive.sha256.upper(),
        CHECKSUMTYPE="SHA-256",
    )
    ref.set(f"{{{XLINK}}}type", "simple")
    ref.set(f"{{{XLINK}}}href", descriptive.path)

    file_sec = etree.SubElement(root, _m("fileSec"), ID="filesec-1")
    groups: dict[str, list[PackedFile]] = {}
    for packed in files:
        groups.setdefault(packed.use, []).append(packed)
    group_ids = {}
    for number, (use, members) in enumerate(groups.items(), start=1):
        group_ids[use] = f"grp-{number}"
        group = etree.SubElement(file_sec, _m("fileGrp"), ID=group_ids[use], USE=use)
        if use.startswith("Representations"):
            group.set(f"{{{CSIP}}}CONTENTINFORMATIONTYPE", "MIXED")
        for packed in members:
            element = etree.SubElement(
                group,
                _m("file"),
                ID=packed.file_id,
                MIMETYPE=packed.mimetype,
                SIZE=str(packed.size),
                CREATED=stamp,
                CHECKSUM=packed.sha256.upper(),
                CHECKSUMTYPE="SHA-256",
            )
            location = etree.SubElement(element, _m("FLocat"), LOCTYPE="URL")
            location.set(f"{{{XLINK}}}type", "simple")
            location.set(f"{{{XLINK}}}href", packed.path)

    struct = etree.SubElement(
        root, _m("structMap"), ID="structmap-1", TYPE="PHYSICAL", LABEL="CSIP"
    )
    top = etree.SubElement(struct, _m("div"), ID="div-root", LABEL=objid)
    etree.SubElement(top, _m("div"), ID="div-metadata", LABEL="Metadata", DMDID="dmd-1")
    for number, use in enumerate(groups, start=1):
        div = etree.SubElement(top, _m("div"), ID=f"div-{number}", LABEL=use)
        etree.SubElement(div, _m("fptr"), FILEID=group_ids[use])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _read(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


# PDF/A renditions made at the same time (each a Ghostscript or LibreOffice process of its
# own, about 55 ms for a one-page PDF): the package is written in the documents' order
# while the next ones are converted.
RENDITION_WORKERS = max(1, min(4, os.cpu_count() or 1))


def _converted(documents):
    """``(folder, document, data, content)`` in order, each with its PDF/A rendition
    (``to_pdfa``) appended; up to ``RENDITION_WORKERS`` conversions run at once, and no
    more than twice as many documents' contents are held ahead of the writer."""
    ahead = 2 * RENDITION_WORKERS
    with concurrent.futures.ThreadPoolExecutor(max_workers=RENDITION_WORKERS) as pool:
        pending: collections.deque = collections.deque()
        for folder, document, data, content in documents:
            converting = pool.submit(
                to_pdfa, content, document.original_name, document.content_type
            )
            pending.append((folder, document, data, content, converting))
            if len(pending) >= ahead:
                folder, document, data, content, converting = pending.popleft()
                yield folder, document, data, content, converting.result()
        while pending:
            folder, document, data, content, converting = pending.popleft()
            yield folder, document, data, content, converting.result()


def build_package(
    case_ids, target: IO[bytes], *, objid: str, label: str, progress=None
) -> BuildResult:
    """Write the SIP zip of the cases ``case_ids`` into ``target``."""
    created = datetime.datetime.now(datetime.UTC)
    result = BuildResult(objid=objid)
    cases = archive_cases(case_ids)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive, objid)
        for name in PACKAGED_SCHEMAS:
            writer.add(
                f"schemas/{name}",
                (SCHEMA_DIR / name).read_bytes(),
                use="Schemas",
                mimetype="text/xml",
            )
        metadata, renditions = [], {}
        total = sum(len(case.documents.all()) for case in cases) or 1

        def documents():
            """Each document in the package's order: its case's folder, its metadata, its
            content."""
            for case in cases:
                record = case_metadata(case)
                metadata.append(record)
                folder = sanitise_filename(case.dnr)
                for document, data in zip(case.documents.all(), record["documents"], strict=True):
                    yield folder, document, data, _read(document)

        for folder, document, data, content, rendition in _converted(documents()):
            number = data["document_number"]
            name = f"{document.registry_number:03d}-{sanitise_filename(document.original_name)}"
            packed = writer.add(
                f"representations/rep1/data/{folder}/{name}",
                content,
                use="Representations/rep1",
                mimetype=document.content_type,
            )
            data["path"] = packed.path
            if rendition.pdf is not None:
                pdf_name = f"{Path(name).stem}.pdf"
                pdf = writer.add(
                    f"representations/rep2/data/{folder}/{pdf_name}",
                    rendition.pdf,
                    use="Representations/rep2",
                    mimetype="application/pdf",
                )
                renditions[number] = {"status": "ok", "tool": rendition.tool, "path": pdf.path}
                result.renditions += 1
            else:
                renditions[number] = {
                    "status": "failed",
                    "tool": rendition.tool,
                    "reason": rendition.error[:300],
                }
                result.conversion_failures.append(f"{number}: {rendition.error[:300]}")
            result.documents += 1
            if progress:
                progress(result.documents, total)
        descriptive = writer.add(
            "metadata/descriptive/cases.xml",
            cases_xml(metadata, renditions),
            use="Metadata/descriptive",
            mimetype="text/xml",
        )
        listed = [packed for packed in writer.files if packed is not descriptive]
        archive.writestr(
            f"{objid}/METS.xml",
            mets_xml(
                objid=objid, label=label, created=created, files=listed, descriptive=descriptive
            ),
        )
        result.files = writer.files
    return result
