"""Uploaded and generated files are only ever served through views that check permissions
(issue #8, point 5.2).

Every stored file of the world (case documents, a confidential one, the kallelse and
signed protocol, the report's DOCX and PDF) is looked for at the media and static URLs
(never served), then fetched through each download endpoint as every role.
"""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings

from tests.security.expectations import ROLES

pytestmark = pytest.mark.django_db


def _stored_files(world):
    return {
        "document": world.public_document.file,
        "confidential": world.confidential.file,
        "protocol": world.protocol.file,
        "kallelse": world.kallelse.file,
        "report": world.report_file.file,
    }


def test_the_world_files_really_exist_under_media_root(world):
    root = Path(settings.MEDIA_ROOT).resolve()
    for key, stored in _stored_files(world).items():
        path = Path(stored.path).resolve()
        assert path.is_file(), key
        assert root in path.parents, key


def test_media_root_is_outside_everything_that_is_served_statically(world):
    media = Path(settings.MEDIA_ROOT).resolve()
    for static in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        static = static.resolve()
        assert media != static and static not in media.parents and media not in static.parents


@pytest.mark.parametrize("role", ["anonymous", "reader", "officer", "admin"])
def test_no_stored_file_is_reachable_by_url(world, as_role, role):
    client = as_role(role)
    for key, stored in _stored_files(world).items():
        name = stored.name
        for url in (
            f"/{settings.MEDIA_URL.strip('/')}/{name}",
            f"/media/{name}",
            f"/static/{name}",
            f"/static/../media/{name}",
            f"/static/%2e%2e/media/{name}",
            f"/{name}",
        ):
            response = client.get(url)
            assert response.status_code == 404, (role, key, url, response.status_code)


# --- The download endpoints -------------------------------------------------------------

# endpoint -> (url for the world, file key, roles that may download)
WITH_ROLE = set(ROLES) - {"anonymous", "norole"}
# Secret material (projects.secrecy): SECRECY_ALLOWED_ROLES (beslutsfattare), the case's
# officer ("officer"; not "officer2") and the superuser.
SECRET_ALLOWED = {"officer", "director", "chair", "adjuster", "admin"}


def _endpoints(world):
    doc, secret = world.public_document, world.confidential
    return {
        "case document": (f"/cases/documents/{doc.pk}/download/", "document", WITH_ROLE),
        "case document inline": (
            f"/cases/documents/{doc.pk}/download/?inline=1",
            "document",
            WITH_ROLE,
        ),
        "confidential": (f"/cases/documents/{secret.pk}/download/", "confidential", SECRET_ALLOWED),
        "confidential inline": (
            f"/cases/documents/{secret.pk}/download/?inline=1",
            "confidential",
            SECRET_ALLOWED,
        ),
        "confidential api": (
            f"/api/v1/documents/{secret.pk}/download/",
            "confidential",
            SECRET_ALLOWED,
        ),
        "confidential api detail": (f"/api/v1/documents/{secret.pk}/", None, SECRET_ALLOWED),
        "protocol": (f"/workflow/dokument/{world.protocol.pk}/ladda-ner/", "protocol", WITH_ROLE),
        "protocol api": (
            f"/api/v1/meeting-documents/{world.protocol.pk}/download/",
            "protocol",
            WITH_ROLE,
        ),
        "kallelse": (f"/workflow/dokument/{world.kallelse.pk}/ladda-ner/", "kallelse", WITH_ROLE),
        "report file": (f"/reports/files/{world.report_file.pk}/download/", "report", WITH_ROLE),
    }


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("role", ROLES)
def test_downloads_check_permissions_for_every_role(world, as_role, role):
    client = as_role(role)
    files = _stored_files(world)
    problems = []
    for label, (url, key, allowed) in _endpoints(world).items():
        response = client.get(url)
        api = url.startswith("/api/")
        if role == "anonymous":
            expected = 401 if api else 302
        else:
            expected = 200 if role in allowed else 403
        if response.status_code != expected:
            problems.append(f"{label} {url}: {response.status_code}, expected {expected}")
            continue
        if expected == 302:
            assert response["Location"].startswith("/accounts/login/")
        if expected != 200 or key is None:
            if expected != 200:
                # A refusal never carries the file.
                stored = files[key].open("rb").read() if key else b""
                if stored and stored in _body(response):
                    problems.append(f"{label}: refused, but the file is in the answer")
            continue
        stored = files[key]
        with stored.open("rb") as handle:
            expected_bytes = handle.read()
        body = _body(response)
        if hashlib.sha256(body).digest() != hashlib.sha256(expected_bytes).digest():
            problems.append(f"{label}: served bytes differ from the stored file")
        disposition = response.get("Content-Disposition", "")
        if "inline" in label:
            if "text/html" in response["Content-Type"] or "javascript" in response["Content-Type"]:
                problems.append(f"{label}: served inline as {response['Content-Type']}")
        elif not disposition.startswith("attachment"):
            problems.append(f"{label}: not an attachment ({disposition!r})")
        if response.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{label}: without X-Content-Type-Options: nosniff")
    assert not problems, "\n".join(problems)


def test_the_reader_sees_no_trace_of_confidential_documents_in_the_api(world, as_role):
    secret = world.confidential
    client = as_role("reader")
    listing = client.get("/api/v1/documents/", {"case": secret.case_id}).json()
    assert secret.pk not in [d["id"] for d in listing["results"]]
    assert all(d["title"] != secret.title for d in listing["results"])
    case = client.get(f"/api/v1/cases/{secret.case_id}/").content.decode()
    assert secret.title not in case and secret.original_name not in case
    control = as_role("officer").get("/api/v1/documents/", {"case": secret.case_id}).json()
    assert secret.pk in [d["id"] for d in control["results"]]


@pytest.mark.parametrize(
    "endpoint",
    ["case document", "protocol", "protocol api", "kallelse", "report file", "confidential api"],
)
def test_a_file_missing_from_disk_is_a_404_not_a_500(world, as_role, endpoint):
    url, key, _allowed = _endpoints(world)[endpoint]
    stored = _stored_files(world)[key]
    path = Path(stored.path)
    kept = path.read_bytes()
    path.unlink()
    try:
        response = as_role("officer").get(url)
    finally:
        path.write_bytes(kept)
    assert response.status_code == 404


def test_the_meeting_documents_api_lists_generated_documents_with_working_links(world, as_role):
    """The generated documents' API was shadowed by the case documents' (same path): its
    download links served the case document with the same id."""
    client = as_role("reader")
    listing = client.get("/api/v1/meeting-documents/", {"meeting": world.signed_meeting.pk})
    assert listing.status_code == 200
    rows = {row["id"]: row for row in listing.json()["results"]}
    protocol = rows[world.protocol.pk]
    assert protocol["sha256"] == world.protocol.sha256
    download = client.get(protocol["download_url"])
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == world.protocol.sha256
    assert body.startswith(b"%PDF")
