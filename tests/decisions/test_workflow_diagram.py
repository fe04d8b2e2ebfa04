"""The route diagram is generated from the machine: every transition is in it, the
current state is highlighted and the path taken is marked."""

import xml.etree.ElementTree as ET

import pytest

from decisions.diagram import case_route_svg, layout, route_graph, route_svg
from decisions.models import CaseWorkflow
from decisions.selectors_workflow import transition_log_for
from projects.models import Case, CaseKind, CaseState
from tests.decisions.workflow_factories import walk_cofinancing, walk_idea

NS = {"svg": "http://www.w3.org/2000/svg"}
S = CaseState


def machine_transitions(kind):
    field = Case._meta.get_field("state")
    return {
        t.name: str(t.custom["label"])
        for t in field.get_all_transitions(CaseWorkflow)
        if kind in t.custom["kinds"]
    }


def parse(svg):
    return ET.fromstring(str(svg))


@pytest.mark.parametrize("kind", [CaseKind.PROJECT_IDEA, CaseKind.CO_FINANCING])
def test_every_transition_of_the_machine_appears_by_name_and_label(kind):
    svg = str(route_svg(kind))
    root = parse(svg)
    drawn = set()
    for element in root.iter():
        names = element.get("data-transition")
        if names:
            drawn |= set(names.split())
    expected = machine_transitions(kind)
    assert drawn == set(expected)
    text = " ".join(root.itertext())
    for label in expected.values():
        assert label in text, label


def test_the_other_routes_transitions_are_not_drawn():
    drawn = str(route_svg(CaseKind.CO_FINANCING))
    assert "council_approve" not in drawn
    assert "grant" in drawn
    assert "council_approve" in str(route_svg(CaseKind.PROJECT_IDEA))
    assert 'data-transition="grant"' not in str(route_svg(CaseKind.PROJECT_IDEA))


@pytest.mark.parametrize("kind", [CaseKind.PROJECT_IDEA, CaseKind.CO_FINANCING])
def test_every_reachable_state_is_a_node_with_a_text_label(kind):
    root = parse(route_svg(kind))
    states = {g.get("data-state") for g in root.iter() if g.get("data-state")}
    graph = route_graph(kind)
    assert set(graph.nodes) | {S.WITHDRAWN} == states
    text = " ".join(root.itertext())
    for state in graph.nodes:
        assert str(CaseState(state).label) in text


def test_the_layout_is_layered_from_registered_with_returns_as_back_edges():
    graph = route_graph(CaseKind.PROJECT_IDEA)
    geometry = layout(graph)
    layers = geometry["layers"]
    assert layers[S.REGISTERED] == 0
    for edge in graph.edges:
        if edge.back:
            assert layers[edge.target] < layers[edge.source]
        else:
            assert layers[edge.target] > layers[edge.source]
    back = {(e.source, e.target) for e in graph.edges if e.back}
    assert back == {
        (S.AT_COUNCIL, S.AU_PREPARATION),
        (S.AT_MANAGEMENT_GROUP, S.AU_PREPARATION),
        (S.AT_BOARD, S.AU_PREPARATION),
    }
    # No two states overlap.
    boxes = list(geometry["nodes"].values())
    for i, (x1, y1) in enumerate(boxes):
        for x2, y2 in boxes[i + 1 :]:
            assert abs(x1 - x2) >= 176 or abs(y1 - y2) >= 38


def test_it_is_accessible():
    root = parse(route_svg(CaseKind.CO_FINANCING, current=S.READY_FOR_RUN, id_prefix="r1"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "r1-title r1-desc"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title.get("id") == "r1-title" and "medfinansiering" in title.text
    assert "Nuvarande status: Klar för RUN." in desc.text
    assert "RUN beviljar: från Klar för RUN till Beviljat" in desc.text


@pytest.mark.django_db
@pytest.mark.usefixtures("fast_hashing")
def test_a_cases_diagram_highlights_its_state_and_marks_the_path_taken(actors):
    case = walk_idea(actors, S.AT_COUNCIL)
    root = parse(case_route_svg(case, transition_log_for(case)))
    current = [g for g in root.iter() if "route-diagram__node--current" in (g.get("class") or "")]
    assert [g.get("data-state") for g in current] == [S.AT_COUNCIL]
    assert current[0].get("aria-current") == "step"
    taken = {
        g.get("data-transition")
        for g in root.iter()
        if "route-diagram__edge--taken" in (g.get("class") or "")
    }
    assert taken == {
        "start_au_preparation",
        "record_au_assessment",
        "send_to_forum",
        "forum_recommend",
    }
    visited = {
        g.get("data-state")
        for g in root.iter()
        if "route-diagram__node--visited" in (g.get("class") or "")
    }
    assert visited == {S.REGISTERED, S.AU_PREPARATION, S.AU_ASSESSED, S.AT_FORUM}
    desc = root.find("svg:desc", NS).text
    assert "Vägen hittills: Registrerat → Under beredning i AU → Bedömd av AU" in desc


@pytest.mark.django_db
@pytest.mark.usefixtures("fast_hashing")
def test_a_withdrawn_case_highlights_the_withdrawal_note(actors):
    from tests.decisions.workflow_factories import fire

    case = walk_cofinancing(actors, S.PREPARATION)
    fire(case, "withdraw", actors.officer)
    root = parse(case_route_svg(case, transition_log_for(case)))
    notes = [g for g in root.iter() if g.get("data-state") == S.WITHDRAWN]
    assert notes and "route-diagram__global--current" in notes[0].get("class")
    assert "route-diagram__edge--taken" in notes[0].get("class")
