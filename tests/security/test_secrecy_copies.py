"""Secrecy (OSL) of copies: a field's text copied into the decision proposal and a § of a
meeting before the field was marked is masked there too, for every user the settings do
not allow (case page, meeting pages, § page, protocol draft, API, search), and shown to
those they allow; notifications, e-mails and Mina uppgifter about a marked case do not
carry its secret texts to a recipient who may not see them."""

import html
import json

import pytest
from django.db import connection
from django.urls import reverse

from core.models import Notification, OutgoingEmail
from decisions.meetings import documents
from decisions.meetings import services as meeting_svc
from financing import services as financing_svc
from projects import services as project_svc
from projects.models import SecrecyProvision
from projects.secrecy import CopyMasker
from tests.core.factories import user_with_role
from tests.decisions.meetings.factories import seed, seed_meeting
from tests.e2e.helpers import pdf_text
from tests.financing.factories import make_plan
from tests.projects.factories import PDF_BYTES, co_financing_case, upload

pytestmark = pytest.mark.django_db

MASK = "Sekretess enligt 30 kap. 23 § OSL"
SUMMARY = seed(35)["summary"]
FIRST, SECOND = (s.strip() for s in SUMMARY.split(". ", 1))  # the summary's two sentences
OWN_TEXT = "Beslutet fattas efter föredragning. Lösningen ska inkludera vård- och omsorg."


def _provision():
    return SecrecyProvision.objects.get_or_create(
        name="30 kap. 23 § OSL", defaults={"description": "Näringslivsutveckling m.m."}
    )[0]


def _visible(text: str) -> bool:
    """Any sentence of the summary (as it is, or escaped) in ``text``."""
    text = html.unescape(text)
    return FIRST in text or SECOND in text or "Lösningen ska inkludera vård- och omsorg" in text


@pytest.fixture
def copied(secretary, officer, decision_maker, client_for):
    """RUN with § 35 (its summary copied into the proposal and the §, one sentence of it
    into the decision text and into a registered document), then the summary marked
    through the page by a decision maker."""
    world = seed_meeting(secretary, officer)
    case, paragraph = world["case35"], world["p35"]
    meeting_svc.paragraph_update(
        user=secretary, paragraph=paragraph, data={"decision_text": OWN_TEXT}
    )
    document = project_svc.document_upload(
        user=officer, case=case, file=upload("kopia.pdf", PDF_BYTES), title="Tjänsteskrivelse"
    )
    type(document).objects.filter(pk=document.pk).update(text=f"Sammanfattning: {SUMMARY}")
    project_svc.case_refresh_search(case=case)
    assert case.decision_proposal.summary == SUMMARY and SUMMARY in paragraph.summary
    response = client_for(decision_maker).post(
        reverse("projects:secrecy_mark", args=[case.pk]),
        {"target": "field:project.summary", "provision": _provision().pk, "note": "Affärer"},
    )
    assert response.status_code == 302
    client_for(decision_maker).logout()
    return world


def _pages(world) -> dict[str, str]:
    case, paragraph, meeting = world["case35"], world["p35"], world["meeting"]
    return {
        "case": reverse("projects:case_detail", args=[case.pk]),
        "meeting": reverse("decisions:meeting_detail", args=[meeting.pk]),
        "members": reverse("decisions:meeting_members", args=[meeting.pk]),
        "paragraph": reverse("decisions:paragraph_detail", args=[paragraph.pk]),
        "draft": reverse("decisions:protocol_draft", args=[meeting.pk]),
        "api paragraph": f"/api/v1/paragraphs/{paragraph.pk}/",
        "api paragraphs": f"/api/v1/paragraphs/?meeting={meeting.pk}",
        "search": reverse("projects:search") + "?q=delaktighet",
        "search 2": reverse("projects:search") + "?q=omsorg",
    }


def _read(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    body = response.content.decode()
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return body


def test_copies_are_masked_for_a_role_not_allowed(copied, secretary, controller, client_for):
    for user in (secretary, controller):
        client = client_for(user)
        for name, url in _pages(copied).items():
            if name in ("members", "draft", "meeting") and user is controller:
                continue  # meetings are the secretaries' (and members') pages
            text = _read(client, url)
            assert not _visible(text), f"{name} shows {user} the marked summary"
        client.logout()
    page = _read(client_for(secretary), _pages(copied)["case"])
    records = page[page.index('id="proposal"') :]
    assert MASK in records  # the proposal's copy is masked where it stood
    paragraph = _read(client_for(secretary), _pages(copied)["paragraph"])
    assert MASK in paragraph and "Beslutet fattas efter föredragning." in paragraph


def test_copies_are_shown_to_the_allowed(copied, decision_maker, officer, client_for):
    client = client_for(decision_maker)
    for name in ("case", "paragraph", "api paragraph", "draft"):
        assert _visible(_read(client, _pages(copied)[name])), name
    client.logout()
    assert _visible(_read(client_for(officer), _pages(copied)["case"]))  # the case's officer


def test_the_draft_protocol_pdf_masks_copies_the_signed_record_keeps_them(copied, secretary):
    meeting = copied["meeting"]
    pdf, _name = documents.render(kind="protocol", meeting=meeting)
    text = " ".join(pdf_text(pdf).split())
    assert FIRST not in text and MASK in text
    # the record a signature freezes is the text as decided (a signed protocol is final)
    live = documents.render_html(kind="protocol", meeting=meeting, live=True)
    assert FIRST in html.unescape(live)


def test_marking_the_whole_case_masks_notifications_e_mails_and_tasks(
    officer, controller, client_for, settings
):
    case = co_financing_case(officer=officer, title="Hemligt bolagsprojekt Norrbotten")
    case.project.contact_email = "anna@example.se"
    project_svc.secrecy_mark(user=officer, case=case, provision=_provision(), note="Affärer")
    controller.email = "controller@example.se"
    controller.save()
    plan = make_plan(case, status="submitted")
    notice = Notification.objects.get(recipient=controller, kind="plan_submitted")
    assert case.project.title not in notice.text and MASK in notice.text
    email = OutgoingEmail.objects.filter(to__contains=["controller@example.se"]).latest("pk")
    assert case.project.title not in email.subject + email.body and MASK in email.subject
    tasks = client_for(controller).get(reverse("my_tasks")).content.decode()
    assert case.project.title not in tasks and MASK in tasks
    # the officer of the case is allowed: told in full
    financing_svc.financing_plan_return(user=controller, plan=plan, comment="Komplettera")
    returned = Notification.objects.get(recipient=officer, kind="plan_returned")
    assert case.project.title in returned.text


def test_a_new_officer_not_allowed_is_told_of_the_case_masked(officer, director, settings):
    settings.SECRECY_ALLOW_CASE_OFFICER = False
    new_officer = user_with_role("handläggare", username="ny_handlaggare")
    case = co_financing_case(officer=officer, title="Hemligt bolagsprojekt Luleå")
    project_svc.secrecy_mark(user=director, case=case, provision=_provision())
    project_svc.case_update(user=officer, case=case, data={"officer": new_officer})
    notice = Notification.objects.get(recipient=new_officer, kind="case_assigned")
    assert case.title not in notice.text and case.dnr in notice.text and MASK in notice.text


def test_a_wholly_marked_case_keeps_its_name_on_the_registry_pages_not_where_it_is_sent(
    officer, controller, client_for, client
):
    """The rule of projects.secrecy: the register entry is what staff work from; what is
    pushed to a user or leaves the app (tasks, notifications, the public diary) masks it."""
    case = co_financing_case(officer=officer, title="Hemligt bolagsprojekt Kiruna")
    project_svc.secrecy_mark(user=officer, case=case, provision=_provision(), note="Affärer")
    make_plan(case, status="submitted")  # a task for the controller
    public = client.get(reverse("public:diary_case", args=[case.pk])).content.decode()
    assert case.dnr in public and case.project.title not in public
    staff = client_for(controller)
    page = staff.get(case.get_absolute_url())
    assert page.status_code == 200 and case.title in page.content.decode()
    listed = staff.get(reverse("projects:case_list"), {"q": case.dnr}).content.decode()
    assert case.title in listed
    tasks = staff.get(reverse("my_tasks")).content.decode()
    assert case.project.title not in tasks and MASK in tasks


def test_the_markings_are_read_with_a_prepared_statement_for_any_cases(officer, controller):
    """Masking reads the markings of the cases it masks for with one statement kept
    prepared on the connection (``projects.secrecy._markings``), whichever cases they are,
    and masks by what it read."""
    provision = _provision()
    marked = []
    for title in ("Hemligt bolagsprojekt Boden", "Hemligt bolagsprojekt Piteå"):
        case = co_financing_case(officer=officer, title=title)
        project_svc.secrecy_mark(user=officer, case=case, provision=provision, note="Affärer")
        marked.append(case)
    plain = co_financing_case(officer=officer, title="Öppet projekt Älvsbyn")
    for case in marked:
        masker = CopyMasker(controller, titles=True)
        masker.preload_cases_and_projects([case.pk, plain.pk], [])
        assert masker.mask(case.title, case.pk) == f"[{MASK}]"
        assert masker.mask(plain.title, plain.pk) == plain.title
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements "
            "WHERE statement LIKE '%%projects_secrecymarking%%'"
        )
        assert cursor.fetchone()[0] == 1  # the ids are sent apart: one statement for both
