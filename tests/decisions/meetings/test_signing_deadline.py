"""The protocol is signed within fourteen days of the meeting (kommunallagen 6 kap. 35 §),
the last day moved past non-working days (lag 1930:173); the body's rule is data
(``Body.signing_days``). The meeting page says it, Mina uppgifter makes it the due date of
the secretary's and the signers' tasks (and so of their reminders)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.worklist import tasks_for
from decisions.meetings import services as svc
from decisions.meetings.models import Body
from decisions.meetings.notice_dates import signing_deadline
from tests.decisions.meetings.factories import committee, held_meeting, information_paragraph

pytestmark = pytest.mark.django_db
day = datetime.date


@pytest.mark.parametrize(
    "meeting, last_day",
    [
        (day(2020, 3, 10), day(2020, 3, 24)),  # a Tuesday: the Tuesday two weeks later
        (day(2020, 3, 14), day(2020, 3, 30)),  # a Saturday: the 28th is one, to Monday
        (day(2020, 12, 10), day(2020, 12, 28)),  # julafton, juldagen, annandag jul, Sunday
        (day(2021, 6, 11), day(2021, 6, 28)),  # midsommarafton 25 June 2021
        (day(2020, 3, 27), day(2020, 4, 14)),  # långfredagen 10 April .. annandag påsk 13
    ],
)
def test_the_last_day_to_sign_is_fourteen_days_after_the_meeting_on_a_working_day(
    meeting, last_day
):
    assert signing_deadline(meeting) == last_day


def _held(secretary, date):
    members = committee(secretary)
    meeting = held_meeting(secretary, members, date=date)
    paragraph = information_paragraph(secretary, meeting)
    svc.paragraph_update(
        user=secretary, paragraph=paragraph, data={"decision_text": "Informationen noteras."}
    )
    return meeting


def _task(user, kind):
    return [task for task in tasks_for(user) if task.kind == kind]


def test_the_page_and_the_tasks_give_the_last_day_and_an_overdue_one_is_flagged(
    secretary, client_for
):
    long_ago = _held(secretary, day(2020, 3, 10))
    client = client_for(secretary)
    page = client.get(long_ago.get_absolute_url()).content.decode()
    assert "Justeras senast <strong>2020-03-24</strong>" in page
    assert '<span class="badge badge--red">Försenad</span>' in page
    (to_send,) = _task(secretary, "Protokoll att skicka för justering")
    assert to_send.due == day(2020, 3, 24) and to_send.overdue()
    svc.meeting_submit_for_signing(user=secretary, meeting=long_ago)
    assert _task(secretary, "Protokoll att skicka för justering") == []
    adjuster = get_user_model().objects.get(username="justerare_t")
    (to_sign,) = _task(adjuster, "Protokoll att justera")
    assert to_sign.due == day(2020, 3, 24)


def test_a_body_without_the_rule_has_no_last_day(secretary, client_for):
    meeting = _held(secretary, day(2020, 3, 10))
    body = meeting.body
    client = client_for(secretary)
    response = client.post(
        reverse("decisions:body_edit", args=[body.pk]),
        {
            "name": body.name,
            "genitive": body.genitive,
            "decision_intro": body.decision_intro,
            "short_name": body.short_name,
            "default_place": body.default_place,
            "signing_days": "",
        },
    )
    assert response.status_code in (200, 302), response.status_code
    body.refresh_from_db()
    assert body.signing_days is None
    assert "ingen frist" in client.get(body.get_absolute_url()).content.decode()
    meeting.refresh_from_db()
    assert meeting.signing_deadline is None
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Justeras senast" not in page
    (to_send,) = _task(secretary, "Protokoll att skicka för justering")
    assert to_send.due is None


def test_no_body_gets_longer_than_the_law_to_sign(secretary, client_for):
    """Fourteen days at most (kommunallagen 6 kap. 35 §), on every path: the form says so,
    the service's validation refuses it and the database does too."""
    meeting = _held(secretary, day(2020, 3, 10))
    body = meeting.body
    data = {
        "name": body.name,
        "genitive": body.genitive,
        "decision_intro": body.decision_intro,
        "short_name": body.short_name,
        "default_place": body.default_place,
    }
    client = client_for(secretary)
    url = reverse("decisions:body_edit", args=[body.pk])
    response = client.post(url, {**data, "signing_days": "21"})
    assert response.status_code == 400
    assert "14" in response.content.decode()
    with pytest.raises(ValidationError):
        svc.body_update(user=secretary, body=body, data={"signing_days": 30})
    with pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.filter(pk=body.pk).update(signing_days=15)
    body.refresh_from_db()
    assert body.signing_days == 14
    assert client.post(url, {**data, "signing_days": "10"}).status_code == 302
    body.refresh_from_db()
    assert body.signing_days == 10
