"""Hostile input everywhere (issue 19, point 6): NUL bytes, invalid UTF-8, non-Latin digits,
huge and negative numbers and very long strings in every query parameter of every page, in
every field of every form, and in every field of every API write: never a server error, and
a refused form saves nothing.

Deterministic (the same values every run), beside the hypothesis fuzzing of
test_form_fuzzing.py, which samples far more combinations per form but only a few of these.
"""

import re
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import transaction

from tests.security.expectations import POST_ONLY
from tests.security.routes import ROUTES, path_for
from tests.security.test_crawl import API_ACTIONS, _api_payloads
from tests.security.test_form_fuzzing import (  # noqa: F401 - fuzz_world is a fixture
    TARGETS,
    VALID,
    _accepted,
    _count_sql,
    counted_tables,
    fuzz_world,
    page_form,
    row_counts,
)
from tests.security.writes import Writes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = [
    "\x00",
    "a\x00b",
    "²",  # a digit (str.isdigit) that int() refuses
    "١٢٣٤",  # Arabic-Indic digits
    "۱۲۳",  # Persian digits
    "１２３",  # full-width digits
    "-1",
    "-99999999999999999999999",
    "9" * 400,
    "1e308",
    "-0",
    "x" * 20_000,
    "\u202e\ufeff\U0001f642",
]
# In query strings one value of each kind: the app parses every parameter with the same few
# helpers (numbers, dates, choices, text), so the variants of a kind add time, not cases.
QUERY_HOSTILE = [
    "a\x00b",
    "١٢٣٤",
    "²",  # a digit (str.isdigit) that int() refuses
    "-1",
    "9" * 400,
    "1e308",
    "x" * 5_000,  # longer than any field: in each of some 35 names at once
    "\u202e\ufeff\U0001f642",
]
# One field hostile and the others valid: a null byte in every field, and one of the other
# kinds in turn (the fields of a kind share their parsers).
ONE_FIELD_ALWAYS = "\x00"
ONE_FIELD_IN_TURN = ("١٢٣", "-1", "9" * 400)
# Invalid UTF-8, percent-encoded as a browser or a script could send it.
RAW_INVALID_UTF8 = "%FF%FE%C3%28%ED%A0%80"


# A form or filter set bound to the query string: ``DiarySearchForm(request.GET or None)``.
GET_FORM = re.compile(r"\b([A-Z]\w*(?:Form|Filter))\(\s*request\.GET\b")


def query_parameter_names() -> set[str]:
    """Every name the app reads with request.GET.get(...), the fields of every form and
    filter set bound to the query string, and the usual filter names."""
    names, get_forms = set(), set()
    modules = []
    for app in ("core", "projects", "decisions", "financing", "reporting"):
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text()
            names |= set(re.findall(r"request\.GET\.get\(\s*[fr]?\"([a-z_]+)\"", text))
            get_forms |= set(GET_FORM.findall(text))
            if path.stem in ("forms", "filters"):
                modules.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    found = set()
    for module in modules:
        for name in get_forms:
            form = getattr(import_module(module), name, None)
            if form is not None:
                found.add(name)
                fields = getattr(form, "base_fields", None) or getattr(form, "base_filters", {})
                names |= set(fields)
    assert found == get_forms, f"forms bound to the query string not found: {get_forms - found}"
    return names | {"q", "page", "sort", "status", "year", "kind", "officer", "format", "state"}


def _get_pages() -> list[str]:
    return sorted(name for name in ROUTES if name not in POST_ONLY)


# The pages in slices, so that the two xdist workers share the requests (as one test per
# role it was the suite's longest, holding one worker while the other idled).
PAGE_SLICES = 6


@pytest.mark.parametrize("part", range(PAGE_SLICES))
@pytest.mark.parametrize("role", ["admin", "reader"])
def test_hostile_query_parameters_on_every_page(world, as_role, role, part):
    client = as_role(role)
    names = sorted(query_parameter_names())
    problems = []
    for name in _get_pages()[part::PAGE_SLICES]:
        path = path_for(world, name)
        queries = ["&".join(f"{n}={quote(v)}" for n in names) for v in QUERY_HOSTILE]
        queries.append("&".join(f"{n}={RAW_INVALID_UTF8}" for n in names))
        queries.append(f"{RAW_INVALID_UTF8}={RAW_INVALID_UTF8}")
        for query in queries:
            try:
                response = client.get(f"{path}?{query}")
            except Exception as exc:  # noqa: BLE001 - a 500 of the test client
                problems.append(f"{name} ?{query[:60]}: {type(exc).__name__}: {exc}")
                continue
            if response.status_code >= 500:
                problems.append(f"{name} ?{query[:60]}: {response.status_code}")
    assert not problems, "\n".join(problems[:40])


def _form_fields(world, client, key):
    target = TARGETS[key]
    if not target.page:
        return dict(target.base)
    page = client.get(target.url(world))
    form = page_form(
        page.content.decode(),
        target.url(world),
        (target.action or target.url)(world),
        target.method,
    )
    fields = {
        n: (f.values[0] if f.values else "") for n, f in form.fields.items() if f.kind != "file"
    }
    if key in VALID:
        fields.update(VALID[key](world))
    return fields


@pytest.mark.parametrize("key", sorted(TARGETS))
def test_hostile_values_in_every_field_of_every_form(fuzz_world, client, key):  # noqa: F811
    world = fuzz_world
    target = TARGETS[key]
    client.force_login(world.users[target.role])
    fields = _form_fields(world, client, key)
    action = (target.action or target.url)(world)
    sql, tables = _count_sql(), counted_tables()
    bodies = [{name: value for name in fields} for value in HOSTILE]
    for index, name in enumerate(fields):  # one field hostile, the others valid
        turn = ONE_FIELD_IN_TURN[index % len(ONE_FIELD_IN_TURN)]
        bodies += [{**fields, name: value} for value in (ONE_FIELD_ALWAYS, turn)]
    raw = "&".join(f"{quote(n)}={RAW_INVALID_UTF8}" for n in fields)
    before = row_counts(sql)  # every body is rolled back: the counts before each are these
    problems = []
    for body in [*bodies, raw]:
        with transaction.atomic():
            writes = Writes(tables)  # counted only if it wrote (tests/security/writes.py)
            try:
                if target.method == "get":
                    response = (
                        client.get(f"{action}?{body}")
                        if isinstance(body, str)
                        else client.get(action, body)
                    )
                elif isinstance(body, str):
                    response = client.post(
                        action, body, content_type="application/x-www-form-urlencoded"
                    )
                else:
                    response = client.post(action, body)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{type(exc).__name__}: {exc} for {str(body)[:120]}")
                transaction.set_rollback(True)
                continue
            if response.status_code >= 500:
                problems.append(f"{response.status_code} for {str(body)[:120]}")
            elif target.method == "post" and not _accepted(response, target) and writes.happened():
                after = row_counts(sql)
                created = {t: after[t] - before[t] for t in after if after[t] != before[t]}
                if created:
                    problems.append(f"saved {created} though refused, for {str(body)[:120]}")
            transaction.set_rollback(True)
    assert not problems, f"{key} {action}\n" + "\n".join(problems[:20])


def _hostile_json(value):
    if isinstance(value, dict):
        return [{k: h for k in value} for h in HOSTILE] + [
            {**value, k: h} for k in value for h in ("\x00", "١٢٣", -1, 10**30, "9" * 400)
        ]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [[variant] for variant in _hostile_json(value[0])]
    return [h for h in HOSTILE]


@pytest.mark.parametrize("name", sorted(API_ACTIONS))
def test_hostile_values_in_every_api_field(world, as_role, name):
    method, _allowed = API_ACTIONS[name]
    client = as_role("admin")
    path = path_for(world, name)
    payload = _api_payloads(world).get(name, {"name": "x"})
    problems = []
    for body in _hostile_json(payload):
        with transaction.atomic():
            try:
                response = getattr(client, method)(path, body, content_type="application/json")
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{type(exc).__name__}: {exc} for {str(body)[:120]}")
            else:
                if response.status_code >= 500:
                    problems.append(f"{response.status_code} for {str(body)[:120]}")
            transaction.set_rollback(True)
    raw = b'{"name": "\xff\xfe", "title": "\xc3\x28"}'
    response = getattr(client, method)(path, raw, content_type="application/json")
    if response.status_code >= 500:
        problems.append(f"{response.status_code} for invalid UTF-8 JSON")
    assert not problems, f"{method.upper()} {path}\n" + "\n".join(problems[:20])
