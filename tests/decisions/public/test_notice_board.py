"""The digital notice board (kommunallagen 8 kap. 9-12 §§) without login: each notice
with its dates and the published protocol; taken down the day after the last day of
appeal (computed from the dates: no job has to run) and kept in the archive."""

import datetime
import io

import pytest
from pypdf import PdfReader

from decisions.public import selectors
from tests.decisions.public.conftest import sign_and_post

D = datetime.date
pytestmark = pytest.mark.django_db


def test_the_notice_shows_its_body_and_every_date_of_the_seed_meeting(posted_meeting, client):
    meeting = posted_meeting["meeting"]
    page = client.get(f"/anslagstavla/{meeting.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Region Norrbotten" in html
    assert "Regionala utvecklingsnämnden" in html
    assert "Tillkännagivande av justerat protokoll" in html
    for label, value in [
        ("Sammanträdesdatum", "2020-03-24"),
        ("Datum för justering", "2020-03-24"),
        ("Datum då anslaget sätts upp", "2020-03-24"),
        ("Sista dag för överklagande", "2020-04-14"),
        ("Datum då anslaget tas ned", "2020-04-15"),
        ("Förvaringsplats för protokollet", "Regionhuset, Luleå"),
        ("Paragrafer", "§ 35–41"),
    ]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html, label
    assert f'href="/anslagstavla/{meeting.pk}/protokoll/"' in html
    assert "Tillgänglighetsredogörelse" in html and 'href="/tillganglighet/"' in html
    # no internal navigation on a public page
    assert "/cases/" not in html and "Logga ut" not in html


def test_region_name_comes_from_settings(posted_meeting, client, settings):
    settings.REGION_NAME = "Region Västerbotten"
    html = client.get("/anslagstavla/").content.decode()
    assert "Region Västerbotten" in html and "Region Norrbotten" not in html


def test_the_published_protocol_is_the_stored_signed_pdf(posted_meeting, client):
    meeting, protocol = posted_meeting["meeting"], posted_meeting["protocol"]
    response = client.get(f"/anslagstavla/{meeting.pk}/protokoll/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    body = b"".join(response.streaming_content)
    with protocol.file.open("rb") as stored:
        assert body == stored.read()  # served as stored, byte for byte
    import hashlib

    assert hashlib.sha256(body).hexdigest() == protocol.sha256
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "PROTOKOLL" in text and "Regionala utvecklingsnämnden" in text


def test_on_the_board_through_the_last_day_of_appeal_then_in_the_archive(
    posted_meeting, client, clock
):
    meeting = posted_meeting["meeting"]
    detail = f"/anslagstavla/{meeting.pk}/"
    clock(D(2020, 4, 14))  # the last day of appeal: still up
    board = client.get("/anslagstavla/").content.decode()
    assert detail in board and "2020-04-14" in board
    archive = client.get("/anslagstavla/arkiv/").content.decode()
    assert detail not in archive
    assert "Anslaget är nedtaget" not in client.get(detail).content.decode()

    clock(D(2020, 4, 15))  # taken down the day after, with no job run in between
    board = client.get("/anslagstavla/").content.decode()
    assert detail not in board and "Inga tillkännagivanden just nu." in board
    archive = client.get("/anslagstavla/arkiv/").content.decode()
    assert detail in archive and "2020-04-15" in archive
    page = client.get(detail).content.decode()
    assert "Anslaget är nedtaget; tiden för överklagande har gått ut." in page
    # the archived notice still publishes its protocol
    assert client.get(f"/anslagstavla/{meeting.pk}/protokoll/").status_code == 200

    archive_2020 = client.get("/anslagstavla/arkiv/?ar=2020").content.decode()
    assert detail in archive_2020
    assert detail not in client.get("/anslagstavla/arkiv/?ar=2019").content.decode()


def test_selectors_take_the_notice_down_by_date(posted_meeting):
    meeting = posted_meeting["meeting"]
    assert [n.pk for n in selectors.notices_on_board(D(2020, 3, 24))] == [meeting.pk]
    assert [n.pk for n in selectors.notices_on_board(D(2020, 4, 14))] == [meeting.pk]
    assert selectors.notices_on_board(D(2020, 4, 15)) == []
    assert selectors.notice_archive(D(2020, 4, 14)) == []
    assert [n.pk for n in selectors.notice_archive(D(2020, 4, 15))] == [meeting.pk]
    assert selectors.notices_on_board(D(2020, 3, 23)) == []  # not posted yet


def test_an_unposted_or_unsigned_meeting_is_not_public(db, secretary, officer, client, clock):
    from tests.decisions.meetings.factories import seed_meeting

    clock(D(2020, 3, 24))
    signed = seed_meeting(secretary, officer, sign=True)["meeting"]
    assert client.get(f"/anslagstavla/{signed.pk}/").status_code == 404
    assert client.get(f"/anslagstavla/{signed.pk}/protokoll/").status_code == 404
    assert f"/anslagstavla/{signed.pk}/" not in client.get("/anslagstavla/").content.decode()


def test_a_protocol_resting_on_a_confidential_document_is_withheld(
    db, secretary, officer, client, clock
):
    from projects.models import Document
    from tests.decisions.meetings.factories import seed_meeting
    from tests.projects.factories import document_for

    clock(D(2020, 3, 24))
    seeded = seed_meeting(secretary, officer)
    secret = document_for(
        seeded["case35"],
        officer,
        title="Affärsplan",
        kind=Document.Kind.DECISION_BASIS,
        confidential=True,
    )
    seeded["p35"].basis_documents.add(secret)
    meeting = sign_and_post(secretary, seeded)["meeting"]
    html = client.get(f"/anslagstavla/{meeting.pk}/").content.decode()
    assert "publiceras därför inte här" in html
    assert f"/anslagstavla/{meeting.pk}/protokoll/" not in html
    assert client.get(f"/anslagstavla/{meeting.pk}/protokoll/").status_code == 404
    # the notice itself stays: the dates and where the protocol is kept
    assert "2020-04-14" in html and "Regionhuset, Luleå" in html


def test_the_board_in_english(posted_meeting, client):
    client.cookies["django_language"] = "en"
    html = client.get(f"/anslagstavla/{posted_meeting['meeting'].pk}/").content.decode()
    assert 'lang="en"' in html
    assert "Last day for appeal" in html and "Accessibility statement" in html


def test_pages_keep_their_query_budget(posted_meeting, client, django_assert_max_num_queries):
    meeting = posted_meeting["meeting"]
    with django_assert_max_num_queries(3):
        client.get("/anslagstavla/")
    with django_assert_max_num_queries(4):
        client.get("/anslagstavla/arkiv/")
    with django_assert_max_num_queries(5):
        client.get(f"/anslagstavla/{meeting.pk}/")
