"""Crawl every URL pattern as every role (issue #8, point 5.1).

GET every page anonymously and as each role with the world's real objects in the path:
anonymous is sent to the login page (401 from the API), nobody ever gets a 500, a role
gets exactly the pages ``expectations`` says, and no page shows a role a form, button or
link for an action of another role. Then POST to every action as each role that may not
fire it: 403 (login for anonymous) and nothing in the database changes.

And no page reads a case's whole text to show it. A case's search columns
(``Case.SEARCH_FIELDS``: the text of every document of the case, up to 100 000 characters
each, as a vector and as text, twice for a case with marked material) and a document's
extracted text (``Document.text``) are read by the search and its snippets only. A list that
joins its cases (``select_related("case")``) without leaving them out reads megabytes a page
with real documents, which the bench's short texts hide: the crawls below capture every
page's queries, and none may select those columns.
"""

import html
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from tests.security.expectations import (
    ACTIONS,
    CTL,
    DEC,
    OBJECT_REFUSALS,
    OFF,
    POST_ONLY,
    PUBLIC,
    READ_ON_GET,
    ROLES,
    SEC,
    expected_get,
)
from tests.security.routes import OPTIONAL, ROUTES, all_patterns, full_name, path_for
from tests.security.writes import Writes, app_tables, changed_tables

pytestmark = pytest.mark.django_db

QUERY = {"projects:organisation_chip": lambda w: f"?pk={w.organisation.pk}"}


def url_of(world, name: str) -> str:
    return path_for(world, name) + QUERY.get(name, lambda w: "")(world)


def test_the_route_table_covers_every_url_pattern():
    names = {full_name(name, ns) for _route, name, ns in all_patterns() if name}
    unnamed = [route for route, name, _ns in all_patterns() if not name]
    assert not unnamed, f"unnamed URL patterns escape the crawl: {unnamed}"
    assert names - set(ROUTES) - OPTIONAL == set(), "add the new pages to routes.ROUTES"
    assert set(ROUTES) - names == set(), "routes.ROUTES names pages that do not exist"
    assert set(ACTIONS) <= names and POST_ONLY <= names


def test_every_route_resolves_to_its_own_view(world):
    """No pattern is shadowed by an earlier one with the same path (a link built with
    ``reverse`` must reach the view it names)."""
    shadowed = []
    for name in sorted(ROUTES):
        path = path_for(world, name)
        if resolve(path).view_name != name:
            shadowed.append(f"{name}: {path} reaches {resolve(path).view_name}")
    assert not shadowed, "\n".join(shadowed)


# --- Action links and forms on a page ----------------------------------------------------

ATTRIBUTE = re.compile(
    r"""<(?P<tag>form|a|button|input|div|tr|li|span|section|dialog)\b(?P<attrs>[^>]*)>""",
    re.IGNORECASE,
)
ATTR = re.compile(r"""([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')""")


def _attrs(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(3) or m.group(4) or "")
        for m in ATTR.finditer(text)
    }


def _route_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        return resolve(parts.path).view_name
    except Resolver404:
        return None


def action_targets(content: str) -> list[tuple[str, str, str]]:
    """(kind, route name, url) of every link, htmx request and POST form of the page.

    kind is ``post`` (a form with method post, hx-post) or ``open`` (a link or hx-get that
    opens a page or dialog).
    """
    found = []
    for match in ATTRIBUTE.finditer(content):
        tag = match.group("tag").lower()
        attrs = _attrs(match.group("attrs"))
        targets = []
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            targets.append(("post", attrs.get("action", "")))
        for name in ("hx-post", "hx-put", "hx-patch", "hx-delete", "formaction"):
            if attrs.get(name):
                targets.append(("post", attrs[name]))
        if attrs.get("hx-get"):
            targets.append(("open", attrs["hx-get"]))
        if tag == "a" and attrs.get("href"):
            targets.append(("open", attrs["href"]))
        for kind, url in targets:
            route = _route_of(url) if url else None
            if route:
                found.append((kind, route, url))
    return found


def foreign_actions(content: str, role: str) -> list[str]:
    """Actions offered on the page that ``role`` may not fire (by role)."""
    problems = []
    for kind, route, url in action_targets(content):
        if route not in ACTIONS or role in ACTIONS[route]:
            continue
        if kind == "open" and route in READ_ON_GET:
            continue
        problems.append(f"{kind} {url} ({route})")
    return problems


# --- GET crawl -----------------------------------------------------------------------------


# A column in a select list (after SELECT or a comma, before a comma or FROM), not in a
# condition (the search's WHERE) or a function's arguments (its rank).
WHOLE_TEXT = re.compile(
    r'(?:SELECT|,)\s*(?:"\w+"|[A-Z]\d+)\."(?:secret_)?search_(?:text|vector)"\s*(?:,|FROM\b)'
    r'|(?:SELECT|,)\s*"projects_document"\."text"\s*(?:,|FROM\b)'
)


def whole_text_read(queries) -> str | None:
    """The first captured query that selects a case's search columns or a document's text,
    around the column it names (see the module)."""
    for query in queries:
        match = WHOLE_TEXT.search(query["sql"])
        if match:
            start = max(0, match.start() - 160)
            return f"...{query['sql'][start : match.end() + 40]}"
    return None


def _get(client, path, problems=None, **extra):
    """GET ``path``: (response, None), or (None, the error) for a 500 of the test client.
    A query of the page that reads whole texts is added to ``problems``."""
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **extra)
    except Exception as exc:  # noqa: BLE001 - a 500 of the test client
        return None, f"{type(exc).__name__}: {exc}"
    read = whole_text_read(queries.captured_queries)
    if read and problems is not None:
        problems.append(f"{path} reads whole texts: {read}")
    return response, None


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_every_role(world, as_role, role):
    client = as_role(role)
    problems = []
    for name in sorted(ROUTES):
        path = url_of(world, name)
        response, error = _get(client, path, problems)
        if error:
            problems.append(f"{name} {path}: 500 ({error})")
            continue
        expected = expected_get(name, role)
        if response.status_code not in expected:
            problems.append(f"{name} {path}: {response.status_code}, expected {sorted(expected)}")
            continue
        if response.status_code == 302 and role == "anonymous" and name != "set_language":
            location = response["Location"]
            if not location.startswith("/accounts/login/"):
                problems.append(f"{name}: anonymous sent to {location}")
        if response.status_code == 401:
            assert "WWW-Authenticate" in response, name
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for problem in foreign_actions(response.content.decode(), role):
                problems.append(f"{name} {path} offers {role} {problem}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["reader", "secretary", "admin"])
def test_every_page_as_an_htmx_request(world, as_role, role):
    """Many views answer htmx requests with a fragment: those must not fail either."""
    client = as_role(role)
    problems = []
    for name in sorted(ROUTES):
        if name in POST_ONLY or name.startswith("api") or "-" in name:
            continue
        path = url_of(world, name)
        response, error = _get(client, path, problems, HTTP_HX_REQUEST="true")
        if error:
            problems.append(f"{name} {path}: 500 ({error})")
        elif response.status_code >= 500:
            problems.append(f"{name} {path}: {response.status_code}")
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for problem in foreign_actions(response.content.decode(), role):
                problems.append(f"{name} {path} (htmx) offers {role} {problem}")
    assert not problems, "\n".join(problems)


def _detail_pages(world):
    from decisions.meetings.models import Meeting, Paragraph
    from financing.models import Commitment, FinancingPlan, Grant
    from projects.models import Case, Organisation, Project
    from reporting.models import Section

    for case in Case.objects.order_by("pk"):
        yield f"/cases/{case.pk}/"
    for project in Project.objects.order_by("pk"):
        yield f"/cases/projects/{project.pk}/"
    for organisation in Organisation.objects.order_by("pk")[:15]:
        yield f"/cases/organisations/{organisation.pk}/"
    for meeting in Meeting.objects.order_by("pk"):
        yield f"/workflow/sammantraden/{meeting.pk}/"
    for paragraph in Paragraph.objects.order_by("pk"):
        yield f"/workflow/paragrafer/{paragraph.pk}/"
    for plan in FinancingPlan.objects.order_by("pk"):
        yield f"/finance/plans/{plan.project_id}/"
    for grant in Grant.objects.order_by("year"):
        yield f"/finance/grants/{grant.year}/"
    for commitment in Commitment.objects.order_by("pk")[:10]:
        yield f"/finance/commitments/{commitment.pk}/"
    for section in Section.objects.filter(report=world.report).order_by("pk"):
        yield f"/reports/{world.report.year}/sections/{section.number}/"


@pytest.mark.parametrize("role", ["officer2", "reader", "admin"])
def test_every_object_page_in_every_state(world, as_role, role):
    """Every case, project, meeting, paragraph, plan, grant and report section of the
    world (many states): 200, no foreign actions and no whole texts read, for a reader, an
    officer who is not the officer of the cases, and the administrator, who sees every
    marked and confidential part."""
    client = as_role(role)
    problems = []
    pages = list(_detail_pages(world))
    assert len(pages) > 100
    for path in pages:
        response, error = _get(client, path, problems)
        if error:
            problems.append(f"{path}: 500 ({error})")
        elif response.status_code != 200:
            problems.append(f"{path}: {response.status_code}")
        else:
            for problem in foreign_actions(response.content.decode(), role):
                problems.append(f"{path} offers {role} {problem}")
    assert not problems, "\n".join(problems)


# --- What a page shows each role ------------------------------------------------------------


def test_reader_sees_neither_confidential_titles_nor_downloads_on_the_case_page(world, as_role):
    confidential = world.confidential
    case_url = f"/cases/{confidential.case_id}/"
    download = f"/cases/documents/{confidential.pk}/download/"
    officer_page = as_role("officer").get(case_url).content.decode()
    assert html.escape(confidential.title) in officer_page  # the check below can fail
    assert download in officer_page
    # not allowed by the secrecy settings (projects.secrecy): every role but beslutsfattare
    # and the case's own officer
    for role in ("reader", "officer2", "secretary", "controller"):
        page = as_role(role).get(case_url).content.decode()
        assert html.escape(confidential.title) not in page
        assert confidential.title not in page
        assert download not in page
        assert confidential.original_name not in page
        history = as_role(role).get(f"/cases/{confidential.case_id}/history/").content.decode()
        assert confidential.title not in history and html.escape(confidential.title) not in history


def test_reader_case_page_has_no_transition_or_edit_controls(world, as_role):
    case = world.draft_case
    officer_page = as_role("officer").get(f"/cases/{case.pk}/").content.decode()
    assert f"/workflow/cases/{case.pk}/transitions/" in officer_page  # control: it can fail
    page = as_role("reader").get(f"/cases/{case.pk}/").content.decode()
    assert "/transitions/" not in page
    assert f"/cases/{case.pk}/edit/" not in page
    assert "/documents/new/" not in page
    posts = [t for t in action_targets(page) if t[0] == "post"]
    assert [t for t in posts if t[1] not in ("logout", "set_language")] == []


def test_only_the_chair_and_adjuster_see_the_signing_buttons(world, as_role):
    meeting = world.signing_meeting
    sign_url = f"/workflow/sammantraden/{meeting.pk}/justera/"
    for role in ("chair", "adjuster"):
        assert sign_url in as_role(role).get(meeting.get_absolute_url()).content.decode(), role
    for role in ("officer", "secretary", "controller", "director", "reader", "admin"):
        page = as_role(role).get(meeting.get_absolute_url()).content.decode()
        assert sign_url not in page, role
        assert f"/workflow/sammantraden/{meeting.pk}/aterforvisa/" not in page, role


def test_only_controllers_see_the_plan_review(world, as_role):
    plan = world.submitted_plan
    page_url = f"/finance/plans/{plan.project_id}/"
    review_url = f"/finance/plans/{plan.project_id}/review/"
    assert review_url in as_role("controller").get(page_url).content.decode()
    for role in ("officer", "officer2", "secretary", "director", "reader"):
        assert review_url not in as_role(role).get(page_url).content.decode(), role


def test_only_the_case_officer_sees_the_plan_editing(world, as_role):
    plan = world.draft_plan
    page_url = f"/finance/plans/{plan.project_id}/"
    edit_url = f"/finance/plans/{plan.project_id}/edit/"
    submit_url = f"/finance/plans/{plan.project_id}/submit/"
    officer_page = as_role("officer").get(page_url).content.decode()
    assert edit_url in officer_page and submit_url in officer_page
    for role in ("officer2", "secretary", "controller", "reader"):
        page = as_role(role).get(page_url).content.decode()
        assert edit_url not in page and submit_url not in page, role


# --- POST refusals -----------------------------------------------------------------------------

APP_LABELS = ("projects", "decisions", "financing", "reporting", "core")


def _fingerprinted() -> list[str]:
    # Logging in (as_role) records the session: not a change by the action.
    return app_tables(APP_LABELS, exclude={"core_usersession"})


def db_fingerprint() -> dict[str, str]:
    """An md5 of every row of every table of our apps (computed by PostgreSQL)."""
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(md5(t::text), ',' ORDER BY md5(t::text)), ''))"
        f" FROM {quote(table)} t"
        for table in _fingerprinted()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


def data_changed():
    """The tables the block changes (tests/security/writes.py: fingerprinted only when it
    wrote to them)."""
    return changed_tables(db_fingerprint, _fingerprinted())


# Data that would be valid for the allowed role: a refusal must not depend on bad input.
def _valid_data(world) -> dict[str, dict]:
    return {
        "projects:document_edit": {"kind": "ovrigt", "confidential": ""},
        "projects:case_edit": {"title": "Ändrad", "edit_token": ""},
        "projects:organisation_create": {"name": "Ny organisation AB", "kind": "company"},
        "decisions:workflow_transition": {"expected_state": world.draft_case.state},
        "decisions:protocol_reject": {"comment": "Fel i § 1."},
        "decisions:notice_publish": {"posted_on": "2020-03-31"},
        "financing:plan_review": {"decision": "approve", "comment": "OK"},
        "financing:plan_reopen": {"comment": "Öppnas"},
        "financing:grant_create": {"year": "2031", "amount": "1000000"},
        "financing:commitment_create": {"grant": world.grant.year, "amount": "1000"},
        "financing:rule_create": {
            "name": "Ny regel",
            "case_kind": "medfinansiering",
            "delegate_title": "Direktör",
            "valid_from": "2024-01-01",
            "position": "1",
        },
        "financing:rule_edit": {
            "name": "Ändrad regel",
            "case_kind": "projektide",
            "delegate_title": "Direktör",
            "valid_from": "2000-01-01",
            "position": "1",
        },
        "reporting:report_create": {"year": "2031"},
        "reporting:report_approval": {"approved_on": "2023-02-01", "approved_by": "RUN"},
    }


def _post(client, path, data):
    try:
        return client.post(path, data), None
    except Exception as exc:  # noqa: BLE001
        return None, f"{type(exc).__name__}: {exc}"


def _refused_roles(name):
    allowed = ACTIONS[name]
    roles = [role for role in ROLES if role not in allowed]
    roles += [role for route, role in sorted(OBJECT_REFUSALS) if route == name]
    return roles


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_actions_are_refused_to_other_roles_and_change_nothing(world, as_role, name):
    path = url_of(world, name)
    data = _valid_data(world).get(name, {})
    problems = []
    with data_changed() as changed:
        for role in _refused_roles(name):
            client = as_role(role)
            for payload in ({}, data) if data else ({},):
                response, error = _post(client, path, payload)
                if error:
                    problems.append(f"{role}: 500 ({error})")
                    continue
                if role == "anonymous":
                    if response.status_code != 302 or not response["Location"].startswith(
                        "/accounts/login/"
                    ):
                        problems.append(f"anonymous: {response.status_code}")
                elif response.status_code != 403:
                    problems.append(f"{role}: {response.status_code}, expected 403")
    assert not problems, f"POST {path}\n" + "\n".join(problems)
    assert changed == [], f"POST {path} changed data"


def test_posting_to_read_only_pages_is_refused(world, as_role):
    """Every page that is not an action answers POST with 405 (or ignores it) and
    never changes anything."""
    client = as_role("admin")
    problems = []
    with data_changed() as changed:
        for name in sorted(ROUTES):
            if name in ACTIONS or name.startswith("api") or "-" in name:
                continue
            if name in ("login", "logout", "set_language", "decisions:document_verify"):
                continue
            response, error = _post(client, url_of(world, name), {"x": "1"})
            if error:
                problems.append(f"{name}: 500 ({error})")
            elif response.status_code not in (200, 302, 405):
                problems.append(f"{name}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert changed == []


# --- API writes ------------------------------------------------------------------------------

# route -> (method, roles allowed at role level)
API_ACTIONS = {
    "api-organisations-list": ("post", OFF),
    "api-organisations-detail": ("patch", OFF),
    "api-projects-list": ("post", OFF),
    "api-projects-detail": ("patch", OFF),
    "api-cases-list": ("post", OFF),
    "api-cases-detail": ("patch", OFF),
    "api-documents-list": ("post", OFF | SEC | CTL),
    "api-case-transitions": ("post", OFF),  # start_preparation on the draft case
    "api-meetings": ("post", SEC),
    "api-meeting": ("patch", SEC),
    "api-meeting-attendance": ("put", SEC),
    "api-meeting-documents": ("post", SEC),
    "api-meeting-signatures": ("post", DEC),
    "api-meeting-reject": ("post", DEC),
    "api-paragraph": ("patch", SEC),
    "api-paragraph-motions": ("post", SEC),
    "api-paragraph-decision": ("post", SEC),
    "grant-list": ("post", CTL),
    "grant-detail": ("patch", CTL),
    "financing-plan-list": ("post", OFF),
    "financing-plan-detail": ("patch", OFF),
    "financing-plan-submit": ("post", OFF),
    "financing-plan-approve": ("post", CTL),
    "financing-plan-return-for-changes": ("post", CTL),
    "financing-plan-reopen": ("post", CTL),
    "financing-plan-granted": ("post", OFF | CTL),
    "commitment-list": ("post", CTL),
    "payment-list": ("post", CTL),
    "release-list": ("post", CTL),
    "payment-correct": ("post", CTL),
    "grant-condition-list": ("post", OFF | CTL),
    "grant-condition-met": ("post", OFF | CTL),
    "requisition-list": ("post", OFF | CTL),
    "recovery-list": ("post", CTL),
    "final-report-approval-list": ("post", OFF),
    "grant-terms-list": ("post", CTL),
    "grant-adjustment-list": ("post", CTL),
    "allocation-decision-list": ("post", CTL),
    "api-reports": ("post", OFF | SEC | CTL),  # can_create_report_year
    "api-report-answer": ("patch", OFF),
    "api-report-answer-done": ("post", OFF),
    "api-report-answer-copy": ("post", OFF),
    "api-report-jobs": ("post", OFF | SEC | CTL),
    "api-report-job-retry": ("post", OFF | SEC | CTL),
}


def _api_payloads(world) -> dict[str, dict]:
    """Payloads an allowed role could send (so a refusal is not a validation error)."""
    return {
        "api-organisations-list": {"name": "API-organisation AB", "kind": "company"},
        "api-organisations-detail": {"name": "Omdöpt AB"},
        "api-projects-detail": {"title": "Omdöpt projekt"},
        "api-cases-detail": {"title": "Omdöpt ärende"},
        "api-case-transitions": {"name": "start_preparation", "expected_state": "registered"},
        "api-meetings": {"body": world.body.pk, "date": "2031-01-14", "start_time": "09:00"},
        "api-meeting": {"place": "Någon annanstans"},
        "api-meeting-attendance": [{"member": world.body_member.pk, "present": True}],
        "api-paragraph-motions": {
            "kind": "rejection",
            "text": "avslag",
            "movers": [world.body_member.pk],
        },
        "api-meeting-documents": {"kind": "kallelse"},
        "api-meeting-reject": {"comment": "Fel i protokollet."},
        "api-paragraph": {"title": "Ny rubrik"},
        "grant-list": {"year": 2031, "amount": "1000000"},
        "grant-detail": {"amount": "1"},
        "financing-plan-list": {
            "project": world.planless_case.project_id,
            "stated_total": "1000",
            "rows": [
                {
                    "financier": world.organisation.pk,
                    "funding_type": "eruf",
                    "amount_applied": "1000",
                }
            ],
        },
        "financing-plan-granted": {
            "rows": [
                {"id": row.pk, "amount_granted": "1"} for row in world.approved_plan.rows.all()
            ]
        },
        "commitment-list": {
            "year": world.report.year,
            "category": "project",
            "amount": "1000",
            "committed_on": "2022-05-01",
        },
        "payment-list": {
            "commitment": world.commitment.pk,
            "paid_on": "2022-06-01",
            "amount": "1",
            "period_start": "2022-05-01",
            "period_end": "2022-05-31",
        },
        "release-list": {
            "commitment": world.commitment.pk,
            "released_on": "2022-06-01",
            "reason": "Överskott",
            "amount": "1",
        },
        "payment-correct": {"corrected_on": "2022-06-01", "reason": "Fel belopp"},
        "grant-condition-list": {
            "case": world.granted_case.pk,
            "text": "Villkor",
            "set_on": "2022-06-01",
        },
        "grant-condition-met": {"met_on": "2022-06-01", "evidence": 0},
        "requisition-list": {
            "case": world.granted_case.pk,
            "received_on": "2022-06-01",
            "period_start": "2022-01-01",
            "period_end": "2022-05-31",
            "costs_reported": "1000",
            "amount_requested": "500",
        },
        "recovery-list": {
            "commitment": world.case_payment.commitment_id,
            "decided_on": "2022-06-01",
            "amount": "1",
            "reason": "Fel",
            "due_date": "2022-07-01",
        },
        "grant-terms-list": {"case": world.granted_case.pk, "cost_share_percent": "50.00"},
        "grant-adjustment-list": {
            "case": world.granted_case.pk,
            "new_amount": "1",
            "decided_on": "2022-06-01",
            "reference": "RUN § 1",
        },
        "allocation-decision-list": {
            "year": world.grant.year,
            "decided_on": "2031-01-01",
            "reference": "RUN § 1",
            "shares": [{"label": "x", "amount": "1"}],
        },
        "financing-plan-approve": {"comment": "OK"},
        "financing-plan-return-for-changes": {"comment": "Komplettera"},
        "financing-plan-reopen": {"comment": "Öppna"},
        "api-reports": {"year": 2031},
        "api-report-answer": {"text": "Nytt svar", "version": world.section.answer.version},
        "api-report-answer-done": {"done": True},
        "api-report-jobs": {"year": world.report.year},
    }


# Refused to a role that holds the right role, because of who they are (object level).
API_OBJECT_REFUSALS = {
    ("financing-plan-detail", "officer2"),  # not the officer of the plan's case
    ("financing-plan-submit", "officer2"),
    ("financing-plan-granted", "officer2"),
    ("api-meeting-signatures", "director"),  # neither chair nor adjuster of the meeting
    ("api-meeting-signatures", "admin"),
    ("api-meeting-reject", "director"),
    ("api-meeting-reject", "admin"),
}

# Roles refused the transition the crawl fires (start_preparation on the draft co-financing
# case) that may fire other transitions of the case (the secretary records RUN's decision):
# which role may fire depends on the transition the body names, so the API validates the body
# first for them (400) and refuses the named transition after (403 for a valid body).
# The secretary records bodies' decisions, the director decides co-financing on delegation:
# both may fire some of a co-financing case's transitions, so their bodies are validated.
API_VALIDATED_FIRST = {"api-case-transitions": frozenset({"secretary", "director"})}

# A body no endpoint accepts: wrong types and values for the usual field names.
INVALID_BODY = {
    "name": ["x"],
    "year": "abc",
    "amount": "inte ett belopp",
    "date": "igår",
    "rows": "x",
    "commitment": "x",
    "comment": {"x": 1},
}


@pytest.mark.parametrize("name", sorted(API_ACTIONS))
def test_api_writes_are_refused_to_other_roles_and_change_nothing(world, client, name):
    method, allowed = API_ACTIONS[name]
    path = path_for(world, name)
    payload = _api_payloads(world).get(name, {})
    problems = []
    with data_changed() as changed:
        for role in ROLES:
            if role in allowed and (name, role) not in API_OBJECT_REFUSALS:
                continue
            client.logout()
            if role != "anonymous":
                client.force_login(world.users[role])
            # Refused whatever the role sends: a payload the role's owner could send, an
            # empty one and an invalid one all answer 403 (the role is checked before the
            # body is validated, so a refused role learns nothing from validation messages).
            bad = {400} if role in API_VALIDATED_FIRST.get(name, ()) else {403}
            for body, expected in ((payload, {403}), ({}, bad), (INVALID_BODY, bad)):
                if role == "anonymous":
                    expected = {401}
                try:
                    response = getattr(client, method)(path, body, content_type="application/json")
                except Exception as exc:  # noqa: BLE001
                    problems.append(f"{role}: 500 ({type(exc).__name__}: {exc})")
                    continue
                if response.status_code not in expected:
                    problems.append(f"{role}: {response.status_code}, expected {sorted(expected)}")
    assert not problems, f"{method.upper()} {path}\n" + "\n".join(problems)
    assert changed == [], f"{method.upper()} {path} changed data"


def test_the_fingerprint_sees_a_change(world, as_role):
    """Control for the refusal tests: an allowed change is seen."""
    from projects.models import SecrecyProvision

    provision = SecrecyProvision.objects.filter(active=True).first()
    with data_changed() as changed:
        response = as_role("officer").post(
            f"/cases/documents/{world.public_document.pk}/edit/",
            {"kind": "ovrigt", "confidential": "on", "provision": provision.pk},
        )
        assert response.status_code == 302
    assert "projects_document" in changed


def test_only_a_block_that_writes_is_compared(world, as_role):
    """The comparison is skipped for a block that writes nothing (a page read), and runs
    for one that writes, even when what it writes changes nothing (the same values)."""
    from projects.models import Document

    client = as_role("officer")
    client.get("/cases/")
    reading = Writes(_fingerprinted())
    assert client.get("/cases/").status_code == 200
    assert not reading.happened()
    writing = Writes(_fingerprinted())
    with data_changed() as changed:
        Document.objects.filter(pk=world.public_document.pk).update(kind=F("kind"))
    assert writing.happened()
    assert changed == []


def test_anonymous_reaches_only_the_public_pages(world, client):
    """Without login, exactly the public pages (and the login page) answer 200; every
    other page sends the visitor to the login page, the API answers 401, and a POST to a
    public page is refused (they only read)."""
    answered = {}
    for name in sorted(ROUTES):
        response, error = _get(client, url_of(world, name))
        assert error is None, f"{name}: {error}"
        answered[name] = response.status_code
    reachable = {name for name, status in answered.items() if status == 200}
    assert reachable == PUBLIC | {"login"}
    for name, status in answered.items():
        if name in reachable or name == "set_language" or name.startswith("oidc_"):
            continue
        api = name.startswith("api-") or ("-" in name and ":" not in name)
        assert status == (401 if api else 302), f"{name}: {status}"
    for name in PUBLIC - {"healthz"}:
        assert client.post(url_of(world, name)).status_code in (403, 405), name
