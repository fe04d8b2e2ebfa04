"""The workflow API: available transitions, firing with 200/400/403/409, the log and the
delegation register, all in the OpenAPI schema."""

import datetime

import pytest
from rest_framework.test import APIClient

from decisions.workflow import services as wf
from decisions.workflow.models import DelegationDecision
from projects.models import Case, CaseState
from tests.decisions.workflow.factories import (
    data_for,
    fire,
    prepare_for,
    walk_cofinancing,
    walk_idea,
)

pytestmark = pytest.mark.django_db
S = CaseState


def transitions_url(case):
    return f"/api/v1/cases/{case.pk}/transitions/"


def test_get_lists_the_transitions_with_access_and_fields(actors, api):
    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    response = api(actors.secretary).get(transitions_url(case))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == S.READY_FOR_RUN and body["dnr"] == case.dnr
    items = {t["name"]: t for t in body["transitions"]}
    assert set(items) == {
        "return_to_preparation",
        "grant",
        "reject",
        "withdraw",
        "delegation_grant",
        "delegation_reject_application",
        "refer_to_body",
    }
    assert items["delegation_grant"]["allowed"] is False
    assert "delegation" in items["delegation_grant"]["reason"]
    assert items["grant"]["allowed"] is False  # RUN decides in its §, not here
    assert "registreras i organets paragraf" in items["grant"]["reason"]
    assert items["grant"]["target"] == S.GRANTED
    assert items["withdraw"]["allowed"] is False
    assert "handläggare" in items["withdraw"]["reason"]
    fields = {f["name"]: f for f in items["grant"]["fields"]}
    assert fields["amount"]["type"] == "amount" and fields["amount"]["required"] is True
    assert fields["decided_on"]["type"] == "date"
    assert fields["special_conditions"]["type"] == "conditions"
    assert fields["year_split"]["type"] == "year_split"
    assert fields["decision_points"]["type"] == "list"
    assert fields["motivation"]["required"] is False
    assert {f["name"]: f for f in items["withdraw"]["fields"]}["motivation"]["required"] is True


def test_get_explains_unmet_preconditions(actors, api):
    case = walk_idea(actors, S.AU_ASSESSED)
    items = {
        t["name"]: t for t in api(actors.officer).get(transitions_url(case)).json()["transitions"]
    }
    assert items["send_to_forum"]["allowed"] is False
    assert (
        items["send_to_forum"]["reason"] == "Ingen förankring med berörd verksamhet är registrerad."
    )
    assessment = {
        t["name"]: t
        for t in api(actors.officer)
        .get(transitions_url(walk_idea(actors, S.AU_PREPARATION)))
        .json()["transitions"]
    }["record_au_assessment"]
    route = {f["name"]: f for f in assessment["fields"]}["proposed_route"]
    assert route["type"] == "choice"
    assert {c["value"] for c in route["choices"]} == {"delegation", "forum"}


def test_a_body_decision_through_the_workflow_api_is_409_and_says_where(actors, api):
    """RUN's grant is recorded in RUN's § (POST /api/v1/paragraphs/{id}/decision/), never
    as a bare transition: nothing moves, no money is committed."""
    case = walk_cofinancing(actors, S.READY_FOR_RUN)
    prepare_for(case, "grant", actors)
    response = api(actors.secretary).post(
        transitions_url(case),
        {
            "name": "grant",
            "data": {"amount": 1000000, "decided_on": "2020-03-24"},
            "expected_state": S.READY_FOR_RUN,
        },
        format="json",
    )
    assert response.status_code == 409
    assert "Regionala utvecklingsnämnden" in response.json()["detail"]
    assert "registrera beslutet där" in response.json()["detail"]
    case.refresh_from_db()
    assert case.state == S.READY_FOR_RUN and case.granted_amount is None
    assert not case.commitments.exists()


def test_post_fires_the_transition(actors, api):
    case = walk_idea(actors, S.AU_PREPARATION)
    response = api(actors.officer).post(
        transitions_url(case),
        {
            "name": "record_au_assessment",
            "data": {
                key: value.isoformat() if hasattr(value, "isoformat") else value
                for key, value in data_for("record_au_assessment").items()
            },
            "motivation": "AU:s beredning",
            "expected_state": S.AU_PREPARATION,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == S.AU_ASSESSED
    assert body["log"]["transition"] == "record_au_assessment"
    assert body["log"]["source"] == S.AU_PREPARATION and body["log"]["target"] == S.AU_ASSESSED
    assert body["log"]["user"] == actors.officer.username
    assert body["log"]["motivation"] == "AU:s beredning"


def test_post_refused_by_role_is_403(actors, api):
    case = walk_idea(actors, S.AT_COUNCIL)
    response = api(actors.officer).post(
        transitions_url(case),
        {"name": "council_approve", "data": {"decided_on": "2020-03-24"}},
        format="json",
    )
    assert response.status_code == 403
    assert "nämndsekreterare" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == S.AT_COUNCIL


def test_post_with_bad_data_is_400_with_field_messages(actors, api):
    case = walk_idea(actors, S.AU_PREPARATION)
    response = api(actors.officer).post(
        transitions_url(case),
        {"name": "record_au_assessment", "data": {"proposed_route": "snabbspår"}},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["proposed_route"] and errors["assessment"]
    assert Case.objects.get(pk=case.pk).state == S.AU_PREPARATION


def test_post_with_an_unmet_precondition_is_400_with_the_reason(actors, api):
    case = walk_idea(actors, S.AU_ASSESSED)
    response = api(actors.officer).post(
        transitions_url(case), {"name": "send_to_forum"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Ingen förankring med berörd verksamhet är registrerad."}


def test_post_on_a_stale_state_is_409(actors, api):
    case = walk_idea(actors, S.REGISTERED)
    fire(case, "start_au_preparation", actors.officer)
    response = api(actors.officer).post(
        transitions_url(case),
        {"name": "start_au_preparation", "expected_state": S.REGISTERED},
        format="json",
    )
    assert response.status_code == 409
    assert "Ärendet har ändrats av någon annan" in response.json()["detail"]
    assert Case.objects.get(pk=case.pk).state == S.AU_PREPARATION


def test_post_unknown_transition_or_state_is_400_and_unknown_case_404(actors, api):
    case = walk_idea(actors, S.REGISTERED)
    client = api(actors.officer)
    assert (
        client.post(transitions_url(case), {"name": "teleport"}, format="json").status_code == 400
    )
    bad_state = client.post(
        transitions_url(case),
        {"name": "start_au_preparation", "expected_state": "nowhere"},
        format="json",
    )
    assert bad_state.status_code == 400
    assert client.get("/api/v1/cases/999999/transitions/").status_code == 404
    assert APIClient().get(transitions_url(case)).status_code == 401


def test_the_transition_log_endpoint(actors, api):
    case = walk_idea(actors, S.AT_FORUM)
    response = api(actors.officer).get(f"/api/v1/cases/{case.pk}/transition-log/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["transition"] for r in rows] == [
        "start_au_preparation",
        "record_au_assessment",
        "send_to_forum",
    ]
    assert rows[0]["label"] == "Starta beredning i AU"
    assert rows[0]["source_label"] == "Registrerat"
    assert rows[1]["data"]["proposed_route"] == "forum"


def test_the_delegation_register_endpoint(actors, api):
    first = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    fire(first, "delegation_approve", actors.director)
    second = walk_idea(actors, S.AU_ASSESSED, route="delegation")
    fire(second, "delegation_reject", actors.director)
    wf.delegation_decision_mark_reported(
        user=actors.secretary,
        decisions=DelegationDecision.objects.filter(case=first),
        reported_on=datetime.date(2020, 3, 24),
        reference="RUN 2020-03-24 § 25",
    )
    client = api(actors.officer)
    everything = client.get("/api/v1/delegation-decisions/").json()
    assert everything["count"] == 2
    unreported = client.get("/api/v1/delegation-decisions/?reported=false").json()["results"]
    assert [d["dnr"] for d in unreported] == [second.dnr]
    assert unreported[0]["outcome"] == "rejected" and unreported[0]["is_reported"] is False
    reported = client.get("/api/v1/delegation-decisions/?reported=true").json()["results"]
    assert reported[0]["report_reference"] == "RUN 2020-03-24 § 25"
    assert reported[0]["decided_by"] == actors.director.username


def test_a_user_without_role_cannot_read(actors, api):
    from tests.core.factories import UserFactory

    case = walk_idea(actors, S.REGISTERED)
    nobody = api(UserFactory())
    assert nobody.get(transitions_url(case)).status_code == 403
    assert nobody.get(f"/api/v1/cases/{case.pk}/transition-log/").status_code == 403
    assert nobody.get("/api/v1/delegation-decisions/").status_code == 403


def test_the_endpoints_are_in_the_openapi_schema(actors, api):
    response = api(actors.officer).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/cases/{id}/transitions/"])
    assert "get" in paths["/api/v1/cases/{id}/transition-log/"]
    assert "get" in paths["/api/v1/delegation-decisions/"]
