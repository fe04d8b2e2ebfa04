"""Recording or removing an anchoring contact with htmx also refreshes the case's actions.

"Skicka till utvecklingsforum" needs anchoring: without the out-of-band section the button
above stayed disabled, with the reason "no anchoring recorded", until the page was reloaded
(found by the browser journey of a projektidé).
"""

import re

import pytest
from django.urls import reverse

from decisions.workflow.models import AnchoringContact
from projects.models import CaseState
from tests.decisions.workflow.factories import walk_idea

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
NO_ANCHORING = "Ingen förankring med berörd verksamhet är registrerad."


def _actions(fragment: str) -> str:
    match = re.search(r'<section[^>]*id="workflow-actions"[^>]*>.*?</section>', fragment, re.S)
    assert match, "the actions section is missing from the answer"
    assert 'hx-swap-oob="true"' in match.group(0)
    return match.group(0)


def test_anchoring_add_and_delete_answer_with_the_refreshed_actions(actors, client_for):
    case = walk_idea(actors, CaseState.AU_ASSESSED)
    client = client_for(actors.officer)
    page = client.get(case.get_absolute_url()).content.decode()
    assert NO_ANCHORING in page
    add = reverse("decisions:workflow_anchoring_add", args=[case.pk])
    response = client.post(
        add,
        {
            "unit": "Division Närsjukvård",
            "person": "Karin Berg",
            "contacted_on": "2020-02-03",
            "outcome": "Stödjer idén.",
        },
        **HTMX,
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="anchoring"' in fragment and "Förankringen är registrerad." in fragment
    actions = _actions(fragment)
    assert NO_ANCHORING not in actions
    send = reverse("decisions:workflow_transition", args=[case.pk, "send_to_forum"])
    assert f'href="{send}"' in actions

    contact = AnchoringContact.objects.get(case=case)
    delete = reverse("decisions:workflow_anchoring_delete", args=[case.pk, contact.pk])
    fragment = client.post(delete, **HTMX).content.decode()
    assert NO_ANCHORING in _actions(fragment)
    assert f'href="{send}"' not in _actions(fragment)


def test_the_case_page_itself_has_no_out_of_band_marker(actors, client_for):
    case = walk_idea(actors, CaseState.AU_ASSESSED)
    page = client_for(actors.officer).get(case.get_absolute_url()).content.decode()
    assert 'id="workflow-actions"' in page and "hx-swap-oob" not in page
