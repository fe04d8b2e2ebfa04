"""The route diagram is generated from the machine: every transition is in it, the
current state is highlighted and the path taken is marked."""

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decisions.workflow import diagram
from decisions.workflow.diagram import case_route_svg, layout, route_graph, route_svg
from decisions.workflow.models import CaseWorkflow
from decisions.workflow.selectors import transition_log_for
from projects.models import Case, CaseKind, CaseState
from tests.decisions.workflow.factories import walk_cofinancing, walk_idea

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
def test_a_cases_diagram_is_drawn_for_its_own_state_path_and_ids_at_once(actors):
    """The drawings of routes are kept (``_case_route_svg``): a case's is the route's
    with the case's own ids, and a step taken shows in the next drawing at once."""
    from tests.decisions.workflow.factories import fire

    case = walk_cofinancing(actors, S.PREPARATION)
    rows = transition_log_for(case)
    path = [(r.transition, r.source, r.target) for r in rows]
    drawn = str(case_route_svg(case, rows))
    assert drawn == str(
        route_svg(case.kind, current=case.state, path=path, id_prefix=f"route-{case.pk}")
    )
    assert diagram._PREFIX_MARK not in drawn and f'id="route-{case.pk}-title"' in drawn
    other = walk_cofinancing(actors, S.PREPARATION)
    assert str(case_route_svg(other, transition_log_for(other))) == drawn.replace(
        f"route-{case.pk}", f"route-{other.pk}"
    )
    fire(case, "withdraw", actors.officer)
    case.refresh_from_db()
    again = parse(case_route_svg(case, transition_log_for(case)))
    current = [g for g in again.iter() if "--current" in (g.get("class") or "")]
    assert current and all(g.get("data-state") == S.WITHDRAWN for g in current)
    with translation.override("en"):  # the language is a part of the key
        english = str(case_route_svg(case, transition_log_for(case)))
    assert english != str(case_route_svg(case, transition_log_for(case)))


@pytest.mark.django_db
def test_a_withdrawn_case_highlights_the_withdrawal_note(actors):
    from tests.decisions.workflow.factories import fire

    case = walk_cofinancing(actors, S.PREPARATION)
    fire(case, "withdraw", actors.officer)
    root = parse(case_route_svg(case, transition_log_for(case)))
    notes = [g for g in root.iter() if g.get("data-state") == S.WITHDRAWN]
    assert notes and "route-diagram__global--current" in notes[0].get("class")
    assert "route-diagram__edge--taken" in notes[0].get("class")


# Geometry: what is drawn must be readable in both languages. The boxes are worked out
# from the SVG itself, with the diagram's own (conservative) text width estimate.

LANGUAGES = ["sv", "en"]
KINDS = [CaseKind.PROJECT_IDEA, CaseKind.CO_FINANCING]
CSS = Path(__file__).resolve().parents[3] / "static" / "css" / "workflow.css"
HALO = 2  # half the white stroke drawn behind edge labels


def css_font_size(css_class):
    match = re.search(r"\." + css_class + r"\s*\{[^}]*font-size:\s*([\d.]+)px", CSS.read_text())
    assert match, css_class
    return float(match.group(1))


def test_the_width_estimate_uses_the_font_sizes_of_the_css():
    assert css_font_size("route-diagram__state") == diagram.STATE_FONT
    assert css_font_size("route-diagram__label") == diagram.LABEL_FONT
    assert css_font_size("route-diagram__note") == diagram.NOTE_FONT


def test_the_width_estimate_is_not_narrower_than_dejavu_sans_bold():
    """Spot checks against the advance widths of DejaVu Sans Bold (units of 2048/em)."""
    advances = {"i": 702, "m": 2134, "W": 2259, "A": 1585, "å": 1382, "→": 1716, " ": 713}
    for char, units in advances.items():
        assert diagram.text_width(char, 2048) >= units, char


def test_a_wide_diagram_shrinks_no_further_than_the_css_allows():
    wide = parse(route_svg(CaseKind.PROJECT_IDEA))
    narrow = parse(route_svg(CaseKind.CO_FINANCING))
    assert wide.get("data-wide") == "true" and float(wide.get("width")) > diagram.SHRINK_TO
    assert narrow.get("data-wide") is None and float(narrow.get("width")) <= diagram.SHRINK_TO
    match = re.search(r"\[data-wide\]\s*\{\s*min-width:\s*(\d+)px", CSS.read_text())
    assert match and float(match.group(1)) == diagram.SHRINK_TO


def test_the_geometry_is_worked_out_once_per_kind_and_language():
    diagram._route_geometry.cache_clear()
    first = route_svg(CaseKind.PROJECT_IDEA, current=S.AT_FORUM)
    again = route_svg(CaseKind.PROJECT_IDEA, current=S.AT_COUNCIL)
    assert diagram._route_geometry.cache_info().misses == 1
    assert diagram._route_geometry.cache_info().hits == 1
    assert first != again
    with translation.override("en"):
        english = route_svg(CaseKind.PROJECT_IDEA)
    assert diagram._route_geometry.cache_info().misses == 2
    assert "With the Development Forum" in english and "Hos utvecklingsforum" in first


def text_box_of(element, size):
    spans = element.findall("svg:tspan", NS)
    lines = [span.text or "" for span in spans]
    steps = {float(span.get("dy")) for span in spans[1:]}
    assert len(steps) <= 1
    return diagram.text_box(
        float(element.get("x")),
        float(element.get("y")),
        lines,
        size,
        steps.pop() if steps else 0,
        element.get("text-anchor"),
    )


def rect_box(rect):
    x, y = float(rect.get("x")), float(rect.get("y"))
    return (x, y, x + float(rect.get("width")), y + float(rect.get("height")))


def grow(box, by):
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def intersects(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(inner, outer, margin=0.0):
    return (
        inner[0] >= outer[0] + margin
        and inner[1] >= outer[1] + margin
        and inner[2] <= outer[2] - margin
        and inner[3] <= outer[3] - margin
    )


def path_points(d, steps=24):
    """Points along an SVG path of absolute M, L, H, V, Q and C commands."""
    tokens = re.findall(r"[MLHVQC]|-?[\d.]+", d)
    points, x, y, i = [], 0.0, 0.0, 0
    while i < len(tokens):
        command = tokens[i]
        i += 1
        count = {"M": 2, "L": 2, "H": 1, "V": 1, "Q": 4, "C": 6}[command]
        values = [float(v) for v in tokens[i : i + count]]
        i += count
        if command == "M":
            x, y = values
            points.append((x, y))
            continue
        if command in "LHV":
            nx = values[0] if command == "H" else values[-2] if command == "L" else x
            ny = values[0] if command == "V" else values[-1] if command == "L" else y
            controls = [(x, y), (nx, ny)]
        else:
            controls = [(x, y)] + list(zip(values[::2], values[1::2], strict=True))
        for step in range(1, steps + 1):
            t = step / steps
            level = controls
            while len(level) > 1:  # de Casteljau
                level = [
                    (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
                    for a, b in zip(level, level[1:], strict=False)
                ]
            points.append(level[0])
        x, y = controls[-1]
    return points


def drawn(kind, language):
    """Boxes of everything drawn, from the SVG the page gets."""
    with translation.override(language):
        root = parse(route_svg(kind))
    view_box = [float(v) for v in root.get("viewBox").split()]
    assert float(root.get("width")) == view_box[2] and float(root.get("height")) == view_box[3]
    result = {
        "view": (view_box[0], view_box[1], view_box[0] + view_box[2], view_box[1] + view_box[3]),
        "nodes": [],  # (state, rect box, text box)
        "labels": [],  # (transition, box): edge labels with their halo, and the note pills
        "paths": [],  # (transition, points)
        "note_texts": [],  # (rect box, text box)
    }
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        css = group.get("class") or ""
        if "route-diagram__node" in css.split():
            rect = rect_box(group.find("svg:rect", NS))
            text = text_box_of(group.find("svg:text", NS), diagram.STATE_FONT)
            result["nodes"].append((group.get("data-state"), rect, text))
        elif "route-diagram__edge" in css.split():
            name = group.get("data-transition")
            text = group.find("svg:text", NS)
            box = grow(text_box_of(text, diagram.LABEL_FONT), HALO)
            result["labels"].append((name, box))
            result["paths"].append((name, path_points(group.find("svg:path", NS).get("d"))))
        elif "route-diagram__global" in css.split():
            rect = rect_box(group.find("svg:rect", NS))
            text = text_box_of(group.find("svg:text", NS), diagram.NOTE_FONT)
            result["labels"].append((group.get("data-transition"), rect))
            result["note_texts"].append((rect, text))
    assert result["nodes"] and result["labels"]
    return result


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_no_label_overlaps_another_label_or_a_state(kind, language):
    boxes = drawn(kind, language)
    labels = boxes["labels"]
    clashes = [
        (a, b)
        for i, (a, box_a) in enumerate(labels)
        for b, box_b in labels[i + 1 :]
        if intersects(box_a, box_b)
    ]
    clashes += [
        (name, state)
        for name, box in labels
        for state, rect, _text in boxes["nodes"]
        if intersects(box, rect)
    ]
    assert clashes == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_no_edge_runs_through_a_label(kind, language):
    boxes = drawn(kind, language)
    crossings = set()
    for name, box in boxes["labels"]:
        for edge, points in boxes["paths"]:
            if any(inside((x, y, x, y), box, margin=0.5) for x, y in points):
                crossings.add((name, edge))
    assert crossings == set()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_everything_lies_inside_the_view_box(kind, language):
    boxes = drawn(kind, language)
    view = boxes["view"]
    outside = [name for name, box in boxes["labels"] if not inside(box, view)]
    outside += [state for state, rect, text in boxes["nodes"] if not inside(rect, view)]
    outside += [
        edge
        for edge, points in boxes["paths"]
        if not all(inside((x, y, x, y), view) for x, y in points)
    ]
    assert outside == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_state_and_note_texts_fit_their_boxes(kind, language):
    boxes = drawn(kind, language)
    too_small = [state for state, rect, text in boxes["nodes"] if not inside(text, rect, 3)]
    too_small += [text for rect, text in boxes["note_texts"] if not inside(text, rect, 3)]
    assert too_small == []


@pytest.mark.parametrize(
    ("kind", "columns"),
    [
        (
            CaseKind.PROJECT_IDEA,
            [
                [S.REGISTERED, S.AU_PREPARATION, S.AU_ASSESSED, S.AT_FORUM, S.AT_COUNCIL]
                + [S.AT_MANAGEMENT_GROUP, S.AT_BOARD],
                [S.APPROVED, S.APPLICATION_WRITING, S.APPLICATION_SENT],
                [S.FUNDED, S.RUNNING, S.FINAL_REPORT, S.CLOSED],
            ],
        ),
        (
            CaseKind.CO_FINANCING,
            [[S.REGISTERED, S.PREPARATION, S.READY_FOR_RUN], [S.GRANTED, S.RUNNING, S.CLOSED]],
        ),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_main_path_runs_straight(kind, columns, language):
    with translation.override(language):
        nodes = layout(route_graph(kind))["nodes"]
    for column in columns:
        assert len({round(nodes[state][0], 1) for state in column}) == 1, column


# Any route the machine may grow into: random graphs over the real states, with labels
# of any length, keep the same promises (checked on the layout data itself).

STATES = [state for state in CaseState if state not in (S.REGISTERED, S.WITHDRAWN)]
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPRSTUVWÅÄÖ'", min_size=1)


@st.composite
def routes(draw):
    others = draw(st.lists(st.sampled_from(STATES), min_size=2, max_size=9, unique=True))
    nodes = [S.REGISTERED.value] + [str(state.value) for state in others]
    pairs = {(nodes[draw(st.integers(0, i - 1))], nodes[i]) for i in range(1, len(nodes))}
    extra = draw(
        st.lists(
            st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)).filter(
                lambda pair: pair[0] != pair[1]
            ),
            max_size=8,
        )
    )
    edges = []
    for number, (source, target) in enumerate(sorted(pairs | set(extra))):
        label = " ".join(draw(st.lists(WORDS.map(lambda w: w[:16]), min_size=1, max_size=7)))
        edges.append(diagram.Edge(source, target, [f"t{number}"], [label]))
    return diagram.Graph("test", nodes, edges, [("withdraw", "Återkalla ärendet", S.WITHDRAWN)])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routes())
def test_any_route_is_laid_out_without_overlaps(graph):
    geometry = layout(graph)
    view = (0, 0, geometry["width"], geometry["height"])
    w, h = geometry["node_w"], geometry["node_h"]
    rects = {
        s: (x - w / 2, y - h / 2, x + w / 2, y + h / 2) for s, (x, y) in geometry["nodes"].items()
    }
    labels = [edge["box"] for edge in geometry["edges"]] + [n["rect"] for n in geometry["notes"]]
    for i, box in enumerate(labels):
        assert inside(box, view)
        assert not any(intersects(box, other) for other in labels[i + 1 :])
        assert not any(intersects(box, rect) for rect in rects.values())
        for edge in geometry["edges"]:
            assert not any(inside((x, y, x, y), box, 0.5) for x, y in path_points(edge["d"]))
    for state, rect in rects.items():
        assert inside(rect, view)
        lines, baseline = geometry["node_text"][state]
        x = (rect[0] + rect[2]) / 2
        text = diagram.text_box(
            x, baseline, lines, diagram.STATE_FONT, diagram.STATE_LINE, "middle"
        )
        assert inside(text, rect, 3), state
    for state, other in itertools.combinations(rects.values(), 2):
        assert not intersects(state, other)
