"""Mina uppgifter (core.worklist): per role, one item of each kind gathered from the
apps, each with its link and due date; the list page and the start page lead with it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.worklist import task_count, tasks_for
from decisions.meetings import services as meeting_svc
from financing import services as financing_svc
from projects.models import Case
from projects.models import CaseState as S
from tests.decisions.meetings.factories import committee, held_meeting, information_paragraph
from tests.decisions.workflow.factories import delegate_user, fire, walk_cofinancing, walk_idea
from tests.financing.factories import make_plan
from tests.projects.factories import ObligationFactory, ProjectFactory, co_financing_case

pytestmark = pytest.mark.django_db


def _kinds(user) -> dict[str, list]:
    out: dict[str, list] = {}
    for task in tasks_for(user):
        out.setdefault(task.kind, []).append(task)
    return out


@pytest.fixture
def world(actors, controller):
    """One item of each kind: an officer's registered case, an overdue special condition,
    a plan returned by the controller, a plan waiting for review, an idea at the forum, a
    protocol out for signing and a signed protocol whose notice is not posted."""
    officer, secretary = actors.officer, actors.secretary
    today = timezone.localdate()
    registered = co_financing_case(officer=officer, title="Vätgasdalen")
    condition = ObligationFactory(
        project=registered.project,
        case=registered,
        text="Lägesrapport till regionen",
        due_date=today - datetime.timedelta(days=3),
    )
    returned_case = co_financing_case(officer=officer, title="Returnerad plan")
    returned = make_plan(returned_case, status="returned", controller=controller)
    waiting_case = co_financing_case(officer=officer, title="Väntande plan")
    waiting = make_plan(waiting_case, status="submitted")
    at_forum = walk_idea(actors, S.AT_FORUM)
    members = committee(secretary)
    out_for_signing = held_meeting(secretary, members)
    paragraph = information_paragraph(secretary, out_for_signing)
    meeting_svc.paragraph_update(
        user=secretary, paragraph=paragraph, data={"decision_text": "Informationen noteras."}
    )
    meeting_svc.meeting_submit_for_signing(user=secretary, meeting=out_for_signing)
    return {
        "registered": registered,
        "condition": condition,
        "returned": returned,
        "waiting": waiting,
        "at_forum": at_forum,
        "out_for_signing": out_for_signing,
        "adjuster": get_user_model().objects.get(username="justerare_t"),
    }


def test_the_officer_sees_her_cases_conditions_and_returned_plans(world, actors):
    kinds = _kinds(actors.officer)
    assert set(kinds) == {
        "Ärende att driva vidare",
        "Villkor att följa upp",
        "Återsänd finansieringsplan",
    }
    condition = kinds["Villkor att följa upp"][0]
    assert condition.overdue() and condition.reference == world["registered"].dnr
    assert condition.url == world["registered"].get_absolute_url() + "#ataganden"
    (returned,) = kinds["Återsänd finansieringsplan"]
    assert returned.url == world["returned"].get_absolute_url()
    cases = {t.reference for t in kinds["Ärende att driva vidare"]}
    assert world["registered"].dnr in cases
    assert world["at_forum"].dnr not in cases  # waiting for the forum, not for her
    registered = next(t for t in kinds["Ärende att driva vidare"] if "Vätgasdalen" in t.title)
    assert registered.due == timezone.localdate(world["registered"].state_since) + (
        datetime.timedelta(days=14)  # Norrbotten's target for a registered co-financing case
    )
    # overdue first
    assert tasks_for(actors.officer)[0].kind == "Villkor att följa upp"


def test_the_controller_sees_plans_to_review(world, controller):
    kinds = _kinds(controller)
    assert set(kinds) == {"Finansieringsplan att granska"}
    assert [t.url for t in kinds["Finansieringsplan att granska"]] == [
        world["waiting"].get_absolute_url()
    ]


def test_the_secretary_sees_the_forum_step_and_notices_to_post(actors, signed_run_meeting):
    at_forum = walk_idea(actors, S.AT_FORUM)
    kinds = _kinds(actors.secretary)
    assert "Ärende att driva vidare" in kinds
    forum = [t for t in kinds["Ärende att driva vidare"] if t.reference == at_forum.dnr]
    assert forum and "rekommendation" in forum[0].title.lower()
    (notice,) = kinds["Anslag att publicera"]
    assert notice.url == signed_run_meeting["meeting"].get_absolute_url()
    assert notice.due is not None


def test_the_adjuster_sees_the_protocol_to_sign_until_signed(world):
    adjuster = world["adjuster"]
    (task,) = _kinds(adjuster)["Protokoll att justera"]
    assert task.url == world["out_for_signing"].get_absolute_url()


def test_a_reader_has_no_tasks(world, reader):
    assert tasks_for(reader) == []


def test_the_task_page_and_the_start_page_lead_with_the_tasks(world, actors, client_for):
    client = client_for(actors.officer)
    page = client.get("/mina-uppgifter/").content.decode()
    assert "Lägesrapport till regionen" in page and "försenad" in page
    assert world["returned"].get_absolute_url() in page
    home = client.get("/").content.decode()
    assert home.index('id="panel-tasks"') < home.index("Mina öppna ärenden")
    counts = client.get("/mina-uppgifter/antal/").content.decode()
    assert str(len(tasks_for(actors.officer))) in counts
    for user in (actors.officer, actors.secretary, actors.director):
        assert task_count(user) == len(tasks_for(user))  # the header's: the list's length


def test_returning_a_plan_tells_the_officer_with_a_link(world, actors, controller):
    from core.models import Notification

    notice = Notification.objects.get(recipient=actors.officer, kind="plan_returned")
    assert notice.url == world["returned"].get_absolute_url()
    assert "återsänts för komplettering" in notice.text
    plan = make_plan(co_financing_case(officer=actors.officer), status="submitted")
    financing_svc.financing_plan_approve(user=controller, plan=plan, comment="Bra")
    assert Notification.objects.filter(recipient=actors.officer, kind="plan_approved").exists()
    assert Notification.objects.filter(recipient=controller, kind="plan_submitted").exists()


def test_the_secretary_sees_extracts_to_send_until_every_recipient_has_one(
    actors, signed_run_meeting
):
    meeting = signed_run_meeting["meeting"]
    with_recipients = [p for p in meeting.paragraphs.all() if p.recipients.exists()]
    assert with_recipients, "the seed meeting lists extract recipients"
    tasks = _kinds(actors.secretary)["Protokollsutdrag att skicka"]
    assert {t.key for t in tasks} == {f"extract:{p.pk}" for p in with_recipients}
    assert all(t.url == meeting.get_absolute_url() for t in tasks)
    paragraph = with_recipients[0]
    extract = meeting_svc.document_store(
        kind="extract", meeting=meeting, paragraph=paragraph, user=actors.secretary
    )
    meeting_svc.extract_send(user=actors.secretary, document=extract)
    left = {t.key for t in _kinds(actors.secretary).get("Protokollsutdrag att skicka", [])}
    assert f"extract:{paragraph.pk}" not in left
    assert len(left) == len(with_recipients) - 1


def test_each_signer_and_each_officer_of_a_returned_plan_is_asked_and_no_one_else(
    world, actors, controller
):
    """Who signs: the meeting's adjuster, its chair or, without one, the body's chair;
    a returned plan: whoever submitted it and the officer of any of its project's cases."""
    from decisions.meetings.models import BodyMember
    from projects.models import Case
    from tests.core.factories import user_with_role

    meeting, to_sign = world["out_for_signing"], "Protokoll att justera"
    body_chair = get_user_model().objects.get(username="ordforande_t")
    assert [t.url for t in _kinds(body_chair)[to_sign]] == [meeting.get_absolute_url()]
    stand_in = user_with_role("beslutsfattare", username="ordforande_vid_motet")
    member = BodyMember.objects.filter(body=meeting.body, user__isnull=True).first()
    BodyMember.objects.filter(pk=member.pk).update(user=stand_in)
    type(meeting).objects.filter(pk=meeting.pk).update(chair=member)  # a chair at the meeting
    assert to_sign in _kinds(stand_in) and to_sign in _kinds(world["adjuster"])
    assert to_sign not in _kinds(body_chair)  # the meeting has its own chair

    returned, kind = world["returned"], "Återsänd finansieringsplan"
    new_officer = user_with_role("handläggare", username="ny_handlaggare")
    bystander = user_with_role("handläggare", username="annan_handlaggare")
    Case.objects.filter(project=returned.project).update(officer=new_officer)
    for user in (actors.officer, new_officer):  # the submitter, the case's officer now
        (task,) = _kinds(user)[kind]
        assert task.url == returned.get_absolute_url()
    assert kind not in _kinds(bystander)


def test_the_secretary_sees_the_steps_longest_waiting_cases_and_where_the_rest_are(
    actors, client_for
):
    """A secretary's steps take every case of the register in them: the list shows, per
    step, the cases due first and a last line to the work queues; the reminders read all."""
    from projects.models import Case

    cases = [walk_idea(actors, S.AT_FORUM) for _ in range(3)]
    now = timezone.now()
    for days, case in zip((30, 10, 20), cases, strict=True):  # waited 30, 10 and 20 days
        Case.objects.filter(pk=case.pk).update(state_since=now - datetime.timedelta(days=days))

    def forum(most):
        tasks = tasks_for(actors.secretary, most=most)
        return [t for t in tasks if t.kind == "Ärende att driva vidare"]

    shown = forum(2)
    assert [t.reference for t in shown[:2]] == [cases[0].dnr, cases[2].dnr]
    more = shown[-1]
    assert len(shown) == 3 and more.key == "secretary:more"
    # where the first case left out would stand: its due date and waiting time
    left_out = forum(3)[2]
    assert (more.due, more.since) == (left_out.due, left_out.since)
    assert more.url == "/workflow/queues/" and more.title.startswith("Fler än 2 väntar på")
    assert [t.reference for t in forum(3)] == [cases[0].dnr, cases[2].dnr, cases[1].dnr]
    assert len(forum(None)) == 3 and not any(t.key == "secretary:more" for t in forum(None))
    html = client_for(actors.secretary).get("/mina-uppgifter/").content.decode()
    assert all(case.dnr in html for case in cases)  # fewer than SHOWN_PER_STEP


def test_a_secretary_steps_longest_waiting_are_read_in_index_order():
    """Each step's first cases are read from the (kind, state, state_since, id) index up to
    the limit: at 200 000 cases a step held 8 000, sorted whole on every task list."""
    from decisions.workflow import permissions, worklist
    from tests.plans import ordered_plan

    steps = worklist._steps(permissions.SECRETARY_TRANSITIONS - permissions.OFFICER_TRANSITIONS)
    for queryset in worklist._longest_waiting(steps, 100)[:3]:
        plan = ordered_plan(queryset)
        assert "case_step_waiting" in plan and "Sort" not in plan, plan


# --- Decisions on delegation: the delegate's tasks, and no officer task for them ----------


def _titles(user, kind="Ärende att driva vidare") -> dict[str, str]:
    return {t.reference: t.title for t in _kinds(user).get(kind, [])}


def test_an_idea_the_au_proposes_for_delegation_waits_for_the_delegate_not_the_officer(
    actors, reader
):
    delegated = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    to_forum = walk_idea(actors, S.AU_ASSESSED, route="forum")
    officer = _titles(actors.officer)
    assert to_forum.dnr in officer and "utvecklingsforum" in officer[to_forum.dnr].lower()
    assert delegated.dnr not in officer  # the forum step is refused on it
    director = _titles(actors.director, "Beslut på delegation")
    assert list(director) == [delegated.dnr]
    (task,) = _kinds(actors.director)["Beslut på delegation"]
    assert task.url == delegated.get_absolute_url()
    assert task.due is not None  # the step's handling-time target
    assert "Beslut på delegation" not in _kinds(reader)
    assert "Beslut på delegation" not in _kinds(actors.officer)
    # the delegationsordning decides who: a rule naming another delegate, or none in force
    from decisions.workflow.models import DelegationRule

    other = delegate_user(username="annan_delegat_idea")
    rules = DelegationRule.objects.filter(case_kind="projektide")
    rules.update(delegate=other)
    assert "Beslut på delegation" not in _kinds(actors.director)
    assert list(_titles(other, "Beslut på delegation")) == [delegated.dnr]
    rules.update(active=False)
    assert "Beslut på delegation" not in _kinds(other)
    rules.update(active=True, delegate=None)
    fire(delegated, "delegation_approve", actors.director, route="delegation")
    assert "Beslut på delegation" not in _kinds(actors.director)


def test_an_application_within_the_delegationsordning_is_the_delegates_task(actors, secretary):
    from decisions.workflow.models import DelegationRule
    from tests.decisions.workflow.factories import delegation_rule_for_co_financing

    def ready(amount):
        project = ProjectFactory(requested_amount=amount)
        case = walk_cofinancing(actors, S.PREPARATION, project=project)
        Case.objects.filter(pk=case.pk).update(state=S.READY_FOR_RUN)
        case.refresh_from_db()
        return case

    small, large = ready(400_000), ready(900_000)
    assert "Beslut på delegation" not in _kinds(actors.director)  # no rule: RUN decides
    rule = delegation_rule_for_co_financing(amount_limit=500_000)
    director = _titles(actors.director, "Beslut på delegation")
    assert list(director) == [small.dnr]
    assert director[small.dnr].endswith(" – besluta på delegation")
    assert _titles(secretary, "Beslut på delegation") == {}  # RUN's § decides the other
    # a rule that names its delegate is that person's alone
    other = delegate_user(username="annan_delegat")
    DelegationRule.objects.filter(pk=rule.pk).update(delegate=other)
    assert "Beslut på delegation" not in _kinds(actors.director)
    assert list(_titles(other, "Beslut på delegation")) == [small.dnr]
    # handed over to the body, it is no longer the delegate's
    DelegationRule.objects.filter(pk=rule.pk).update(delegate=None)
    fire(small, "refer_to_body", actors.director, motivation="Principiellt viktigt.")
    assert "Beslut på delegation" not in _kinds(actors.director)
    assert large.dnr not in _titles(actors.director, "Beslut på delegation")


def test_a_tasks_step_is_named_in_the_language_of_the_request_that_reads_it(actors):
    """The steps' labels are worked out once per process: in the language of whoever asked
    first, Swedish users read English steps."""
    from django.utils import translation

    from decisions.workflow import worklist

    case = co_financing_case(officer=actors.officer, title="Vätgasdalen")
    worklist._steps.cache_clear()  # as after a restart
    with translation.override("en"):
        (english,) = [t for t in tasks_for(actors.officer) if t.reference == case.dnr]
    with translation.override("sv"):
        (swedish,) = [t for t in tasks_for(actors.officer) if t.reference == case.dnr]
    assert english.title != swedish.title
    assert swedish.title.endswith("Vätgasdalen – Starta beredning")


def test_a_meeting_whose_day_has_come_is_the_secretarys_until_marked_held(actors):
    """Its protocol is due fourteen days after the meeting whether or not the app was told
    it was held: a meeting left "planned" was nobody's task, even on its last day to sign."""
    from decisions.meetings.services.bodies import body_get
    from decisions.workflow.constants import BodyCode

    secretary = actors.secretary
    today = timezone.localdate()
    body = body_get(BodyCode.AU)
    past = meeting_svc.meeting_create(
        user=secretary,
        body=body,
        date=today - datetime.timedelta(days=14),
        start_time=datetime.time(9, 0),
        place="Regionhuset",
    )
    meeting_svc.meeting_create(
        user=secretary,
        body=body,
        date=today + datetime.timedelta(days=2),
        start_time=datetime.time(9, 0),
        place="Regionhuset",
    )
    (task,) = _kinds(secretary)["Sammanträde att markera som genomfört"]
    assert task.url == past.get_absolute_url()
    assert task.due == past.signing_deadline
    meeting_svc.meeting_mark_held(user=secretary, meeting=past)
    kinds = _kinds(secretary)
    assert "Sammanträde att markera som genomfört" not in kinds
    assert [t.url for t in kinds["Protokoll att skicka för justering"]] == [
        past.get_absolute_url() + "#justering"
    ]


def test_the_kallelse_of_a_meeting_coming_up_is_the_secretarys_until_sent(actors, settings):
    from decisions.meetings.services.bodies import body_get
    from decisions.workflow.constants import BodyCode

    settings.KALLELSE_DAYS_BEFORE = 7
    secretary = actors.secretary
    today = timezone.localdate()
    body = body_get(BodyCode.AU)

    def meeting(days):
        return meeting_svc.meeting_create(
            user=secretary,
            body=body,
            date=today + datetime.timedelta(days=days),
            start_time=datetime.time(9, 0),
            place="Regionhuset",
        )

    soon, later = meeting(10), meeting(60)
    (task,) = _kinds(secretary)["Kallelse att skicka"]
    assert task.url == soon.get_absolute_url() + "#kallelse"
    assert task.due == soon.date - datetime.timedelta(days=7)
    assert later.get_absolute_url() not in task.url  # not yet work
    from decisions.meetings.models import NoticeDispatch

    NoticeDispatch.objects.create(meeting=soon, sequence=1, sent_by=secretary)  # sent
    assert "Kallelse att skicka" not in _kinds(secretary)
