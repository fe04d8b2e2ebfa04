"""Reads for the registry: querysets carrying what each page needs.

Reusable by higher apps (e.g. the decisions app's work queues)::

    from projects.selectors import case_list_queryset, case_search
    from projects.filters import CaseFilter

    queryset = case_list_queryset().filter(state=CaseState.READY_FOR_RUN)
    case_filter = CaseFilter(request.GET, queryset=queryset, request=request)
    page = Paginator(case_filter.qs, 50).get_page(request.GET.get("page"))

and render ``templates/projects/partials/case_table.html`` (see its header comment).
"""

import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Expression,
    F,
    FloatField,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models import Case as CaseWhen
from django.db.models.functions import Coalesce, Substr

from core import batch
from core.collation import Folded, swedish
from core.expressions import AnyOf
from core.roles import Role
from projects import search, secrecy
from projects.dnr import parse_dnr
from projects.models import (
    CLOSED_STATES,
    Case,
    Document,
    Obligation,
    Organisation,
    OrganisationAlias,
    Project,
    ProjectMember,
    RusArea,
    SmartSpecialisationArea,
)

NYPS_PATTERN = re.compile(r"^\s*(\d{5,12})\s*$")
_WEBSEARCH_OPERATORS = re.compile(r"(\"|^-|\s-|\bor\b)", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)


# --- Users ---------------------------------------------------------------------


def officers(include=None) -> QuerySet:
    """Active users who may be responsible for a case (the officer role)."""
    User = get_user_model()
    condition = Q(is_active=True) & (Q(groups__name=Role.OFFICER) | Q(is_superuser=True))
    if include:
        condition |= Q(pk=include)
    # each user once without DISTINCT (which would select the collated names it sorts by)
    return User.objects.filter(pk__in=User.objects.filter(condition).values("pk")).order_by(
        swedish("first_name"), swedish("last_name"), "pk"
    )


# --- Cases ---------------------------------------------------------------------


def case_list_queryset() -> QuerySet[Case]:
    """Every case with what a list row shows (applicant, owner, officer) in one query."""
    return Case.objects.select_related("project__applicant", "project__owner", "officer").order_by(
        "-year", "-number"
    )


# What a row of templates/projects/partials/case_table.html (and the CSV export) reads:
# no project texts, no search vector, no owner. Deferring the rest keeps the list's SQL
# narrow (fewer joins to plan, far fewer bytes when projects carry pages of text).
CASE_TABLE_FIELDS = (
    "year",
    "number",
    "nyps_id",
    "kind",
    "title",
    "state",
    "received_on",
    "granted_amount",
    "officer__username",
    "officer__first_name",
    "officer__last_name",
    "project__requested_amount",
    "project__applicant__name",
)


def case_table_queryset() -> QuerySet[Case]:
    """Every case with only what a case-table row shows, in one query, newest first."""
    return (
        Case.objects.select_related("project__applicant", "officer")
        .only(*CASE_TABLE_FIELDS)
        .order_by("-year", "-number")
    )


# Characters of a case's stored search text read for its snippets on the search page: the
# case's own parts and the start of its documents' text (the whole is up to megabytes).
SNIPPET_HEAD = 100_000


def site_search_queryset() -> QuerySet[Case]:
    """The search page's rows: a case-table row and the start of the stored search text
    (``search_head``, ``secret_search_head``: the snippets; ``search_views._snippets``
    reads the whole of a case only where the start is cut and holds none)."""
    return (
        Case.objects.select_related("project__applicant", "officer")
        .only(*CASE_TABLE_FIELDS)
        .annotate(
            search_head=Substr("search_text", 1, SNIPPET_HEAD),
            secret_search_head=Substr("secret_search_text", 1, SNIPPET_HEAD),
        )
        .order_by("-year", "-number")
    )


def case_years() -> list[int]:
    """The years that have cases, newest first.

    On PostgreSQL a skip scan down the Dnr index (year, number): one index probe per
    year instead of a DISTINCT over every case (0.1 ms instead of 10 ms at 20 000 cases).
    """
    if not settings.USING_POSTGRES:
        return list(Case.objects.order_by("-year").values_list("year", flat=True).distinct())
    table = connection.ops.quote_name(Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE years(year) AS (
                (SELECT year FROM {table} ORDER BY year DESC LIMIT 1)
                UNION ALL
                SELECT (SELECT c.year FROM {table} c WHERE c.year < years.year
                        ORDER BY c.year DESC LIMIT 1)
                FROM years WHERE years.year IS NOT NULL
            )
            SELECT year FROM years WHERE year IS NOT NULL
            """  # noqa: S608 - the table name is ours, not input
        )
        return [row[0] for row in cursor.fetchall()]


def open_cases_for(user) -> QuerySet[Case]:
    """ "Mina ärenden": the user's open cases."""
    return case_list_queryset().filter(officer=user).exclude(state__in=CLOSED_STATES)


def _prefix_query(text: str) -> SearchQuery | None:
    """``arct sol`` -> ``arct:* & sol:*`` so words match while being typed."""
    if _WEBSEARCH_OPERATORS.search(text):
        return None
    words = _WORD.findall(text)
    if not words:
        return None
    raw = " & ".join(f"{word}:*" for word in words[:8])
    return SearchQuery(raw, search_type="raw", config=search.SEARCH_CONFIG)


_DNR_FRAGMENT = re.compile(r"^[\s\-/]*(\d{1,9})[\s\-/]*$")


def _dnr_fragment(text: str) -> Q | None:
    """A part of a Dnr typed alone: a running number (``412``, ``0035``: the case of that
    number in any year) or a year (``2022``, ``-2020``: the year's cases). The indexed Dnr
    is a word of its own (``00412-2023``), which neither part matches."""
    match = _DNR_FRAGMENT.match(text)
    if match is None:
        return None
    value = int(match[1])
    found = Q(number=value)
    if len(match[1]) == 4 and 1900 <= value <= 2100:
        found |= Q(year=value)
    return found


def case_search(queryset: QuerySet[Case], text: str, user=None) -> QuerySet[Case]:
    """Full-text search in Swedish, accents ignored, best match first; exact Dnr and
    NYPS-id match directly, and so does a Dnr's running number or year typed alone (first)
    (see ``projects.search`` for what is indexed).

    PostgreSQL: ``websearch_to_tsquery('swedish_unaccent', text)`` (plus prefix matching
    of plain words) against ``Case.search_vector`` (GIN index), ranked with ``ts_rank``.
    SQLite (the embedded default) matches the folded words in ``Case.search_text``.
    Marked material (OSL) is searched only for a ``user`` allowed to see it
    (``Case.secret_search_vector``, ``secrecy.secret_search_q``).
    """
    text = (text or "").strip()
    if not text:
        return queryset
    dnr = parse_dnr(text)
    if dnr:
        return queryset.filter(number=dnr[0], year=dnr[1])
    nyps = NYPS_PATTERN.match(text)
    exact = Q(nyps_id=nyps[1]) if nyps else Q(pk__in=[])
    fragment = _dnr_fragment(text)
    if fragment is not None:
        exact |= fragment
    secret = secrecy.secret_search_q(user) if user is not None else None
    if settings.USING_POSTGRES:
        query = SearchQuery(text, search_type="websearch", config=search.SEARCH_CONFIG)
        queries = [query]
        prefix = _prefix_query(text)
        if prefix is not None:
            queries.append(prefix)
        # Found by either query as one tsquery (``q1 || q2``): one scan of the GIN index
        # instead of a scan per query joined in a bitmap OR; a common word's postings are
        # a tenth of the register (at 200 000 cases, 9.5 ms instead of 10.5). Ranked by each.
        either = reduce(operator.or_, queries)
        condition = exact | Q(search_vector=either)
        # Ranked by the case's own parts (``rank_vector``: the vector without its documents,
        # a few hundred bytes); cases matched in their documents only rank 0, newest first.
        # Ranking by the whole vector read every match's, up to 1 MB each.
        rank = _rank("rank_vector", queries)
        if secret is not None:
            # the whole document of the cases this user may see marked: found and ranked by it
            condition |= secret & Q(secret_search_vector=either)
            secret_rank = _rank("secret_rank_vector", queries)
            rank = CaseWhen(
                When(secret & Q(secret_search_vector__isnull=False), then=secret_rank),
                default=rank,
                output_field=FloatField(),
            )
        queryset = queryset.filter(condition).annotate(
            search_rank=rank, search_secret=_secret_flag(secret)
        )
        if not nyps and fragment is None:
            return queryset.order_by("-search_rank", "-year", "-number")
        return queryset.annotate(
            exact_match=CaseWhen(
                When(exact, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        ).order_by("-exact_match", "-search_rank", "-year", "-number")
    words = search.query_words(text)
    matching = [
        pk
        for pk, stored in Case.objects.values_list("pk", "search_text")
        if search.folded_match(stored, words)
    ]
    if secret is not None:
        matching += [
            pk
            for pk, stored in Case.objects.filter(secret).values_list("pk", "secret_search_text")
            if stored and search.folded_match(stored, words)
        ]
    return queryset.filter(exact | Q(pk__in=matching)).annotate(search_secret=_secret_flag(secret))


def _rank(column: str, queries: list) -> Expression:
    rank: Expression = Value(0.0)
    for one in queries:
        rank = rank + Coalesce(SearchRank(F(column), one), Value(0.0))
    return rank


def _secret_flag(secret: Q | None) -> Expression:
    """``search_secret``: the row's snippets come from its whole document (``secret_search_text``)."""
    if secret is None:
        return Value(False, output_field=BooleanField())
    return CaseWhen(
        When(secret & ~Q(secret_search_text=""), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def case_detail(pk: int, preload=None) -> Case:
    """The case with everything its page shows: the case (one query), then its
    project's relations (as ``prefetch_related`` would fill them) together with what
    ``preload(case)`` adds ({name: queryset}, kept on the case: ``core.batch.loaded``)
    in one more query."""
    case = batch.get(
        Case.objects.select_related(
            "project__applicant", "project__owner", "officer", "project__follow_up_case"
        ).defer(*Case.SEARCH_FIELDS),
        pk=pk,
    )
    project = case.project
    project_sets = {
        "relation:partners": project.partners.all(),
        "relation:rus_areas": project.rus_areas.all(),
        "relation:smart_areas": project.smart_areas.all(),
        "relation:main_aims": project.main_aims.all(),
        "relation:members": project.members.select_related("organisation"),
        "relation:obligations": project.obligations.select_related("case"),
        "relation:cases": project.cases.select_related("officer")
        .defer(*Case.SEARCH_FIELDS)
        .order_by("year", "number"),
    }
    case_sets = {
        "relation:followed_up_projects": case.followed_up_projects.all(),
        **(preload(case) if preload else {}),
    }
    batch.fetch_together(*project_sets.values(), *case_sets.values(), prepare=True)
    for name, queryset in project_sets.items():
        batch.keep(project, name, queryset)
    for name, queryset in case_sets.items():
        batch.keep(case, name, queryset)
    return case


# --- Documents ---------------------------------------------------------------------


@dataclass
class DocumentGroup:
    """The versions of one document title, newest first."""

    title: str
    versions: list[Document] = field(default_factory=list)

    @property
    def latest(self) -> Document:
        return self.versions[0]

    @property
    def older(self) -> list[Document]:
        return self.versions[1:]


def visible_documents(user, queryset: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """Documents the user may open: secret ones (``projects.secrecy``) are left out for
    everyone the secrecy settings do not allow."""
    queryset = Document.objects.all() if queryset is None else queryset
    hidden = secrecy.hidden_documents_q(user)
    return queryset if hidden is None else queryset.exclude(hidden)


def documents_for_case(
    case: Case, user, registry: list[Document] | None = None
) -> list[DocumentGroup]:
    """The case's documents grouped by title, without those secret for the user; built
    from ``registry`` (the case page's registry list) when given, so the page reads the
    documents once."""
    if registry is None:
        registry = registry_for_case(case, user)
    documents = sorted(
        (d for d in registry if not getattr(d, "masked", None)), key=lambda d: (d.title, -d.version)
    )
    groups: dict[str, DocumentGroup] = {}
    for document in documents:
        groups.setdefault(document.title, DocumentGroup(title=document.title))
        groups[document.title].versions.append(document)
    return sorted(groups.values(), key=lambda g: g.latest.uploaded_at, reverse=True)


def registry_queryset(case: Case) -> QuerySet[Document]:
    return (
        case.documents.select_related("registered_by", "uploaded_by", "parent")
        .defer("text", "parent__text")  # the documents' extracted text: read by the search only
        .order_by("registry_number")
    )


def registry_for_case(case: Case, user, secrets=None) -> list[Document]:
    """The case's registry in number order (one query). Every entry is listed (that a
    document exists is public); ``masked`` on each is the marking that hides its title,
    description, party and file from this user, or ``None``."""
    secrets = secrets or secrecy.secrets_for(user, [case])
    documents: list[Document] = batch.loaded(case, "registry", lambda: registry_queryset(case))
    for document in documents:
        document.case = case
        masked = secrets.hides_document(document)
        document.masked = masked  # type: ignore[attr-defined]  # read by the templates
        document.mask_label = secrecy.mask_label(masked) if masked else ""  # type: ignore[attr-defined]
    return documents


def document_titles_queryset(case: Case, user=None) -> QuerySet:
    """The case's document titles (for a new version); with ``user``, without the titles of
    documents secret to them."""
    documents = case.documents.all()
    if user is not None:
        documents = visible_documents(user, documents)
    return documents.order_by("title").values_list("title", flat=True).distinct()


def document_titles(case: Case, user=None) -> list[str]:
    """``document_titles_queryset``'s titles (read with the case page's rows when it kept
    them under ``"registry.titles"``, core.batch)."""
    if user is None:
        return list(document_titles_queryset(case))
    return batch.loaded(case, "registry.titles", lambda: document_titles_queryset(case, user))


# --- Projects and organisations ---------------------------------------------------


def project_list_queryset() -> QuerySet[Project]:
    return Project.objects.select_related("applicant", "owner").prefetch_related(
        Prefetch("cases", queryset=Case.objects.order_by("year", "number"))
    )


def project_detail(pk: int) -> Project:
    return (
        Project.objects.select_related("applicant", "owner", "follow_up_case")
        .prefetch_related(
            "partners",
            "rus_areas",
            "smart_areas",
            "main_aims",
            Prefetch("members", queryset=ProjectMember.objects.select_related("organisation")),
            Prefetch("obligations", queryset=Obligation.objects.select_related("case")),
            Prefetch(
                "cases",
                queryset=Case.objects.select_related("officer").order_by("year", "number"),
            ),
        )
        .get(pk=pk)
    )


def organisation_search(text: str, *, limit: int | None = None) -> QuerySet[Organisation]:
    """Organisations whose name (typed with or without its accents), org number, town or
    an alias matches; names starting with it first.

    Each way has its index on PostgreSQL (migration projects 0031), so the ways are one
    ``BitmapOr`` (the alias as ``AnyOf``, not a subplan every row is tested against) and a
    keystroke reads only the matches, however many organisations the region has."""
    queryset = Organisation.objects.all()
    text = (text or "").strip()
    if text:
        # the name folded (lower case, no accents) holds the typed text folded wherever the
        # name holds it in any case: "lulea" and "LULEÅ" both find "Luleå kommun"
        typed = Folded(Value(text))
        aliases = OrganisationAlias.objects.filter(name__iexact=text).values("organisation")
        queryset = (
            queryset.filter(
                Q(name_folded__contains=typed)
                | Q(org_number__startswith=text)
                | Q(city__icontains=text)
                | AnyOf("pk", aliases)
            )
            .annotate(
                starts=CaseWhen(
                    When(name_folded__startswith=typed, then=0),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("starts", "name")
        )
    else:
        queryset = queryset.order_by("name")
    if limit:
        queryset = queryset[:limit]
    return queryset


PROJECT_SEARCH_MIN = 3


def project_search(text: str, *, limit: int = 12) -> list[Project]:
    """The project picker's matches (``project_matches``), at most ``limit``, each with
    ``picker_cases`` (its cases, oldest first) and its applicant."""
    projects = project_matches(text)
    if projects is None:
        return []
    return list(
        projects.select_related("applicant").prefetch_related(
            Prefetch(
                "cases",
                queryset=Case.objects.only("pk", "project_id", "year", "number").order_by(
                    "year", "number"
                ),
                to_attr="picker_cases",
            )
        )[:limit]
    )


def project_matches(text: str) -> QuerySet[Project] | None:
    """Projects by a Dnr or NYPS-id of one of their cases, else by the words typed, each a
    part of the title or of the applicant's name (accents and case ignored), titles
    starting with the text first (``None``: a text too
    short to search by: two letters match most applicants, and a trigram needs three).

    PostgreSQL finds the title's part in the trigram index (projects 0024) and the
    applicants' projects by key (``AnyOf``): one BitmapOr, not a scan of every project."""
    text = (text or "").strip()
    dnr = parse_dnr(text)
    nyps = NYPS_PATTERN.match(text)
    if dnr:
        cases = Case.objects.filter(number=dnr[0], year=dnr[1])
        return Project.objects.filter(AnyOf("pk", cases.values("project_id"))).order_by("pk")
    if nyps:
        cases = Case.objects.filter(nyps_id=nyps[1])
        return Project.objects.filter(AnyOf("pk", cases.values("project_id"))).order_by("pk")
    if len(text) < PROJECT_SEARCH_MIN:
        return None
    # each word typed, with or without its accents, in the title or the applicant's name
    # ("solcell umea" finds "Solcellspark Umeå hamn"), each from its trigram index
    words = text.split()[:6]
    found = []
    for word in words:
        typed = Folded(Value(word))
        applicants = Organisation.objects.filter(name_folded__contains=typed).values("pk")
        found.append(Q(title_folded__contains=typed) | AnyOf("applicant", applicants))
    return (
        Project.objects.annotate(title_folded=Folded("title"))
        .filter(*found)
        .annotate(
            starts=CaseWhen(
                When(title_folded__startswith=Folded(Value(" ".join(words))), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("starts", "title", "pk")
    )


def organisation_projects_queryset(organisation: Organisation) -> QuerySet[Project]:
    """The projects the organisation takes part in (applicant, owner, partner), by title:
    a municipality's run to hundreds over the years, so the page shows them a page at a
    time (``organisation_project_rows``)."""
    # the partners' projects as keys looked up in the projects' index (AnyOf): with the
    # applicant's and owner's indexes one BitmapOr, not every project joined to its
    # partners, filtered and made DISTINCT (at 200 000 projects, 37 -> 3 ms)
    as_partner = Project.partners.through.objects.filter(organisation=organisation)
    return (
        Project.objects.filter(
            Q(applicant=organisation)
            | Q(owner=organisation)
            | AnyOf("pk", as_partner.values("project_id"))
        )
        .select_related("applicant", "owner")
        .order_by("title", "pk")
    )


def organisation_project_rows(organisation: Organisation, projects) -> list[dict]:
    """``projects`` (a page of ``organisation_projects_queryset``) with the organisation's
    roles in each and each project's cases, read for those projects only."""
    projects = list(projects)
    prefetch_related_objects(
        projects,
        "partners",
        Prefetch(
            "cases", queryset=Case.objects.select_related("officer").order_by("year", "number")
        ),
    )
    rows = []
    for project in projects:
        roles = []
        if project.applicant_id == organisation.pk:
            roles.append("applicant")
        if project.owner_id == organisation.pk:
            roles.append("owner")
        if any(p.pk == organisation.pk for p in project.partners.all()):
            roles.append("partner")
        rows.append({"project": project, "roles": roles})
    return rows


def areas() -> dict:
    return {
        "rus": list(RusArea.objects.all()),
        "smart": list(SmartSpecialisationArea.objects.all()),
    }
