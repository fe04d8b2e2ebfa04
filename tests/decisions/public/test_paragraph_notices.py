"""A § justerad at once (omedelbar justering) has its own notice and appeal period
(kommunallagen 8 kap. 12 §, 13 kap. 5 §): the secretary is told when to post it and has it
in Mina uppgifter, the § page says the last day, and the notice is on the public board (and
later in the archive) with its own dates and the §'s extract, as the protocol's are."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import Notification
from core.worklist import tasks_for
from decisions.meetings import services as svc
from decisions.meetings.notice_dates import appeal_end_date, posting_deadline
from decisions.public import selectors
from projects import services as project_svc
from tests.core.factories import PASSWORD
from tests.decisions.meetings.factories import case_ready_for_run, held_meeting, seed

pytestmark = pytest.mark.django_db
REJECTED_TEXT = {
    "decision_text": "Regionala utvecklingsnämnden beslutar att avslå ansökan.",
    "decision_points": [],
}


@pytest.fixture
def adjusted(secretary, officer, members, clock):
    """§ of RUN 2020-03-24 on seed case 39, justerad at once on the meeting day."""
    clock(datetime.date(2020, 3, 24))
    meeting = held_meeting(secretary, members)
    case = case_ready_for_run(officer, seed(39))
    item = svc.agenda_item_add(user=secretary, meeting=meeting, kind="case", case=case)
    paragraph = svc.paragraph_add(user=secretary, item=item)
    svc.paragraph_record_decision(user=secretary, paragraph=paragraph, transition="reject")
    # the text says what was decided: a § justerad at once can never be corrected
    svc.paragraph_update(user=secretary, paragraph=paragraph, data=REJECTED_TEXT)
    User = get_user_model()
    for username in ("ordforande_t", "justerare_t"):
        svc.paragraph_sign(
            user=User.objects.get(username=username), paragraph=paragraph, password=PASSWORD
        )
    paragraph.refresh_from_db()
    assert paragraph.adjusted_at is not None
    return paragraph


def test_the_secretary_is_told_and_has_the_task_due_on_the_posting_deadline(
    adjusted, secretary, client_for
):
    deadline = posting_deadline(datetime.date(2020, 3, 24))
    told = Notification.objects.get(recipient=secretary, kind="notice_to_post")
    assert f"§ {adjusted.number}" in told.text
    (task,) = [t for t in tasks_for(secretary) if t.key == f"paragraph-notice:{adjusted.pk}"]
    assert task.due == deadline and task.url == adjusted.get_absolute_url()
    page = client_for(secretary).get(adjusted.get_absolute_url()).content.decode()
    assert f"anslås senast {deadline:%Y-%m-%d}" in page
    svc.paragraph_notice_publish(user=secretary, paragraph=adjusted)
    assert not [t for t in tasks_for(secretary) if t.key == f"paragraph-notice:{adjusted.pk}"]


def test_the_notice_is_on_the_public_board_with_its_own_dates_and_extract(
    adjusted, secretary, client, clock
):
    posted = datetime.date(2020, 3, 25)
    clock(posted)
    svc.paragraph_notice_publish(user=secretary, paragraph=adjusted, posted_on=posted)
    svc.document_store(kind="extract", meeting=adjusted.meeting, paragraph=adjusted, user=secretary)
    board = client.get("/anslagstavla/").content.decode()
    url = f"/anslagstavla/paragraf/{adjusted.pk}/"
    assert f'href="{url}"' in board and f"§ {adjusted.number} (omedelbart justerad)" in board
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    last = appeal_end_date(posted)
    for label, value in [
        ("Datum för justering", "2020-03-24"),
        ("Datum då anslaget sätts upp", "2020-03-25"),
        ("Sista dag för överklagande", f"{last:%Y-%m-%d}"),
        ("Paragraf", f"§ {adjusted.number}"),
    ]:
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html, label
    extract = client.get(f"{url}utdrag/")
    assert extract.status_code == 200 and extract["Content-Type"] == "application/pdf"
    # the rest of the protocol is not signed: the meeting has no notice of its own
    assert client.get(f"/anslagstavla/{adjusted.meeting.pk}/").status_code == 404
    # down the day after the last day of appeal, then in the archive of its year
    clock(last + datetime.timedelta(days=1))
    assert f'href="{url}"' not in client.get("/anslagstavla/").content.decode()
    archive = client.get("/anslagstavla/arkiv/?ar=2020").content.decode()
    assert f'href="{url}"' in archive
    assert selectors.notice_archive_years() == [2020]


def test_a_notice_not_yet_posted_or_posted_for_later_is_not_public(adjusted, secretary, client):
    url = f"/anslagstavla/paragraf/{adjusted.pk}/"
    assert client.get(url).status_code == 404
    later = timezone.localdate() + datetime.timedelta(days=1)
    svc.paragraph_notice_publish(user=secretary, paragraph=adjusted, posted_on=later)
    assert client.get(url).status_code == 404
    assert client.get(f"{url}utdrag/").status_code == 404


def test_a_marked_paragraph_is_announced_but_its_extract_withheld(
    adjusted, secretary, decision_maker, client
):
    project_svc.secrecy_mark(user=decision_maker, case=adjusted.case, field="project.summary")
    svc.paragraph_notice_publish(user=secretary, paragraph=adjusted)
    svc.document_store(kind="extract", meeting=adjusted.meeting, paragraph=adjusted, user=secretary)
    url = f"/anslagstavla/paragraf/{adjusted.pk}/"
    page = client.get(url).content.decode()
    assert "publiceras därför inte här" in page
    assert client.get(f"{url}utdrag/").status_code == 404


def test_a_withheld_paragraphs_notice_does_not_name_it(adjusted, secretary, decision_maker, client):
    """A wholly marked case's name is masked in the e-diarium: the § notice, whose title
    is the case's name, gives the § number only."""
    project_svc.secrecy_mark(user=decision_maker, case=adjusted.case)
    svc.paragraph_notice_publish(user=secretary, paragraph=adjusted)
    page = client.get(f"/anslagstavla/paragraf/{adjusted.pk}/").content.decode()
    assert adjusted.title not in page and f"§ {adjusted.number}" in page


def test_the_protocols_notice_says_its_appeal_period_is_not_that_of_a_paragraph_justerad_at_once(
    adjusted, secretary, client, clock
):
    """§ N was announced twice with two last days of appeal; the protocol's notice now says
    which §§ have their own (KL 13 kap. 5 §: from the day each notice went up)."""
    from tests.decisions.meetings.factories import information_paragraph, sign_meeting

    svc.paragraph_notice_publish(
        user=secretary, paragraph=adjusted, posted_on=datetime.date(2020, 3, 24)
    )
    meeting = adjusted.meeting
    other = information_paragraph(secretary, meeting)
    svc.paragraph_update(
        user=secretary, paragraph=other, data={"decision_text": "Informationen noteras."}
    )
    sign_meeting(secretary, meeting)
    clock(datetime.date(2020, 3, 25))
    svc.notice_publish(user=secretary, meeting=meeting)
    html = client.get(f"/anslagstavla/{meeting.pk}/").content.decode()
    assert "Gäller inte paragrafer som justerades omedelbart" in html
    # the body's name as written, not made a genitive by an "s" ("Arbetsutskottet (AU)s")
    assert f"Protokollet från sammanträdet med {meeting.body} är justerat." in html
    assert f'<a href="/anslagstavla/paragraf/{adjusted.pk}/">§ {adjusted.number}</a>' in html
