"""The signed record holds marked material as signed (a protocol is final, never masked
afterwards), so it is served only to those who may see every marked part of it: others get
403 with the reason (the web, the API, the signing page's frame, the extract's preview), the
allowed reading is logged, and the copies registered in the cases' registries are marked."""

import pytest
from django.urls import reverse

from core.roles import Role
from decisions.meetings.models import GeneratedDocument
from decisions.meetings.services import documents as document_services
from projects import services as project_svc
from projects.models import Case, Document, SecrecyAccessLog, SecrecyMarking, SecrecyProvision
from tests.core.factories import user_with_role
from tests.decisions.meetings.factories import seed_meeting, sign_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(secretary, officer, decision_maker):
    """RUN 2020-03-24, § 35's project summary marked before the justering; the final
    protocol and both extracts stored."""
    world = seed_meeting(secretary, officer)
    provision = SecrecyProvision.objects.get_or_create(name="30 kap. 23 § OSL")[0]
    project_svc.secrecy_mark(
        user=decision_maker, case=world["case35"], field="project.summary", provision=provision
    )
    sign_meeting(secretary, world["meeting"])
    meeting = world["meeting"]
    world["protocol"] = document_services.document_store(
        kind="protocol", meeting=meeting, paragraph=None, user=secretary
    )
    for key in ("p35", "p41"):
        world[f"extract{key[1:]}"] = document_services.document_store(
            kind="extract", meeting=meeting, paragraph=world[key], user=secretary
        )
    return world


def _urls(world, extract="extract35", paragraph="p35"):
    document = world[extract]
    return [
        reverse("decisions:protocol_draft", args=[world["meeting"].pk]),
        reverse("decisions:document_download", args=[world["protocol"].pk]),
        f"/api/v1/meeting-documents/{world['protocol'].pk}/download/",
        reverse("decisions:document_download", args=[document.pk]),
        reverse("decisions:extract_preview", args=[world[paragraph].pk]),
    ]


def test_the_record_is_refused_with_the_reason_to_those_who_may_not_see_it(
    signed, secretary, reader, client_for
):
    dnr = signed["case35"].dnr
    for user in (reader, secretary):
        client = client_for(user)
        for url in _urls(signed)[:4]:
            response = client.get(url)
            assert response.status_code == 403, (user, url)
            assert dnr in response.content.decode(), (user, url)
    client = client_for(secretary)
    response = client.get(_urls(signed)[4])  # the extract the secretary would send
    assert response.status_code == 403 and dnr in response.content.decode()
    # § 41's extract holds nothing marked: the secretary reads and sends it
    assert (
        client.get(reverse("decisions:extract_preview", args=[signed["p41"].pk])).status_code == 200
    )
    url = reverse("decisions:document_download", args=[signed["extract41"].pk])
    assert client.get(url).status_code == 200
    assert not SecrecyAccessLog.objects.exists()


def test_the_allowed_read_it_and_each_reading_is_logged(signed, decision_maker, client_for):
    client = client_for(decision_maker)
    for url in _urls(signed)[:4]:
        assert client.get(url).status_code == 200, url
    logged = SecrecyAccessLog.objects.filter(user=decision_maker, case=signed["case35"])
    assert logged.count() == 4
    assert not SecrecyAccessLog.objects.filter(case=signed["case41"]).exists()


def test_the_copies_in_the_cases_registries_are_opened_by_the_records_rule(
    signed, decision_maker, client_for
):
    """The protocol registered in § 41's case repeats § 35's marked summary: its officer,
    who may see case 41's secrets but not case 35's, may not open it there either (page or
    API), whatever is marked after the copy was made; the allowed may."""
    case35, case41 = signed["case35"], signed["case41"]
    other = user_with_role(Role.OFFICER, username="officer_41")
    Case.objects.filter(pk=case41.pk).update(officer=other)
    copies = Document.objects.filter(source_key=f"meetings.generated:{signed['protocol'].pk}")
    assert {d.case_id for d in copies} == {case35.pk, case41.pk}
    copy41 = copies.get(case=case41)
    client = client_for(other)
    for url in (
        reverse("projects:document_download", args=[copy41.pk]),
        f"/api/v1/documents/{copy41.pk}/download/",
    ):
        response = client.get(url)
        assert response.status_code == 403 and case35.dnr in response.content.decode(), url
    # § 41's own extract holds nothing marked: its officer opens its copy
    extract41 = Document.objects.get(source_key=f"meetings.generated:{signed['extract41'].pk}")
    url = reverse("projects:document_download", args=[extract41.pk])
    assert client.get(url).status_code == 200
    allowed = client_for(decision_maker)
    assert allowed.get(reverse("projects:document_download", args=[copy41.pk])).status_code == 200
    assert allowed.get(f"/api/v1/documents/{copy41.pk}/download/").status_code == 200
    # the allowed reading is logged under the case whose marked material the copy shows
    logged = SecrecyAccessLog.objects.filter(user=decision_maker, document=copy41)
    assert [row.case_id for row in logged] == [case35.pk, case35.pk]
    assert not SecrecyAccessLog.objects.filter(user=other).exists()
    # lifted: every copy opens for the officer
    marking = SecrecyMarking.objects.get(case=case35, field="project.summary")
    project_svc.secrecy_lift(user=decision_maker, marking=marking, reason="Prövat: offentligt.")
    assert client.get(reverse("projects:document_download", args=[copy41.pk])).status_code == 200


def test_a_record_without_marked_material_is_read_by_every_role(
    secretary, officer, reader, client_for
):
    world = seed_meeting(secretary, officer, sign=True)
    protocol = document_services.document_store(
        kind="protocol", meeting=world["meeting"], paragraph=None, user=secretary
    )
    client = client_for(reader)
    assert client.get(reverse("decisions:document_download", args=[protocol.pk])).status_code == 200
    assert (
        client.get(reverse("decisions:protocol_draft", args=[world["meeting"].pk])).status_code
        == 200
    )
    assert not Document.objects.filter(confidential=True).exists()
    assert GeneratedDocument.objects.filter(final=True).count() == 1


def test_the_allowed_reading_the_paragraph_and_project_pages_is_logged(
    signed, decision_maker, reader, client_for
):
    case35 = signed["case35"]
    pages = [
        reverse("decisions:paragraph_detail", args=[signed["p35"].pk]),
        reverse("projects:project_detail", args=[case35.project_id]),
        # the API's § and project show the same texts
        f"/api/v1/paragraphs/{signed['p35'].pk}/",
        f"/api/v1/projects/{case35.project_id}/",
    ]
    summary = case35.project.summary
    for url in pages:
        response = client_for(reader).get(url)
        assert response.status_code == 200 and summary not in response.content.decode()
    assert not SecrecyAccessLog.objects.exists()  # the reader sees them masked
    for url in pages:
        response = client_for(decision_maker).get(url)
        assert response.status_code == 200
        assert summary in response.content.decode().replace("\\n", "\n"), url
    logged = SecrecyAccessLog.objects.filter(user=decision_maker, case=case35)
    assert sorted(row.path for row in logged) == sorted(pages)
    # the API's list of §§ shows their texts too
    paragraphs = f"/api/v1/paragraphs/?case={case35.pk}"
    assert summary not in client_for(reader).get(paragraphs).content.decode()
    assert summary in client_for(decision_maker).get(paragraphs).content.decode()
    assert logged.filter(path=paragraphs).count() == 1
    assert not SecrecyAccessLog.objects.filter(user=reader).exists()
    # the API's list of projects shows every listed project's texts
    listed = f"/api/v1/projects/?applicant={case35.project.applicant_id}"
    assert summary in client_for(decision_maker).get(listed).content.decode()
    assert logged.filter(path=listed).count() == 1


def test_a_reported_delegation_decision_of_a_marked_case_is_in_the_records_check(
    secretary, officer, decision_maker, reader
):
    """The protocol prints the decision texts of the delegation decisions reported under a
    §: a case marked there withholds the protocol from the board and from the not allowed."""
    import datetime

    from decisions.meetings import services as meeting_svc
    from decisions.meetings.record_access import can_read_record
    from decisions.public import policy
    from decisions.workflow.models import DelegationDecision
    from tests.projects.factories import co_financing_case

    world = seed_meeting(secretary, officer)
    meeting = world["meeting"]
    delegated = co_financing_case(officer=officer, title="Hemligt företagsprojekt")
    decision = DelegationDecision.objects.create(
        case=delegated,
        decided_on=datetime.date(2020, 3, 2),
        outcome="rejected",
        decision_text="Ansökan avslås.",
        decided_by=decision_maker,
    )
    item = meeting_svc.agenda_item_add(
        user=secretary, meeting=meeting, kind="delegation", delegation_decisions=[decision]
    )
    meeting_svc.paragraph_add(user=secretary, item=item)
    assert can_read_record(reader, meeting) and not policy.protocol_withheld(meeting)
    project_svc.secrecy_mark(user=decision_maker, case=delegated, field="project.summary")
    assert not can_read_record(reader, meeting)
    assert delegated.dnr in str(can_read_record(reader, meeting).reason)
    assert policy.protocol_withheld(meeting)
    assert can_read_record(decision_maker, meeting)
