"""The crawl: every page a user reaches from the menu, timed at both sizes.

The bench's own pages (``run.pages``) are the ones users open most; a page outside them
can grow with the register unseen (the ninth round found the financing plans list at
1.6 s, the e-diarium by party at 0.5 s). The crawl times them all, in-process:

- every route without arguments that answers a GET with a page (not the admin, the API,
  the accounts or the exports);
- on each such page, the links back to the same page with another query: its sort
  columns, its filters' links, its first and last pages (at most ``PER_ROUTE`` each);
- the detail pages of the objects that hold the most of something (``largest_objects``:
  an organisation's projects, a project's cases, a case's documents, a meeting's
  paragraphs, a body's meetings, a plan's rows), chosen at 20 000 cases (the thirteenth
  round found an organisation's page listing all its 459 projects);
- as a superuser (made for the bench), who sees every menu entry and every case.

Each URL's median wall-clock time of ``ROUNDS`` requests (PostgreSQL's work included) and
its queries are kept per size; ``report`` lists the slowest and the URLs that grew more
than the bare view did (divided by its growth, as the bench's pages are).
"""

from __future__ import annotations

import html
import re
import statistics
import time
import urllib.parse

ROUNDS = 5  # a page of 20-40 ms varied by half between runs of 3 on a slow machine
PER_ROUTE = 12
# Not pages: the admin (its own product), machine interfaces, the login and account
# forms, downloads (timed by the documents step), the bench's own view.
SKIP = re.compile(
    r"^/(admin|api|accounts|oidc|i18n|__bench__|__debug__|healthz|static|media)"
    r"|\.(xlsx|csv|pdf|docx|zip|json|xml|ics)$|/(export|download|chip|antal)/?"
)
HREF = re.compile(r'href="([^"#]+)"')
# A growth worth reporting: the URL takes at least this long at the large size (below
# it, one scheduling hiccup doubles a figure).
FLOOR_MS = 15.0
SLOW_MS = 100.0


def routes() -> list[str]:
    """Every route without arguments, as a path (the language prefix as served)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            pattern = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if "<" in pattern or "(?P" in pattern:
                    continue
                walk(entry.url_patterns, prefix + pattern.lstrip("^").rstrip("$"))
            elif isinstance(entry, URLPattern):
                if "<" in pattern or "(?P" in pattern or "(" in pattern:
                    continue
                path = "/" + (prefix + pattern.lstrip("^").rstrip("$"))
                found.append(path.replace("//", "/"))

    walk(get_resolver().url_patterns, "")
    return sorted({path for path in found if not SKIP.search(path)})


def _same_page_links(path: str, content: str) -> list[str]:
    """The page's links to itself with a query (sorts, filters, pages): the first and the
    last page link and every other variant, at most ``PER_ROUTE``."""
    variants: dict[str, None] = {}
    pages: list[tuple[int, str]] = []
    for href in HREF.findall(content):
        target = urllib.parse.urlsplit(html.unescape(href))
        if target.path not in ("", path) or not target.query or target.netloc:
            continue
        query = urllib.parse.parse_qs(target.query)
        if "format" in query:  # a download of the list (CSV, XLSX), not a page
            continue
        url = f"{path}?{target.query}"
        if set(query) == {"page"}:
            try:
                pages.append((int(query["page"][0]), url))
            except ValueError:
                continue
        else:
            variants.setdefault(url)
    if pages:
        pages.sort()
        variants.setdefault(pages[-1][1])  # the deepest page linked (the last one)
    return list(variants)[:PER_ROUTE]


def largest_objects() -> list[str]:
    """The detail pages of the objects that hold the most (an organisation's projects, a
    project's cases, a case's documents, a meeting's paragraphs, a body's meetings, a
    plan's rows, a case's project's history records): a page that lists all of something
    grows with it, and the routes above have no argument. Chosen at 20 000 cases and timed
    again at the large size, as the register grows around them."""
    from django.db.models import Count
    from django.urls import reverse

    from decisions.meetings.models import Body, Meeting
    from financing.models import FinancingPlan
    from projects.models import Case, Organisation, Project

    def most(queryset, relation: str):
        return queryset.annotate(n=Count(relation)).order_by("-n", "pk").first()

    out = []
    for name, queryset, relation, key in (
        ("projects:organisation_detail", Organisation.objects.all(), "applied_projects", "pk"),
        ("projects:project_detail", Project.objects.all(), "cases", "pk"),
        ("projects:case_detail", Case.objects.all(), "documents", "pk"),
        ("decisions:meeting_detail", Meeting.objects.all(), "paragraphs", "pk"),
        ("decisions:body_detail", Body.objects.all(), "meetings", "pk"),
        ("financing:plan_detail", FinancingPlan.objects.all(), "rows", "project_id"),
    ):
        found = most(queryset, relation)
        if found is not None:
            out.append(reverse(name, args=[getattr(found, key)]))
    # the case whose project has the longest history (its timeline)
    longest = (
        Project.history.model.objects.values("id")
        .annotate(n=Count("history_id"))
        .order_by("-n", "id")
        .first()
    )
    case = longest and Case.objects.filter(project_id=longest["id"]).order_by("pk").first()
    if case is not None:
        out.append(reverse("projects:case_detail", args=[case.pk]))
    return out


def urls(client) -> list[str]:
    """The routes that answer a GET with a page, each followed by its own variants, and
    the largest objects' pages (``largest_objects``)."""
    out: list[str] = []
    for path in routes():
        response = client.get(path)
        if (
            response.status_code != 200
            or response.streaming
            or "html" not in response.get("Content-Type", "")
        ):
            continue
        out.append(path)
        out.extend(_same_page_links(path, response.content.decode()))
    return out + largest_objects()


def _size(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def _time(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm (the compiled-SQL caches, the session)
    samples = []
    status = 200
    queries = 0
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            size = _size(response)  # a streamed answer is made while it is read
            samples.append((time.perf_counter() - start) * 1000)
        status, queries = response.status_code, len(ctx.captured_queries)
    return {
        "ms": round(statistics.median(samples), 1),
        "queries": queries,
        "status": status,
        "kb": round(size / 1024),
    }


def crawl(url_list: list[str] | None = None) -> dict:
    """``{url: {"ms", "queries", "status"}}``; the URL list found on the database as it
    is, unless given (the large size times the URLs the 20 000-case crawl found)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _created = get_user_model().objects.get_or_create(
        username="bench-crawler",
        defaults={"is_superuser": True, "is_staff": True, "first_name": "Bench"},
    )
    client = Client()
    client.force_login(user)
    found = url_list if url_list is not None else urls(client)
    return {url: _time(client, url) for url in found}


def report(results: dict) -> list[str]:
    """The crawl's lines for the printed table: the slowest URLs at each size, and the
    ones that grew more than 1.3x the bare view's growth."""
    lines: list[str] = []
    small, large = results.get("crawl_20k", {}), results.get("crawl_large", {})
    for size, crawled in (("20k", small), ("large", large)):
        if not crawled:
            continue
        cases = results[f"volume_{size}"]["cases"]
        slowest = sorted(crawled.items(), key=lambda item: -item[1]["ms"])[:10]
        errors = [url for url, t in crawled.items() if t["status"] >= 500]
        lines.append(
            f"\nCrawl at {cases} cases: {len(crawled)} URLs, {len(errors)} errors; the slowest"
            " (in-process median ms, queries)"
        )
        lines += [f"  {t['ms']:>8} {t['queries']:>4}  {url}" for url, t in slowest]
        lines += [f"  ERROR {crawled[url]['status']}  {url}" for url in errors]
    if small and large:
        bare = results.get("growth", {}).get("bare view", 1.0) or 1.0
        grown = grown_urls(small, large, bare)
        lines.append(
            f"\nCrawled URLs that grew more than 1.3x (÷ the bare view's {bare}) and take"
            f" {FLOOR_MS:g} ms or more: {len(grown)}"
        )
        lines += [
            f"  {small[url]['ms']:>8} -> {large[url]['ms']:>8} ms  {g}x  {url}" for url, g in grown
        ]
    return lines


def grown_urls(small: dict, large: dict, bare_growth: float = 1.0) -> list[tuple[str, float]]:
    out = []
    for url, t in large.items():
        before = small.get(url)
        if not before or t["ms"] < FLOOR_MS or not before["ms"]:
            continue
        growth = round(t["ms"] / before["ms"] / bare_growth, 2)
        if growth > 1.3:
            out.append((url, growth))
    return sorted(out, key=lambda item: -item[1])


def slow_urls(crawled: dict) -> list[str]:
    return [url for url, t in crawled.items() if t["ms"] > SLOW_MS]
