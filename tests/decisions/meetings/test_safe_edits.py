"""Safe edits: a yes-voter cannot reserve against the decision; the jäv, motion and
reservation lists offer only members present and without jäv; removals ask first."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from decisions.meetings import forms
from decisions.meetings import services as svc
from decisions.meetings.models import Vote
from tests.decisions.meetings.factories import held_meeting, information_paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(secretary, members):
    """A held RUN meeting without the formal items (every ordinary member present)."""
    return held_meeting(secretary, members, date=datetime.date(2020, 5, 12))


@pytest.fixture
def voted(secretary, members, meeting):
    """A § where Perdal moved rejection, lost the vote 4-1 and everyone else voted yes."""
    paragraph = information_paragraph(secretary, meeting, "Ansökan om förstudie")
    perdal = members["Jan Anders Perdal"]
    motion = svc.motion_add(user=secretary, paragraph=paragraph, movers=[perdal], kind="rejection")
    votes = {m.pk: Vote.Choice.YES for m in svc.voting_members(meeting)}
    votes[perdal.pk] = Vote.Choice.NO
    return svc.vote_record(user=secretary, paragraph=paragraph, votes=votes, no_motion=motion)


def test_a_yes_voter_cannot_reserve_against_the_decision(voted, secretary, members):
    with pytest.raises(ValidationError) as error:
        svc.reservation_add(user=secretary, paragraph=voted, members=[members["Lennart Thörnlund"]])
    assert "röstade för beslutet" in str(error.value)
    assert not voted.reservations.exists()
    # The one who voted no reserves.
    svc.reservation_add(user=secretary, paragraph=voted, members=[members["Jan Anders Perdal"]])
    assert voted.reservations.count() == 1


def test_lists_offer_only_members_present_and_without_jav(secretary, members, meeting):
    paragraph = information_paragraph(secretary, meeting)
    lage = members["Lage Hortlund"]
    svc.conflict_declare(user=secretary, paragraph=paragraph, member=lage, reason="jävig")
    absent = members["Anna Sandberg"]  # the substitute is recorded absent
    for form_class, field in (
        (forms.MotionForm, "movers"),
        (forms.ReservationForm, "members"),
        (forms.ConflictForm, "member"),
    ):
        offered = set(form_class(paragraph=paragraph).fields[field].queryset)
        assert lage not in offered and absent not in offered, form_class
        assert members["Jan Anders Perdal"] in offered
    # A posted absent member is refused as before (the form's choices).
    form = forms.MotionForm(data={"movers": [absent.pk], "kind": "approval"}, paragraph=paragraph)
    assert not form.is_valid()


def test_removals_ask_for_confirmation(voted, secretary, client_for, meeting):
    client = client_for(secretary)
    page = client.get(reverse("decisions:paragraph_detail", args=[voted.pk])).content.decode()
    # With JavaScript htmx asks; without, the button opens the confirmation page
    # (tests/decisions/meetings/test_removals.py).
    assert 'hx-confirm="Ta bort omröstningen?' in page
    assert 'hx-confirm="Ta bort yrkandet?"' in page
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'hx-confirm="Ta bort punkten' in page or "item_remove" not in page


# --- Words: a moved meeting shows its new date everywhere ------------------------------------


def test_a_moved_meeting_updates_the_delegation_item_and_register(actors, members):
    from decisions.meetings.models import AgendaItem
    from decisions.workflow.models import DelegationDecision
    from projects.models import CaseState
    from tests.decisions.meetings.factories import run_body
    from tests.decisions.workflow.factories import fire, walk_idea

    secretary = actors.secretary
    case = walk_idea(actors, CaseState.AU_ASSESSED, route="delegation")
    fire(case, "delegation_approve", actors.director, decided_on=datetime.date(2020, 2, 20))
    decision = DelegationDecision.objects.get(case=case)
    meeting = svc.meeting_create(
        user=secretary,
        body=run_body(),
        date=datetime.date(2020, 3, 24),
        start_time=datetime.time(9, 0),
        with_formal_items=False,
    )
    item = svc.agenda_item_add(
        user=secretary,
        meeting=meeting,
        kind=AgendaItem.Kind.DELEGATION,
        delegation_decisions=[decision],
    )
    assert item.title.endswith("2020-03-24")
    paragraph = svc.paragraph_add(user=secretary, item=item)
    decision.refresh_from_db()
    assert decision.report_reference == f"RUN 2020-03-24 § {paragraph.number}"
    svc.meeting_update(user=secretary, meeting=meeting, data={"date": datetime.date(2020, 3, 31)})
    item.refresh_from_db()
    paragraph.refresh_from_db()
    decision.refresh_from_db()
    assert item.title.endswith("2020-03-31") and paragraph.title == item.title
    assert decision.reported_on == datetime.date(2020, 3, 31)
    assert decision.report_reference == f"RUN 2020-03-31 § {paragraph.number}"
