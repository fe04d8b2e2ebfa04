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


@transaction.atomic
def notice_publish(*, user, meeting: Meeting, posted_on: datetime.date | None = None) -> Meeting:
    """Announce the justering on the notice board, within two days of signing."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require(permissions.can_publish_notice(user, locked))
    signed_on = timezone.localdate(locked.signed_at)
    posted_on = posted_on or timezone.localdate()
    first, last = notices.posting_window(signed_on)
    if not first <= posted_on <= last:
        raise ValidationError(
            {
                "posted_on": _(
                    "Justeringen ska anslås mellan %(first)s och %(last)s (senast andra dagen "
                    "efter justeringen)."
                )
                % {"first": f"{first:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}
            }
        )
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
    posted_on = posted_on or timezone.localdate()
    first, last = notices.posting_window(signed_on)
    if not first <= posted_on <= last:
        raise ValidationError(
            {
                "posted_on": _(
                    "Justeringen ska anslås mellan %(first)s och %(last)s (senast andra dagen "
                    "efter justeringen)."
                )
                % {"first": f"{first:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}"}
            }
        )
    locked.notice_posted_on = posted_on
    locked.save(update_fields=["notice_posted_on", "updated_at"])
    paragraph.refresh_from_db()
    return locked
