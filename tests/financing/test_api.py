"""The financing API under /api/v1/: reads for every role, writes with the same rules."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.roles import Role
from financing.models import Commitment, FinancingPlan, Grant, PlanStatus
from tests.core.factories import UserFactory
from tests.financing.factories import make_grant, make_plan
from tests.projects.factories import OrganisationFactory, co_financing_case

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["grants/", "financing-plans/", "commitments/", "payments/", "releases/"]
)
def test_every_role_reads(path, role_users, grant_2020, api):
    for user in role_users.values():
        response = api(user).get(f"/api/v1/{path}")
        assert response.status_code == 200, (user, response.content)
    assert APIClient().get(f"/api/v1/{path}").status_code == 401
    assert api(UserFactory()).get(f"/api/v1/{path}").status_code == 403


def test_grant_with_allocations_and_figures(reader, grant_2020, api):
    data = api(reader).get("/api/v1/grants/2020/").json()
    assert data["amount"] == "150000000.00"
    allocation = {(a["dimension"], a["key"]): a["amount"] for a in data["allocations"]}
    assert allocation["category", "project"] == "82500000.00"
    assert data["figures"]["left"] == "150000000.00"


def test_controller_creates_and_updates_a_grant(controller, officer, api):
    body = {
        "year": 2022,
        "amount": "171 100 000 kr",
        "allocations": [
            {"dimension": "category", "key": "project", "amount": "104 371 tkr"},
            {"dimension": "priority", "key": "innovation", "amount": 120100000},
        ],
    }
    assert api(officer).post("/api/v1/grants/", body, format="json").status_code == 403
    response = api(controller).post("/api/v1/grants/", body, format="json")
    assert response.status_code == 201, response.content
    assert Grant.objects.get(year=2022).amount == D("171100000")
    duplicate = api(controller).post("/api/v1/grants/", body, format="json")
    assert duplicate.status_code == 400
    too_much = api(controller).patch(
        "/api/v1/grants/2022/",
        {"allocations": [{"dimension": "category", "key": "project", "amount": "200 000 000"}]},
        format="json",
    )
    assert too_much.status_code == 400
    assert "överstiger anslaget" in too_much.json()["detail"]
    ok = api(controller).patch("/api/v1/grants/2022/", {"note": "Ny", "version": 1}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["version"] == 2
    assert len(ok.json()["allocations"]) == 2  # untouched without "allocations"
    stale = api(controller).patch(
        "/api/v1/grants/2022/", {"note": "X", "version": 1}, format="json"
    )
    assert stale.status_code == 409


def test_plan_life_cycle_over_the_api(officer, controller, grant_2020, api):
    case = co_financing_case(officer=officer, total_budget=D("6114325"))
    region = OrganisationFactory(name="Region Norrbotten")
    eruf = OrganisationFactory(name="ERUF")
    body = {
        "project": case.project_id,
        "stated_total": "6 114 325 kr",
        "rows": [
            {"financier": region.pk, "funding_type": "region_1_1", "amount_applied": "1 222 867"},
            {"financier": eruf.pk, "funding_type": "eruf", "amount_applied": "4 891 458"},
        ],
    }
    assert api(controller).post("/api/v1/financing-plans/", body, format="json").status_code == 403
    created = api(officer).post("/api/v1/financing-plans/", body, format="json")
    assert created.status_code == 201, created.content
    plan = created.json()
    assert plan["status"] == "draft"
    assert plan["totals"]["total_applied"] == "6114325.00"
    assert plan["totals"]["region_share_percent"] == "20.0"
    again = api(officer).post("/api/v1/financing-plans/", body, format="json")
    assert again.status_code == 409
    bad = dict(body, stated_total="6 114 324")
    bad_update = api(officer).put(f"/api/v1/financing-plans/{plan['id']}/", bad, format="json")
    assert bad_update.status_code == 400
    assert "Skillnad: 1 kr" in bad_update.json()["stated_total"][0]
    url = f"/api/v1/financing-plans/{plan['id']}/"
    assert api(controller).post(url + "submit/").status_code == 403
    assert api(officer).post(url + "submit/").status_code == 200
    assert api(officer).post(url + "approve/", {"comment": "Ja"}).status_code == 403
    checks = api(controller).get(url + "checks/").json()
    assert {c["key"]: c["ok"] for c in checks}["sum"] is True
    approved = api(controller).post(url + "approve/", {"comment": ""}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == PlanStatus.APPROVED
    frozen = api(officer).put(url, body, format="json")
    assert frozen.status_code == 409
    row_id = approved.json()["rows"][0]["id"]
    granted = api(controller).post(
        url + "granted/", {"rows": [{"id": row_id, "amount_granted": "1 222 867"}]}, format="json"
    )
    assert granted.status_code == 200
    assert granted.json()["totals"]["total_granted"] == "1222867.00"
    reopened = api(controller).post(url + "reopen/", {"comment": "Ny budget"}, format="json")
    assert reopened.json()["status"] == PlanStatus.DRAFT


def test_return_requires_a_comment_over_the_api(officer, controller, api):
    plan = make_plan(co_financing_case(officer=officer), status="submitted")
    url = f"/api/v1/financing-plans/{plan.pk}/return/"
    response = api(controller).post(url, {}, format="json")
    assert response.status_code == 400
    assert "comment" in response.json()
    assert api(controller).post(url, {"comment": "Saknar intyg"}).status_code == 200
    assert FinancingPlan.objects.get(pk=plan.pk).status == PlanStatus.RETURNED


def test_commitments_payments_releases_over_the_api(controller, officer, grant_2020, api):
    body = {
        "category": "business_support",
        "amount": "500 000",
        "committed_on": "2020-04-01",
        "company_leader_gender": "woman",
        "description": "Investeringsstöd",
    }
    assert api(officer).post("/api/v1/commitments/", body, format="json").status_code == 403
    missing = api(controller).post(
        "/api/v1/commitments/", dict(body, company_leader_gender=None), format="json"
    )
    assert missing.status_code == 400
    assert "company_leader_gender" in missing.json()
    created = api(controller).post("/api/v1/commitments/", body, format="json")
    assert created.status_code == 201, created.content
    commitment = created.json()
    assert commitment["year"] == 2020 and commitment["priority"] == "innovation"
    payment = {
        "commitment": commitment["id"],
        "paid_on": "2020-06-01",
        "amount": "400 000",
        "period_start": "2020-04-01",
        "period_end": "2020-05-31",
    }
    assert api(officer).post("/api/v1/payments/", payment, format="json").status_code == 403
    assert api(controller).post("/api/v1/payments/", payment, format="json").status_code == 201
    over = api(controller).post("/api/v1/payments/", payment, format="json")
    assert over.status_code == 400
    assert "100 000 kr" in over.json()["amount"][0]
    release = api(controller).post(
        "/api/v1/releases/",
        {"commitment": commitment["id"], "released_on": "2020-12-31", "reason": "Avslutat"},
        format="json",
    )
    assert release.status_code == 201
    assert release.json()["amount"] == "100000.00"
    again = api(controller).post(
        "/api/v1/releases/",
        {"commitment": commitment["id"], "released_on": "2020-12-31", "reason": "Igen"},
        format="json",
    )
    assert again.status_code == 409
    listed = api(officer).get("/api/v1/commitments/", {"year": 2020, "open": "false"}).json()
    assert listed["results"][0]["remaining"] == "0.00"
    assert api(officer).get("/api/v1/commitments/", {"open": "true"}).json()["count"] == 0


def test_over_commit_over_the_api_is_refused(controller, api):
    make_grant(controller=controller, year=2021, amount="1000", commercial="500")
    body = {
        "year": 2021,
        "category": "commercial_service",
        "amount": "501",
        "committed_on": "2021-02-01",
    }
    response = api(controller).post("/api/v1/commitments/", body, format="json")
    assert response.status_code == 400
    assert "500 kr kvar" in response.json()["detail"]
    assert not Commitment.objects.exists()


def test_schema_lists_the_financing_endpoints(reader, api):
    response = api(reader).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/v1/grants/",
        "/api/v1/financing-plans/{id}/approve/",
        "/api/v1/commitments/",
        "/api/v1/payments/",
        "/api/v1/releases/",
    ]:
        assert path in paths


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.DECISION_MAKER, Role.READER])
def test_other_roles_cannot_write(role, role_users, grant_2020, api):
    user = role_users[role]
    assert api(user).post("/api/v1/grants/", {"year": 2030, "amount": 1}).status_code == 403
    assert (
        api(user)
        .post(
            "/api/v1/commitments/",
            {"category": "commercial_service", "amount": 1, "committed_on": "2020-01-01"},
        )
        .status_code
        == 403
    )
