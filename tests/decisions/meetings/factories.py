"""Builders for the meetings: RUN's committee, held meetings (a small one, and a big one
whose protocol takes seconds to render), seed cases ready for RUN, and the RUN meeting of
2020-03-24 with seed 001's § 35 (DioD, granted 1 754 698 kr) and § 41 (Sustainable
Business Bridge, granted, with Jan Anders Perdal's (V) motion to reject, the
propositionsordning and his reservation).

Everything goes through the services, so the tests exercise the real rules.
"""

import datetime
from decimal import Decimal

from core.roles import Role
from decisions.meetings import services as svc
from decisions.meetings.models import AgendaItem, Body, BodyMember, Meeting
from decisions.workflow import services as wf
from decisions.workflow.constants import BodyCode
from projects.seed_cases import SEED_CASES
from tests.core.factories import PASSWORD, user_with_role
from tests.projects.factories import ProjectFactory, register_case

MEETING_DATE = datetime.date(2020, 3, 24)

# name, party, role, has an account (username)
COMMITTEE = [
    ("Nils-Olov Lindfors", "C", "chair", "ordforande_t"),
    ("Helena Öhlund", "S", "vice_chair", None),
    ("Lage Hortlund", "SD", "member", "justerare_t"),
    ("Lennart Thörnlund", "S", "member", None),
    ("Jan Anders Perdal", "V", "member", None),
    ("Anna Sandberg", "S", "substitute", None),
]


def run_body() -> Body:
    return svc.body_get(BodyCode.RUN)


def committee(secretary, body: Body | None = None) -> dict[str, BodyMember]:
    """RUN's members (a small committee); chair and Lage Hortlund have user accounts."""
    body = body or run_body()
    members = {}
    for name, party, role, username in COMMITTEE:
        account = None
        if username:
            first, _, last = name.rpartition(" ")
            account = user_with_role(
                Role.DECISION_MAKER, username=username, first_name=first, last_name=last
            )
        members[name] = svc.body_member_add(
            user=secretary, body=body, name=name, party=party, role=role, account=account
        )
    return members


def held_meeting(
    secretary, members: dict, *, date=MEETING_DATE, formal=False, body: Body | None = None
) -> Meeting:
    """A held meeting of ``body`` (RUN) with every ordinary member of ``members`` (name ->
    BodyMember) present; Lage Hortlund adjusts."""
    body = body or run_body()
    meeting = svc.meeting_create(
        user=secretary,
        body=body,
        date=date,
        start_time=datetime.time(9, 0),
        place="Regionhuset, Luleå",
        with_formal_items=formal,
    )
    svc.attendance_set(
        user=secretary,
        meeting=meeting,
        entries=[
            {"member": m, "present": not m.is_substitute, "serving_for": None}
            for m in members.values()
        ],
    )
    svc.meeting_set_adjuster(user=secretary, meeting=meeting, adjuster=members["Lage Hortlund"])
    svc.meeting_mark_held(user=secretary, meeting=meeting)
    meeting.refresh_from_db()
    return meeting


def information_paragraph(secretary, meeting: Meeting, title="Information om läget"):
    """An information item of ``meeting`` with its §."""
    item = svc.agenda_item_add(
        user=secretary, meeting=meeting, kind=AgendaItem.Kind.INFORMATION, title=title
    )
    return svc.paragraph_add(user=secretary, item=item)


LONG_TEXT = (
    "Projektet stärker innovationsförmågan i Norrbotten genom samverkan mellan universitet, "
    "kommuner och företag. "
) * 30


def big_meeting(secretary, *, paragraphs: int = 8) -> Meeting:
    """A held RUN meeting whose protocol takes a few seconds to render (about 20 pages)."""
    meeting = held_meeting(secretary, committee(secretary))
    for number in range(paragraphs):
        paragraph = information_paragraph(secretary, meeting, f"Information {number + 1}")
        svc.paragraph_update(
            user=secretary,
            paragraph=paragraph,
            data={"summary": LONG_TEXT, "matter": [{"heading": "Ärendet", "text": LONG_TEXT}]},
        )
    return meeting


def small_meeting(secretary) -> Meeting:
    """A held RUN meeting with one short information paragraph (renders in a blink)."""
    meeting = held_meeting(secretary, committee(secretary), date=datetime.date(2021, 2, 9))
    information_paragraph(secretary, meeting)
    return meeting


def seed(paragraph: int) -> dict:
    return next(s for s in SEED_CASES if s["paragraph"] == paragraph)


def case_ready_for_run(officer, seed_case: dict):
    """A co-financing case of the seed, with its decision proposal, ready for RUN."""
    project = ProjectFactory(
        title=seed_case["project_title"],
        requested_amount=seed_case["requested"],
        total_budget=seed_case["total_budget"],
        summary=seed_case["summary"],
        background=seed_case.get("background", ""),
        purpose=seed_case.get("purpose", ""),
    )
    case = register_case(
        officer=officer,
        project=project,
        title=f"Medfinansiering av projektet {seed_case['project_title']}",
        nyps_id=seed_case["nyps_id"],
        registered_on=datetime.date(2020, 1, 15),
        received_on=datetime.date(2020, 1, 15),
    )
    wf.case_transition(user=officer, case=case, transition="start_preparation")
    rejection = seed_case["outcome"] == "rejected"
    wf.decision_proposal_save(
        user=officer,
        case=case,
        data={
            "decision_points": "\n".join(
                p for p in seed_case["decision_points"] if not p.endswith(":")
            ),
            "proposed_amount": "" if rejection else str(seed_case["granted"]),
            "proposes_rejection": rejection,
            "rejection_reason": seed_case.get("rejection_reason", ""),
            "statement": seed_case["statement"],
            "summary": seed_case["summary"],
        },
    )
    wf.case_transition(user=officer, case=case, transition="mark_ready_for_run")
    case.refresh_from_db()
    return case


RECIPIENT = ("Regional utvecklingsdirektör", "utvecklingsdirektor@example.se")


def seed_meeting(secretary, officer, *, sign=False) -> dict:
    """RUN 2020-03-24 with § 35 and § 41 of seed 001, decisions recorded (and signed)."""
    members = committee(secretary)
    meeting = held_meeting(secretary, members)
    body = meeting.body
    svc.paragraph_counter_set_start(user=secretary, body=body, year=2020, first_number=35)
    case35 = case_ready_for_run(officer, seed(35))
    case41 = case_ready_for_run(officer, seed(41))
    item35 = svc.agenda_item_add(
        user=secretary, meeting=meeting, kind=AgendaItem.Kind.CASE, case=case35
    )
    item41 = svc.agenda_item_add(
        user=secretary, meeting=meeting, kind=AgendaItem.Kind.CASE, case=case41
    )
    p35 = svc.paragraph_add(user=secretary, item=item35)
    # § 36-40 belong to cases outside this fixture: continue the year's numbering at 41.
    svc.paragraph_counter_set_start(user=secretary, body=body, year=2020, first_number=41)
    p41 = svc.paragraph_add(user=secretary, item=item41)
    for paragraph, seed_case in ((p35, seed(35)), (p41, seed(41))):
        svc.paragraph_update(
            user=secretary,
            paragraph=paragraph,
            data={
                "title": f"Medfinansiering av projektet {seed_case['project_title']}",
                "financing_rows": [
                    {
                        "financier": r["financier"]
                        + (" (1:1)" if r["funding_type"] == "region_1_1" else ""),
                        "amount": str(r["amount"]),
                    }
                    for r in seed_case["financing"]
                ],
            },
        )
        svc.recipient_add(
            user=secretary, paragraph=paragraph, name=RECIPIENT[0], email=RECIPIENT[1]
        )
    perdal = members["Jan Anders Perdal"]
    motion = svc.motion_add(
        user=secretary,
        paragraph=p41,
        movers=[perdal],
        kind="rejection",
        text="avslag till projektansökan",
    )
    svc.paragraph_set_proposition(user=secretary, paragraph=p41, put=True, carried_motion=None)
    svc.reservation_add(user=secretary, paragraph=p41, members=[perdal], in_favour_of=motion)
    svc.paragraph_record_decision(
        user=secretary, paragraph=p35, transition="grant", amount=Decimal("1754698")
    )
    svc.paragraph_record_decision(
        user=secretary, paragraph=p41, transition="grant", amount=Decimal("2000000")
    )
    if sign:
        sign_meeting(secretary, meeting)
    meeting.refresh_from_db()
    p35.refresh_from_db()
    p41.refresh_from_db()
    return {
        "meeting": meeting,
        "members": members,
        "p35": p35,
        "p41": p41,
        "case35": case35,
        "case41": case41,
        "motion": motion,
    }


def sign_meeting(secretary, meeting: Meeting) -> None:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    svc.meeting_submit_for_signing(user=secretary, meeting=meeting)
    svc.protocol_sign(
        user=User.objects.get(username="ordforande_t"), meeting=meeting, password=PASSWORD
    )
    svc.protocol_sign(
        user=User.objects.get(username="justerare_t"), meeting=meeting, password=PASSWORD
    )
    meeting.refresh_from_db()
