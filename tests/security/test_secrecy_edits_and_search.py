"""Secrecy (OSL), the gaps after the copies: edit forms that would pre-fill marked texts are
refused to users not allowed to see them (and a POST cannot overwrite the secret); motions,
anchoring outcomes, justering notifications, the annual report's insatser and Mina
uppgifter mask copies; a user not allowed cannot *find* a case by a marked word, an
allowed one can; the public e-diarium never finds a wholly marked case by its documents."""

import datetime
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.models import Notification, OutgoingEmail
from decisions.meetings import documents
from decisions.meetings import services as meeting_svc
from decisions.meetings.models import Motion
from decisions.workflow.models import AnchoringContact
from projects import services as project_svc
from projects.models import Case, SecrecyAccessLog
from reporting import services as report_svc
from reporting.documents import build_content
from reporting.models import Insats
from tests.core.factories import user_with_role
from tests.e2e.helpers import pdf_text
from tests.financing.factories import make_plan
from tests.projects.factories import PDF_BYTES, co_financing_case, idea_case, upload
from tests.security import test_secrecy_copies
from tests.security.test_secrecy_copies import FIRST, MASK, SECOND, SUMMARY, _provision, _visible

pytestmark = pytest.mark.django_db

copied = test_secrecy_copies.copied  # the fixture: § 35's summary copied, then marked

SECRET_WORD = "målgruppen"  # a word only in § 35's summary (seed 001)
# A copied sentence is found with its full stop (``projects.secrecy._fragments``).
FIRST_SENTENCE = f"{FIRST}."
REFUSAL = "sekretessmarkerade uppgifter"


@pytest.fixture
def other_officer(db):
    """An officer who is not the case's: may edit it (scope "all"), may not see secrets."""
    return user_with_role("handläggare", username="annan_handlaggare")


def _text(response) -> str:
    return html.unescape(response.content.decode())


# --- Edit forms -------------------------------------------------------------------------


def test_the_paragraph_edit_form_is_refused_to_a_secretary_not_allowed(
    copied, secretary, client_for, settings
):
    paragraph = copied["p35"]
    url = reverse("decisions:paragraph_edit", args=[paragraph.pk])
    client = client_for(secretary)
    response = client.get(url)
    assert response.status_code == 403 and REFUSAL in _text(response)
    assert not _visible(_text(response))
    response = client.post(url, {"title": paragraph.title, "summary": f"[{MASK}]"})
    assert response.status_code == 403
    paragraph.refresh_from_db()
    assert SUMMARY in paragraph.summary  # the secret is not overwritten by its mask
    # a secretary the settings allow edits it, the text pre-filled
    settings.SECRECY_ALLOWED_ROLES = ["beslutsfattare", "nämndsekreterare"]
    response = client.get(url)
    assert response.status_code == 200 and FIRST in _text(response)


def test_the_proposal_and_project_edit_forms_are_refused_to_another_officer(
    officer, other_officer, client_for, settings
):
    case = co_financing_case(officer=officer, summary=SUMMARY, title="Delaktighet i Norrbotten")
    proposal_url = reverse("decisions:workflow_proposal_edit", args=[case.pk])
    project_url = reverse("projects:project_edit", args=[case.project.pk])
    client = client_for(other_officer)
    assert client.get(proposal_url).status_code == 200  # nothing marked yet
    project_svc.secrecy_mark(
        user=officer, case=case, field="project.summary", provision=_provision()
    )
    for url in (proposal_url, project_url):
        response = client.get(url)
        assert response.status_code == 403 and REFUSAL in _text(response), url
        assert not _visible(_text(response))
        assert client.post(url, {"summary": f"[{MASK}]"}).status_code == 403
    case.project.refresh_from_db()
    assert case.project.summary == SUMMARY
    client.logout()
    client = client_for(officer)  # the case's officer
    for url in (proposal_url, project_url):
        response = client.get(url)
        assert response.status_code == 200 and FIRST in _text(response), url
    client.logout()
    settings.SECRECY_ALLOWED_ROLES = ["beslutsfattare", "handläggare"]  # every officer
    assert FIRST in _text(client_for(other_officer).get(project_url))


# --- Copies -----------------------------------------------------------------------------


def test_motions_are_masked_in_the_paragraph_page_api_and_draft(
    copied, secretary, decision_maker, client_for
):
    paragraph, members = copied["p35"], copied["members"]
    motion = Motion.objects.create(
        paragraph=paragraph, kind=Motion.Kind.AMENDMENT, text=f"att {FIRST_SENTENCE}", position=9
    )
    motion.movers.set([members["Jan Anders Perdal"]])
    urls = [
        reverse("decisions:paragraph_detail", args=[paragraph.pk]),
        f"/api/v1/paragraphs/{paragraph.pk}/",
    ]
    client = client_for(secretary)
    for url in urls:
        text = _text(client.get(url))
        assert FIRST not in text and MASK in text, url
    pdf, _name = documents.render(kind="protocol", meeting=copied["meeting"])
    assert FIRST not in " ".join(pdf_text(pdf).split())
    client.logout()
    client = client_for(decision_maker)
    assert FIRST in _text(client.get(urls[0]))


def test_anchoring_outcomes_are_masked_on_the_case_page(officer, secretary, client_for):
    case = idea_case(officer=officer)
    type(case.project).objects.filter(pk=case.project_id).update(summary=SUMMARY)
    AnchoringContact.objects.create(
        case=case,
        unit="Folkhälsa",
        person="Eva Ek",
        contacted_on=datetime.date(2020, 2, 1),
        outcome=f"Stödjer projektet. {SECOND}",
        recorded_by=officer,
    )
    project_svc.secrecy_mark(
        user=officer, case=case, field="project.summary", provision=_provision()
    )
    url = reverse("projects:case_detail", args=[case.pk])
    page = _text(client_for(secretary).get(url))
    assert "Stödjer projektet." in page and SECOND not in page and MASK in page
    client_for(secretary).logout()
    assert SECOND in _text(client_for(officer).get(url))


def test_a_returned_protocol_comment_is_masked_for_a_secretary_not_allowed(
    copied, secretary, settings
):
    secretary.email = "sekreterare@example.se"
    secretary.save()
    meeting = copied["meeting"]
    meeting_svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    chair = get_user_model().objects.get(username="ordforande_t")
    meeting_svc.protocol_reject(user=chair, meeting=meeting, comment=f"Stryk: {FIRST_SENTENCE}")
    assert Notification.objects.filter(recipient=secretary, kind="signing_returned").exists()
    email = OutgoingEmail.objects.filter(to__contains=[secretary.email]).latest("pk")
    assert "Stryk:" in email.body and FIRST not in email.body and MASK in email.body
    # a secretary the settings allow is told the comment as written
    settings.SECRECY_ALLOWED_ROLES = ["beslutsfattare", "nämndsekreterare"]
    meeting_svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    meeting_svc.protocol_reject(user=chair, meeting=meeting, comment=f"Igen: {FIRST_SENTENCE}")
    email = OutgoingEmail.objects.filter(to__contains=[secretary.email]).latest("pk")
    assert f"Igen: {FIRST}" in " ".join(email.body.split())


def test_the_annual_report_masks_insatser_copied_before_the_marking(
    officer, other_officer, client_for
):
    case = co_financing_case(officer=officer, summary=SUMMARY)
    report = report_svc.report_year_create(user=officer, year=2022)
    section = report.sections.get(number="1.2.1.4")
    insats = report_svc.insats_add(user=officer, section=section)
    Insats.objects.filter(pk=insats.pk).update(
        project=case.project, name=f"{case.project.title}\n{SUMMARY}"
    )
    project_svc.secrecy_mark(
        user=officer, case=case, field="project.summary", provision=_provision()
    )
    section_url = reverse("reporting:section_detail", args=[2022, "1.2.1.4"])
    edit_url = reverse("reporting:insats_edit", args=[insats.pk])
    client = client_for(other_officer)
    page = _text(client.get(section_url))
    assert not _visible(page) and MASK in page
    assert client.get(edit_url).status_code == 403
    api = client.get("/api/v1/reports/2022/sections/").content.decode()
    assert FIRST not in api and MASK in api
    client.logout()
    client = client_for(officer)  # the case's officer sees the text and may edit it
    assert FIRST in _text(client.get(section_url))
    assert client.get(edit_url).status_code == 200
    # the report itself goes to the government and is the public record: masked for all
    content = build_content(report)
    cells = [
        cell
        for block in content.body
        if getattr(block, "kind", "") == "insatser"
        for row in block.rows
        for cell in row
    ]
    assert cells and not any(FIRST in cell for cell in cells)
    assert any(MASK in cell for cell in cells)


def test_a_long_case_title_is_masked_in_mina_uppgifter_before_it_is_shortened(
    officer, controller, client_for
):
    title = "Hemligt bolagsprojekt i Norrbotten " + "med en mycket lång beskrivning " * 5
    case = co_financing_case(officer=officer, title=title.strip())
    assert len(case.project.title) > 120
    project_svc.secrecy_mark(user=officer, case=case, provision=_provision(), note="Affärer")
    make_plan(case, status="submitted")
    tasks = _text(client_for(controller).get(reverse("my_tasks")))
    assert "Hemligt bolagsprojekt" not in tasks and MASK in tasks


# --- Search -----------------------------------------------------------------------------


def _found(client, word: str, case: Case) -> bool:
    page = _text(client.get(reverse("projects:search") + f"?q={word}"))
    listed = _text(client.get(reverse("projects:case_list") + f"?q={word}"))
    in_search = reverse("projects:case_detail", args=[case.pk]) in page
    in_list = case.dnr in listed
    assert in_search == in_list, (word, in_search, in_list)
    return in_search


def test_a_user_not_allowed_does_not_find_a_case_by_a_marked_word(
    copied, secretary, controller, decision_maker, officer, client_for
):
    case = copied["case35"]
    for user in (secretary, controller):
        assert not _found(client_for(user), SECRET_WORD, case), user
        client_for(user).logout()
    assert not SecrecyAccessLog.objects.exists()  # nothing marked was shown to them
    for user in (decision_maker, officer):
        client = client_for(user)
        assert _found(client, SECRET_WORD, case), user
        logged = SecrecyAccessLog.objects.filter(user=user, case=case)
        before = logged.count()
        page = client.get(reverse("projects:search") + f"?q={SECRET_WORD}").content.decode()
        assert "<mark>målgruppen</mark>" in page.lower()  # the snippet from the whole text
        # marked material shown in the hits: logged, as a view of the case page is
        assert logged.count() == before + 1
        row = logged.latest("pk")
        assert row.what == f"Sökträffar med sekretessmarkerade uppgifter för ”{SECRET_WORD}”"
        assert row.action == SecrecyAccessLog.Action.VIEW
        assert row.path == reverse("projects:search")
        # a hit in what is not marked (its title) shows nothing marked: nothing to log
        title_word = next(
            word
            for word in re.findall(r"\w{5,}", case.title)
            if word.lower() not in SUMMARY.lower()
        )
        assert _found(client, title_word, case)
        client.get(reverse("projects:search"), {"q": title_word})
        assert logged.count() == before + 1
        client.logout()


def test_a_wholly_marked_case_is_not_found_by_its_documents_text(
    officer, secretary, decision_maker, client_for, client
):
    case = co_financing_case(officer=officer, title="Ärende om vattenkraft")
    document = project_svc.document_upload(
        user=officer, case=case, file=upload("bilaga.pdf", PDF_BYTES), title="Kalkylbilaga"
    )
    type(document).objects.filter(pk=document.pk).update(text="Turbinleverantörens anbud")
    project_svc.secrecy_mark(user=officer, case=case, provision=_provision())
    assert not _found(client_for(secretary), "turbinleverantörens", case)
    client_for(secretary).logout()
    assert _found(client_for(decision_maker), "turbinleverantörens", case)
    client_for(decision_maker).logout()
    # the public e-diarium: neither found nor shown by the document's title
    response = client.get(reverse("public:diary") + "?text=Kalkylbilaga")
    assert case.dnr not in _text(response)
