"""The signed record holds marked material as signed (a protocol is final, never masked
afterwards), so it is served only to those who may see every marked part of it: others get
403 with the reason (the web, the API, the signing page's frame, the extract's preview), the
allowed reading is logged, and the copies registered in the cases' registries are marked."""

import pytest
from django.urls import reverse

from decisions.meetings.models import GeneratedDocument
from decisions.meetings.services import documents as document_services
from projects import services as project_svc
from projects.models import Document, SecrecyAccessLog, SecrecyProvision
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
            assert dnr in response.content.decode() or "403" in str(response.status_code)
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


def test_the_copies_registered_in_the_cases_are_marked(signed):
    case35, case41 = signed["case35"], signed["case41"]
    protocol_copies = Document.objects.filter(
        source_key=f"meetings.generated:{signed['protocol'].pk}"
    )
    # the protocol repeats § 35's marked summary: its copy in § 41's case too
    assert {d.case_id for d in protocol_copies} == {case35.pk, case41.pk}
    assert all(d.confidential for d in protocol_copies)
    marking = protocol_copies.get(case=case41).secrecy_markings.get()
    assert marking.provision.name == "30 kap. 23 § OSL" and case35.dnr in marking.note
    extract35 = Document.objects.get(source_key=f"meetings.generated:{signed['extract35'].pk}")
    extract41 = Document.objects.get(source_key=f"meetings.generated:{signed['extract41'].pk}")
    assert extract35.confidential and not extract41.confidential


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
    ]
    for url in pages:
        assert client_for(reader).get(url).status_code == 200
    assert not SecrecyAccessLog.objects.exists()  # the reader sees them masked
    for url in pages:
        assert client_for(decision_maker).get(url).status_code == 200
    logged = SecrecyAccessLog.objects.filter(user=decision_maker, case=case35)
    assert sorted(row.path for row in logged) == sorted(pages)
