"""The notice of the justering on the notice board (anslagstavla)."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import require
from decisions.meetings import notice_dates as notices
from decisions.meetings import permissions
from decisions.meetings.models import Meeting, Paragraph

logger = logging.getLogger(__name__)


def _posting_date(signed_on: datetime.date, posted_on: datetime.date | None) -> datetime.date:
    """The day the notice goes up on the board (today unless told), refused outside
    ``notice_dates.allowed_posting_dates``: a day already past would start the appeal
    period before the notice could be read; after the deadline the notice is posted
    late, today, and the appeal period runs from today."""
    today = timezone.localdate()
    posted_on = posted_on or today
    first, last = notices.allowed_posting_dates(signed_on, today)
    if first <= posted_on <= last:
        return posted_on
    if posted_on < today:
        message = _(
            "Anslaget kan inte sättas upp i efterhand: överklagandetiden räknas från den dag "
            "anslaget syns på anslagstavlan. Välj en dag från och med %(first)s."
        )
    elif today > notices.posting_deadline(signed_on):
        message = _(
            "Sista dagen att anslå justeringen var %(deadline)s. Anslå den i dag, %(first)s: "
            "överklagandetiden räknas från den dag anslaget sätts upp."
        )
    elif first == last:
        message = _(
            "Justeringen ska anslås i dag, %(last)s: det är sista dagen (andra dagen efter "
            "justeringen)."
        )
    else:
        message = _(
            "Justeringen ska anslås mellan %(first)s och %(last)s (senast andra dagen "
            "efter justeringen)."
        )
    raise ValidationError(
        {
            "posted_on": message
            % {
                "first": f"{first:%Y-%m-%d}",
                "last": f"{last:%Y-%m-%d}",
                "deadline": f"{notices.posting_deadline(signed_on):%Y-%m-%d}",
            }
        }
    )


@transaction.atomic
def notice_publish(*, user, meeting: Meeting, posted_on: datetime.date | None = None) -> Meeting:
    """Announce the justering on the notice board: within two days of signing, or late
    (today) when that was missed."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(permissions.can_publish_notice(user, locked))
    signed_on = timezone.localdate(locked.signed_at)
    posted_on = _posting_date(signed_on, posted_on)
    locked.notice_posted_on = posted_on
    locked.notice_posted_by = user
    locked.save(update_fields=["notice_posted_on", "notice_posted_by", "updated_at"])
    meeting.refresh_from_db()
    return locked


@transaction.atomic
def paragraph_notice_publish(
    *, user, paragraph: Paragraph, posted_on: datetime.date | None = None
) -> Paragraph:
    """Announce the omedelbar justering of one § (its own notice and appeal period)."""
    locked = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    require(permissions.can_publish_paragraph_notice(user, locked))
    assert locked.adjusted_at is not None
    signed_on = timezone.localdate(locked.adjusted_at)
    posted_on = _posting_date(signed_on, posted_on)
    locked.notice_posted_on = posted_on
    locked.save(update_fields=["notice_posted_on", "updated_at"])
    paragraph.refresh_from_db()
    return locked
