"""Secrecy (OSL): a marked field, a marked case and a marked document of the world never
show to a role the settings do not allow, on any page, export, search or API answer; an
allowed user sees them and every view or download is logged; a marking is lifted with a
reason and its history kept."""

import html
import io

import pytest
from openpyxl import load_workbook

from projects.models import SecrecyAccessLog, SecrecyMarking
from tests.e2e.helpers import pdf_text
from tests.security.expectations import ROLES
from tests.security.world import (
    SECRET_CASE_TEXT,
    SECRET_CONTACT,
    SECRET_DOCUMENT_TITLE,
    SECRET_FIELD_TEXT,
)

pytestmark = pytest.mark.django_db

SECRETS = (SECRET_FIELD_TEXT, SECRET_CASE_TEXT, SECRET_DOCUMENT_TITLE, SECRET_CONTACT)
ALLOWED = {"officer", "director", "chair", "adjuster", "admin"}  # see the settings


def _pages(world):
    field_case, whole_case = world.secret_field_case, world.secret_case
    pages = ["/cases/", "/cases/?q=HEMLIGMARGINAL47", "/cases/?q=HEMLIGBAKGRUND08"]
    for case in (field_case, whole_case):
        pages += [
            f"/cases/{case.pk}/",
            f"/cases/{case.pk}/history/",
            f"/cases/projects/{case.project_id}/",
            f"/cases/{case.pk}/registry.xlsx",
            f"/cases/{case.pk}/registry.pdf",
            f"/api/v1/projects/{case.project_id}/",
            f"/api/v1/cases/{case.pk}/",
            f"/api/v1/documents/?case={case.pk}",
        ]
    pages += [
        "/cases/?format=csv",
        "/api/v1/projects/",
        "/api/v1/cases/",
        "/api/v1/documents/",
        f"/cases/documents/{world.secret_document.pk}/view/",
        f"/cases/documents/{world.secret_case_document.pk}/download/",
        f"/api/v1/documents/{world.secret_document.pk}/download/",
    ]
    return pages


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        try:
            return pdf_text(content)
        except Exception:  # noqa: BLE001 - the world's uploads are tiny fake PDFs: raw bytes
            return content.decode("latin-1")
    if "spreadsheet" in kind:
        sheet = load_workbook(io.BytesIO(content)).active
        return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("role", ROLES)
def test_marked_material_never_shows_to_a_role_not_allowed(world, as_role, role):
    client = as_role(role)
    problems, seen = [], set()
    for path in _pages(world):
        response = client.get(path)
        if response.status_code >= 500:
            problems.append(f"{path}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        text = _text(response)
        for secret in SECRETS:
            if secret in text or html.escape(secret) in text:
                seen.add(secret)
                if role not in ALLOWED:
                    problems.append(f"{path} shows {role} {secret!r}")
    assert not problems, "\n".join(problems)
    if role in ALLOWED:  # the check above can fail: the allowed see every secret somewhere
        assert seen == set(SECRETS), seen


def test_the_not_allowed_get_403_for_marked_files_and_see_the_mask(world, as_role):
    client = as_role("controller")
    for document in (world.secret_document, world.secret_case_document):
        assert client.get(f"/cases/documents/{document.pk}/download/").status_code == 403
        assert client.get(f"/cases/documents/{document.pk}/view/").status_code == 403
    page = client.get(f"/cases/{world.secret_field_case.pk}/").content.decode()
    assert "Sekretess enligt 31 kap. 16 § OSL" in page
    assert f"{world.secret_field_case.dnr}-" in page  # the entry exists, masked


def test_views_and_downloads_by_the_allowed_are_logged(world, as_role):
    client = as_role("director")
    before = SecrecyAccessLog.objects.count()
    case = world.secret_field_case
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.get(f"/cases/documents/{world.secret_document.pk}/view/").status_code == 200
    download = f"/cases/documents/{world.secret_case_document.pk}/download/"
    assert client.get(download).status_code == 200
    rows = list(SecrecyAccessLog.objects.order_by("pk")[before:])
    assert [(r.action, r.user.username) for r in rows] == [
        ("view", "direktor"),
        ("view", "direktor"),
        ("download", "direktor"),
    ]
    assert rows[1].document == world.secret_document
    assert rows[2].case == world.secret_case
    # the log page: auditors and decision makers read it, others do not
    log = client.get("/cases/secrecy/log/").content.decode()
    assert SECRET_DOCUMENT_TITLE in log and "Laddade ner" in log
    assert as_role("reader").get("/cases/secrecy/log/").status_code == 200
    assert as_role("controller").get("/cases/secrecy/log/").status_code == 403
    # a page without marked material logs nothing
    count = SecrecyAccessLog.objects.count()
    client.get(f"/cases/{world.granted_case.pk}/")
    assert SecrecyAccessLog.objects.count() == count


def test_lifting_a_marking_needs_a_reason_and_keeps_its_history(world, as_role):
    marking = world.field_marking
    client = as_role("officer")
    url = f"/cases/secrecy/{marking.pk}/lift/"
    client.post(url, {"reason": ""})
    assert SecrecyMarking.objects.get(pk=marking.pk).lifted_at is None
    assert as_role("controller").post(url, {"reason": "x"}).status_code == 403
    response = as_role("officer").post(url, {"reason": "Uppgifterna är offentliggjorda."})
    assert response.status_code == 302
    lifted = SecrecyMarking.objects.get(pk=marking.pk)
    assert lifted.lifted_at is not None and lifted.lifted_by.username == "handlaggare"
    assert lifted.lift_reason == "Uppgifterna är offentliggjorda."
    assert lifted.history.count() == 2
    page = as_role("controller").get(f"/cases/{world.secret_field_case.pk}/").content.decode()
    assert SECRET_FIELD_TEXT in page  # visible to everyone now
    log = as_role("reader").get("/cases/secrecy/log/").content.decode()
    assert "Uppgifterna är offentliggjorda." in log


def test_marking_through_the_page_masks_at_once(world, as_role):
    case = world.granted_case
    text = case.project.summary
    assert text
    response = as_role("director").post(
        f"/cases/{case.pk}/secrecy/new/",
        {
            "target": "field:project.summary",
            "provision": SecrecyMarking._meta.get_field("provision")
            .related_model.objects.get(name="30 kap. 23 § OSL")
            .pk,
            "note": "Affärsuppgifter",
        },
    )
    assert response.status_code == 302
    page = as_role("secretary").get(f"/cases/{case.pk}/").content.decode()
    # the case's own texts ("Ärendet") and the copy made into the decision proposal before
    # the marking (projects.secrecy.CopyMasker)
    matter = page[page.index('id="arendet"') : page.index('id="dokument"')]
    assert html.escape(text[:60]) not in matter and "30 kap. 23 § OSL" in page
    proposal = case.decision_proposal.summary
    assert text[:60] in proposal  # the copy is there …
    records = page[page.index('id="proposal"') :]
    assert html.escape(text[:60]) not in records  # … and masked
    assert "[Sekretess enligt 30 kap. 23 § OSL]" in records
    # the decision maker who may see it reads the proposal as written
    allowed = as_role("director").get(f"/cases/{case.pk}/").content.decode()
    assert html.escape(text[:60]) in allowed[allowed.index('id="proposal"') :]


def test_old_confidential_flag_became_a_marking_without_provision(world):
    marking = world.confidential.secrecy_markings.get()
    assert marking.provision is None and marking.active
    assert world.confidential.confidential  # the flag lists filter on, kept in step
