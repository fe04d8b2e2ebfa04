"""Objects for the reliability tests, built through the services like the app does."""

import datetime

from decisions.meetings import services as svc
from tests.decisions.meetings.factories import committee, held_meeting

LONG_TEXT = (
    "Projektet stärker innovationsförmågan i Norrbotten genom samverkan mellan universitet, "
    "kommuner och företag. "
) * 30


def big_meeting(secretary, *, paragraphs: int = 8):
    """A held RUN meeting whose protocol takes a few seconds to render (about 20 pages)."""
    meeting = held_meeting(secretary, committee(secretary))
    for number in range(paragraphs):
        item = svc.agenda_item_add(
            user=secretary, meeting=meeting, kind="information", title=f"Information {number + 1}"
        )
        paragraph = svc.paragraph_add(user=secretary, item=item)
        svc.paragraph_update(
            user=secretary,
            paragraph=paragraph,
            data={"summary": LONG_TEXT, "matter": [{"heading": "Ärendet", "text": LONG_TEXT}]},
        )
    return meeting


def small_meeting(secretary):
    """A held RUN meeting with one short information paragraph (renders in a blink)."""
    meeting = held_meeting(secretary, committee(secretary), date=datetime.date(2021, 2, 9))
    item = svc.agenda_item_add(
        user=secretary, meeting=meeting, kind="information", title="Information om läget"
    )
    svc.paragraph_add(user=secretary, item=item)
    return meeting
