"""The controller dashboard: figures, charts, query count, and the XLSX exports."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from financing import selectors, services
from tests.financing.factories import make_grant, make_plan
from tests.projects.factories import co_financing_case

D = Decimal
pytestmark = pytest.mark.django_db
DAY = datetime.date(2022, 3, 1)


def add_commitments(controller, count, *, start=0):
    for i in range(count):
        commitment = services.commitment_record(
            user=controller,
            year=2022,
            category="business_support",
            amount=D("10000"),
            committed_on=DAY,
            company_leader_gender="woman" if i % 2 else "man",
            description=f"Företag {start + i}",
        )
        services.payment_record(
            user=controller,
            commitment=commitment,
            paid_on=DAY,
            amount=D("2500"),
            period_start=DAY,
            period_end=DAY,
        )
        if i % 3 == 0:
            services.release_record(
                user=controller,
                commitment=commitment,
                released_on=DAY,
                reason="Klart",
                amount=D("500"),
            )


def test_dashboard_figures(controller, client_for, grant_2022):
    add_commitments(controller, 3)
    response = client_for(controller).get(reverse("financing:dashboard"), {"year": 2022})
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.total.committed == D("30000")
    assert summary.total.paid == D("7500")
    assert summary.total.released == D("500")
    assert summary.total.open == D("22000")
    assert summary.total.left == D("171100000") - D("29500")
    business = next(f for f in summary.categories if f.key == "business_support")
    assert business.left == D("58174000") - D("29500")
    innovation = next(f for f in summary.priorities if f.key == "innovation")
    assert innovation.net_committed == D("29500")
    text = response.content.decode()
    assert "171 100 000 kr" in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in text
    assert "<desc" in text and "Regionala företagsstöd: fördelat 58 174 000 kr" in text
    assert "Företag 0" in text  # open balances list


def test_dashboard_query_count_is_independent_of_the_number_of_commitments(
    controller, client_for, grant_2022
):
    client = client_for(controller)
    url = reverse("financing:dashboard")
    add_commitments(controller, 3)
    client.get(url, {"year": 2022})  # warm up sessions and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"year": 2022}).status_code == 200
    add_commitments(controller, 30, start=3)
    make_grant(controller=controller, year=2023, amount="100000000")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, {"year": 2022}).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(few) <= 20


def test_dashboard_without_any_grant(reader, client_for):
    response = client_for(reader).get(reverse("financing:dashboard"))
    assert response.status_code == 200
    assert "Inget anslag 1:1 är registrerat ännu" in response.content.decode()


def test_dashboard_defaults_to_the_latest_year_and_ignores_bad_years(
    reader, client_for, controller
):
    make_grant(controller=controller, year=2020)
    make_grant(controller=controller, year=2022)
    client = client_for(reader)
    assert client.get(reverse("financing:dashboard")).context["year"] == 2022
    assert client.get(reverse("financing:dashboard"), {"year": "abc"}).context["year"] == 2022
    assert client.get(reverse("financing:dashboard"), {"year": "2020"}).context["year"] == 2020


def test_multi_year_view_shows_split_commitments(controller, secretary, officer):
    from financing import services

    make_grant(controller=controller, year=2020, amount="10000000")
    make_grant(controller=controller, year=2021, amount="10000000")
    case = co_financing_case(officer=officer)
    services.commitments_for_grant_decision(
        case=case,
        user=secretary,
        data={
            "amount": D("3000000"),
            "decided_on": datetime.date(2020, 3, 24),
            "year_split": {2020: D("1000000"), 2021: D("2000000")},
        },
        log=None,
    )
    years = {f.key: f for f in selectors.multi_year_figures()}
    assert years["2020"].committed == D("1000000")
    assert years["2021"].committed == D("2000000")
    assert years["2021"].left == D("8000000")


def test_dashboard_export_reads_back(controller, client_for, grant_2022):
    add_commitments(controller, 4)
    response = client_for(controller).get(reverse("financing:dashboard_export"), {"year": 2022})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "anslag-1-1-2022.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Översikt 2022", "Flerårsöversikt", "Öppna åtaganden"]
    rows = list(workbook["Översikt 2022"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Grupp", "Rad", "Anslag/fördelat (kr)")
    total = rows[1]
    assert total[1] == "Anslag 1:1 2022"
    assert D(str(total[2])) == D("171100000")
    assert D(str(total[3])) == D("40000")  # committed
    assert D(str(total[4])) == D("10000")  # paid
    assert D(str(total[5])) == D("1000")  # released (two of four)
    by_label = {row[1]: row for row in rows[2:]}
    assert D(str(by_label["Projektverksamhet"][2])) == D("104371000")
    assert D(str(by_label["Regionala företagsstöd"][7])) == D("58174000") - D("39000")
    assert D(str(by_label["Innovation samt entreprenörskap och företagande"][2])) == D("120100000")
    open_rows = list(workbook["Öppna åtaganden"].iter_rows(values_only=True))
    assert len(open_rows) == 1 + 4
    assert open_rows[1][2] == "Regionala företagsstöd"


def test_plans_export_uses_the_list_filters(officer, controller, client_for, grant_2020, settings):
    settings.REGION_NAME = "Region Västerbotten"  # the columns name the region's money
    approved_case = co_financing_case(officer=officer, title="Arctic Solar 2.0")
    make_plan(approved_case, status="approved", controller=controller)
    draft_case = co_financing_case(officer=officer, title="DioD Digital och Delaktig")
    make_plan(draft_case)
    client = client_for(controller)
    listing = client.get(reverse("financing:plan_list"), {"status": "approved"}).content.decode()
    assert "Arctic Solar 2.0" in listing and "DioD" not in listing
    response = client.get(reverse("financing:plan_export"), {"status": "approved"})
    workbook = load_workbook(BytesIO(response.content))
    plans = list(workbook["Finansieringsplaner"].iter_rows(values_only=True))
    assert len(plans) == 2
    header, row = plans
    assert row[header.index("Dnr")] == approved_case.dnr
    assert row[header.index("Projekt")] == "Arctic Solar 2.0"
    assert row[header.index("Status")] == "Godkänd"
    assert D(str(row[header.index("Summa rader (kr)")])) == D("1000000")
    assert D(str(row[header.index("Regionens andel (%)")])) == D("40.0")
    assert "Region Västerbotten 1:1 (kr)" in header
    assert "Region Västerbotten egna medel (kr)" in header
    rows = list(workbook["Finansieringsrader"].iter_rows(values_only=True))
    assert len(rows) == 3
    assert {r[2] for r in rows[1:]} == {"Region Norrbotten 1:1", "ERUF"}
    all_plans = client.get(reverse("financing:plan_export"))
    assert load_workbook(BytesIO(all_plans.content))["Finansieringsplaner"].max_row == 3


def test_plan_list_search_and_financier_filter(officer, client_for, reader):
    from projects.models import Organisation

    case = co_financing_case(officer=officer, title="Export Camp")
    make_plan(case)
    other = co_financing_case(officer=officer, title="ADDIFAB")
    make_plan(other)
    client = client_for(reader)
    text = client.get(reverse("financing:plan_list"), {"q": "export"}).content.decode()
    assert "Export Camp" in text and "ADDIFAB" not in text
    region = Organisation.objects.get(name="Region Norrbotten")
    text = client.get(reverse("financing:plan_list"), {"financier": region.pk}).content.decode()
    assert "Export Camp" in text and "ADDIFAB" in text
    # chosen with the organisation picker (no list of every financier on the page), or
    # typed by name without JavaScript
    assert (
        'name="financier_text"' in text and "<option" not in text.split('id="id_financier')[1][:300]
    )
    typed = client.get(reverse("financing:plan_list"), {"financier_text": "region norrbotten"})
    assert "Export Camp" in typed.content.decode()
    unknown = client.get(reverse("financing:plan_list"), {"financier_text": "Ingen sådan AB"})
    text = unknown.content.decode()
    assert unknown.status_code == 200 and "Export Camp" in text
    # a filter cannot create one: the message does not send the user to "Ny organisation"
    assert "Det finns ingen organisation som heter ”Ingen sådan AB”." in text
    assert "Ny organisation" not in text
    text = client.get(reverse("financing:plan_list"), {"funding_type": "esf_plus"}).content.decode()
    assert "Inga finansieringsplaner matchar filtret" in text


def _plan_in_order(queryset) -> tuple[str, str]:
    """The queryset's SQL and the plan PostgreSQL makes for it where reading an index in
    order is possible (the test tables are tiny: a scan and a sort would win otherwise)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return sql, "\n".join(row[0] for row in cursor.fetchall())


def test_plan_list_sums_the_page_and_reads_the_projects_in_title_order(officer):
    """The plans list adds up only the rows of the plans it returns (a subquery per plan,
    run after the page is cut out), reading the projects in the title index's order: not
    every plan's rows joined, grouped and sorted (1.6 s at 200 000 plans)."""
    make_plan(co_financing_case(officer=officer, title="Export Camp"))
    sql, plan = _plan_in_order(selectors.plan_list()[:50])
    assert "project_title" in plan and "SubPlan" in plan
    assert 'GROUP BY "financing_financingplan"' not in sql  # the subqueries group their rows


def test_the_commitment_list_reads_the_newest_from_its_index():
    """Every year's commitments, newest first, are read in the (committed_on, id) index's
    order up to the page: not every commitment joined to its case and sorted."""
    _sql, plan = _plan_in_order(selectors.commitment_table()[:50])
    assert "commitment_newest" in plan


def test_long_chart_labels_wrap_onto_two_lines_instead_of_running_off_the_chart():
    from financing.charts import LABEL_CHARS, Series, _label_lines, bar_chart

    assert _label_lines("Kompetensförsörjning och kompetensutveckling") == [
        "Kompetensförsörjning och",
        "kompetensutveckling",
    ]
    assert _label_lines("Projektverksamhet") == ["Projektverksamhet"]
    long = _label_lines("Innovation samt entreprenörskap och företagande " * 3)
    assert len(long) == 2 and long[-1].endswith("…")
    assert all(len(line) <= LABEL_CHARS for line in long)

    chart = bar_chart(
        title="Per RUS-prioritering",
        groups=[("Kompetensförsörjning och kompetensutveckling", [Decimal("5000000")])],
        series=[Series("Fördelat", "#9fb6cf")],
    )
    assert ">Kompetensförsörjning och</tspan>" in chart.svg
    assert ">kompetensutveckling</tspan>" in chart.svg
    # The description for screen readers keeps the whole label.
    assert "Kompetensförsörjning och kompetensutveckling" in chart.description


def test_open_commitments_are_those_with_a_balance_newest_first(controller, grant_2020, grant_2022):
    """The dashboard's open commitments: balances checked only where something was paid or
    released; untouched ones are open; fully paid or released ones are not; one year's."""
    LATE = datetime.date(2022, 12, 1)  # after every decision below

    def commitment(name, day, year=2022):
        return services.commitment_record(
            user=controller,
            year=year,
            category="business_support",
            amount=D("1000"),
            committed_on=day,
            company_leader_gender="woman",
            description=name,
        )

    def pay(c, amount):
        services.payment_record(
            user=controller,
            commitment=c,
            paid_on=LATE,
            amount=D(amount),
            period_start=LATE,
            period_end=LATE,
        )

    def release(c, amount):
        services.release_record(
            user=controller, commitment=c, released_on=LATE, reason="Klart", amount=D(amount)
        )

    commitment("orörd", datetime.date(2022, 1, 10))
    partly = commitment("delvis", datetime.date(2022, 2, 10))
    pay(partly, "400")
    paid = commitment("betald", datetime.date(2022, 3, 10))
    pay(paid, "1000")
    released = commitment("återförd", datetime.date(2022, 4, 10))
    release(released, "1000")
    both = commitment("båda", datetime.date(2022, 5, 10))
    pay(both, "600")
    release(both, "400")
    nearly = commitment("nästan", datetime.date(2022, 6, 10))
    pay(nearly, "600")
    release(nearly, "399")
    commitment("annat år", datetime.date(2020, 7, 10), year=2020)
    rows = list(selectors.commitment_list(year=2022, open_only=True))
    assert [c.description for c in rows] == ["nästan", "delvis", "orörd"]
    assert [c.remaining for c in rows] == [D("1"), D("600"), D("1000")]
    assert {c.description for c in selectors.commitment_list(open_only=True)} == {
        "nästan",
        "delvis",
        "orörd",
        "annat år",
    }
    assert selectors.commitment_list(year=2021, open_only=True).count() == 0
