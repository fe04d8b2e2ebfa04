"""The kallelse by e-mail (one per member and substitute, a link and an .ics invitation,
recorded as a dispatch), the members' page, changes after sending marked and re-sent."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import OutgoingEmail
from core.roles import Role
from decisions.meetings import services as svc
from decisions.meetings.models import AgendaItem, NoticeDispatch
from decisions.meetings.services import kallelse
from tests.core.factories import user_with_role
from tests.decisions.meetings.factories import case_ready_for_run, run_body, seed
from tests.projects.factories import PDF_BYTES, document_for

pytestmark = pytest.mark.django_db


def parse_ics(text: str) -> dict:
    """RFC 5545 content lines, unfolded: ``{"UID": "...", ...}`` of the VEVENT."""
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    fields = {}
    in_event = False
    for line in unfolded.split("\r\n"):
        if line == "BEGIN:VEVENT":
            in_event = True
        elif line == "END:VEVENT":
            in_event = False
        elif in_event and ":" in line:
            name, _colon, value = line.partition(":")
            fields[name] = value
        elif line.startswith("METHOD:"):
            fields["METHOD"] = line[7:]
    return fields


@pytest.fixture
def planned(secretary, members, officer):
    """RUN 2020-05-12 09:00–12:00, planned, with one case (its proposal and documents);
    the substitute Anna Sandberg has an account too."""
    substitute = members["Anna Sandberg"]
    substitute.user = user_with_role(Role.DECISION_MAKER, username="ersattare_t")
    substitute.save()
    meeting = svc.meeting_create(
        user=secretary,
        body=run_body(),
        date=datetime.date(2020, 5, 12),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(12, 0),
        place="Regionhuset, Luleå",
    )
    case = case_ready_for_run(officer, seed(35))
    document_for(case, officer, title="Ansökan DioD", content=PDF_BYTES)
    document_for(
        case, officer, title="Affärshemlighet", confidential=True, content=PDF_BYTES + b"x"
    )
    svc.agenda_items_add_cases(user=secretary, meeting=meeting, cases=[case])
    return meeting


def _send(client, meeting, capture):
    with capture(execute=True):
        return client.post(reverse("decisions:kallelse_send", args=[meeting.pk]))


def test_the_secretary_sends_one_email_per_member_and_substitute_with_an_ics(
    planned, secretary, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    response = _send(client_for(secretary), planned, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    dispatch = NoticeDispatch.objects.get(meeting=planned)
    assert dispatch.sequence == 1 and dispatch.sent_by == secretary
    addresses = sorted(r.email for r in dispatch.recipients.all())
    assert addresses == [
        "ersattare_t@example.se",
        "justerare_t@example.se",
        "ordforande_t@example.se",
    ]
    assert sorted(m.to[0] for m in mailoutbox) == addresses  # one e-mail each
    assert all(len(m.to) == 1 for m in mailoutbox)
    assert OutgoingEmail.objects.filter(status="sent").count() == 3
    message = next(m for m in mailoutbox if m.to == ["ersattare_t@example.se"])
    members_url = reverse("decisions:meeting_members", args=[planned.pk])
    assert members_url in message.body
    assert "ersättare" in message.body  # the substitute is told to report in
    assert message.subject == "Kallelse: Regionala utvecklingsnämnden 2020-05-12"
    (name, content, mimetype) = message.attachments[0]
    assert name == "sammantrade-2020-05-12.ics" and mimetype.startswith("text/calendar")
    event = parse_ics(content)
    assert event["METHOD"] == "REQUEST"
    assert event["UID"] == f"meeting-{planned.pk}@norrbotten-cases"
    assert event["SEQUENCE"] == "1"
    assert event["DTSTART"] == "20200512T070000Z"  # 09:00 in Luleå (CEST)
    assert event["DTEND"] == "20200512T100000Z"
    assert event["LOCATION"] == "Regionhuset\\, Luleå"
    assert event["URL"].endswith(members_url)
    # The meeting page shows who it went to and when.
    page = client_for(secretary).get(planned.get_absolute_url()).content.decode()
    assert "Skicka kallelsen igen" in page and "3 mottagare" in page


def test_changes_after_sending_are_marked_and_the_kallelse_is_sent_again(
    planned, secretary, decision_maker, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(secretary)
    _send(client, planned, django_capture_on_commit_callbacks)
    members_url = reverse("decisions:meeting_members", args=[planned.pk])
    assert "ändrad efter utskick" not in client.get(members_url).content.decode()
    added = svc.agenda_item_add(
        user=secretary, meeting=planned, kind=AgendaItem.Kind.INFORMATION, title="Läget i länet"
    )
    svc.meeting_update(user=secretary, meeting=planned, data={"place": "Kulturens hus, Luleå"})
    changes = kallelse.agenda_changes(
        planned, list(planned.items.all()), kallelse.last_dispatch(planned)
    )
    assert changes.changed_items == {added.pk} and changes.meeting_changed
    page = client_for(decision_maker).get(members_url).content.decode()
    assert page.count("ändrad efter utskick") == 1
    assert "Datum, tid eller plats har ändrats" in page
    assert (
        "Ändrad efter utskick"
        in client_for(secretary).get(planned.get_absolute_url()).content.decode()
    )
    mailoutbox.clear()
    _send(client_for(secretary), planned, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 3
    assert mailoutbox[0].subject.startswith("Ändrad kallelse")
    event = parse_ics(mailoutbox[0].attachments[0][1])
    assert event["SEQUENCE"] == "2" and event["UID"] == f"meeting-{planned.pk}@norrbotten-cases"
    assert event["LOCATION"] == "Kulturens hus\\, Luleå"
    assert "ändrad efter utskick" not in client.get(members_url).content.decode()


def test_only_the_secretary_sends_and_only_before_the_meeting(
    planned, secretary, decision_maker, client_for
):
    response = client_for(decision_maker).post(
        reverse("decisions:kallelse_send", args=[planned.pk])
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        kallelse.kallelse_send(user=decision_maker, meeting=planned)
    svc.meeting_mark_held(user=secretary, meeting=planned)
    with pytest.raises(PermissionDenied):
        kallelse.kallelse_send(user=secretary, meeting=planned)
    assert not NoticeDispatch.objects.exists()


def test_no_member_with_an_address_is_a_clear_refusal(secretary, members):
    for member in members.values():
        member.user = None
        member.save()
    meeting = svc.meeting_create(
        user=secretary, body=run_body(), date=datetime.date(2020, 6, 1), start_time=datetime.time(9)
    )
    with pytest.raises(ValidationError):
        kallelse.kallelse_send(user=secretary, meeting=meeting)
    assert not NoticeDispatch.objects.exists()


def test_the_members_page_shows_agenda_proposals_and_documents(
    planned, decision_maker, reader, client_for, django_assert_max_num_queries
):
    url = reverse("decisions:meeting_members", args=[planned.pk])
    client = client_for(decision_maker)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "Förslag till beslut" in page
    assert seed(35)["decision_points"][0].rstrip(":")[:40] in page
    assert "Ansökan DioD" in page and "Affärshemlighet" in page
    reader_page = client_for(reader).get(url).content.decode()
    assert "Ansökan DioD" in reader_page and "Affärshemlighet" not in reader_page


# --- Safe edits: a meeting ends after it starts ---------------------------------------------


def test_a_meeting_cannot_end_before_it_starts(secretary, members):
    with pytest.raises(ValidationError) as error:
        svc.meeting_create(
            user=secretary,
            body=run_body(),
            date=datetime.date(2020, 6, 2),
            start_time=datetime.time(13, 0),
            end_time=datetime.time(9, 0),
        )
    assert "end_time" in error.value.message_dict
    meeting = svc.meeting_create(
        user=secretary,
        body=run_body(),
        date=datetime.date(2020, 6, 2),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(13, 0),
    )
    with pytest.raises(ValidationError):
        svc.meeting_update(
            user=secretary, meeting=meeting, data={"start_time": datetime.time(13, 0)}
        )


def test_the_invitation_names_the_deploying_region(planned, settings):
    settings.REGION_NAME = "Region Västerbotten/Test"
    text = kallelse.meeting_ics(planned, sequence=1, url="https://example.se/m/1/")
    (prodid,) = [line for line in text.split("\r\n") if line.startswith("PRODID:")]
    assert prodid == "PRODID:-//Region Västerbotten Test//Norrbotten Cases//SV"
    assert "Norrbotten//" not in prodid.removesuffix("Norrbotten Cases//SV")
