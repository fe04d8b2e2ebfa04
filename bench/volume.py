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
from projects import search
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
# The protocol benchmark's meeting: as long as seed 001's protocol (58 pages).
PROTOCOL_PARAGRAPHS = 40


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
    _volume_documents()
    _search_vectors()
    if missing >= LONG_HISTORY_FROM:
        _long_histories([p.pk for p in projects[:: missing // LONG_HISTORIES][:LONG_HISTORIES]])
    return missing


# A few projects followed for years: saved again and again (each record holds every text of
# the project), so the crawl times the case page of a long history (``bench.crawl``).
LONG_HISTORIES, LONG_HISTORY_SAVES, LONG_HISTORY_FROM = 5, 300, 10_000


def _long_histories(project_ids: list[int]) -> None:
    history = Project.history.model
    given = {
        f.column: f"p.{connection.ops.quote_name(f.column)}"
        for f in Project._meta.concrete_fields
        if f.column != "updated_at"
    }
    text = "Projektet utvecklar arbetet i länet tillsammans med lokala aktörer. " * 40
    given |= {
        "summary": f"'{text}' || ' Version ' || g",
        "background": f"'{text}'",
        "history_date": "now() - g * interval '7 hours'",
        "history_type": "'~'",
        "history_user_id": "(SELECT min(c.officer_id) FROM projects_case c"
        " WHERE c.project_id = p.id)",
    }
    with connection.cursor() as cursor:
        _insert(
            cursor,
            history,
            given,
            f"FROM projects_project p, generate_series(1, {LONG_HISTORY_SAVES}) g"
            f" WHERE p.id IN ({', '.join(str(int(pk)) for pk in project_ids)})",
        )


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


def _volume_documents():
    """2-3 documents for each case made here, as ``grow_sql`` gives the cases it adds (the
    same three files and text): the pages that list documents (the e-diarium, the case
    page) and the search index read the same shape of data at 20 000 cases as at 200 000,
    so a page's growth is the register's size, not more documents per case."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TEMP TABLE bench_new AS
            SELECT c.id AS case_id, c.officer_id AS officer, c.number,
                   c.registered_on AS registered, c.id AS g,
                   lower(split_part(c.title, ' ', 4)) AS w1, split_part(c.title, ' ', 6) AS w2,
                   split_part(p.purpose, ' ', 3) AS w3
            FROM projects_case c JOIN projects_project p ON p.id = c.project_id
            WHERE c.search_vector IS NULL
              AND NOT EXISTS (SELECT 1 FROM projects_document d WHERE d.case_id = c.id)
            """
        )
        _documents(cursor)
        cursor.execute("DROP TABLE bench_new")


# A case's vectors as ``projects.services.case_refresh_search`` makes them: its own parts
# (weights A-C), and the whole with its documents' text (D).
_OWN_PARTS = """
    setweight(to_tsvector(%(config)s, lpad(c.number::text, 5, '0') || '-' || c.year
              || ' ' || coalesce(c.nyps_id, '') || ' ' || c.title), 'A')
    || setweight(to_tsvector(%(config)s, coalesce(o.name, '')), 'B')
    || setweight(to_tsvector(%(config)s, p.summary || ' ' || p.purpose), 'C')"""
SEARCH_VECTORS = f"""rank_vector = {_OWN_PARTS},
    search_vector = {_OWN_PARTS}
    || setweight(to_tsvector(%(config)s, coalesce(
         (SELECT string_agg(left(d.text, {search.MAX_DOCUMENT_CHARS}), ' ')
          FROM projects_document d WHERE d.case_id = c.id), '')), 'D')"""


def _search_vectors():
    """The new cases' search vectors as ``grow_sql`` (and the app) makes them: with their
    documents' text at weight D."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE projects_case c SET {SEARCH_VECTORS}
            FROM projects_project p LEFT JOIN projects_organisation o ON o.id = p.applicant_id
            WHERE p.id = c.project_id AND c.search_vector IS NULL
            """,  # noqa: S608 - numbers of ours
            {"config": search.SEARCH_CONFIG},
        )


@transaction.atomic
def meetings(total: int = 200) -> Meeting:
    """``total`` RUN meetings over five years with 20 paragraphs each (4 000 in all).

    Returns one extra meeting with ``PROTOCOL_PARAGRAPHS`` full case paragraphs (the
    seed's § 34-41 texts, repeated) for the protocol benchmark.
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
            # signed below, once its §§ are in: nothing is added to a signed protocol
            "status": "held",
        },
    )
    if not created:
        return meeting
    counter, _ = ParagraphCounter.objects.get_or_create(body=body, year=2023)
    rows = []
    for i in range(PROTOCOL_PARAGRAPHS):
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
    # extracts are only made of signed protocols
    Meeting.objects.filter(pk=meeting.pk).update(status="signed", signed_at=timezone.now())
    meeting.refresh_from_db()
    return meeting


# --- The large size: plain SQL -------------------------------------------------------------
#
# 200 000 cases over ten years (2014-2023) with 500 000 documents whose text is in the
# search index: bulk_create would take a quarter of an hour on 2 cores, the SQL below takes
# minutes. Each table is filled by one INSERT ... SELECT over a temporary table of the new
# cases (random values from a seeded random()), ids taken from the tables' sequences.

LARGE_YEARS = tuple(range(2014, 2024))
DOCUMENTS_PER_CASE = 2.5  # two or three each


def _defaults(model, given: dict[str, str]) -> tuple[list[str], list[str], list]:
    """Columns and SQL expressions for an INSERT of ``model``: ``given`` ({column: SQL}),
    the rest its Python default, ``now()`` for auto_now fields, NULL or ''."""
    from django.db.models import NOT_PROVIDED

    columns, expressions, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key and f.column not in given:
            continue  # its sequence
        columns.append(connection.ops.quote_name(f.column))
        if f.column in given:
            expressions.append(given[f.column])
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            expressions.append("now()")
        elif f.default is not NOT_PROVIDED:
            expressions.append("%s")
            params.append(f.get_db_prep_save(f.get_default(), connection))
        elif f.null:
            expressions.append("NULL")
        else:
            expressions.append("''")
    return columns, expressions, params


def _insert(cursor, model, given: dict[str, str], source: str) -> int:
    columns, expressions, params = _defaults(model, given)
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)})"  # noqa: S608 - ours
        f" SELECT {', '.join(expressions)} {source}",
        params,
    )
    return cursor.rowcount


def grow_sql(target: int) -> dict:
    """Add cases (projects, RUS areas, financing plans with two rows, commitments for the
    granted, 2-3 documents each with their text in the case's search vector) until there
    are ``target``; returns the seconds each step took."""
    import time

    timings: dict = {}
    existing = Case.objects.count()
    missing = target - existing
    if missing <= 0:
        return timings
    rng = random.Random(20140101)
    officers = [u.pk for u in _officers()]
    orgs = _organisations(rng)
    rus = list(RusArea.objects.values_list("pk", flat=True))
    region = Organisation.objects.get(name="Region Norrbotten").pk
    user = get_user_model().objects.get(username="controller").pk
    grants = {}
    for year in LARGE_YEARS:
        DiaryCounter.objects.get_or_create(year=year, defaults={"last_number": 0})
        grants[year] = Grant.objects.get_or_create(
            year=year, defaults={"amount": Decimal("50000000000")}
        )[0].pk
    cf_states = [str(s) for s in CF_STATES]
    pi_states = [str(s) for s in PI_STATES]
    clock = time.perf_counter()

    def step(name):
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 1)
        clock = now

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2014)")
        cursor.execute(
            """
            CREATE TEMP TABLE bench_new ON COMMIT DROP AS
            SELECT g,
                   nextval('projects_project_id_seq') AS project_id,
                   nextval('projects_case_id_seq') AS case_id,
                   nextval('financing_financingplan_id_seq') AS plan_id,
                   %(years)s::int[] AS years,
                   (%(years)s::int[])[1 + (g %% array_length(%(years)s::int[], 1))] AS year,
                   random() < 0.7 AS co_financing,
                   (%(words)s::text[])[1 + floor(random() * %(nwords)s)::int] AS w1,
                   (%(words)s::text[])[1 + floor(random() * %(nwords)s)::int] AS w2,
                   (%(words)s::text[])[1 + floor(random() * %(nwords)s)::int] AS w3,
                   (%(officers)s::bigint[])[1 + floor(random() * %(nofficers)s)::int] AS officer,
                   (%(orgs)s::bigint[])[1 + floor(random() * %(norgs)s)::int] AS applicant,
                   (%(orgs)s::bigint[])[1 + floor(random() * %(norgs)s)::int] AS financier,
                   (%(rus)s::bigint[])[1 + floor(random() * %(nrus)s)::int] AS rus,
                   (200 + floor(random() * 3800))::numeric * 1000 AS requested,
                   3 + floor(random() * 4)::int AS budget_factor,
                   floor(random() * 7)::int AS state_index,
                   1 + floor(random() * 12)::int AS month,
                   1 + floor(random() * 28)::int AS day,
                   300 + floor(random() * 800)::int AS days
            FROM generate_series(%(first)s, %(last)s) g
            """,
            {
                "years": list(LARGE_YEARS),
                "words": WORDS,
                "nwords": len(WORDS),
                "officers": officers,
                "nofficers": len(officers),
                "orgs": orgs,
                "norgs": len(orgs),
                "rus": rus,
                "nrus": len(rus),
                "first": existing,
                "last": target - 1,
            },
        )
        cursor.execute(
            "ALTER TABLE bench_new ADD COLUMN kind text, ADD COLUMN state text,"
            " ADD COLUMN registered date, ADD COLUMN number int"
        )
        cursor.execute(
            """
            UPDATE bench_new SET
                kind = CASE WHEN co_financing THEN %s ELSE %s END,
                state = CASE WHEN co_financing THEN (%s::text[])[1 + state_index]
                             ELSE (%s::text[])[1 + state_index] END,
                registered = make_date(year, month, day)
            """,
            [str(CaseKind.CO_FINANCING), str(CaseKind.PROJECT_IDEA), cf_states, pi_states],
        )
        cursor.execute(
            """
            UPDATE bench_new n SET number = coalesce(d.last_number, 0) + r.rn
            FROM (SELECT g, row_number() OVER (PARTITION BY year ORDER BY g) AS rn
                  FROM bench_new) r, projects_diarycounter d
            WHERE r.g = n.g AND d.year = n.year
            """
        )
        step("temporary table")
        _insert(
            cursor,
            Project,
            {
                "id": "n.project_id",
                "title": "initcap(n.w1) || ' och ' || n.w2 || ' i Norrbotten ' || n.g",
                "applicant_id": "n.applicant",
                "owner_id": "n.applicant",
                "start_date": "make_date(n.year, n.month, 1)",
                "end_date": "make_date(n.year, n.month, 1) + n.days",
                "requested_amount": "n.requested",
                "total_budget": "n.requested * n.budget_factor",
                "summary": "'Projektet arbetar med ' || n.w1 || ', ' || n.w2 || ' och ' || n.w3 || '.'",
                "purpose": "'Att stärka ' || n.w3 || ' i länet.'",
            },
            "FROM bench_new n",
        )
        cursor.execute(
            "INSERT INTO projects_project_rus_areas (project_id, rusarea_id)"
            " SELECT project_id, rus FROM bench_new"
        )
        step("projects")
        granted = f"n.state IN ('{CaseState.GRANTED}', '{CaseState.RUNNING}')"
        decided = (
            f"n.state IN ('{CaseState.GRANTED}', '{CaseState.RUNNING}', '{CaseState.REJECTED}')"
        )
        _insert(
            cursor,
            Case,
            {
                "id": "n.case_id",
                "year": "n.year",
                "number": "n.number",
                "kind": "n.kind",
                "title": "'Medfinansiering av projektet ' || initcap(n.w1) || ' och ' || n.w2"
                " || ' i Norrbotten ' || n.g",
                "officer_id": "n.officer",
                "received_on": "n.registered",
                "registered_on": "n.registered",
                "project_id": "n.project_id",
                "state": "n.state",
                "state_since": "now()",
                "granted_amount": f"CASE WHEN {granted} THEN n.requested END",
                "decided_on": f"CASE WHEN {decided} THEN n.registered + 60 END",
            },
            "FROM bench_new n",
        )
        cursor.execute(
            """
            UPDATE projects_diarycounter d SET last_number = m.number
            FROM (SELECT year, max(number) AS number FROM bench_new GROUP BY year) m
            WHERE d.year = m.year
            """
        )
        step("cases")
        _insert(
            cursor,
            FinancingPlan,
            {
                "id": "n.plan_id",
                "project_id": "n.project_id",
                "stated_total": "n.requested * n.budget_factor",
                "status": f"'{PlanStatus.APPROVED}'",
                "reviewed_by_id": str(user),
                "reviewed_at": "now()",
                "submitted_by_id": str(user),
                "submitted_at": "now()",
            },
            "FROM bench_new n",
        )
        _financing_rows(cursor, region)
        grant_case = " ".join(f"WHEN {year} THEN {pk}" for year, pk in grants.items())
        _insert(
            cursor,
            Commitment,
            {
                "grant_id": f"CASE n.year {grant_case} END",
                "category": f"'{GrantCategory.PROJECT}'",
                "priority": f"'{ReportPriority.INNOVATION}'",
                "case_id": "n.case_id",
                "amount": "n.requested",
                "committed_on": "n.registered + 60",
                "created_by_id": str(user),
            },
            f"FROM bench_new n WHERE {granted}",
        )
        step("financing")
        _documents(cursor)
        step("documents")
        cursor.execute(
            f"""
            UPDATE projects_case c SET {SEARCH_VECTORS}
            FROM bench_new n, projects_project p
              LEFT JOIN projects_organisation o ON o.id = p.applicant_id
            WHERE c.id = n.case_id AND p.id = c.project_id
            """,  # noqa: S608 - numbers of ours
            {"config": search.SEARCH_CONFIG},
        )
        step("search index")
    return timings


def _financing_rows(cursor, region: int) -> None:
    cursor.execute(
        """
        INSERT INTO financing_financingrow
            (plan_id, financier_id, funding_type, amount_applied, in_kind, position)
        SELECT n.plan_id,
               CASE WHEN p.position = 0 THEN %s ELSE n.financier END,
               CASE WHEN p.position = 0 THEN %s ELSE %s END,
               CASE WHEN p.position = 0 THEN n.requested
                    ELSE n.requested * (n.budget_factor - 1) END,
               false, p.position
        FROM bench_new n CROSS JOIN (VALUES (0), (1)) p(position)
        """,
        [region, FundingCode.REGION_1_1, FundingCode.ERUF],
    )


GROWN_TITLES = ("Ansökan", "Budget", "Bilaga")


def _document_files() -> list[tuple[str, int, str]]:
    """Three real PDFs under MEDIA_ROOT that the grown documents share (one per title):
    what reads the files (the archive export, downloads) reads real ones, with their true
    size and SHA-256."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.pdf import render_pdf

    files = []
    for number, title in enumerate(GROWN_TITLES, start=1):
        content = render_pdf(
            f"<h1>{title}</h1><p>Ett dokument i volymdata för prestandamätningen.</p>"
        )
        name = f"bench/grown-{number}.pdf"
        default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
        files.append((name, len(content), hashlib.sha256(content).hexdigest()))
    return files


def _sql_array(values) -> str:
    return (
        "ARRAY["
        + ", ".join(f"'{value}'" if isinstance(value, str) else str(value) for value in values)
        + "]"
    )


def _documents(cursor) -> None:
    from projects.models import Document

    files = _document_files()
    names, sizes, checksums = (_sql_array(column) for column in zip(*files, strict=True))
    given = {
        "case_id": "n.case_id",
        "title": f"({_sql_array(GROWN_TITLES)})[d]",
        "kind": f"'{Document.Kind.APPENDIX}'",
        "file": f"({names})[d]",
        "original_name": f"({_sql_array(GROWN_TITLES)})[d] || '.pdf'",
        "content_type": "'application/pdf'",
        "size": f"({sizes})[d]",
        "sha256": f"({checksums})[d]",
        "uploaded_by_id": "n.officer",
        "text": "'Ansökan om medfinansiering. Projektet arbetar med ' || n.w1 || ', '"
        " || n.w2 || ' och ' || n.w3 || ' i Norrbotten. Budgeten omfattar personal,"
        " externa tjänster och investeringar. Resultaten sprids till företag och"
        " kommuner i länet. Dokument ' || d || ' i ärende ' || n.number || '.'",
        "text_extracted_at": "now()",
        "registry_number": "d",
        "document_date": "n.registered",
        "registered_at": "now()",
        "registered_by_id": "n.officer",
    }
    _insert(
        cursor,
        Document,
        given,
        "FROM bench_new n CROSS JOIN LATERAL generate_series(1, 2 + (n.g %% 2)) d",
    )
