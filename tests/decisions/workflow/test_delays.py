"""Delayed cases (förvaltningslagen 11-12 §§) as the officer meets them: the dates counted
as the law counts them, the delay notice and the refusal of a request for a decision made
as registered PDFs through the pages, the request's four weeks in Mina uppgifter, and bad
input, refusals and conflicts that leave nothing behind."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from core.worklist import tasks_for
from decisions.workflow import delays
from decisions.workflow.models import DecisionDemand, DelayNotice
from projects import services
from projects.models import Case, Document, Organisation
from tests.core.factories import user_with_role
from tests.e2e.helpers import pdf_text
from tests.projects.factories import OrganisationFactory, ProjectFactory, co_financing_case, upload

pytestmark = pytest.mark.django_db
D = datetime.date
RECEIVED = D(2020, 1, 15)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2020, 1, 15), 6, D(2020, 7, 15)),
        (D(2020, 8, 31), 6, D(2021, 2, 28)),  # no 31 February: the month's last day
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # a leap year
        (D(2020, 9, 30), 6, D(2021, 3, 30)),
        (D(2020, 12, 31), 2, D(2021, 2, 28)),
        (D(2020, 7, 1), 6, D(2021, 1, 1)),  # over the year's end
    ],
)
def test_six_months_are_counted_to_the_same_date(start, months, expected):
    assert delays.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2020, 3, 10), D(2020, 4, 7)),  # a Tuesday: four weeks on, a Tuesday
        (D(2020, 11, 28), D(2020, 12, 28)),  # ends on annandag jul, a Saturday: to Monday
        (D(2021, 12, 3), D(2022, 1, 3)),  # nyårsafton, nyårsdagen, a Sunday: to Monday
        (D(2022, 5, 28), D(2022, 6, 27)),  # ends on a Saturday (25 June, midsommardagen)
        (D(2019, 3, 22), D(2019, 4, 23)),  # långfredagen 19 April ... annandag påsk 22 April
    ],
)
def test_four_weeks_to_answer_end_on_a_working_day(received, due):
    assert delays.answer_due(received) == due


def _case(officer, received_on=RECEIVED, kind=Organisation.Kind.COMPANY):
    applicant = OrganisationFactory(name="Piteå Science Park AB", kind=kind)
    project = ProjectFactory(title="Arctic Solar 2.0", applicant=applicant, owner=applicant)
    return co_financing_case(
        officer=officer, project=project, registered_on=received_on, received_on=received_on
    )


def _pdf(document: Document) -> str:
    """The PDF's text, its lines joined (a sentence may wrap)."""
    with document.file.open("rb") as handle:
        return " ".join(pdf_text(handle.read()).split())


def _page(client, case) -> str:
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_party_is_told_of_the_delay_in_a_registered_letter(client, officer):
    case = _case(officer)
    client.force_login(officer)
    page = _page(client, case)
    assert 'id="parten"' in page  # late against its target, and past six months
    assert "parten får sedan 2020-07-16 skriftligen begära" in page
    url = reverse("decisions:workflow_delay_notice", args=[case.pk])
    form = client.get(url)
    assert form.status_code == 200 and "Piteå Science Park AB" in form.content.decode()
    expected = timezone.localdate() + datetime.timedelta(days=40)
    response = client.post(
        url,
        {
            "recipient": "Piteå Science Park AB",
            "reason": "Nämnden sammanträder inte förrän i mars.\nUnderlaget kompletteras.",
            "expected_on": expected.isoformat(),
        },
    )
    assert response.status_code == 302 and response.url.endswith("#parten")
    notice = DelayNotice.objects.get(case=case)
    letter = notice.document
    assert letter.direction == Document.Direction.OUTGOING
    assert letter.party_name == "Piteå Science Park AB" and letter.document_date == notice.sent_on
    assert letter.title == "Underrättelse om försening"
    text = _pdf(letter)
    assert f"Dnr {case.dnr}" in text and "Piteå Science Park AB" in text
    assert "Nämnden sammanträder inte förrän i mars. Underlaget kompletteras." in text
    assert "11 § förvaltningslagen" in text and "12 § förvaltningslagen" in text
    assert f"senast {expected:%Y-%m-%d}" in text and "från och med 2020-07-16" in text
    page = _page(client, case)
    assert "Nämnden sammanträder inte förrän i mars." in page
    assert letter.get_absolute_url() in page


def test_a_delay_notice_without_reason_is_refused_in_the_form_and_nothing_is_made(client, officer):
    case = _case(officer)
    client.force_login(officer)
    url = reverse("decisions:workflow_delay_notice", args=[case.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url, {"recipient": "Piteå", "reason": "  ", "expected_on": yesterday.isoformat()}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Piteå" in body and "Datumet kan inte ligga i det förflutna." in body
    assert not DelayNotice.objects.exists() and not case.documents.exists()


def test_only_the_cases_officers_notify_and_register(client, officer):
    case = _case(officer)
    reader = user_with_role(Role.READER, username="reader")
    client.force_login(reader)
    for name in ("decisions:workflow_delay_notice", "decisions:workflow_demand"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 403
    response = client.post(
        reverse("decisions:workflow_delay_notice", args=[case.pk]),
        {"recipient": "X", "reason": "Y"},
    )
    assert response.status_code == 403 and not DelayNotice.objects.exists()


def _register(client, case, **data):
    return client.post(
        reverse("decisions:workflow_demand", args=[case.pk]),
        {"party": "Piteå Science Park AB", "received_on": "2020-11-28", **data},
    )


def test_a_request_for_a_decision_gets_four_weeks_and_a_task(client, officer):
    case = _case(officer)
    client.force_login(officer)
    response = _register(client, case, file=upload("begaran.pdf", b"%PDF-1.4 begaran om avgorande"))
    assert response.status_code == 302, response.content.decode()[:2000]
    demand = DecisionDemand.objects.get(case=case)
    assert not delays.is_premature(demand, case) and demand.due_on == D(2020, 12, 28)
    letter = demand.request_document
    assert letter.direction == Document.Direction.INCOMING
    assert letter.document_date == D(2020, 11, 28) and letter.party_name == "Piteå Science Park AB"
    # in Mina uppgifter, due four weeks on (long past: overdue)
    (task,) = [t for t in tasks_for(officer) if t.key == f"decision-demand:{demand.pk}"]
    assert task.due == D(2020, 12, 28) and task.reference == case.dnr and task.overdue()
    tasks_page = client.get(reverse("my_tasks")).content.decode()
    assert "Begäran om avgörande att besvara" in tasks_page
    page = _page(client, case)
    assert 'data-demand="late"' in page and "Skulle ha besvarats senast 2020-12-28" in page
    # one request waits at a time
    assert "Registrera begäran om avgörande" not in page
    again = _register(client, case, document=str(letter.pk))
    assert again.status_code == 409
    assert DecisionDemand.objects.count() == 1


def test_a_request_names_one_written_document(client, officer):
    case = _case(officer)
    client.force_login(officer)
    assert _register(client, case).status_code == 400  # neither
    earlier = upload("mejl.pdf", b"%PDF-1.4 mejl")
    registered = services.document_upload(user=officer, case=case, file=earlier, title="Mejl")
    both = _register(client, case, document=str(registered.pk), file=upload("b.pdf", b"%PDF-1.4 b"))
    assert both.status_code == 400
    assert not DecisionDemand.objects.exists() and case.documents.count() == 1
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert (
        _register(client, case, document=str(registered.pk), received_on=future).status_code == 400
    )
    before = _register(client, case, document=str(registered.pk), received_on="2019-12-31")
    assert before.status_code == 400
    assert "före ärendets inkomstdatum 2020-01-15" in before.content.decode()
    ok = _register(client, case, document=str(registered.pk))
    assert ok.status_code == 302
    assert DecisionDemand.objects.get().request_document == registered
    assert case.documents.count() == 1  # the registered letter, not a copy


def test_a_request_before_six_months_is_registered_without_a_deadline(client, officer):
    received = timezone.localdate() - datetime.timedelta(days=30)
    case = _case(officer, received_on=received)
    client.force_login(officer)
    page = _page(client, case)
    assert 'id="parten"' in page and "inom sex månader" not in page  # not yet
    response = _register(
        client,
        case,
        received_on=timezone.localdate().isoformat(),
        file=upload("begaran.pdf", b"%PDF-1.4 tidig"),
    )
    assert response.status_code == 302
    demand = DecisionDemand.objects.get()
    assert delays.is_premature(demand, case)
    assert not [t for t in tasks_for(officer) if t.key.startswith("decision-demand:")]
    page = _page(client, case)
    assert 'data-demand="premature"' in page and "Avslå begäran" not in page
    refuse = reverse("decisions:workflow_demand_refuse", args=[case.pk, demand.pk])
    assert client.post(refuse, {"reasoning": "För tidigt."}).status_code == 409
    demand.refresh_from_db()
    assert demand.refused_on is None


def test_a_refusal_is_a_registered_decision_with_reasons_and_appeal(client, officer):
    case = _case(officer)
    client.force_login(officer)
    _register(client, case, file=upload("begaran.pdf", b"%PDF-1.4 begaran"))
    demand = DecisionDemand.objects.get()
    refuse = reverse("decisions:workflow_demand_refuse", args=[case.pk, demand.pk])
    assert "Avslå begäran" in _page(client, case)
    assert client.post(refuse, {"reasoning": ""}).status_code == 400
    response = client.post(refuse, {"reasoning": "Yttrandet från kommunen har inte kommit in."})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.refused_on == timezone.localdate() and demand.refused_by == officer
    decision = demand.refusal_document
    assert decision.direction == Document.Direction.OUTGOING
    text = _pdf(decision)
    assert "avslår begäran" in text and "Yttrandet från kommunen har inte kommit in." in text
    assert "överklagas" in text and "tre veckor" in text and "2020-11-28" in text
    assert not [t for t in tasks_for(officer) if t.key.startswith("decision-demand:")]
    page = _page(client, case)
    assert 'data-demand="refused"' in page and decision.get_absolute_url() in page
    assert client.post(refuse, {"reasoning": "Igen."}).status_code == 409
    assert case.documents.count() == 2  # the request and the one decision
    # a new request may follow the refusal
    assert "Registrera begäran om avgörande" in page


def test_a_decided_case_answers_the_request_and_takes_no_new_one(client, officer):
    case = _case(officer)
    client.force_login(officer)
    _register(client, case, file=upload("begaran.pdf", b"%PDF-1.4 begaran"))
    demand = DecisionDemand.objects.get()
    Case.objects.filter(pk=case.pk).update(decided_on=D(2020, 12, 21))
    case.refresh_from_db()
    status = delays.demand_status(demand, case)
    assert status.key == "decided" and "2020-12-21, inom fristen" in status.label
    case.decided_on = D(2021, 1, 4)
    assert delays.demand_status(demand, case).key == "decided_late"
    assert not [t for t in tasks_for(officer) if t.key.startswith("decision-demand:")]
    refuse = reverse("decisions:workflow_demand_refuse", args=[case.pk, demand.pk])
    assert client.post(refuse, {"reasoning": "Sent."}).status_code == 409
    notice = client.post(
        reverse("decisions:workflow_delay_notice", args=[case.pk]),
        {"recipient": "Piteå", "reason": "Sent."},
    )
    assert notice.status_code == 409 and not DelayNotice.objects.exists()


def test_the_same_form_sent_twice_makes_one_letter(client, officer):
    case = _case(officer)
    client.force_login(officer)
    url = reverse("decisions:workflow_delay_notice", args=[case.pk])
    token = re.search(r'name="token" value="([0-9a-f-]+)"', client.get(url).content.decode())[1]
    data = {"token": token, "recipient": "Piteå", "reason": "Underlaget saknas."}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert DelayNotice.objects.count() == 1 and case.documents.count() == 1
    # another form is another letter
    other = re.search(r'name="token" value="([0-9a-f-]+)"', client.get(url).content.decode())[1]
    assert other != token
    assert client.post(url, {**data, "token": other}).status_code == 302
    assert DelayNotice.objects.count() == 2 and case.documents.count() == 2


def test_one_letter_is_one_request(client, officer):
    received = timezone.localdate() - datetime.timedelta(days=30)
    case = _case(officer, received_on=received)
    client.force_login(officer)
    letter = services.document_upload(
        user=officer, case=case, file=upload("b.pdf", b"%PDF-1.4 b"), title="Begäran"
    )
    data = {"document": str(letter.pk), "received_on": timezone.localdate().isoformat()}
    assert _register(client, case, **data).status_code == 302  # premature: none waits
    assert _register(client, case, **data).status_code == 409
    assert DecisionDemand.objects.count() == 1


def test_registry_texts_are_swedish_in_an_english_session(client, officer):
    case = _case(officer)
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("decisions:workflow_delay_notice", args=[case.pk])).content
    assert b"Notify of delay" in page
    client.post(
        reverse("decisions:workflow_delay_notice", args=[case.pk]),
        {"recipient": "Piteå", "reason": "Underlaget saknas."},
    )
    _register(client, case, file=upload("begaran.pdf", b"%PDF-1.4 begaran"))
    titles = sorted(case.documents.values_list("title", "description"))
    assert titles == [
        (
            "Begäran om avgörande",
            "Begäran om avgörande (12 § förvaltningslagen) från Piteå Science Park AB",
        ),
        (
            "Underrättelse om försening",
            "Underrättelse om försening (11 § förvaltningslagen) till Piteå",
        ),
    ]


def test_secret_material_stays_masked_in_the_section_and_the_form(client, officer):
    case = _case(officer)
    secret = "Konkursrisken bedöms som hög"
    project = case.project
    project.summary = secret
    project.save()
    services.secrecy_mark(user=officer, case=case, field="project.summary", note="Affärer")
    hidden = services.document_upload(
        user=officer,
        case=case,
        file=upload("plan.pdf", b"%PDF-1.4 plan"),
        title="Hemlig affärsplan",
        confidential=True,
    )
    delays.notify_delay(
        user=officer, case=case, recipient="Piteå", reason=f"{secret}, så underlaget granskas."
    )
    reader = user_with_role(Role.READER, username="reader")
    client.force_login(reader)
    page = _page(client, case)
    assert "så underlaget granskas" in page and secret not in page
    other_officer = user_with_role(Role.OFFICER, username="officer2")
    client.force_login(other_officer)
    form = client.get(reverse("decisions:workflow_demand", args=[case.pk])).content.decode()
    assert f"{hidden.registry_number}. Sekretess" in form and "Hemlig affärsplan" not in form
    client.force_login(officer)  # the case's own officer sees the title
    form = client.get(reverse("decisions:workflow_demand", args=[case.pk])).content.decode()
    assert "Hemlig affärsplan" in form


@pytest.mark.parametrize(
    "public", [Organisation.Kind.MUNICIPALITY, Organisation.Kind.GOVERNMENT_AGENCY]
)
def test_public_bodies_and_the_regions_own_ideas_are_not_enskilda_parter(client, officer, public):
    from tests.projects.factories import idea_case

    client.force_login(officer)
    for case in (_case(officer, kind=public), idea_case(officer=officer)):
        assert not delays.applies(case)
        page = _page(client, case)
        assert "Underrätta om försening" not in page and "inom sex månader" not in page
        response = client.post(
            reverse("decisions:workflow_delay_notice", args=[case.pk]),
            {"recipient": "Kommunen", "reason": "Underlaget saknas."},
        )
        assert response.status_code == 409
        assert client.get(reverse("decisions:workflow_demand", args=[case.pk])).status_code == 409
    assert not DelayNotice.objects.exists()


def test_the_services_refuse_a_user_without_the_right(officer):
    case = _case(officer)
    reader = user_with_role(Role.READER, username="reader")
    with pytest.raises(PermissionDenied):
        delays.notify_delay(user=reader, case=case, recipient="X", reason="Y")
    with pytest.raises(PermissionDenied):
        delays.register_demand(
            user=reader, case=case, party="X", received_on=D(2020, 11, 28), file=upload()
        )
    assert not case.documents.exists()


def test_a_failed_save_leaves_no_file_behind(officer, settings, monkeypatch):
    case = _case(officer)
    media = Path(settings.MEDIA_ROOT)
    before = {p for p in media.rglob("*") if p.is_file()} if media.exists() else set()

    def fail(*args, **kwargs):
        raise DatabaseError("the disk is full")

    monkeypatch.setattr(DelayNotice, "save", fail)
    with pytest.raises(DatabaseError):
        delays.notify_delay(user=officer, case=case, recipient="Piteå", reason="Underlaget saknas.")
    after = {p for p in media.rglob("*") if p.is_file()}
    assert after == before
