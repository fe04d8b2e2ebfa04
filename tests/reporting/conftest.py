import datetime

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


@pytest.fixture
def paragraph_29(secretary):
    """Regionutvecklingsutskottet 2023-04-12 § 29: Återrapportering från Region Norrbotten."""
    from decisions.meetings.models import Body, Meeting, Paragraph
    from decisions.workflow.constants import BodyCode

    body, _created = Body.objects.get_or_create(
        code=BodyCode.RUU,
        defaults={
            "name": "Regionutvecklingsutskottet",
            "genitive": "Regionutvecklingsutskottets",
            "decision_intro": "Regionutvecklingsutskottet beslutar att:",
            "short_name": "RUU",
        },
    )
    meeting = Meeting.objects.create(
        body=body,
        date=datetime.date(2023, 4, 12),
        start_time=datetime.time(9, 0),
        place="Regionhuset, Luleå",
        secretary=secretary,
    )
    return Paragraph.objects.create(
        body=body,
        year=2023,
        number=29,
        meeting=meeting,
        kind="case",
        title="Återrapportering från Region Norrbotten, anslag 1:1",
    )
