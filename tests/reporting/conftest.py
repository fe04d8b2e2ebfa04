import pytest

from reporting import services


@pytest.fixture
def report(officer):
    """The 2022 report, created from the shipped template."""
    return services.report_year_create(user=officer, year=2022)


@pytest.fixture
def section_of(report):
    """``section_of("1.2.1.4")``: a section of the 2022 report, fresh from the database."""

    def get(number):
        return report.sections.select_related("answer", "report").get(number=number)

    return get


@pytest.fixture
def answer_of(section_of):
    def get(number):
        return section_of(number).answer

    return get
