import pytest

from tests.financing.factories import make_grant
from tests.projects.factories import co_financing_case


@pytest.fixture
def grant_2020(controller):
    """Anslag 1:1 2020: 150 MSEK, projektverksamhet 82,5 MSEK."""
    return make_grant(
        controller=controller,
        year=2020,
        amount="150000000",
        project="82500000",
        business="60000000",
        commercial="7500000",
        attractive="30000000",
        innovation="100000000",
        international="2000000",
        skills="6000000",
        other="12000000",
    )


@pytest.fixture
def grant_2022(controller):
    """Anslag 1:1 2022 with the allocation plan of seed 004: 171,1 MSEK, 61 / 34 / 5 %."""
    return make_grant(
        controller=controller,
        year=2022,
        amount="171100000",
        project="104371000",
        business="58174000",
        commercial="8555000",
        attractive="32300000",
        innovation="120100000",
        international="1400000",
        skills="5300000",
        other="12000000",
    )


@pytest.fixture
def case(officer):
    """A co-financing case of the officer (project 2020-09-01 – 2023-02-28)."""
    return co_financing_case(officer=officer)
