"""When the notice of a justering goes up (kommunallagen 8 kap. 12 §, 13 kap. 5 §): the board
is the region's website, so a notice is posted on the day it is published there. A day
already past is refused (the appeal period would start before anyone could read the
notice). A notice not posted by its deadline is posted late, today, and the appeal period
runs from today: refusing it would leave the decision never final."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from decisions.meetings import services as svc
from decisions.meetings.models import Meeting, Paragraph
from decisions.meetings.notice_dates import appeal_end_date
from decisions.meetings.selectors import paragraph_legal_status
from tests.decisions.meetings.factories import seed_meeting
from tests.decisions.public.test_paragraph_notices import adjusted  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

D = datetime.date
SIGNED = D(2020, 3, 24)  # a Tuesday: the notice goes up by Thursday 2020-03-26
DEADLINE = D(2020, 3, 26)


@pytest.fixture
def signed(secretary, officer, clock):
    """RUN 2020-03-24 (seed 001's § 35 and § 41), justerat that day, not yet posted."""
    clock(SIGNED)
    return seed_meeting(secretary, officer, sign=True)


def test_on_the_last_day_a_later_day_is_refused_with_the_window(signed, secretary, clock):
    clock(DEADLINE)
    with pytest.raises(ValidationError, match="i dag, 2020-03-26: det är sista dagen"):
        svc.notice_publish(user=secretary, meeting=signed["meeting"], posted_on=D(2020, 3, 27))


def test_a_notice_cannot_be_posted_on_a_day_already_past(signed, secretary, clock):
    meeting = signed["meeting"]
    clock(D(2020, 3, 25))
    with pytest.raises(ValidationError, match="i efterhand") as refused:
        svc.notice_publish(user=secretary, meeting=meeting, posted_on=SIGNED)
    assert "från och med 2020-03-25" in str(refused.value)
    meeting.refresh_from_db()
    assert meeting.notice_posted_on is None
    # today and a later day up to the deadline are accepted
    svc.notice_publish(user=secretary, meeting=meeting, posted_on=DEADLINE)
    assert Meeting.objects.get(pk=meeting.pk).notice_posted_on == DEADLINE


def test_a_missed_deadline_is_posted_late_today_and_the_appeal_period_runs_from_today(
    signed, secretary, clock
):
    meeting, p35 = signed["meeting"], signed["p35"]
    today = D(2020, 3, 30)  # Monday after the deadline
    clock(today)
    for day, words in ((DEADLINE, "i efterhand"), (D(2020, 3, 31), "Anslå den i dag")):
        with pytest.raises(ValidationError, match=words):
            svc.notice_publish(user=secretary, meeting=meeting, posted_on=day)
    svc.notice_publish(user=secretary, meeting=meeting)
    status = paragraph_legal_status(Paragraph.objects.select_related("meeting").get(pk=p35.pk))
    assert status.posted_on == today and status.posted_late
    assert status.appeal_ends_on == appeal_end_date(today) == D(2020, 4, 20)
    assert not status.final
    clock(D(2020, 4, 21))
    assert paragraph_legal_status(Paragraph.objects.select_related("meeting").get(pk=p35.pk)).final


def test_the_secretary_posts_a_late_notice_through_the_form(signed, secretary, clock, client_for):
    meeting = signed["meeting"]
    clock(D(2020, 3, 30))
    client = client_for(secretary)
    url = reverse("decisions:notice_publish", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "skulle ha anslagits senast 2020-03-26" in page
    assert 'value="2020-03-30"' in page
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "sista dagen har passerat" in detail
    refused = client.post(url, {"posted_on": "2020-03-26"})
    assert refused.status_code == 400 and "i efterhand" in refused.content.decode()
    assert client.post(url, {"posted_on": "2020-03-30"}).status_code == 302
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "2020-03-30" in detail and "anslogs för sent" in detail
    assert "Sista dag att överklaga" in detail and "2020-04-20" in detail


def test_a_paragraph_justerad_at_once_is_posted_late_the_same_way(
    adjusted,  # noqa: F811
    secretary,
    clock,
    client_for,
):
    clock(D(2020, 3, 27))
    with pytest.raises(ValidationError, match="i efterhand"):
        svc.paragraph_notice_publish(user=secretary, paragraph=adjusted, posted_on=DEADLINE)
    client = client_for(secretary)
    page = client.get(adjusted.get_absolute_url()).content.decode()
    assert "sista dagen har passerat" in page and "senast 2020-03-26; anslå den nu" in page
    url = reverse("decisions:paragraph_notice", args=[adjusted.pk])
    page = client.get(url).content.decode()
    assert "skulle ha anslagits senast 2020-03-26" in page
    assert client.post(url, {"posted_on": "2020-03-27"}).status_code == 302
    status = paragraph_legal_status(Paragraph.objects.select_related("meeting").get(pk=adjusted.pk))
    assert status.posted_on == D(2020, 3, 27) and status.posted_late
    assert "anslogs för sent" in client.get(adjusted.get_absolute_url()).content.decode()
