import pytest

from projects.models import CaseState
from tests.decisions.workflow_factories import walk_cofinancing, walk_idea

pytestmark = pytest.mark.django_db


def test_walks(actors):
    case = walk_idea(actors, CaseState.FINAL_REPORT)
    assert case.state == CaseState.FINAL_REPORT
    case = walk_cofinancing(actors, CaseState.FINAL_REPORT)
    assert case.state == CaseState.FINAL_REPORT
