import datetime
import zoneinfo

import pytest
from django.utils import timezone

from decisions.meetings import services as svc
from decisions.meetings.models import DocumentJob, GeneratedDocument

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


@pytest.fixture
def clock(monkeypatch):
    """``clock(date)`` sets the app's clock (``django.utils.timezone.now``) to 14:00 in
    Stockholm on ``date``: everything the app computes from "today" follows it."""

    def set_to(day: datetime.date):
        moment = datetime.datetime.combine(day, datetime.time(14), tzinfo=STOCKHOLM)
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def sign_and_post(secretary, seeded: dict) -> dict:
    """Sign the seeded meeting, post its notice the same day and store its final protocol."""
    from tests.decisions.meetings.factories import sign_meeting

    meeting = seeded["meeting"]
    sign_meeting(secretary, meeting)
    svc.notice_publish(user=secretary, meeting=meeting, posted_on=timezone.localdate())
    if not GeneratedDocument.objects.filter(meeting=meeting, kind="protocol", final=True):
        job = svc.document_job_request(user=secretary, meeting=meeting, kind="protocol")
        svc.document_job_run(job_id=job.pk)
        assert DocumentJob.objects.get(pk=job.pk).status == "done"
    meeting.refresh_from_db()
    seeded["protocol"] = GeneratedDocument.objects.get(meeting=meeting, kind="protocol", final=True)
    return seeded


@pytest.fixture
def posted_meeting(db, secretary, officer, clock):
    """Seed 001: RUN 2020-03-24, justerat and anslaget the same day, with its final
    protocol stored. The appeal period runs to 2020-04-14; the notice comes down on
    2020-04-15 (tests/decisions/meetings/test_notice_dates.py)."""
    from tests.decisions.meetings.factories import seed_meeting

    clock(datetime.date(2020, 3, 24))
    return sign_and_post(secretary, seed_meeting(secretary, officer))
