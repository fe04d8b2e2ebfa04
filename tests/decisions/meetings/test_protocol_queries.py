"""The protocol reads the jäv, motions, votes, reservations and recipients of all its
paragraphs at once: the same wording as paragraph by paragraph, in a number of queries
that does not grow with the number of paragraphs."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.meetings import documents
from decisions.meetings import services as svc
from decisions.meetings.models import Meeting, Paragraph, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(meeting, secretary):
    """The meeting of tests/decisions/meetings/conftest.py, its formal items numbered."""
    svc.meeting_number_items(user=secretary, meeting=meeting)
    return meeting


def _contested_paragraph(secretary, meeting, members, number: int) -> Paragraph:
    """A motion put to a vote, with jäv, two reservations and an extract recipient."""
    lage, perdal = members["Lage Hortlund"], members["Jan Anders Perdal"]
    helena = members["Helena Öhlund"]
    item = svc.agenda_item_add(
        user=secretary, meeting=meeting, kind="other", title=f"Motion nr {number}"
    )
    paragraph = svc.paragraph_add(user=secretary, item=item)
    svc.paragraph_update(
        user=secretary,
        paragraph=paragraph,
        data={"decision_text": "Regionala utvecklingsnämnden beslutar att avslå motionen."},
    )
    svc.conflict_declare(user=secretary, paragraph=paragraph, member=lage, reason="styrelseledamot")
    motion = svc.motion_add(
        user=secretary,
        paragraph=paragraph,
        movers=[perdal],
        kind="approval",
        text=f"att regionala utvecklingsnämnden bifaller motion nr {number}",
    )
    votes = {m.pk: Vote.Choice.YES for m in svc.voting_members(meeting) if m.pk != lage.pk}
    votes[perdal.pk] = Vote.Choice.NO
    svc.vote_record(user=secretary, paragraph=paragraph, votes=votes, no_motion=motion)
    svc.reservation_add(user=secretary, paragraph=paragraph, members=[perdal], in_favour_of=motion)
    svc.reservation_add(
        user=secretary,
        paragraph=paragraph,
        members=[helena],
        in_favour_of=motion,
        text="Se bilaga.",
    )
    svc.recipient_add(
        user=secretary, paragraph=paragraph, name=f"Motionär {number}", email="motion@example.se"
    )
    return paragraph


def _protocol_queries(meeting) -> int:
    fresh = Meeting.objects.get(pk=meeting.pk)
    with CaptureQueriesContext(connection) as queries:
        documents.render_html(kind="protocol", meeting=fresh)
    return len(queries.captured_queries)


def test_protocol_queries_do_not_grow_with_its_paragraphs(secretary, members, meeting):
    _contested_paragraph(secretary, meeting, members, 1)
    one = _protocol_queries(meeting)
    for number in (2, 3, 4):
        _contested_paragraph(secretary, meeting, members, number)
    assert _protocol_queries(meeting) == one


def test_protocol_wording_matches_each_paragraph_read_alone(secretary, members, meeting):
    paragraphs = [_contested_paragraph(secretary, meeting, members, n) for n in (1, 2)]
    text = html.unescape(documents.render_html(kind="protocol", meeting=meeting))
    for paragraph in paragraphs:
        alone = Paragraph.objects.get(pk=paragraph.pk)  # nothing prefetched
        lines = documents.proceedings_text(alone).splitlines()
        reservations = documents.reservation_sentences(alone)
        assert len(lines) >= 5 and len(reservations) == 2
        for line in lines + reservations:
            assert line in text
        assert documents.reservation_heading(alone) == "Reservationer"
    assert "Lage Hortlund (SD) anmäler jäv och deltar inte i handläggningen av ärendet." in text
    assert "Med 3 ja-röster mot 1 nej-röst beslutar regionala utvecklingsnämnden" in text
    assert "Jan Anders Perdal (V) reserverar sig till förmån för det egna förslaget." in text
    assert (
        "Helena Öhlund (S) reserverar sig till förmån för Jan Anders Perdals (V) yrkande. "
        "Se bilaga." in text
    )
    assert "Motionär 2" in text
