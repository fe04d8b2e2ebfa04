import pytest

from tests.projects.factories import OrganisationFactory, ProjectFactory, register_case


@pytest.fixture
def case(officer):
    """A co-financing case of the officer, with applicant and a partner."""
    applicant = OrganisationFactory(name="Piteå Science Park AB")
    project = ProjectFactory(
        title="Arctic Solar 2.0",
        applicant=applicant,
        owner=applicant,
        summary="Öka efterfrågan på solel bland länets små och medelstora företag.",
        background="Solenergi växer snabbast i världen.",
    )
    project.partners.add(OrganisationFactory(name="PiteEnergi AB"))
    return register_case(officer=officer, project=project, nyps_id="20204814")
