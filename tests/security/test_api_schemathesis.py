"""Schemathesis against the OpenAPI schema (issue #8, point 5.5).

The schema is loaded from ``/api/schema/`` of the WSGI application (drf-spectacular), and
every operation is called in-process with generated data, valid and invalid, with the API
token of a superuser (every role, so every write path is open): no answer is a 500.

Everything runs against the security world (real objects, so ids in paths often exist)
in one database transaction per call, rolled back after it.
"""

import os
from dataclasses import dataclass

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db

# Generated calls per operation (positive and negative data together): 55 operations x 16
# keep the file near a minute. ``SCHEMATHESIS_EXAMPLES=200`` explores further.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "16"))
HTTP_METHODS = ("get", "put", "post", "patch", "delete")


def _operation_labels() -> list[str]:
    """The operations of the schema drf-spectacular serves (built here at collection time;
    the test loads the served one and checks it has the same operations).

    ``schemathesis.pytest.from_fixture`` would do this at run time, but it sets
    ``request.node._nodeid``, which pytest 9 no longer has.
    """
    from drf_spectacular.generators import SchemaGenerator

    spec = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method in operations
        if method in HTTP_METHODS
    )


LABELS = _operation_labels()


@dataclass
class Api:
    schema: object
    headers: dict


@pytest.fixture(scope="module")
def api(world, django_db_blocker):
    """The served schema, loaded through the WSGI application with a superuser's token.

    Django closes the database connection at the end of a WSGI request unless the test
    client is used; here the requests go through the plain WSGI handler and must stay in
    the test's transaction, so that signal handler is off for the module.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock():
        from core.accounts import api_token_create

        _row, token = api_token_create(user=world.users["admin"], name="schemathesis")
        headers = {"Authorization": f"Token {token}"}
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json", get_wsgi_application(), headers=headers
        )
    try:
        yield Api(schema=schema, headers=headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_the_served_schema_has_every_operation(api):
    served = sorted(op.ok().label for op in api.schema.get_all_operations() if hasattr(op, "ok"))
    assert served == LABELS
    assert len(LABELS) >= 50


@pytest.mark.parametrize("label", LABELS)
def test_no_operation_answers_a_server_error(api, label):
    operation = api.schema.find_operation_by_label(label)
    assert operation is not None, label
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"),
        suppress_health_check=list(HealthCheck),
    )
    @given(cases)
    def call(case):
        with transaction.atomic():
            response = case.call(headers=api.headers)
            case.validate_response(response, checks=[not_a_server_error])
            transaction.set_rollback(True)

    call()


def test_the_schema_is_served_and_lists_every_api_route(world, as_role):
    """The schema the fuzzing runs on covers the API (the crawl covers the routes)."""
    response = as_role("reader").get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/cases/",
        "/api/v1/financing-plans/{id}/approve/",
        "/api/v1/meetings/{id}/signatures/",
        "/api/v1/meeting-documents/",
        "/api/v1/report-jobs/",
    ):
        assert path in paths, path
