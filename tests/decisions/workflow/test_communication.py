"""Kommunicering (förvaltningslagen 25 §) as the officer does it: the material chosen on
the case page, a registered letter that lists it with the last day to answer, the answer
registered when it comes, the wait in Mina uppgifter, and a proposal against the party with
nothing communicated flagged."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from core.workdays import is_non_working_day, next_working_day_from
from core.worklist import tasks_for
from decisions.workflow import communication
from decisions.workflow.models import Communication, DecisionProposal
from projects import services
from projects.models import Document, Organisation
from tests.core.factories import user_with_role
from tests.e2e.helpers import pdf_text
from tests.projects.factories import OrganisationFactory, ProjectFactory, co_financing_case, upload

pytestmark = pytest.mark.django_db


def _case(officer, kind=Organisation.Kind.ASSOCIATION, name="Tornedalens byalag"):
    applicant = OrganisationFactory(name=name, kind=kind)
    project = ProjectFactory(title="Byn i framtiden", applicant=applicant, owner=applicant)
    case = co_financing_case(officer=officer, project=project)
    statement = services.document_upload(
        user=officer,
        case=case,
        file=upload("yttrande.pdf", b"%PDF-1.4 yttrande"),
        title="Yttrande från Övertorneå kommun",
    )
    return case, statement


def _pdf(document: Document) -> str:
    with document.file.open("rb") as handle:
        return " ".join(pdf_text(handle.read()).split())


def _token(client, url) -> str:
    return re.search(r'name="token" value="([0-9a-f-]+)"', client.get(url).content.decode())[1]


def test_the_party_gets_the_material_and_a_time_to_answer(client, officer):
    case, statement = _case(officer)
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'id="parten"' in page and "Kommunicera underlag" in page
    assert '<li><a href="#parten">Parten</a></li>' in page  # in the page's contents
    url = reverse("decisions:workflow_communication", args=[case.pk])
    form = client.get(url).content.decode()
    assert "Tornedalens byalag" in form and "Yttrande från Övertorneå kommun" in form
    assert communication.default_reply_by().isoformat() in form
    reply_by = next_working_day_from(timezone.localdate() + datetime.timedelta(days=10))
    response = client.post(
        url,
        {
            "token": _token(client, url),
            "recipient": "Tornedalens byalag",
            "documents": [str(statement.pk)],
            "message": "Kommunen ifrågasätter budgeten för lokalhyra.",
            "reply_by": reply_by.isoformat(),
        },
    )
    assert response.status_code == 302 and response.url.endswith("#parten")
    item = Communication.objects.get()
    assert list(item.documents.all()) == [statement]
    letter = item.letter
    assert letter.direction == Document.Direction.OUTGOING and letter.title == "Kommunicering"
    assert f"nr {statement.registry_number}" in letter.description
    text = _pdf(letter)
    assert "25 § förvaltningslagen" in text and "Yttrande från Övertorneå kommun" in text
    assert f"{case.dnr}-{statement.registry_number}" in text
    assert f"senast {reply_by:%Y-%m-%d}" in text and "lokalhyra" in text
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-communication="waiting"' in page and letter.get_absolute_url() in page
    (task,) = [t for t in tasks_for(officer) if t.key == f"communication:{item.pk}"]
    assert task.due == reply_by and task.reference == case.dnr


def test_the_answer_is_registered_and_ends_the_wait(client, officer):
    case, statement = _case(officer)
    item = communication.communicate(
        user=officer,
        case=case,
        recipient="Tornedalens byalag",
        documents=[statement],
        reply_by=communication.default_reply_by(),
    )
    client.force_login(officer)
    url = reverse("decisions:workflow_communication_reply", args=[case.pk, item.pk])
    before = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    early = client.post(url, {"received_on": before, "file": upload("svar.pdf", b"%PDF-1.4 s")})
    assert early.status_code == 400 and "före kommuniceringen" in early.content.decode()
    assert case.documents.count() == 2  # the statement and the letter: nothing half-saved
    response = client.post(
        url,
        {
            "received_on": timezone.localdate().isoformat(),
            "file": upload("svar.pdf", b"%PDF-1.4 svar"),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.replied_on == timezone.localdate()
    assert item.reply.direction == Document.Direction.INCOMING
    assert item.reply.title == "Yttrande över kommunicerat underlag"
    assert not [t for t in tasks_for(officer) if t.key.startswith("communication:")]
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-communication="replied"' in page and "Registrera svar" not in page
    again = client.post(
        url, {"received_on": timezone.localdate().isoformat(), "document": str(item.reply.pk)}
    )
    assert again.status_code == 409


def test_bad_input_is_refused_in_the_form_and_nothing_is_made(client, officer):
    case, statement = _case(officer)
    _other, foreign = _case(officer, name="Pajala byaråd")
    client.force_login(officer)
    url = reverse("decisions:workflow_communication", args=[case.pk])
    today = timezone.localdate().isoformat()
    cases = [
        {"recipient": "X", "documents": [], "reply_by": "2099-01-01"},  # no material
        {"recipient": "X", "documents": [str(statement.pk)], "reply_by": today},  # today
        {"recipient": "X", "documents": [str(foreign.pk)], "reply_by": "2099-01-01"},
        {"recipient": " ", "documents": [str(statement.pk)], "reply_by": "2099-01-01"},
    ]
    for data in cases:
        assert client.post(url, data).status_code == 400, data
    far = (timezone.localdate() + datetime.timedelta(days=400)).isoformat()
    response = client.post(
        url, {"recipient": "X", "documents": [str(statement.pk)], "reply_by": far}
    )
    assert response.status_code == 400 and "högst ett år" in response.content.decode()
    assert not Communication.objects.exists() and case.documents.count() == 1


def test_the_last_day_to_answer_is_a_working_day(client, officer):
    """A time limit ending on a non-working day runs to the next working day (lag
    1930:173): the letter must name the day the party really has, so another is refused
    with that day named."""
    case, statement = _case(officer)
    client.force_login(officer)
    url = reverse("decisions:workflow_communication", args=[case.pk])
    saturday = timezone.localdate() + datetime.timedelta(days=8)
    while saturday.weekday() != 5:
        saturday += datetime.timedelta(days=1)
    for day in (saturday, saturday + datetime.timedelta(days=1)):
        data = {"recipient": "X", "documents": [str(statement.pk)], "reply_by": day.isoformat()}
        response = client.post(url, data)
        assert response.status_code == 400
        monday = next_working_day_from(day)
        assert f"Ange {monday:%Y-%m-%d}" in response.content.decode()
    assert not Communication.objects.exists()
    # julafton, juldagen, annandag jul: through to the next working day
    today = timezone.localdate()
    christmas_eve = datetime.date(today.year, 12, 24)
    if christmas_eve <= today:
        christmas_eve = christmas_eve.replace(year=today.year + 1)
    with pytest.raises(ValidationError) as refused:
        communication.communicate(
            user=officer, case=case, recipient="X", documents=[statement], reply_by=christmas_eve
        )
    expected = next_working_day_from(christmas_eve)
    assert expected >= datetime.date(christmas_eve.year, 12, 27)
    assert not is_non_working_day(expected)
    assert f"{expected:%Y-%m-%d}" in str(refused.value)


def test_a_proposal_against_the_party_asks_for_communication_first(client, officer):
    case, statement = _case(officer)
    DecisionProposal.objects.create(
        case=case,
        proposes_rejection=True,
        rejection_reason="Projektet saknar förankring.",
        updated_by=officer,
    )
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "data-needs-communication" in page
    communication.communicate(
        user=officer,
        case=case,
        recipient="Tornedalens byalag",
        documents=[statement],
        reply_by=communication.default_reply_by(),
    )
    assert "data-needs-communication" not in client.get(case.get_absolute_url()).content.decode()


def test_only_officers_communicate(client, officer):
    case, statement = _case(officer)
    client.force_login(user_with_role(Role.READER, username="reader"))
    url = reverse("decisions:workflow_communication", args=[case.pk])
    assert client.get(url).status_code == 403
    data = {"recipient": "X", "documents": [str(statement.pk)], "reply_by": "2099-01-01"}
    assert client.post(url, data).status_code == 403
    assert not Communication.objects.exists()


def test_a_public_body_applicant_is_a_party_too(client, officer):
    """25 § binds every party; 11-12 §§ (delay notices, requests) only an enskild part."""
    case, statement = _case(officer, kind=Organisation.Kind.MUNICIPALITY)
    client.force_login(officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Kommunicera underlag" in page and "Underrätta om försening" not in page
    url = reverse("decisions:workflow_communication", args=[case.pk])
    reply_by = next_working_day_from(timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    data = {"recipient": "Kommunen", "documents": [str(statement.pk)], "reply_by": reply_by}
    assert client.post(url, data).status_code == 302
    assert Communication.objects.filter(case=case).exists()


def test_a_project_idea_has_no_party_to_communicate_with(client, officer):
    from tests.projects.factories import idea_case

    case = idea_case(officer=officer)
    client.force_login(officer)
    assert 'id="parten"' not in client.get(case.get_absolute_url()).content.decode()
    url = reverse("decisions:workflow_communication", args=[case.pk])
    assert client.get(url).status_code == 409
    assert client.post(url, {"recipient": "X", "reply_by": "2099-01-01"}).status_code == 409


def test_the_delegate_does_not_refuse_while_the_party_may_still_answer(actors):
    from django.core.exceptions import ValidationError

    from tests.decisions.workflow.factories import fire, prepare_for, walk_cofinancing

    today = timezone.localdate()
    case = walk_cofinancing(actors, "ready_for_run")
    statement = services.document_upload(
        user=actors.officer,
        case=case,
        file=upload("yttrande.pdf", b"%PDF-1.4 yttrande"),
        title="Yttrande från kommunen",
    )
    item = communication.communicate(
        user=actors.officer,
        case=case,
        recipient="Sökanden",
        documents=[statement],
        reply_by=communication.default_reply_by(),
    )
    prepare_for(case, "delegation_reject_application", actors)
    # sent 20 days ago, the last day to answer 5 days ago: dated on it, or back-dated into
    # the time to answer, the refusal is not made
    Communication.objects.filter(pk=item.pk).update(
        sent_on=today - datetime.timedelta(days=20), reply_by=today - datetime.timedelta(days=5)
    )
    for days in (5, 10, 20):
        with pytest.raises(ValidationError, match="25 § förvaltningslagen"):
            fire(
                case,
                "delegation_reject_application",
                actors.director,
                decided_on=today - datetime.timedelta(days=days),
            )
    case.refresh_from_db()
    assert case.state == "ready_for_run"
    # the day after the last day it may be made
    fire(
        case,
        "delegation_reject_application",
        actors.director,
        decided_on=today - datetime.timedelta(days=4),
    )
    case.refresh_from_db()
    assert case.state == "rejected"


def test_an_answer_lets_the_delegate_decide_before_the_last_day(actors):
    from django.core.exceptions import ValidationError

    from tests.decisions.workflow.factories import fire, prepare_for, walk_cofinancing

    today = timezone.localdate()
    case = walk_cofinancing(actors, "ready_for_run")
    statement = services.document_upload(
        user=actors.officer, case=case, file=upload("y.pdf", b"%PDF-1.4 y"), title="Yttrande"
    )
    item = communication.communicate(
        user=actors.officer,
        case=case,
        recipient="Sökanden",
        documents=[statement],
        reply_by=communication.default_reply_by(),
    )
    prepare_for(case, "delegation_reject_application", actors)
    with pytest.raises(ValidationError, match="tidigast dagen efter"):
        fire(case, "delegation_reject_application", actors.director, decided_on=today)
    communication.record_reply(
        user=actors.officer,
        communication=item,
        received_on=today,
        file=upload("svar.pdf", b"%PDF-1.4 svar"),
    )
    fire(case, "delegation_reject_application", actors.director, decided_on=today)
    case.refresh_from_db()
    assert case.state == "rejected"


def test_a_grant_below_the_application_is_against_the_party(officer):
    case, _statement = _case(officer)
    proposal = DecisionProposal(case=case, proposed_amount=case.project.requested_amount)
    assert not communication.against_the_party(case, proposal)
    proposal.proposed_amount -= 1
    assert communication.against_the_party(case, proposal)
    assert communication.needs_communication(case, [], proposal)
    assert not communication.against_the_party(case, None)


def test_material_secret_to_the_user_is_not_communicated_by_them_and_marks_the_letter(officer):
    from django.core.exceptions import ValidationError

    from projects.models import SecrecyMarking

    case, statement = _case(officer)
    secret = services.document_upload(
        user=officer,
        case=case,
        file=upload("anm.pdf", b"%PDF-1.4 anm"),
        title="Polisanmälan mot styrelseledamot",
        confidential=True,
    )
    other = user_with_role(Role.OFFICER, username="officer2")
    with pytest.raises(ValidationError, match=f"nr {secret.registry_number}"):
        communication.communicate(
            user=other,
            case=case,
            recipient="X",
            documents=[statement, secret],
            reply_by=communication.default_reply_by(),
        )
    assert not Communication.objects.exists() and case.documents.count() == 2
    item = communication.communicate(
        user=officer,
        case=case,
        recipient="X",
        documents=[statement, secret],
        reply_by=communication.default_reply_by(),
    )
    marking = SecrecyMarking.objects.get(document=item.letter)
    assert marking.lifted_at is None and str(secret.registry_number) in marking.note
    reader = user_with_role(Role.READER, username="reader")
    from projects.secrecy import document_hidden

    assert document_hidden(reader, item.letter)


def test_the_answer_is_a_letter_that_came_in_after_the_communication(officer):
    from django.core.exceptions import PermissionDenied, ValidationError

    case, statement = _case(officer)
    item = communication.communicate(
        user=officer,
        case=case,
        recipient="X",
        documents=[statement],
        reply_by=communication.default_reply_by(),
    )
    with pytest.raises(ValidationError, match="före kommuniceringen"):
        communication.record_reply(
            user=officer, communication=item, received_on=timezone.localdate(), document=statement
        )
    reader = user_with_role(Role.READER, username="reader")
    with pytest.raises(PermissionDenied):
        communication.record_reply(
            user=reader, communication=item, received_on=timezone.localdate(), file=upload()
        )
    with pytest.raises(PermissionDenied):
        communication.communicate(
            user=reader,
            case=case,
            recipient="X",
            documents=[statement],
            reply_by=communication.default_reply_by(),
        )
    item.refresh_from_db()
    assert item.replied_on is None and Communication.objects.count() == 1


def test_the_admin_shows_the_party_records_and_changes_none(client, officer):
    from tests.core.factories import UserFactory

    case, statement = _case(officer)
    item = communication.communicate(
        user=officer,
        case=case,
        recipient="Tornedalens byalag",
        documents=[statement],
        reply_by=communication.default_reply_by(),
    )
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    for name in ("communication", "delaynotice", "decisiondemand"):
        assert client.get(reverse(f"admin:decisions_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:decisions_{name}_add")).status_code == 403
    change = reverse("admin:decisions_communication_change", args=[item.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"recipient": "Någon annan"}).status_code == 403
    item.refresh_from_db()
    assert item.recipient == "Tornedalens byalag"


def test_the_material_is_the_latest_version_and_not_the_regions_own_letters(officer):
    case, statement = _case(officer)
    newer = services.document_upload(
        user=officer,
        case=case,
        file=upload("yttrande2.pdf", b"%PDF-1.4 yttrande v2"),
        title=statement.title,
    )
    item = communication.communicate(
        user=officer,
        case=case,
        recipient="X",
        documents=[newer],
        reply_by=communication.default_reply_by(),
    )
    offered = list(communication.material_documents(case))
    assert offered == [newer] and item.letter not in offered and statement not in offered
