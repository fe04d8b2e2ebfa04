"""The pages: permissions, the financing-plan formset (htmx and plain), review, money."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core.roles import Role
from financing import services
from financing.models import Commitment, FinancingPlan, Grant, Payment, PlanStatus
from tests.financing.factories import SEED_002, make_plan, plan_rows, seed_rows
from tests.projects.factories import OrganisationFactory, co_financing_case

D = Decimal
pytestmark = pytest.mark.django_db


def formset_data(rows, *, stated_total, version="", extra=None):
    data = {
        "stated_total": stated_total,
        "version": version,
        "rows-TOTAL_FORMS": str(len(rows)),
        "rows-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "in_kind":
                if value:
                    data[f"rows-{i}-in_kind"] = "on"
                continue
            data[f"rows-{i}-{key}"] = (
                "" if value is None else str(value.pk if hasattr(value, "pk") else value)
            )
    data.update(extra or {})
    return data


def typed_rows(seed):
    """The seed's rows as an officer types them: with spaces and "kr"."""
    out = []
    for row in seed_rows(seed):
        amount = f"{int(row['amount_applied']):,}".replace(",", " ") + " kr"
        out.append(
            {
                "financier": row["financier"],
                "funding_type": row["funding_type"],
                "amount_applied": amount,
                "in_kind": row["in_kind"],
            }
        )
    return out


# --- Permission matrix through the pages -------------------------------------------------


PAGES = [
    "dashboard",
    "grant_list",
    "plan_list",
    "commitment_list",
    "dashboard_export",
    "plan_export",
]


@pytest.mark.parametrize("name", PAGES)
def test_every_role_reads(name, role_users, client_for, grant_2020):
    for user in role_users.values():
        assert client_for(user).get(reverse(f"financing:{name}")).status_code == 200


def test_user_without_role_is_refused(client_for):
    from tests.core.factories import UserFactory

    response = client_for(UserFactory()).get(reverse("financing:dashboard"))
    assert response.status_code == 403


WRITE_MATRIX = {
    # page: roles that may open it
    "grant_create": {Role.CONTROLLER},
    "commitment_create": {Role.CONTROLLER},
}


@pytest.mark.parametrize("name, allowed", WRITE_MATRIX.items())
def test_write_pages_matrix(name, allowed, role_users, client_for):
    for role, user in role_users.items():
        status = client_for(user).get(reverse(f"financing:{name}")).status_code
        assert status == (200 if role in allowed else 403), (role, status)


def test_plan_pages_matrix(role_users, client_for, grant_2020):
    officer = role_users[Role.OFFICER]
    case = co_financing_case(officer=officer, total_budget=D("1000000"))
    plan = make_plan(case, status="submitted")
    pid = case.project_id
    expected = {
        # (url name, method): roles allowed (others 403)
        ("plan_detail", "get"): set(Role.values),
        ("plan_review", "get"): {Role.CONTROLLER},
        ("plan_granted", "get"): {Role.CONTROLLER, Role.OFFICER},
    }
    for (name, _method), allowed in expected.items():
        for role, user in role_users.items():
            status = client_for(user).get(reverse(f"financing:{name}", args=[pid])).status_code
            assert status == (200 if role in allowed else 403), (name, role, status)
    # Editing is the case officer's; while submitted it is frozen (redirect with message).
    for role, user in role_users.items():
        response = client_for(user).get(reverse("financing:plan_edit", args=[pid]))
        assert response.status_code == (302 if role == Role.OFFICER else 403), role
    # Approving through the page
    response = client_for(role_users[Role.CONTROLLER]).post(
        reverse("financing:plan_review", args=[pid]),
        {"decision": "approve", "comment": "Sökt belopp justeras i beslutet."},
    )
    assert response.status_code == 302
    assert FinancingPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


# --- The financing-plan form ----------------------------------------------------------


def test_officer_enters_seed_002_rows_through_the_form(officer, client_for):
    case = co_financing_case(
        officer=officer, start_date=datetime.date(2023, 9, 1), end_date=datetime.date(2026, 10, 31)
    )
    client = client_for(officer)
    url = reverse("financing:plan_edit", args=[case.project_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="rows-TOTAL_FORMS"' in page.content.decode()
    response = client.post(url, formset_data(typed_rows(SEED_002), stated_total="20 718 995 kr"))
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = FinancingPlan.objects.get(project=case.project)
    assert plan.rows.count() == 10
    assert sum(r.amount_applied for r in plan.rows.all()) == D("20718995")
    detail = client.get(reverse("financing:plan_detail", args=[case.project_id])).content.decode()
    assert "20 718 995 kr" in detail
    assert "1 523 910 kr = 7,4 %" in detail  # region's share: 1:1 + egna medel
    assert "40,0 %" in detail  # Tillväxtverket's share


def test_mismatch_shows_the_difference_and_keeps_what_was_typed(officer, client_for):
    case = co_financing_case(officer=officer)
    rows = typed_rows(SEED_002)
    response = client_for(officer).post(
        reverse("financing:plan_edit", args=[case.project_id]),
        formset_data(rows, stated_total="20 718 994"),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Raderna summerar till 20 718 995 kr men den totala budgeten är 20 718 994 kr" in text
    assert "Skillnad: 1 kr" in text
    assert 'value="20 718 994"' in text
    assert 'value="8 287 468 kr"' in text
    assert not FinancingPlan.objects.exists()


def test_bad_amount_in_a_row_is_a_field_error(officer, client_for):
    case = co_financing_case(officer=officer)
    org = OrganisationFactory()
    rows = [{"financier": org, "funding_type": "eruf", "amount_applied": "tolv miljoner"}]
    response = client_for(officer).post(
        reverse("financing:plan_edit", args=[case.project_id]),
        formset_data(rows, stated_total="12"),
    )
    assert response.status_code == 200
    assert "Skriv beloppet som 1245497" in response.content.decode()


def test_a_posted_row_count_past_the_limit_builds_no_more_rows(officer, client_for):
    """A hostile TOTAL_FORMS makes at most MAX_ROWS forms (Django's default would build
    and render 1 200), says the limit and saves nothing."""
    from financing.forms import MAX_ROWS

    case = co_financing_case(officer=officer)
    org = OrganisationFactory()
    rows = [{"financier": org, "funding_type": "eruf", "amount_applied": "100"}]
    response = client_for(officer).post(
        reverse("financing:plan_edit", args=[case.project_id]),
        formset_data(rows, stated_total="100", extra={"rows-TOTAL_FORMS": "100000"}),
    )
    text = response.content.decode()
    rendered = {int(n) for n in re.findall(r'name="rows-(\d+)-financier"', text)}
    assert rendered and max(rendered) < MAX_ROWS
    assert response.status_code == 200  # the form again, as for any invalid row
    assert f"Skicka som mest {MAX_ROWS} formulär." in text
    assert not FinancingPlan.objects.exists()


def test_add_row_without_javascript_keeps_the_typed_rows(officer, client_for):
    case = co_financing_case(officer=officer)
    org = OrganisationFactory()
    rows = [{"financier": org, "funding_type": "eruf", "amount_applied": "500 000"}]
    response = client_for(officer).post(
        reverse("financing:plan_edit", args=[case.project_id]),
        formset_data(rows, stated_total="1 000 000", extra={"add_row": "1"}),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="rows-TOTAL_FORMS" value="2"' in text
    assert 'name="rows-1-amount_applied"' in text
    assert 'value="500 000"' in text
    assert not FinancingPlan.objects.exists()


def test_add_row_with_htmx_returns_a_row_and_the_new_total(officer, client_for):
    case = co_financing_case(officer=officer)
    response = client_for(officer).get(
        reverse("financing:plan_add_row", args=[case.project_id]),
        {"rows-TOTAL_FORMS": "3"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith("<tr")
    assert 'name="rows-3-financier"' in text
    assert 'id="id_rows-TOTAL_FORMS" hx-swap-oob="true"' in text
    assert 'value="4"' in text


def test_save_and_submit_in_one_step(officer, client_for):
    case = co_financing_case(officer=officer)
    org = OrganisationFactory()
    rows = [{"financier": org, "funding_type": "eruf", "amount_applied": "100"}]
    response = client_for(officer).post(
        reverse("financing:plan_edit", args=[case.project_id]),
        formset_data(rows, stated_total="100", extra={"save_submit": "1"}),
    )
    assert response.status_code == 302
    assert FinancingPlan.objects.get(project=case.project).status == PlanStatus.SUBMITTED


def test_editing_an_approved_plan_through_the_page_is_a_409(officer, client_for):
    case = co_financing_case(officer=officer)
    plan = make_plan(case, status="approved")
    rows = plan_rows(plan, amount_applied="1")
    response = client_for(officer).post(
        reverse("financing:plan_edit", args=[case.project_id]),
        formset_data(rows, stated_total="2", version=str(plan.version)),
    )
    assert response.status_code == 409
    assert "godkänd och kan inte ändras" in response.content.decode()
    assert FinancingPlan.objects.get(pk=plan.pk).stated_total == plan.stated_total


def test_stale_form_is_a_409_with_the_typed_values(officer, client_for):
    case = co_financing_case(officer=officer)
    plan = make_plan(case)
    rows = plan_rows(plan)
    client = client_for(officer)
    url = reverse("financing:plan_edit", args=[case.project_id])
    assert (
        client.post(url, formset_data(rows, stated_total="1000000", version="1")).status_code == 302
    )
    response = client.post(url, formset_data(rows, stated_total="1 000 000 kr", version="1"))
    assert response.status_code == 409
    assert "ändrat uppgifterna" in response.content.decode()
    assert 'value="1 000 000 kr"' in response.content.decode()


def test_return_needs_a_comment_on_the_review_page(officer, controller, client_for):
    case = co_financing_case(officer=officer)
    make_plan(case, status="submitted")
    url = reverse("financing:plan_review", args=[case.project_id])
    page = client_for(controller).get(url).content.decode()
    assert "Controllerns" in page or "Kontroller" in page
    response = client_for(controller).post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200
    assert "Skriv vad som behöver kompletteras" in response.content.decode()
    response = client_for(controller).post(url, {"decision": "return", "comment": "Saknar intyg"})
    assert response.status_code == 302
    assert FinancingPlan.objects.get(project=case.project).status == PlanStatus.RETURNED


def test_submit_button_through_the_page(officer, client_for):
    case = co_financing_case(officer=officer)
    make_plan(case)
    response = client_for(officer).post(reverse("financing:plan_submit", args=[case.project_id]))
    assert response.status_code == 302
    assert FinancingPlan.objects.get(project=case.project).status == PlanStatus.SUBMITTED
    again = client_for(officer).post(reverse("financing:plan_submit", args=[case.project_id]))
    assert again.status_code == 409


def test_case_page_shows_the_financing_section(officer, controller, client_for, grant_2020):
    case = co_financing_case(officer=officer)
    make_plan(case, status="submitted")
    text = client_for(controller).get(case.get_absolute_url()).content.decode()
    assert "Finansiering" in text
    assert "1 000 000 kr" in text
    assert "Granska planen" in text
    officer_text = client_for(officer).get(case.get_absolute_url()).content.decode()
    assert "Granska planen" not in officer_text


# --- Grants, commitments and money through the pages ------------------------------------


def test_controller_registers_a_grant_with_percentages(controller, client_for):
    response = client_for(controller).post(
        reverse("financing:grant_create"),
        {
            "year": "2022",
            "amount": "171 100 000 kr",
            "category_project": "61 %",
            "category_business_support": "34 %",
            "category_commercial_service": "5 %",
            "priority_attractive": "32,3 tkr".replace("32,3 tkr", "32 300 tkr"),
        },
    )
    assert response.status_code == 302
    grant = Grant.objects.get(year=2022)
    assert {a.key: a.amount for a in grant.allocations.all()}["project"] == D("104371000")
    page = client_for(controller).get(reverse("financing:grant_detail", args=[2022])).content
    assert b"104 371 000 kr" in page


def test_grant_form_error_keeps_input(controller, client_for):
    response = client_for(controller).post(
        reverse("financing:grant_create"),
        {"year": "2022", "amount": "1 000 kr", "category_project": "2 000 kr"},
    )
    assert response.status_code == 200
    assert "överstiger anslaget" in response.content.decode()
    assert 'value="2 000 kr"' in response.content.decode()


def test_record_business_support_through_the_page(controller, client_for, grant_2020):
    response = client_for(controller).post(
        reverse("financing:commitment_create"),
        {
            "year": "2020",
            "category": "business_support",
            "amount": "450 000",
            "committed_on": "2020-05-04",
            "company_leader_gender": "",
        },
    )
    assert response.status_code == 200
    assert "Ange om företaget leds av en kvinna" in response.content.decode()
    response = client_for(controller).post(
        reverse("financing:commitment_create"),
        {
            "year": "2020",
            "category": "business_support",
            "amount": "450 000",
            "committed_on": "2020-05-04",
            "company_leader_gender": "woman",
            "description": "Investeringsstöd",
        },
    )
    assert response.status_code == 302
    assert Commitment.objects.get().company_leader_gender == "woman"


@pytest.fixture
def commitment(controller, grant_2020):
    return services.commitment_record(
        user=controller,
        category="commercial_service",
        amount="100 000",
        committed_on=datetime.date(2020, 3, 24),
    )


def test_payment_dialog_with_htmx(controller, client_for, commitment):
    client = client_for(controller)
    url = reverse("financing:payment_create", args=[commitment.pk])
    dialog = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'role="dialog"' in dialog and "<html" not in dialog
    data = {
        "paid_on": "2020-06-01",
        "amount": "100 001",
        "period_start": "2020-03-24",
        "period_end": "2020-05-31",
    }
    refused = client.post(url, data, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert "överstiger det som återstår" in refused.content.decode()
    assert 'value="100 001"' in refused.content.decode()
    data["amount"] = "60 000"
    done = client.post(url, data, HTTP_HX_REQUEST="true")
    assert done.status_code == 204
    assert done["HX-Redirect"] == commitment.get_absolute_url()
    assert Payment.objects.get().amount == D("60000")


def test_payment_and_release_without_javascript(controller, client_for, commitment):
    client = client_for(controller)
    pay = client.post(
        reverse("financing:payment_create", args=[commitment.pk]),
        {
            "paid_on": "2020-06-01",
            "amount": "40 000",
            "period_start": "2020-03-24",
            "period_end": "2020-05-31",
            "requisition_reference": "Rekvisition 1",
        },
    )
    assert pay.status_code == 302
    release = client.post(
        reverse("financing:release_create", args=[commitment.pk]),
        {"released_on": "2020-12-31", "amount": "", "reason": "Projektet avslutat"},
    )
    assert release.status_code == 302
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert "Rekvisition 1" in page
    assert "60 000 kr" in page  # released remainder
    again = client.post(
        reverse("financing:release_create", args=[commitment.pk]),
        {"released_on": "2020-12-31", "amount": "", "reason": "igen"},
    )
    assert again.status_code == 409


def test_a_cases_grant_is_paid_on_the_cases_page_not_the_commitments(
    officer, secretary, controller, client_for, grant_2020
):
    """The commitment page's payment checked none of the payment rules (the payment year,
    the requisition, the advance cap): a case's commitment links to the case's payments."""
    case = co_financing_case(officer=officer)
    services.commitments_for_grant_decision(
        case=case,
        user=secretary,
        data={"amount": "1000000", "decided_on": datetime.date(2020, 3, 24)},
        log=None,
    )
    commitment = Commitment.objects.get(case=case)
    client = client_for(controller)
    page = client.get(commitment.get_absolute_url()).content.decode()
    payments_url = reverse("financing:case_payments", args=[case.pk])
    assert f'href="{payments_url}"' in page
    assert reverse("financing:payment_create", args=[commitment.pk]) not in page
    url = reverse("financing:payment_create", args=[commitment.pk])
    refused = client.get(url)
    assert refused.status_code == 403
    assert "ärendets sida Utbetalningar" in refused.content.decode()
    data = {
        "paid_on": "2020-06-01",
        "amount": "1 000",
        "period_start": "2020-03-24",
        "period_end": "2020-05-31",
    }
    assert client.post(url, data).status_code == 403
    assert not Payment.objects.exists()


def test_stale_grant_edit_is_a_409_and_keeps_input(controller, client_for, grant_2020):
    url = reverse("financing:grant_edit", args=[2020])
    client = client_for(controller)
    data = {"amount": "150 000 000", "category_project": "82 500 000", "version": "1"}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, dict(data, note="Min ändring"))
    assert stale.status_code == 409
    text = stale.content.decode()
    assert "Någon annan har ändrat uppgifterna" in text
    assert "Min ändring" in text
    assert Grant.objects.get(year=2020).note == ""


def test_unknown_objects_are_404(controller, client_for):
    client = client_for(controller)
    assert client.get(reverse("financing:grant_detail", args=[1999])).status_code == 404
    assert client.get(reverse("financing:commitment_detail", args=[999999])).status_code == 404
    assert client.get(reverse("financing:plan_detail", args=[999999])).status_code == 404


# --- Query counts on the demo data ------------------------------------------------------


def _demo_project_id():
    from projects.models import Case

    return Case.objects.get(year=2020, number=35).project_id


DEMO_PAGES = {
    "dashboard": lambda: reverse("financing:dashboard") + "?year=2022",
    "grant_list": lambda: reverse("financing:grant_list"),
    "grant": lambda: reverse("financing:grant_detail", args=[2022]),
    "plan_list": lambda: reverse("financing:plan_list"),
    "plan": lambda: reverse("financing:plan_detail", args=[_demo_project_id()]),
    "commitment_list": lambda: reverse("financing:commitment_list"),
    "commitment": lambda: (
        Commitment.objects.filter(payments__isnull=False).order_by("pk").first().get_absolute_url()
    ),
}


@pytest.mark.parametrize(
    ("page", "most"),
    [
        ("dashboard", 12),  # the sums of the anslag years in one query (core.batch)
        ("grant_list", 8),  # every year's sums in one round trip
        ("grant", 12),
        ("plan_list", 9),
        ("plan", 18),
        ("commitment_list", 7),
        ("commitment", 8),
    ],
)
def test_pages_on_the_demo_data_stay_within_their_query_count(
    demo, client, django_assert_max_num_queries, page, most
):
    """Measured on the demo data (anslag 2020, 2022, 2023, the seed plans, 2022's
    commitments) with a small margin."""
    client.force_login(demo.user("controller"))
    url = DEMO_PAGES[page]()
    client.get(url)  # warm up the session and caches
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


def test_the_plans_list_counts_up_to_its_cap_and_shows_each_plan_on_one_page(
    client_for, controller, officer, monkeypatch
):
    """Counted up to ``PLAN_COUNT_CAP`` past the page ("Över ... planer"), the page's plans
    chosen by key in a total order (title, then key: plans of the same title do not
    appear on two pages or none) and their totals computed for the page's plans."""
    from financing import views

    monkeypatch.setattr(views, "PLANS_PER_PAGE", 1)
    monkeypatch.setattr(views, "PLAN_COUNT_CAP", 2)
    plans = [
        make_plan(co_financing_case(officer=officer, title="Samma titel"), status="submitted")
        for _ in range(4)
    ]
    for plan in plans:
        plan.project.title = "Samma titel"
        plan.project.save(update_fields=["title"])
    client = client_for(controller)
    url = reverse("financing:plan_list")
    shown = []
    for number in (1, 2, 3, 4):
        html = client.get(url, {"page": number}).content.decode()
        shown += [pk for pk in map(int, re.findall(r"/finance/plans/(\d+)/", html))]
        if number == 1:
            assert "Över 2 planer" in html and "Sida 1<" in html and "1 000 000" in html
    assert sorted(set(shown)) == sorted(p.project_id for p in plans)
    monkeypatch.setattr(views, "PLAN_COUNT_CAP", 10)
    assert "4 planer" in client.get(url).content.decode()


def test_the_grant_list_reads_every_years_sums_in_one_round_trip(client_for, controller):
    """One query per anslag year grew with the register (ten years: 15 queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.financing.factories import make_grant

    client = client_for(controller)
    url = reverse("financing:grant_list")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for year in (2020, 2021):
        make_grant(year=year)
    two = queries()
    for year in (2022, 2023, 2024):
        make_grant(year=year)
    html = client.get(url).content.decode()
    assert queries() == two and all(str(year) in html for year in range(2020, 2025))
