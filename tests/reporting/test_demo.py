"""The demo: the 2022 report reproduces seed 004's distribution from the demo commitments."""

import io

from django.core.management import call_command

from core.money import format_msek
from financing.models import BusinessSupportImport
from reporting.figures import compute_figures
from reporting.models import Insats, ReportYear


def _counts(report) -> tuple:
    return (
        report.sections.count(),
        Insats.objects.filter(section__report=report).count(),
        report.sections.filter(answer__done=True).count(),
    )


def test_load_demo_builds_the_2022_report(demo):
    report = ReportYear.objects.get(year=2022)
    assert report.region_reference == "RUN 00060-2022"
    answer = report.sections.get(number="1.1.1").answer
    assert answer.text.startswith("Coronapandemin har under 2022")
    assert answer.done
    assert report.sections.get(number="2.3").answer.yes_no is True
    rows = Insats.objects.filter(section__report=report)
    assert rows.filter(section__number="1.2.1.4").count() == 3
    assert rows.filter(name__startswith="LOKET").exists()
    assert all(rows.filter(section=s).count() <= s.insatser_max for s in report.sections.all())

    figures = compute_figures(2022)
    assert [s.share for s in figures.by_category] == [61, 34, 5]
    assert [format_msek(s.amount) for s in figures.by_priority] == [
        "32,3",
        "120,1",
        "1,4",
        "5,3",
        "12,0",
    ]
    lead = figures.leadership
    assert (lead.share_women, lead.share_men, lead.share_shared) == (24, 66, 10)


def test_the_2022_demo_reproduces_seed_004s_business_support_figures(demo):
    """Seed 004 section 2.1, from the shipped NYPS export the demo imports: 164
    applications, 125 granted, 39 rejected (about 24 %), 125 companies (24 / 66 / 10 %
    led by women / men / jointly), 46 decisions co-financed by two EU framework projects
    (39 at 100 % through REACT-EU, 7 at 50 %)."""
    figures = compute_figures(2022)
    apps = figures.applications
    assert (apps.received, apps.granted, apps.rejected) == (164, 125, 39)
    assert apps.rejection_share == 24
    assert apps.companies == 125
    lead = figures.leadership
    assert (lead.total, lead.women, lead.men, lead.shared) == (125, 30, 83, 12)
    assert (lead.share_women, lead.share_men, lead.share_shared) == (24, 66, 10)
    eu = figures.eu_cofinancing
    assert eu.decisions == 46
    assert [(f.share, f.decisions) for f in eu.frameworks] == [(100, 39), (50, 7)]
    assert "REACT-EU" in eu.frameworks[0].framework
    # Seed 004 2.2: six projects with equality as main aim, four diversity, nine environment.
    aims = figures.main_aims
    assert (aims.equality, aims.diversity, aims.environment) == (6, 4, 9)
    assert aims.granted_projects == 16 and aims.missing == ""
    # The import kept its source file with its checksum.
    source = BusinessSupportImport.objects.get(year=2022)
    assert source.rows_created == 164 and len(source.sha256) == 64


def test_load_demo_again_leaves_the_2022_report_as_it_was(demo):
    counts = _counts(ReportYear.objects.get(year=2022))
    call_command("load_demo", stdout=io.StringIO())
    assert _counts(ReportYear.objects.get(year=2022)) == counts
