"""What the public pages may show. Each rule is one small function over the OSL secrecy
markings (``projects.models.SecrecyMarking``; ``Document.confidential`` is kept as the
document's "has an active marking" flag)."""

from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Replace, Substr
from django.db.models.lookups import In

from decisions.meetings.models import Meeting, Paragraph
from projects.models import Case, Document, Organisation, SecrecyMarking


def protocol_withheld(meeting: Meeting) -> bool:
    """May the signed protocol of ``meeting`` NOT be published on the notice board?

    Withheld when a § of the meeting rests on a secrecy-marked document (its
    beslutsunderlag) or concerns a case marked as a whole or in one of its fields (the §'s
    "Ärendet" repeats the case's texts), since the protocol may then repeat secret content.
    Another document of the case being marked does not withhold it. The notice itself
    (body, dates, where the protocol is kept) is always published.
    """
    return Paragraph.objects.filter(meeting=meeting).filter(_secret_paragraph()).exists()


def paragraph_withheld(paragraph: Paragraph) -> bool:
    """May the record of one § justerad at once (its extract) NOT be published? As
    ``protocol_withheld``, for that § alone."""
    return Paragraph.objects.filter(pk=paragraph.pk).filter(_secret_paragraph()).exists()


def _secret_paragraph() -> Q:
    # a marking of the project's texts on any case of the project: the § repeats them
    marked_case = SecrecyMarking.objects.filter(
        case__project=OuterRef("case__project"), document=None, lifted_at__isnull=True
    )
    # the delegation decisions reported under the § print their decision texts
    marked_reported = SecrecyMarking.objects.filter(
        case__project__cases__delegation_decisions__agenda_items=OuterRef("agenda_item"),
        document=None,
        lifted_at__isnull=True,
    )
    return (
        Q(basis_documents__confidential=True) | Q(Exists(marked_case)) | Q(Exists(marked_reported))
    )


def case_is_secret(case: Case) -> bool:
    """Is the case itself secrecy-marked (an active marking of the whole case)? Its title
    and parties are then masked in the e-diarium."""
    annotated = getattr(case, "whole_case_secret", None)  # diary_cases reads it in SQL
    if annotated is not None:
        return annotated
    return SecrecyMarking.objects.filter(
        case=case, document=None, field="", lifted_at__isnull=True
    ).exists()


def document_is_secret(document: Document) -> bool:
    """Is the document secrecy-marked? The e-diarium shows that it exists, not its title."""
    return document.confidential


def organisation_is_private_person(organisation: Organisation) -> bool:
    """A sole trader (enskild näringsidkare) is registered with the owner's personal
    identity number, whose third digit is a month (0 or 1); a legal person's organisation
    number has a third digit of at least 2. A private person's name is not published."""
    number = (organisation.org_number or "").replace("-", "")
    return len(number) >= 3 and number[2] in "01"


def organisation_not_private_person() -> Q:
    """``organisation_is_private_person`` negated, as a filter of organisations: for a
    query that keeps the sole traders out in SQL (the e-diarium's party search)."""
    third_digit = Substr(Replace(F("org_number"), Value("-"), Value("")), 3, 1)
    return Q(org_number__isnull=True) | ~Q(In(third_digit, ["0", "1"]))
