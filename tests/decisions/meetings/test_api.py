"""The meetings API: lists, details with agenda and attendance, 403 and 409."""

import pytest

from tests.core.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_meetings_with_agenda_and_attendance(run_meeting, api, reader):
    client = api(reader)
    listing = client.get("/api/v1/meetings/")
    assert listing.status_code == 200
    assert listing.json()["results"][0]["body_name"] == "Regionala utvecklingsnämnden"
    meeting = run_meeting["meeting"]
    detail = client.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [item["paragraph_number"] for item in detail["agenda"]] == [35, 41]
    assert any(a["member_name"] == "Lage Hortlund (SD)" for a in detail["attendance"])
    paragraph = client.get(f"/api/v1/paragraphs/{run_meeting['p41'].pk}/").json()
    assert paragraph["reference"] == "RUN 2020-03-24 § 41"
    assert "Jan Anders Perdal (V) yrkar avslag till projektansökan." in paragraph["proceedings"]
    bodies = client.get("/api/v1/bodies/").json()["results"]
    assert any(b["code"] == "run" for b in bodies)


def test_frozen_protocol_refuses_writes_with_409(signed_run_meeting, api, secretary):
    client = api(secretary)
    p35 = signed_run_meeting["p35"]
    response = client.patch(f"/api/v1/paragraphs/{p35.pk}/", {"summary": "x"}, format="json")
    assert response.status_code == 409
    assert "justerat" in response.json()["detail"]
    meeting = signed_run_meeting["meeting"]
    response = client.patch(f"/api/v1/meetings/{meeting.pk}/", {"place": "Kiruna"}, format="json")
    assert response.status_code == 409
    response = client.post(
        f"/api/v1/paragraphs/{p35.pk}/motions/",
        {"movers": [signed_run_meeting["members"]["Helena Öhlund"].pk], "kind": "approval"},
        format="json",
    )
    assert response.status_code == 409
    response = client.put(f"/api/v1/meetings/{meeting.pk}/attendance/", [], format="json")
    assert response.status_code == 409
    p35.refresh_from_db()
    assert p35.summary != "x"


def test_reader_gets_403_and_signatures_are_listed(signed_run_meeting, api, reader):
    client = api(reader)
    p35 = signed_run_meeting["p35"]
    response = client.patch(f"/api/v1/paragraphs/{p35.pk}/", {"summary": "x"}, format="json")
    assert response.status_code == 403
    meeting = signed_run_meeting["meeting"]
    signatures = client.get(f"/api/v1/meetings/{meeting.pk}/signatures/").json()
    assert {s["role"] for s in signatures} == {"chair", "adjuster"}


def test_sign_through_the_api(run_meeting, api, secretary):
    from django.contrib.auth import get_user_model

    from decisions.meetings import services as svc

    meeting = run_meeting["meeting"]
    svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    adjuster = get_user_model().objects.get(username="justerare_t")
    url = f"/api/v1/meetings/{meeting.pk}/signatures/"
    assert api(adjuster).post(url).status_code == 400  # the password is asked again
    wrong = api(adjuster).post(url, {"password": "fel"}, format="json")
    assert wrong.status_code == 400 and "Lösenordet stämmer inte" in wrong.json()["password"][0]
    response = api(adjuster).post(url, {"password": PASSWORD}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["role"] == "adjuster" and body["method"] == "password"
    assert body["member_name"] == "Lage Hortlund (SD)"
    again = api(adjuster).post(url, {"password": PASSWORD}, format="json")
    assert again.status_code == 403


def test_schema_lists_the_meetings_endpoints(api, reader):
    schema = api(reader).get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in (
        "/api/v1/meetings/",
        "/api/v1/paragraphs/",
        "/api/v1/bodies/",
        "/api/v1/documents/",
    ):
        assert path in text
