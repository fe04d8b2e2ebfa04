"""Reading an archive package back: its content, every checksum, the METS schema."""

import hashlib
import zipfile
from dataclasses import dataclass, field
from functools import cache

from lxml import etree

from reporting.archive.package import METS, SCHEMA_DIR, XLINK


@dataclass
class Entry:
    path: str
    kind: str  # "file" (fileSec) or "metadata" (dmdSec)
    size: int
    expected_sha256: str
    actual_sha256: str
    ok: bool
    problem: str = ""


@dataclass
class Inspection:
    objid: str = ""
    entries: list[Entry] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)
    schema_errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and not self.unlisted
            and not self.schema_errors
            and all(entry.ok for entry in self.entries)
        )


@cache
def mets_schema() -> etree.XMLSchema:
    """METS 1.12 with the E-ARK CSIP/SIP extensions, from the vendored files (offline)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / "validation.xsd"), parser))


def schema_errors(mets_bytes: bytes) -> list[str]:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    document = etree.fromstring(mets_bytes, parser).getroottree()
    schema = mets_schema()
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def inspect_package(source) -> Inspection:
    """List the package's content and verify every file METS lists (path, size, SHA-256)."""
    result = Inspection()
    with zipfile.ZipFile(source) as archive:
        names = [name for name in archive.namelist() if not name.endswith("/")]
        roots = {name.split("/", 1)[0] for name in names}
        if len(roots) != 1:
            result.problems.append("the package must have exactly one root folder")
            return result
        root = roots.pop()
        result.objid = root
        try:
            mets_bytes = archive.read(f"{root}/METS.xml")
        except KeyError:
            result.problems.append("METS.xml is missing at the package root")
            return result
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        mets = etree.fromstring(mets_bytes, parser)
        if mets.get("OBJID") != root:
            result.problems.append("the METS OBJID is not the root folder's name")
        result.schema_errors = schema_errors(mets_bytes)
        listed = set()
        references = [
            ("file", element, element.find(f"{{{METS}}}FLocat"))
            for element in mets.iter(f"{{{METS}}}file")
        ] + [("metadata", element, element) for element in mets.iter(f"{{{METS}}}mdRef")]
        for kind, element, location in references:
            href = location.get(f"{{{XLINK}}}href", "") if location is not None else ""
            expected = (element.get("CHECKSUM") or "").lower()
            size = int(element.get("SIZE") or -1)
            member = f"{root}/{href}"
            listed.add(member)
            if element.get("CHECKSUMTYPE") != "SHA-256":
                result.entries.append(Entry(href, kind, size, expected, "", False, "CHECKSUMTYPE"))
                continue
            try:
                data = archive.read(member)
            except KeyError:
                result.entries.append(Entry(href, kind, size, expected, "", False, "missing"))
                continue
            actual = hashlib.sha256(data).hexdigest()
            problem = ""
            if actual != expected:
                problem = "checksum"
            elif len(data) != size:
                problem = "size"
            result.entries.append(Entry(href, kind, size, expected, actual, not problem, problem))
        result.unlisted = sorted(
            name for name in names if name not in listed and name != f"{root}/METS.xml"
        )
    return result
