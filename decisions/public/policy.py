"""What the public pages may show. Each rule is one small function, so that the secrecy
markings (OSL) can replace today's ``Document.confidential`` flag in one place."""

from decisions.meetings.models import Meeting
from projects.models import Case, Document, Organisation


def protocol_withheld(meeting: Meeting) -> bool:
    """May the signed protocol of ``meeting`` NOT be published on the notice board?

    Today: withheld when a § of the meeting rests on a document marked confidential
    (its beslutsunderlag), since the protocol may then repeat secret content. The notice
    itself (body, dates, where the protocol is kept) is always published.
    """
    return Document.objects.filter(paragraphs__meeting=meeting, confidential=True).exists()


def case_is_secret(case: Case) -> bool:
    """Is the case itself secrecy-marked (its title and parties masked)? No such marking
    exists yet; the OSL markings will decide it."""
    return False


def document_is_secret(document: Document) -> bool:
    """Is the document secrecy-marked? The e-diarium shows that it exists, not its title."""
    return document.confidential


def organisation_is_private_person(organisation: Organisation) -> bool:
    """A sole trader (enskild näringsidkare) is registered with the owner's personal
    identity number, whose third digit is a month (0 or 1); a legal person's organisation
    number has a third digit of at least 2. A private person's name is not published."""
    number = (organisation.org_number or "").replace("-", "")
    return len(number) >= 3 and number[2] in "01"
