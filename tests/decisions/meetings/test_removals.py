"""Safe edits (issue 16, point 7): every removal in a meeting's protocol asks first on a page
of its own (also without JavaScript), and can be undone until the protocol goes for
signing; the removal and the restoration are in the history."""

import datetime

import pytest
from django.urls import reverse

from core.models import Removal
from core.removal import RESTORED
from decisions.meetings import services as svc
from decisions.meetings.models import (
    AgendaItem,
    ConflictOfInterest,
    ExtractRecipient,
    Motion,
    OtherAttendee,
    Paragraph,
    ParagraphCounter,
    Reservation,
    Vote,
)
from tests.decisions.meetings.factories import held_meeting, information_paragraph, sign_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(secretary, members):
    """A held RUN meeting without the formal items (every ordinary member present)."""
    return held_meeting(secretary, members, date=datetime.date(2020, 5, 12))


@pytest.fixture
def protocol(secretary, members, meeting):
    """§ 1: Perdal moved rejection, lost 4-1, reserved; a recipient. § 2 (the last):
    Thörnlund declared jäv. An unnumbered agenda item and an official present."""
    first = information_paragraph(secretary, meeting, "Ansökan om förstudie")
    perdal = members["Jan Anders Perdal"]
    motion = svc.motion_add(user=secretary, paragraph=first, movers=[perdal], kind="rejection")
    votes = {m.pk: Vote.Choice.YES for m in svc.voting_members(meeting)}
    votes[perdal.pk] = Vote.Choice.NO
    svc.vote_record(user=secretary, paragraph=first, votes=votes, no_motion=motion)
    reservation = svc.reservation_add(
        user=secretary, paragraph=first, members=[perdal], in_favour_of=motion
    )
    recipient = svc.recipient_add(
        user=secretary, paragraph=first, name="Ekonomienheten", email="ekonomi@example.se"
    )
    last = information_paragraph(secretary, meeting, "Information om läget")
    conflict = svc.conflict_declare(
        user=secretary,
        paragraph=last,
        member=members["Lennart Thörnlund"],
        reason="Styrelseledamot",
    )
    item = svc.agenda_item_add(
        user=secretary,
        meeting=meeting,
        kind=AgendaItem.Kind.INFORMATION,
        title="Övrig fråga: lokaler",
    )
    other = svc.other_attendee_add(
        user=secretary, meeting=meeting, name="Karin Ek", function="Handläggare"
    )
    return {
        "meeting": meeting,
        "first": first,
        "last": last,
        "motion": motion,
        "reservation": reservation,
        "recipient": recipient,
        "conflict": conflict,
        "item": item,
        "other": other,
    }


def _url(p, kind):
    """(remove URL, words the confirmation page shows, model, pk) of each kind."""
    if kind == "agenda_item":
        return reverse("decisions:item_remove", args=[p["item"].pk]), "Övrig fråga: lokaler"
    if kind == "other_attendee":
        return reverse("decisions:other_remove", args=[p["other"].pk]), "Karin Ek"
    if kind == "paragraph":
        return reverse("decisions:paragraph_remove", args=[p["last"].pk]), "Information om läget"
    if kind == "votes":
        return reverse("decisions:vote_clear", args=[p["first"].pk]), "Jan Anders Perdal (V): Nej"
    if kind == "motion":
        return (
            reverse("decisions:paragraph_part_remove", args=["motion", p["motion"].pk]),
            "Avslag av Jan Anders Perdal (V)",
        )
    if kind == "reservation":
        return (
            reverse("decisions:paragraph_part_remove", args=["reservation", p["reservation"].pk]),
            "Jan Anders Perdal (V)",
        )
    if kind == "conflict":
        return (
            reverse("decisions:paragraph_part_remove", args=["conflict", p["conflict"].pk]),
            "Lennart Thörnlund (S)",
        )
    return (
        reverse("decisions:paragraph_part_remove", args=["recipient", p["recipient"].pk]),
        "ekonomi@example.se",
    )


def _state(p) -> dict:
    """What the protocol holds, to compare before, after and after undo."""
    first = Paragraph.objects.get(pk=p["first"].pk)
    return {
        "items": list(
            AgendaItem.objects.filter(meeting=p["meeting"])
            .order_by("position")
            .values_list("pk", "position", "title")
        ),
        "others": list(
            OtherAttendee.objects.filter(meeting=p["meeting"]).values_list("pk", "name")
        ),
        "paragraphs": list(
            Paragraph.objects.filter(meeting=p["meeting"])
            .order_by("number")
            .values_list("pk", "number", "title", "agenda_item_id")
        ),
        "counter": ParagraphCounter.objects.get(body=first.body, year=first.year).last_number,
        "votes": sorted(Vote.objects.filter(paragraph=first).values_list("pk", "member", "choice")),
        "vote": (first.vote_held, first.vote_no_motion_id, first.carried_motion_id),
        "motions": [
            (m.pk, m.kind, m.outcome, sorted(x.pk for x in m.movers.all()))
            for m in Motion.objects.filter(paragraph=first)
        ],
        "reservations": [
            (r.pk, r.in_favour_of_id, sorted(x.pk for x in r.members.all()))
            for r in Reservation.objects.filter(paragraph=first)
        ],
        "recipients": list(ExtractRecipient.objects.values_list("pk", "name", "email")),
        "conflicts": list(ConflictOfInterest.objects.values_list("pk", "member", "reason")),
    }


KINDS = [
    "agenda_item",
    "other_attendee",
    "paragraph",
    "votes",
    "motion",
    "reservation",
    "conflict",
    "recipient",
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_removal_asks_first_removes_on_post_and_can_be_undone(
    kind, protocol, secretary, client_for
):
    client = client_for(secretary)
    url, shown = _url(protocol, kind)
    before = _state(protocol)

    # GET: the confirmation page says what goes, removes nothing.
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert shown in text
    assert 'type="submit" class="button button--danger">Ta bort</button>' in text
    assert "Avbryt" in text
    assert _state(protocol) == before

    # POST: removed, and back with the "Ångra" button.
    response = client.post(url, follow=True)
    assert response.status_code == 200
    after = _state(protocol)
    assert after != before
    removal = Removal.objects.get()
    undo_url = reverse("decisions:removal_undo", args=[removal.pk])
    page = response.content.decode()
    assert f'action="{undo_url}"' in page and ">Ångra</button>" in page
    assert removal.records and removal.removed_by == secretary

    # Undo: exactly what was there, with a history record "återställd".
    response = client.post(undo_url, follow=True)
    assert response.status_code == 200
    assert "Återställt" in response.content.decode()
    assert _state(protocol) == before
    removal.refresh_from_db()
    assert removal.restored_by == secretary and removal.restored_at is not None
    restored = [
        model.history.filter(history_change_reason=RESTORED).count()
        for model in (AgendaItem, OtherAttendee, Paragraph, Vote, Motion, Reservation)
        + (ConflictOfInterest, ExtractRecipient, ParagraphCounter)
    ]
    assert sum(restored) >= 1

    # The meeting page shows the removal and that it was restored.
    page = client.get(protocol["meeting"].get_absolute_url()).content.decode()
    assert "Borttaget ur protokollet" in page and "Återställd" in page

    # Once undone, never twice.
    response = client.post(undo_url)
    assert response.status_code == 409
    assert _state(protocol) == before


def test_a_removal_writes_a_deletion_record_in_the_history(protocol, secretary, client_for):
    client = client_for(secretary)
    url, _shown = _url(protocol, "reservation")
    client.post(url)
    record = Reservation.history.filter(id=protocol["reservation"].pk).latest("history_id")
    assert record.history_type == "-" and record.history_user == secretary


def test_removing_all_votes_is_undone_as_a_whole(protocol, secretary, client_for):
    client = client_for(secretary)
    first = protocol["first"]
    count = first.votes.count()
    assert count == 5
    client.post(reverse("decisions:vote_clear", args=[first.pk]))
    first.refresh_from_db()
    assert first.votes.count() == 0 and not first.vote_held
    removal = Removal.objects.get()
    client.post(reverse("decisions:removal_undo", args=[removal.pk]))
    first.refresh_from_db()
    assert first.votes.count() == count
    assert first.vote_held and first.vote_no_motion_id == protocol["motion"].pk


def test_the_remove_buttons_work_without_javascript(protocol, secretary, client_for):
    """The page's buttons are GET forms to the confirmation page; htmx posts after its
    confirm dialog."""
    client = client_for(secretary)
    page = client.get(protocol["first"].get_absolute_url()).content.decode()
    url, _shown = _url(protocol, "motion")
    assert f'<form method="get" action="{url}" class="inline-form" hx-post="{url}"' in page
    assert "data-confirm" not in page


def test_undo_is_refused_once_the_protocol_is_signed(protocol, secretary, client_for):
    client = client_for(secretary)
    url, _shown = _url(protocol, "recipient")
    client.post(url)
    removal = Removal.objects.get()
    svc.agenda_item_remove(user=secretary, item=protocol["item"])
    sign_meeting(secretary, protocol["meeting"])
    response = client.post(reverse("decisions:removal_undo", args=[removal.pk]))
    assert response.status_code == 409
    assert "justerat" in response.content.decode()
    assert not ExtractRecipient.objects.exists()
    removal.refresh_from_db()
    assert removal.restored_at is None


def test_undo_is_refused_while_the_protocol_is_out_for_signing(protocol, secretary, client_for):
    client = client_for(secretary)
    url, _shown = _url(protocol, "conflict")
    client.post(url)
    removal = Removal.objects.get()
    svc.agenda_item_remove(user=secretary, item=protocol["item"])
    svc.meeting_submit_for_signing(user=secretary, meeting=protocol["meeting"])
    response = client.post(reverse("decisions:removal_undo", args=[removal.pk]))
    assert response.status_code == 409
    assert not ConflictOfInterest.objects.exists()


@pytest.mark.parametrize("who", ["officer", "decision_maker", "reader"])
def test_undo_by_a_role_that_may_not_remove_is_forbidden(
    who, request, protocol, secretary, client_for
):
    client_for(secretary).post(_url(protocol, "motion")[0])
    removal = Removal.objects.get()
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.post(reverse("decisions:removal_undo", args=[removal.pk])).status_code == 403
    # Nor may they see the confirmation page or remove.
    url = _url(protocol, "recipient")[0]
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert not Motion.objects.filter(pk=protocol["motion"].pk).exists()
    assert ExtractRecipient.objects.filter(pk=protocol["recipient"].pk).exists()


def test_a_paragraph_whose_number_was_taken_is_not_restored(protocol, secretary, client_for):
    client = client_for(secretary)
    last = protocol["last"]
    client.post(reverse("decisions:paragraph_remove", args=[last.pk]))
    removal = Removal.objects.get()
    # The item is numbered again: § 2 goes to a new paragraph.
    svc.paragraph_add(user=secretary, item=AgendaItem.objects.get(pk=last.agenda_item_id))
    response = client.post(reverse("decisions:removal_undo", args=[removal.pk]))
    assert response.status_code == 409
    assert "kan inte återställas" in response.content.decode()
    assert not Paragraph.objects.filter(pk=last.pk).exists()


def test_the_agenda_makes_room_for_a_restored_item(protocol, secretary, client_for):
    client = client_for(secretary)
    meeting = protocol["meeting"]
    middle = svc.agenda_item_add(
        user=secretary, meeting=meeting, kind=AgendaItem.Kind.INFORMATION, title="Mitten"
    )
    svc.agenda_item_add(
        user=secretary, meeting=meeting, kind=AgendaItem.Kind.INFORMATION, title="Sist"
    )
    before = list(meeting.items.order_by("position").values_list("title", flat=True))
    client.post(reverse("decisions:item_remove", args=[middle.pk]))
    client.post(reverse("decisions:removal_undo", args=[Removal.objects.get().pk]))
    assert list(meeting.items.order_by("position").values_list("title", flat=True)) == before


def test_cancel_goes_back_where_the_user_came_from(protocol, secretary, client_for):
    client = client_for(secretary)
    url = _url(protocol, "recipient")[0]
    back = protocol["first"].get_absolute_url()
    page = client.get(url, {"next": back}).content.decode()
    assert f'href="{back}" class="button button--secondary">Avbryt</a>' in page
    # A foreign next is ignored.
    page = client.get(url, {"next": "https://evil.example/"}).content.decode()
    assert 'href="https://evil.example/"' not in page
    assert 'name="next" value="https://evil.example/"' not in page


def test_with_htmx_the_removal_reloads_the_page_with_the_undo_button(
    protocol, secretary, client_for
):
    """htmx posts after its confirm dialog: the answer sends the browser back (a reload
    when it is the same page) and the next page offers "Ångra"."""
    client = client_for(secretary)
    meeting_url = protocol["meeting"].get_absolute_url()
    response = client.post(
        reverse("decisions:item_remove", args=[protocol["item"].pk]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{meeting_url}",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == meeting_url + "#agenda"
    assert response["HX-Refresh"] == "true"
    page = client.get(meeting_url).content.decode()
    assert 'class="message message--undo"' in page and ">Ångra</button>" in page
    # Shown once (the list of removals keeps its own "Ångra").
    page = client.get(meeting_url).content.decode()
    assert 'class="message message--undo"' not in page
    assert "Punkten ”Övrig fråga: lokaler”" in page


def test_votes_of_a_member_who_declared_jav_since_are_not_restored(
    protocol, secretary, members, client_for
):
    client = client_for(secretary)
    first = protocol["first"]
    client.post(reverse("decisions:vote_clear", args=[first.pk]))
    removal = Removal.objects.get()
    svc.conflict_declare(user=secretary, paragraph=first, member=members["Helena Öhlund"])
    response = client.post(reverse("decisions:removal_undo", args=[removal.pk]))
    assert response.status_code == 409
    assert "anmält jäv" in response.content.decode()
    first.refresh_from_db()
    assert first.votes.count() == 0 and not first.vote_held


def test_the_meeting_page_reads_its_chair_and_removals_with_its_rows(
    protocol, secretary, client_for, django_assert_num_queries
):
    """A meeting without a chair of its own shows the body's chair, and the removals
    from its protocol, from the page's one batch query (session, user, roles, the
    meeting, the batch; and the next § number, for the unnumbered agenda item)."""
    meeting = protocol["meeting"]
    assert meeting.chair_id is None
    client = client_for(secretary)
    client.post(_url(protocol, "recipient")[0])  # a removal to list
    client.get(meeting.get_absolute_url())
    with django_assert_num_queries(6) as queries:
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert "<dd>Nils-Olov Lindfors" in page
    assert "Borttaget ur protokollet" in page
    # the meeting itself (a prepared get, core.batch.get), then the page's batch
    meeting_row, together = [
        q["sql"] for q in queries.captured_queries if "json_build_array" in q["sql"]
    ]
    assert 'FROM "decisions_meeting"' in meeting_row and "core_removal" not in meeting_row
    chair, removals = 'FROM "decisions_bodymember"', 'FROM "core_removal"'
    assert chair in together and removals in together
    alone = [q["sql"] for q in queries.captured_queries if q["sql"] != together]
    assert not any(chair in sql or removals in sql for sql in alone)
