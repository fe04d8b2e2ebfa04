"""Demo data of the workflow part (runs before decisions.meetings.demo). Idempotent.

- The seed co-financing cases (seed 001 § 34-41): start_preparation, the decision
  proposal from ``projects.seed_cases`` and mark_ready_for_run. They are NOT decided here:
  the meetings part records RUN's decisions in paragraphs, which fires grant/reject. If the
  financing plan precondition is not met (the financing demo did not run), the case stays in
  preparation and this is said on stdout.
- Seed 002 (Life Science, 2023): a projektidé for the same project that went AU ->
  utvecklingsforum -> utvecklingsrådet (approved), so the co-financing case shows the
  anchoring link; the co-financing case itself is granted directly.
- Two förstudier decided by the development director on delegation (the February one is
  reported at RUN 2020-03-24 § 25 by the meetings part; the April one stays unreported).
- Projektidéer sitting in each work queue, one of them returned once by the council.

Each demo case is walked step by step; a case's transition log tells how far it has come,
so running the loader again continues where it stopped and creates nothing twice.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.errors import Conflict
from decisions.workflow import services as wf
from decisions.workflow.constants import BodyCode
from decisions.workflow.models import AnchoringContact, DecisionProposal, TransitionLog
from projects import services as project_services
from projects.dnr import format_dnr
from projects.models import Case, CaseKind, Organisation, Project
from projects.seed_cases import LIFE_SCIENCE_CASE, SEED_CASES

D = datetime.date


def load(stdout, *, fire=wf.case_transition) -> None:
    users = _users()
    if users is None:
        stdout.write("  workflow: demo users missing (run the projects demo first); skipped")
        return
    counts = {"ready": 0, "preparation": 0, "decided": 0, "ideas": 0}
    for seed in SEED_CASES:
        _seed_cofinancing(seed, users, stdout, counts, fire)
    _life_science(users, stdout, fire)
    for spec in IDEAS:
        _idea(spec, users, stdout, fire)
        counts["ideas"] += 1
    stdout.write(
        "  workflow: seed co-financing cases: {ready} ready for RUN, {prep} in preparation, "
        "{decided} already decided; {ideas} projektidéer; {log} transitions logged".format(
            ready=counts["ready"],
            prep=counts["preparation"],
            decided=counts["decided"],
            ideas=counts["ideas"],
            log=TransitionLog.objects.count(),
        )
    )


def _users():
    User = get_user_model()
    names = ("handlaggare", "handlaggare2", "sekreterare", "direktor")
    found = {u.username: u for u in User.objects.filter(username__in=names)}
    if set(found) != set(names):
        return None
    return found


def _step(case, user, name, stdout, fire, data=None, motivation=""):
    """Fire one transition; explain (not raise) when the app refuses it."""
    try:
        fire(
            user=user,
            case=case,
            transition=name,
            decided_in=_decided_in(name, data or {}),
            data=data or {},
            motivation=motivation,
            notify=False,
        )
    except (ValidationError, Conflict, PermissionDenied) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        stdout.write(
            "  workflow: {dnr} stays in '{state}': {name} refused: {why}".format(
                dnr=case.dnr, state=case.get_state_display(), name=name, why=" ".join(messages)
            )
        )
        return False
    return True


def _decided_in(name: str, data: dict) -> str:
    """A body's decision in the demo's history was made at a meeting that is not in the
    app (only RUN 2020-03-24 is): its reference, as an import of old protocols gives it."""
    if name not in wf.DECIDED_IN_PARAGRAPH:
        return ""
    if data.get("reference"):
        return data["reference"]
    body = BodyCode(wf.DECIDED_IN_PARAGRAPH[name]).label
    return f"{body} {data['decided_on']:%Y-%m-%d}"


def _done_steps(case) -> int:
    return TransitionLog.objects.filter(case=case).count()


def _run(case, steps, stdout, fire) -> None:
    """Fire the steps not yet in the case's log. Step: (name, user, data, motivation, before)."""
    for name, user, data, motivation, before in steps[_done_steps(case) :]:
        if before:
            before(case)
        if not _step(case, user, name, stdout, fire, data, motivation):
            return


# --- Co-financing seed cases ---------------------------------------------------------


def _proposal(seed, case, officer):
    if DecisionProposal.objects.filter(case=case).exists():
        return
    rejection = seed["outcome"] == "rejected"
    conditions = [{"text": text, "due_date": None} for text in seed.get("special_conditions", [])]
    wf.decision_proposal_save(
        user=officer,
        case=case,
        data={
            "decision_points": seed["decision_points"],
            "proposed_amount": "" if rejection else (seed["granted"] or seed["requested"]),
            "proposes_rejection": rejection,
            "rejection_reason": seed.get("rejection_reason", ""),
            "statement": seed["statement"],
            "summary": seed["summary"],
            "special_conditions": conditions,
        },
    )


def _seed_case(seed) -> Case | None:
    return (
        Case.objects.select_related("project")
        .filter(year=seed["year"], number=seed["number"])
        .first()
    )


def _seed_cofinancing(seed, users, stdout, counts, fire):
    case = _seed_case(seed)
    if case is None:
        stdout.write(
            f"  workflow: seed case {format_dnr(seed['number'], seed['year'])} missing; skipped"
        )
        return
    officer = users["handlaggare"]
    with transaction.atomic():
        _run(
            case,
            [
                ("start_preparation", officer, {}, "", None),
                ("mark_ready_for_run", officer, {}, "", lambda c: _proposal(seed, c, officer)),
            ],
            stdout,
            fire,
        )
    case.refresh_from_db()
    if case.state == "ready_for_run":
        counts["ready"] += 1
    elif case.state in ("registered", "preparation"):
        counts["preparation"] += 1
    else:
        counts["decided"] += 1


# --- Seed 002: Life Science, with its projektidé through utvecklingsrådet ------------------


def _register_idea(*, title, project, officer, registered_on, number=None):
    existing = Case.objects.filter(kind=CaseKind.PROJECT_IDEA, project=project).first()
    if existing:
        return existing
    return project_services.case_register(
        user=officer,
        kind=CaseKind.PROJECT_IDEA,
        title=title,
        project=project,
        received_on=registered_on,
        registered_on=registered_on,
        import_number=number,
    )


def _anchor(unit, person, when, outcome, officer):
    def record(case):
        if not AnchoringContact.objects.filter(case=case, unit=unit).exists():
            wf.anchoring_contact_create(
                user=officer,
                case=case,
                unit=unit,
                person=person,
                contacted_on=when,
                outcome=outcome,
            )

    return record


def _life_science(users, stdout, fire):
    officer, secretary = users["handlaggare"], users["sekreterare"]
    cofinancing = _seed_case(LIFE_SCIENCE_CASE)
    if cofinancing is None:
        stdout.write("  workflow: the Life Science case (seed 002) is missing; skipped")
        return
    project = cofinancing.project
    with transaction.atomic():
        idea = _register_idea(
            title=f"Projektidé: {project.title}",
            project=project,
            officer=officer,
            registered_on=D(2023, 2, 6),
            number=118,
        )
        _run(
            idea,
            [
                ("start_au_preparation", officer, {}, "", None),
                (
                    "record_au_assessment",
                    officer,
                    {
                        "assessment": (
                            "Idén stärker innovationsarbetet inom hälso- och sjukvården och "
                            "forskningssamarbetet med Luleå och Umeå universitet. Den kräver "
                            "medverkan från Hälso- och sjukvårdsavdelningen och kontant "
                            "medfinansiering ur anslag 1:1."
                        ),
                        "proposed_route": "forum",
                        "direction_proposal": (
                            "AU föreslår att Region Norrbotten deltar som projektpart och att "
                            "medfinansiering söks hos regionala utvecklingsnämnden."
                        ),
                    },
                    "",
                    None,
                ),
                (
                    "send_to_forum",
                    officer,
                    {},
                    "",
                    _anchor(
                        "Hälso- och sjukvårdsavdelningen, enheten för Forskning och utbildning",
                        "Forskningschef",
                        D(2023, 3, 2),
                        "Enheten deltar i projektet och avsätter personal för innovationsstöd.",
                        officer,
                    ),
                ),
                (
                    "forum_recommend",
                    secretary,
                    {
                        "recommendation": "approve",
                        "text": "Utvecklingsforum rekommenderar att idén godkänns.",
                        "recommended_on": D(2023, 3, 15),
                    },
                    "",
                    None,
                ),
                (
                    "council_approve",
                    secretary,
                    {
                        "decided_on": D(2023, 4, 12),
                        "reference": "Utvecklingsrådet 2023-04-12 § 6",
                        "decision_text": "Utvecklingsrådet godkänner projektidén.",
                    },
                    "",
                    None,
                ),
            ],
            stdout,
            fire,
        )
    seed = LIFE_SCIENCE_CASE
    with transaction.atomic():
        _run(
            cofinancing,
            [
                ("start_preparation", officer, {}, "", None),
                ("mark_ready_for_run", officer, {}, "", lambda c: _proposal(seed, c, officer)),
                (
                    "grant",
                    secretary,
                    {
                        "amount": seed["granted"],
                        "decided_on": D(2023, 6, 13),
                        "reference": "RUN 2023-06-13 § 52",
                        "decision_points": seed["decision_points"],
                        "special_conditions": [],
                    },
                    "",
                    None,
                ),
            ],
            stdout,
            fire,
        )


# --- Projektidéer in the queues -----------------------------------------------------------


def _idea_project(title, officer, **fields) -> Project:
    project = Project.objects.filter(title=title).first()
    if project:
        return project
    region = Organisation.objects.filter(name="Region Norrbotten").first()
    return project_services.project_create(
        user=officer,
        title=title,
        applicant=region,
        owner=region,
        origin=fields.pop("origin", Project.Origin.INTERNAL),
        **fields,
    )


ASSESSMENT_FORUM = {
    "assessment": (
        "Idén ligger i linje med regionens prioriterade utvecklingsområden men kräver "
        "regionövergripande resurser och medverkan från flera verksamheter."
    ),
    "proposed_route": "forum",
    "direction_proposal": "AU föreslår att idén utvecklas till en ansökan om extern finansiering.",
}
ASSESSMENT_DELEGATION = {
    "assessment": (
        "Idén är av mindre karaktär, berör en enskild verksamhet och belastar inte den "
        "operativa verksamheten."
    ),
    "proposed_route": "delegation",
    "direction_proposal": "AU föreslår att utvecklingsdirektören beslutar på delegation.",
}


def _forum_steps(officer, secretary, unit, when):
    return [
        ("start_au_preparation", officer, {}, "", None),
        ("record_au_assessment", officer, ASSESSMENT_FORUM, "", None),
        (
            "send_to_forum",
            officer,
            {},
            "",
            _anchor(
                unit,
                "Verksamhetschef",
                when,
                "Verksamheten ser behovet och kan bidra med personal.",
                officer,
            ),
        ),
        (
            "forum_recommend",
            secretary,
            {
                "recommendation": "approve",
                "text": "Forumet rekommenderar att utvecklingsrådet godkänner idén.",
                "recommended_on": when + datetime.timedelta(days=14),
            },
            "",
            None,
        ),
    ]


def _idea_steps(spec, users):
    officer = users[spec.get("officer", "handlaggare")]
    secretary, director = users["sekreterare"], users["direktor"]
    when = spec["registered"] + datetime.timedelta(days=10)
    target = spec["target"]
    if target == "registered":
        return []
    if target == "au_preparation":
        return [("start_au_preparation", officer, {}, "", None)]
    if target == "assessed_delegation":
        return [
            ("start_au_preparation", officer, {}, "", None),
            ("record_au_assessment", officer, ASSESSMENT_DELEGATION, "", None),
        ]
    if target == "delegation_approved":
        return [
            ("start_au_preparation", officer, {}, "", None),
            ("record_au_assessment", officer, ASSESSMENT_DELEGATION, "", None),
            (
                "delegation_approve",
                director,
                {
                    "decided_on": when + datetime.timedelta(days=7),
                    "decision_text": (
                        "Utvecklingsdirektören beslutar på delegation att godkänna förstudien "
                        "med en budget om högst 150 000 kr inom avdelningens ram."
                    ),
                },
                "",
                None,
            ),
        ]
    forum = _forum_steps(officer, secretary, spec["unit"], when)
    if target == "at_forum":
        return forum[:3]
    if target == "at_council":
        return forum
    council_day = when + datetime.timedelta(days=30)
    if target == "returned":
        return [
            *forum,
            (
                "council_return",
                secretary,
                {"decided_on": council_day, "reference": "Utvecklingsrådet § 12"},
                "Kostnaderna för drift efter projekttiden behöver utredas innan beslut.",
                None,
            ),
        ]
    refer = (
        "council_refer",
        secretary,
        {"decided_on": council_day, "decision_text": "Kräver regionövergripande beslut."},
        "",
        None,
    )
    if target == "at_management_group":
        return [*forum, refer]
    if target == "at_board":
        return [
            *forum,
            refer,
            (
                "management_group_forward",
                secretary,
                {"decided_on": council_day + datetime.timedelta(days=7)},
                "",
                None,
            ),
        ]
    raise ValueError(target)


IDEAS = [
    {
        "title": "Förstudie: AI-stöd för triagering i primärvården",
        "registered": D(2020, 2, 3),
        "target": "delegation_approved",
        "healthcare": True,
        "budget": Decimal("150000"),
    },
    {
        "title": "Förstudie: Digitalt stöd för rehabilitering i hemmet",
        "registered": D(2020, 3, 30),
        "target": "delegation_approved",
        "healthcare": True,
        "budget": Decimal("120000"),
        "officer": "handlaggare2",
    },
    {
        "title": "Digital vårdplanering i hemmet",
        "registered": D(2020, 2, 24),
        "target": "registered",
        "healthcare": True,
    },
    {
        "title": "Virtuell hälsocentral i inlandet",
        "registered": D(2020, 1, 13),
        "target": "returned",
        "unit": "Division Närsjukvård",
        "healthcare": True,
    },
    {
        "title": "Lärande nätverk för digitala ledare",
        "registered": D(2020, 2, 10),
        "target": "assessed_delegation",
        "officer": "handlaggare2",
    },
    {
        "title": "Nära vård med mobila team",
        "registered": D(2020, 1, 20),
        "target": "at_forum",
        "unit": "Division Närsjukvård, Kalix sjukhus",
        "healthcare": True,
    },
    {
        "title": "Precisionsmedicin i Norrbotten",
        "registered": D(2020, 1, 8),
        "target": "at_council",
        "unit": "Hälso- och sjukvårdsavdelningen",
        "healthcare": True,
        "officer": "handlaggare2",
    },
    {
        "title": "Regiongemensam plattform för egenmonitorering",
        "registered": D(2020, 1, 9),
        "target": "at_management_group",
        "unit": "Division Diagnostik och Digitalisering",
        "healthcare": True,
    },
    {
        "title": "Arktiskt centrum för glesbygdsmedicin",
        "registered": D(2020, 1, 7),
        "target": "at_board",
        "unit": "Hälso- och sjukvårdsavdelningen",
        "healthcare": True,
    },
]


def _idea(spec, users, stdout, fire):
    officer = users[spec.get("officer", "handlaggare")]
    with transaction.atomic():
        project = _idea_project(
            spec["title"],
            officer,
            involves_healthcare=spec.get("healthcare", False),
            total_budget=spec.get("budget"),
        )
        case = _register_idea(
            title=f"Projektidé: {spec['title']}",
            project=project,
            officer=officer,
            registered_on=spec["registered"],
        )
        _run(case, _idea_steps(spec, users), stdout, fire)
