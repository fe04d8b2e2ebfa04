"""The meetings overview (``/workflow/``): every planned meeting soonest first, every
protocol not yet signed however old, the newest signed; each meeting's items and §§
counted on their own."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.meetings import selectors
from decisions.meetings import services as svc
from decisions.meetings.models import AgendaItem, Meeting, MeetingStatus
from tests.decisions.meetings.factories import held_meeting, information_paragraph, run_body

pytestmark = pytest.mark.django_db
URL = reverse("decisions:index")


def _planned(secretary, date: datetime.date) -> Meeting:
    return svc.meeting_create(
        user=secretary,
        body=run_body(),
        date=date,
        start_time=datetime.time(9, 0),
        place="Regionhuset, Luleå",
        with_formal_items=False,
    )


def _dates(meetings) -> list[str]:
    return [m.date.isoformat() for m in meetings]


def test_the_overview_lists_each_part_on_its_own(secretary, members, client_for):
    # a protocol held long ago and still not signed, behind many newer meetings
    old = held_meeting(secretary, members, date=datetime.date(2019, 3, 5))
    for _ in range(2):
        information_paragraph(secretary, old)
    svc.agenda_item_add(
        user=secretary, meeting=old, kind=AgendaItem.Kind.OTHER_BUSINESS, title="Övriga frågor"
    )
    later = [
        _planned(secretary, datetime.date(2027, 1, 1) + datetime.timedelta(days=7 * n))
        for n in range(4)
    ]
    signed = [_planned(secretary, datetime.date(2020, 1, 10 + n)) for n in range(3)]
    # signed (as the signing service leaves them; the protocol itself is not needed here)
    Meeting.objects.filter(pk__in=[m.pk for m in signed]).update(
        status=MeetingStatus.SIGNED, signed_at=timezone.now()
    )

    response = client_for(secretary).get(URL)
    assert response.status_code == 200
    overview = response.context["overview"]
    assert _dates(overview.planned) == _dates(later)  # soonest first
    assert _dates(overview.signed) == ["2020-01-12", "2020-01-11", "2020-01-10"]
    (held,) = overview.in_progress
    # three items, two of them with a § (not 3 x 2 counted over a join of both)
    assert (held.pk, held.item_count, held.paragraph_count) == (old.pk, 3, 2)
    html = response.content.decode()
    assert "2019-03-05" in html and "2027-01-22" in html
    assert "Fler än" not in html


def test_a_long_list_is_cut_with_a_line_that_says_so(secretary, members, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "OVERVIEW_MOST", 2)
    for n in range(3):
        _planned(secretary, datetime.date(2027, 2, 1 + n))
        held_meeting(secretary, members, date=datetime.date(2021, 5, 1 + n))
    response = client_for(secretary).get(URL)
    overview = response.context["overview"]
    assert _dates(overview.planned) == ["2027-02-01", "2027-02-02"]
    assert _dates(overview.in_progress) == ["2021-05-03", "2021-05-02"]
    html = response.content.decode()
    assert "Fler än 2 sammanträden är planerade: de 2 närmaste visas." in html
    assert "Fler än 2 protokoll väntar på justering: de 2 senaste visas." in html


def test_the_overview_reads_its_lists_in_one_query_whatever_their_length(
    secretary, members, client_for
):
    client = client_for(secretary)
    client.get(URL)  # the session and the user's roles, once

    def queries_for_page():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    before = queries_for_page()
    for n in range(3):
        _planned(secretary, datetime.date(2027, 3, 1 + n))
        information_paragraph(
            secretary, held_meeting(secretary, members, date=datetime.date(2021, 6, 1 + n))
        )
    assert queries_for_page() == before
