"""Volume data for the benchmark: cases, projects, financing plans, meetings, paragraphs.

Written with bulk_create straight into the tables (the services would take hours for
20 000 cases); the shapes follow the seed cases. Incremental: ``grow_to(n)`` adds what is
missing up to n cases, so the same database is measured at 1 000 and at 20 000 cases.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from core.roles import Role
from decisions.meetings.models import Body, Meeting, Paragraph, ParagraphCounter
from decisions.workflow.constants import BodyCode
from financing.models import (
    Commitment,
    FinancingPlan,
    FinancingRow,
    FundingCode,
    Grant,
    GrantCategory,
    PlanStatus,
)
from projects.models import (
    Case,
    CaseKind,
    CaseState,
    DiaryCounter,
    Organisation,
    Project,
    ProjectAim,
    ReportPriority,
    RusArea,
)
from projects.seed_cases import SEED_CASES

YEARS = (2019, 2020, 2021, 2022, 2023)
CF_STATES = [
    CaseState.REGISTERED,
    CaseState.PREPARATION,
    CaseState.READY_FOR_RUN,
    CaseState.GRANTED,
    CaseState.RUNNING,
    CaseState.REJECTED,
    CaseState.CLOSED,
]
PI_STATES = [
    CaseState.REGISTERED,
    CaseState.AU_PREPARATION,
    CaseState.AU_ASSESSED,
    CaseState.AT_FORUM,
    CaseState.AT_COUNCIL,
    CaseState.APPROVED,
    CaseState.RUNNING,
]
WORDS = (
    "innovation digital hälsa energi solel export kompetens turism besöksnäring rymd "
    "testbädd datacenter vätgas skog industri omställning landsbygd samverkan utbildning "
    "jämställdhet mångfald klimat transport logistik kultur kreativa näringar"
).split()
MEETINGS_PER_YEAR = 40
PARAGRAPHS_PER_MEETING = 20


def _officers():
    User = get_user_model()
    group = Group.objects.get(name=Role.OFFICER)
    users = []
    for i in range(10):
        user, created = User.objects.get_or_create(
            username=f"bench{i}", defaults={"first_name": "Bench", "last_name": f"Officer {i}"}
        )
        if created:
            user.set_password("bench-password-123")
            user.save()
            user.groups.add(group)
        users.append(user)
    return users


def _organisations(rng):
    existing = Organisation.objects.filter(name__startswith="Volym ").count()
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"Volym {i} AB", kind=rng.choice(["company", "municipality"]))
            for i in range(existing, 500)
        ]
    )
    return list(Organisation.objects.filter(name__startswith="Volym ").values_list("pk", flat=True))


@transaction.atomic
def grow_to(target: int, *, seed: int = 20200324) -> int:
    """Add cases (with projects and financing plans) until there are ``target`` of them."""
    rng = random.Random(seed + target)
    existing = Case.objects.count()
    missing = target - existing
    if missing <= 0:
        return 0
    officers = _officers()
    orgs = _organisations(rng)
    rus = list(RusArea.objects.values_list("pk", flat=True))
    counters = {c.year: c for c in DiaryCounter.objects.filter(year__in=YEARS)}
    for year in YEARS:
        if year not in counters:
            counters[year] = DiaryCounter.objects.create(year=year, last_number=0)

    projects, cases = [], []
    for i in range(missing):
        words = rng.sample(WORDS, 3)
        title = f"{words[0].capitalize()} och {words[1]} i Norrbotten {existing + i}"
        requested = Decimal(rng.randrange(200_000, 4_000_000, 1000))
        start = datetime.date(rng.choice(YEARS), rng.randint(1, 12), 1)
        projects.append(
            Project(
                title=title,
                applicant_id=rng.choice(orgs),
                owner_id=rng.choice(orgs),
                start_date=start,
                end_date=start + datetime.timedelta(days=rng.randint(300, 1100)),
                requested_amount=requested,
                total_budget=requested * rng.randint(3, 6),
                summary=f"Projektet arbetar med {words[0]}, {words[1]} och {words[2]}.",
                purpose=f"Att stärka {words[2]} i länet.",
            )
        )
    Project.objects.bulk_create(projects, batch_size=2000)
    through = Project.rus_areas.through
    through.objects.bulk_create(
        [through(project_id=p.pk, rusarea_id=rng.choice(rus)) for p in projects], batch_size=5000
    )
    # One project in ten has equality, one in ten environment as a main aim.
    aims = dict(ProjectAim.objects.values_list("reported_as", "pk"))
    aim_through = Project.main_aims.through
    aim_through.objects.bulk_create(
        [
            aim_through(project_id=p.pk, projectaim_id=aims[code])
            for p in projects
            for code in ("equality", "environment")
            if code in aims and rng.random() < 0.1
        ],
        batch_size=5000,
    )
    for i, project in enumerate(projects):
        year = YEARS[(existing + i) % len(YEARS)]
        counter = counters[year]
        counter.last_number += 1
        kind = CaseKind.CO_FINANCING if rng.random() < 0.7 else CaseKind.PROJECT_IDEA
        state = rng.choice(CF_STATES if kind == CaseKind.CO_FINANCING else PI_STATES)
        registered = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        decided = state in (CaseState.GRANTED, CaseState.RUNNING, CaseState.REJECTED)
        cases.append(
            Case(
                year=year,
                number=counter.last_number,
                kind=kind,
                title=f"Medfinansiering av projektet {project.title}",
                officer=rng.choice(officers),
                received_on=registered,
                registered_on=registered,
                project=project,
                state=state,
                decided_on=registered + datetime.timedelta(days=60) if decided else None,
                granted_amount=project.requested_amount
                if state in (CaseState.GRANTED, CaseState.RUNNING)
                else None,
            )
        )
    Case.objects.bulk_create(cases, batch_size=2000)
    for counter in counters.values():
        counter.save(update_fields=["last_number"])
    _financing(projects, cases, orgs, rng)
    _search_vectors()
    return missing


def _financing(projects, cases, orgs, rng):
    user = get_user_model().objects.filter(username="controller").first()
    now = timezone.now()
    plans = FinancingPlan.objects.bulk_create(
        [
            FinancingPlan(
                project=p,
                stated_total=p.total_budget,
                status=PlanStatus.APPROVED,
                reviewed_by=user,
                reviewed_at=now,
                submitted_by=user,
                submitted_at=now,
            )
            for p in projects
        ],
        batch_size=2000,
    )
    region = Organisation.objects.get(name="Region Norrbotten")
    rows = []
    for plan, project in zip(plans, projects, strict=True):
        rows.append(
            FinancingRow(
                plan=plan,
                financier=region,
                funding_type_id=FundingCode.REGION_1_1,
                amount_applied=project.requested_amount,
                position=0,
            )
        )
        rows.append(
            FinancingRow(
                plan=plan,
                financier_id=rng.choice(orgs),
                funding_type_id=FundingCode.ERUF,
                amount_applied=project.total_budget - project.requested_amount,
                position=1,
            )
        )
    FinancingRow.objects.bulk_create(rows, batch_size=5000)
    grants = {}
    for year in YEARS:
        grants[year], _ = Grant.objects.get_or_create(
            year=year, defaults={"amount": Decimal("50000000000")}
        )
    Commitment.objects.bulk_create(
        [
            Commitment(
                grant=grants[case.year],
                category=GrantCategory.PROJECT,
                priority=ReportPriority.INNOVATION,
                case=case,
                amount=case.granted_amount,
                committed_on=case.decided_on,
                created_by=user,
            )
            for case in cases
            if case.granted_amount
        ],
        batch_size=5000,
    )


def _search_vectors():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE projects_case c SET search_vector =
              setweight(to_tsvector('swedish', lpad(c.number::text, 5, '0') || '-' || c.year
                        || ' ' || coalesce(c.nyps_id, '') || ' ' || c.title), 'A')
              || setweight(to_tsvector('swedish', coalesce(o.name, '')), 'B')
              || setweight(to_tsvector('swedish', p.summary || ' ' || p.purpose), 'C')
            FROM projects_project p LEFT JOIN projects_organisation o ON o.id = p.applicant_id
            WHERE p.id = c.project_id AND c.search_vector IS NULL
            """
        )


@transaction.atomic
def meetings(total: int = 200) -> Meeting:
    """``total`` RUN meetings over five years with 20 paragraphs each (4 000 in all).

    Returns one extra meeting with 21 full case paragraphs (the seed's § 34-41 texts,
    repeated) for the protocol benchmark.
    """
    body = Body.objects.get(code=BodyCode.RUN)
    secretary = get_user_model().objects.get(username="sekreterare")
    existing = Meeting.objects.filter(body=body, place="Volym").count()
    case_ids = list(Case.objects.values_list("pk", "year")[: total * PARAGRAPHS_PER_MEETING])
    new_meetings = []
    for i in range(existing, total):
        year = YEARS[i % len(YEARS)]
        day = datetime.date(year, 1, 1) + datetime.timedelta(days=(i // len(YEARS)) * 8)
        new_meetings.append(
            Meeting(
                body=body,
                date=day,
                start_time=datetime.time(13, 0),
                place="Volym",
                secretary=secretary,
                status="held",
            )
        )
    Meeting.objects.bulk_create(new_meetings)
    paragraphs = []
    counters = {}
    for meeting in new_meetings:
        year = meeting.date.year
        if year not in counters:
            counters[year], _ = ParagraphCounter.objects.get_or_create(body=body, year=year)
        counter = counters[year]
        for _ in range(PARAGRAPHS_PER_MEETING):
            counter.last_number += 1
            case_id = case_ids.pop()[0] if case_ids else None
            paragraphs.append(
                Paragraph(
                    body=body,
                    year=year,
                    number=counter.last_number,
                    meeting=meeting,
                    kind="case" if case_id else "other",
                    title="Medfinansiering av projekt",
                    case_id=case_id,
                    decision_text="Regionala utvecklingsnämnden beslutar att bevilja ansökan.",
                )
            )
    Paragraph.objects.bulk_create(paragraphs, batch_size=2000)
    for counter in counters.values():
        counter.save()
    return protocol_meeting(body, secretary)


def protocol_meeting(body, secretary) -> Meeting:
    meeting, created = Meeting.objects.get_or_create(
        body=body,
        date=datetime.date(2023, 12, 12),
        start_time=datetime.time(9, 0),
        defaults={
            "place": "Regionhuset, Luleå",
            "secretary": secretary,
            "status": "signed",  # extracts are only made of signed protocols
            "signed_at": timezone.now(),
        },
    )
    if not created:
        return meeting
    counter, _ = ParagraphCounter.objects.get_or_create(body=body, year=2023)
    rows = []
    for i in range(21):
        seed = SEED_CASES[i % len(SEED_CASES)]
        counter.last_number += 1
        rows.append(
            Paragraph(
                body=body,
                year=2023,
                number=counter.last_number,
                meeting=meeting,
                kind="other",
                title=f"Medfinansiering av projektet {seed['project_title']}",
                dnr=f"{seed['number']:05d}-{seed['year']}",
                nyps_id=seed["nyps_id"],
                decision_intro="Regionala utvecklingsnämnden beslutar att:",
                decision_points=[{"text": text, "sub": []} for text in seed["decision_points"]],
                statement=seed["statement"],
                summary=seed["summary"],
                matter=[
                    {"heading": "Bakgrund", "text": seed["background"]},
                    {"heading": "Syfte", "text": seed["purpose"]},
                    {"heading": "Genomförande", "text": seed["implementation"]},
                    {"heading": "Förväntade resultat", "text": seed["expected_results"]},
                ],
                financing_rows=[
                    {"financier": row["financier"], "amount": str(row["amount"])}
                    for row in seed["financing"]
                ],
            )
        )
    Paragraph.objects.bulk_create(rows)
    counter.save()
    return meeting
