"""The route diagram: an SVG generated from the state machine's own transitions.

Nothing is drawn by hand. The graph of a case kind is read from ``CaseWorkflow``'s
``@transition`` decorators (their ``custom["kinds"]``); the layout is a small layered
(Sugiyama-style) layout: back edges (returns for more preparation) are found by a depth
first search and drawn on a side rail, the other states are layered by longest path from
"registered", edges spanning several layers get bend points, the order within a layer
is improved by barycenter sweeps and x positions are relaxed towards the neighbours so
the main path runs straight. Transitions that leave (almost) every state, such as
withdrawal, are drawn once as a note beside their target instead of one edge per state.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from decisions.models.workflow import CaseWorkflow
from projects.models import Case, CaseKind, CaseState

NODE_W = 176
NODE_H = 38
DUMMY_W = 18
GAP = 34
LAYER_H = 84
MARGIN = 24
RAIL_GAP = 16
GLOBAL_SOURCES = 5  # a transition from at least this many states is drawn as a note
LABEL_CHARS = 24


@dataclass
class Edge:
    source: str
    target: str
    names: list[str]
    labels: list[str]
    back: bool = False
    label_x: float = 0.0
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Graph:
    kind: str
    nodes: list[str]
    edges: list[Edge]
    global_transitions: list[tuple[str, str, str]]  # (name, label, target)


def _state_label(state: str) -> str:
    return str(CaseState(state).label)


def route_graph(kind: str) -> Graph:
    """States and transitions of one kind's route, straight from the machine."""
    by_pair: dict[tuple[str, str], Edge] = {}
    global_transitions = []
    seen_global = set()
    field_ = Case._meta.get_field("state")
    # Definition order, so the layout is stable and follows the route as written.
    order = {name: index for index, name in enumerate(vars(CaseWorkflow))}
    all_transitions = sorted(
        field_.get_all_transitions(CaseWorkflow), key=lambda t: order.get(t.name, 999)
    )
    sources_per_name: dict[str, int] = defaultdict(int)
    for t in all_transitions:
        sources_per_name[t.name] += 1
    for t in all_transitions:
        if kind not in t.custom.get("kinds", ()):
            continue
        label = str(t.custom.get("label", t.name))
        if sources_per_name[t.name] >= GLOBAL_SOURCES:
            if t.name not in seen_global:
                seen_global.add(t.name)
                global_transitions.append((t.name, label, str(t.target)))
            continue
        key = (str(t.source), str(t.target))
        edge = by_pair.get(key)
        if edge is None:
            by_pair[key] = Edge(str(t.source), str(t.target), [t.name], [label])
        elif t.name not in edge.names:
            edge.names.append(t.name)
            edge.labels.append(label)
    edges = list(by_pair.values())
    # Reachable states from "registered", breadth first.
    nodes = [CaseState.REGISTERED.value]
    frontier = list(nodes)
    while frontier:
        nxt = []
        for state in frontier:
            for edge in edges:
                if edge.source == state and edge.target not in nodes:
                    nodes.append(edge.target)
                    nxt.append(edge.target)
        frontier = nxt
    edges = [e for e in edges if e.source in nodes and e.target in nodes]
    return Graph(kind=kind, nodes=nodes, edges=edges, global_transitions=global_transitions)


def _mark_back_edges(graph: Graph) -> None:
    outgoing = defaultdict(list)
    for edge in graph.edges:
        outgoing[edge.source].append(edge)
    visited, on_stack = set(), set()

    def visit(state):
        visited.add(state)
        on_stack.add(state)
        for edge in outgoing[state]:
            if edge.target in on_stack:
                edge.back = True
            elif edge.target not in visited:
                visit(edge.target)
        on_stack.discard(state)

    visit(graph.nodes[0])


def _layers(graph: Graph) -> dict[str, int]:
    forward = [e for e in graph.edges if not e.back]
    layer = {state: 0 for state in graph.nodes}
    # Longest path: relax until stable (the forward graph is acyclic and small).
    for _round in range(len(graph.nodes)):
        changed = False
        for edge in forward:
            if layer[edge.target] < layer[edge.source] + 1:
                layer[edge.target] = layer[edge.source] + 1
                changed = True
        if not changed:
            break
    return layer


@dataclass
class _Item:
    key: str  # state, or "edge-index:layer" for a bend point
    width: float
    x: float = 0.0
    up: list = field(default_factory=list)  # keys of neighbours one layer above
    down: list = field(default_factory=list)  # keys of neighbours one layer below


def layout(graph: Graph) -> dict:
    """Positions: {"nodes": {state: (x, y)}, "edges": [...], "width", "height"}."""
    _mark_back_edges(graph)
    layer_of = _layers(graph)
    depth = max(layer_of.values()) + 1
    rows: list[list[_Item]] = [[] for _ in range(depth)]
    items: dict[str, _Item] = {}
    for state in graph.nodes:
        item = _Item(state, NODE_W)
        items[state] = item
        rows[layer_of[state]].append(item)
    chains: list[list[str]] = []
    for index, edge in enumerate(graph.edges):
        if edge.back:
            chains.append([])
            continue
        chain = [edge.source]
        for layer in range(layer_of[edge.source] + 1, layer_of[edge.target]):
            key = f"{index}:{layer}"
            item = _Item(key, DUMMY_W)
            items[key] = item
            rows[layer].append(item)
            chain.append(key)
        chain.append(edge.target)
        for upper, lower in zip(chain, chain[1:], strict=False):
            items[upper].down.append(lower)
            items[lower].up.append(upper)
        chains.append(chain)

    position = {}

    def renumber():
        for row in rows:
            for i, item in enumerate(row):
                position[item.key] = i

    renumber()
    # Barycenter sweeps to reduce crossings.
    for _sweep in range(6):
        for layer in list(range(1, depth)) + list(range(depth - 2, -1, -1)):
            row = rows[layer]
            going_down = _sweep % 2 == 0
            neighbours = "up" if going_down else "down"

            def bary(item, neighbours=neighbours):
                keys = getattr(item, neighbours)
                if not keys:
                    return position[item.key]
                return sum(position[k] for k in keys) / len(keys)

            row.sort(key=lambda item: (bary(item), position[item.key]))
            renumber()

    # Initial x: each row packed from 0.
    for row in rows:
        x = 0.0
        for item in row:
            item.x = x + item.width / 2
            x += item.width + GAP
    # Relax x towards neighbours, keeping order and spacing.
    # Downward sweeps follow the parents, upward sweeps the children; the last sweep is
    # downward so every chain hangs straight under its parent.
    for sweep in range(13):
        downward = sweep % 2 == 0
        order = range(depth) if downward else range(depth - 1, -1, -1)
        for layer in order:
            row = rows[layer]
            desired = []
            for item in row:
                keys = item.up if downward else item.down
                if keys:
                    desired.append(sum(items[k].x for k in keys) / len(keys))
                else:
                    desired.append(item.x)
            _place(row, desired)
    min_x = min(item.x - item.width / 2 for item in items.values())
    for item in items.values():
        item.x -= min_x - MARGIN
    width = max(item.x + item.width / 2 for item in items.values()) + MARGIN

    def y_of(layer):
        return MARGIN + 30 + layer * LAYER_H + NODE_H / 2

    nodes = {state: (items[state].x, y_of(layer_of[state])) for state in graph.nodes}
    # Bend points of forward edges; rails for back edges, right of everything they span.
    rail = width
    for edge, chain in zip(graph.edges, chains, strict=True):
        if edge.back:
            continue
        points = []
        for key in chain:
            if key in nodes:
                points.append(nodes[key])
            else:
                layer = int(key.split(":")[1])
                points.append((items[key].x, y_of(layer)))
        edge.points = points
    back_edges = [edge for edge in graph.edges if edge.back]
    for edge in back_edges:
        edge.points = [nodes[edge.source], (rail, 0), nodes[edge.target]]
        rail += RAIL_GAP
    for edge in back_edges:
        edge.label_x = rail + 4
    width = max(width, rail + 8) + 170  # room for back-edge labels
    height = y_of(depth - 1) + NODE_H / 2 + MARGIN
    return {"nodes": nodes, "width": width, "height": height, "layers": layer_of}


def _place(row: list[_Item], desired: list[float]) -> None:
    """Put items as close to ``desired`` as the spacing allows, keeping their order."""
    n = len(row)
    if not n:
        return
    left = [0.0] * n
    for i in range(n):
        left[i] = desired[i]
        if i:
            minimum = left[i - 1] + (row[i - 1].width + row[i].width) / 2 + GAP
            left[i] = max(left[i], minimum)
    right = [0.0] * n
    for i in range(n - 1, -1, -1):
        right[i] = desired[i]
        if i < n - 1:
            maximum = right[i + 1] - (row[i + 1].width + row[i].width) / 2 - GAP
            right[i] = min(right[i], maximum)
    for i, item in enumerate(row):
        item.x = (left[i] + right[i]) / 2
    for i in range(1, n):
        minimum = row[i - 1].x + (row[i - 1].width + row[i].width) / 2 + GAP
        if row[i].x < minimum:
            row[i].x = minimum


def _wrap(text: str, width: int = LABEL_CHARS) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines or [text]


def _text(x, y, lines, css, anchor="middle", line_height=13) -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else line_height}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{spans}</text>'


def _edge_path(edge: Edge, width_back_rail: float | None = None) -> str:
    if edge.back:
        (sx, sy), (rail, _y), (tx, ty) = edge.points
        start = (sx + NODE_W / 2, sy)
        end = (tx + NODE_W / 2, ty)
        r = 8
        return (
            f"M{start[0]:.1f},{start[1]:.1f} H{rail - r:.1f} "
            f"Q{rail:.1f},{start[1]:.1f} {rail:.1f},{start[1] - r:.1f} "
            f"V{end[1] + r:.1f} Q{rail:.1f},{end[1]:.1f} {rail - r:.1f},{end[1]:.1f} "
            f"H{end[0] + 2:.1f}"
        )
    points = list(edge.points)
    sx, sy = points[0]
    points[0] = (sx, sy + NODE_H / 2)
    tx, ty = points[-1]
    points[-1] = (tx, ty - NODE_H / 2 - 2)
    d = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        dy = (y1 - y0) / 2
        d += f" C{x0:.1f},{y0 + dy:.1f} {x1:.1f},{y1 - dy:.1f} {x1:.1f},{y1:.1f}"
    return d


def _edge_label_position(edge: Edge, sibling: int, siblings: int) -> tuple[float, float, str]:
    if edge.back:
        # Stacked beside the top of the rails, level with the state returned to.
        (_sx, _sy), (rail, _y), (_tx, ty) = edge.points
        return edge.label_x, ty + 4 + sibling * 15, "start"
    points = edge.points
    if len(points) > 2:
        # A long edge: beside its first bend point, on the side it is heading to.
        x, y = points[1]
        y -= LAYER_H / 2 - 4  # between the layers, where only labels live
        if points[-1][0] < points[0][0] - 4:
            return x - 6, y, "end"
        return x + 6, y, "start"
    (x0, y0), (x1, y1) = points
    t = 0.5 if siblings == 1 else 0.35 + 0.3 * sibling / max(1, siblings - 1)
    y = y0 + NODE_H / 2 + (y1 - y0 - NODE_H) * t
    x = x0 + (x1 - x0) * t
    if x1 < x0 - 4:
        return x - 6, y, "end"
    return x + 6, y, "start"


@functools.lru_cache(maxsize=16)
def _route_geometry(kind: str, language: str | None) -> tuple[Graph, dict]:
    """The graph and layout of one kind's route.

    Both follow from the code alone (the labels from the language), so they are worked
    out once per process and language instead of on every case page. Read-only for
    callers.
    """
    graph = route_graph(kind)
    return graph, layout(graph)


def route_svg(
    kind: str,
    *,
    current: str | None = None,
    path: list[tuple[str, str, str]] | None = None,
    id_prefix: str = "route",
) -> SafeString:
    """The route of ``kind`` as inline SVG.

    ``current``: the state to highlight. ``path``: the transitions fired so far, as
    (name, source, target) tuples from the transition log; their edges and states are
    marked as taken.
    """
    graph, geometry = _route_geometry(kind, get_language())
    nodes = geometry["nodes"]
    path = path or []
    taken = {(name, source, target) for name, source, target in path}
    visited = {s for _n, s, _t in path} | {t for _n, _s, t in path}
    if current:
        visited.add(current)
    width, height = geometry["width"], geometry["height"]

    kind_label = str(CaseKind(kind).label)
    title = _("Beslutsgång för %(kind)s") % {"kind": kind_label.lower()}
    desc_parts = []
    if current:
        desc_parts.append(_("Nuvarande status: %(state)s.") % {"state": _state_label(current)})
    if path:
        steps = " → ".join(
            [_state_label(path[0][1])] + [_state_label(target) for _n, _s, target in path]
        )
        desc_parts.append(_("Vägen hittills: %(steps)s.") % {"steps": steps})
    edge_texts = []
    for edge in graph.edges:
        for label in edge.labels:
            edge_texts.append(
                _("%(label)s: från %(source)s till %(target)s")
                % {
                    "label": label,
                    "source": _state_label(edge.source),
                    "target": _state_label(edge.target),
                }
            )
    for _name, label, target in graph.global_transitions:
        edge_texts.append(
            _("%(label)s: från varje öppen status till %(target)s")
            % {"label": label, "target": _state_label(target)}
        )
    desc_parts.append(_("Övergångar: %(list)s.") % {"list": "; ".join(edge_texts)})

    out = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="route-diagram" role="img" '
            'width="{}" height="{}" viewBox="0 0 {} {}" aria-labelledby="{}-title {}-desc">',
            f"{width:.0f}",
            f"{height:.0f}",
            f"{width:.0f}",
            f"{height:.0f}",
            id_prefix,
            id_prefix,
        ),
        format_html('<title id="{}-title">{}</title>', id_prefix, title),
        format_html('<desc id="{}-desc">{}</desc>', id_prefix, " ".join(desc_parts)),
        format_html(
            "<defs>"
            '<marker id="{0}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
            'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            'class="route-diagram__arrow" fill="#4a5360"/></marker>'
            '<marker id="{0}-arrow-taken" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" '
            'orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" class="route-diagram__arrow--taken" '
            'fill="#1d6b38"/></marker>'
            "</defs>",
            id_prefix,
        ),
    ]
    # Edges first, nodes on top.
    outgoing_count = defaultdict(int)
    for edge in graph.edges:
        if not edge.back:
            outgoing_count[edge.source] += 1
    sibling_index = defaultdict(int)
    back_index = defaultdict(int)
    for edge in graph.edges:
        edge_taken = any((name, edge.source, edge.target) in taken for name in edge.names)
        css = "route-diagram__edge"
        if edge.back:
            css += " route-diagram__edge--back"
        if edge_taken:
            css += " route-diagram__edge--taken"
        marker = f"{id_prefix}-arrow-taken" if edge_taken else f"{id_prefix}-arrow"
        if edge.back:
            position = _edge_label_position(edge, back_index[edge.target], 1)
            back_index[edge.target] += 1
        else:
            position = _edge_label_position(
                edge, sibling_index[edge.source], outgoing_count[edge.source]
            )
            sibling_index[edge.source] += 1
        x, y, anchor = position
        lines = []
        for label in edge.labels:
            lines += [label] if edge.back else _wrap(label)
        out.append(
            format_html(
                '<g class="{}" data-transition="{}"><title>{}</title>',
                css,
                " ".join(edge.names),
                "; ".join(edge.labels),
            )
        )
        out.append(
            format_html(
                '<path d="{}" fill="none" stroke="#6b7684" stroke-width="{}" '
                'marker-end="url(#{})"/>',
                _edge_path(edge),
                "2.5" if edge_taken else "1.4",
                marker,
            )
        )
        out.append(mark_safe(_text(x, y, lines, "route-diagram__label", anchor)))  # noqa: S308
        out.append(mark_safe("</g>"))  # noqa: S308
    for state, (x, y) in nodes.items():
        css = "route-diagram__node"
        if state == current:
            css += " route-diagram__node--current"
        elif state in visited:
            css += " route-diagram__node--visited"
        if state in (CaseState.REJECTED, CaseState.NOT_FUNDED, CaseState.WITHDRAWN):
            css += " route-diagram__node--negative"
        if state in (CaseState.APPROVED, CaseState.GRANTED, CaseState.FUNDED):
            css += " route-diagram__node--positive"
        label_lines = _wrap(_state_label(state), 22)
        text_y = y + 4 - (len(label_lines) - 1) * 6.5
        out.append(
            format_html(
                '<g class="{}" data-state="{}"{}><title>{}</title>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="8" fill="{}" stroke="{}" '
                'stroke-width="{}"/>',
                css,
                state,
                mark_safe(' aria-current="step"') if state == current else "",
                _state_label(state) + (" – " + _("nuvarande status") if state == current else ""),
                f"{x - NODE_W / 2:.1f}",
                f"{y - NODE_H / 2:.1f}",
                NODE_W,
                NODE_H,
                "#125a9c" if state == current else "#ffffff",
                "#0b3d6b" if state == current else ("#1d6b38" if state in visited else "#8a96a5"),
                "2.5" if state in visited or state == current else "1.2",
            )
        )
        out.append(
            mark_safe(  # noqa: S308
                _text(x, text_y, label_lines, "route-diagram__state")
            )
        )
        out.append(mark_safe("</g>"))  # noqa: S308
    # Transitions from (almost) every state: one note beside their target.
    if graph.global_transitions:
        note_x = MARGIN
        note_y = MARGIN
        for name, label, target in graph.global_transitions:
            is_current = target == current
            text = _("%(label)s (från varje öppen status) → %(target)s") % {
                "label": label,
                "target": _state_label(target),
            }
            edge_taken = any(n == name for n, _s, _t in path)
            css = "route-diagram__global"
            if is_current:
                css += " route-diagram__global--current"
            if edge_taken:
                css += " route-diagram__edge--taken"
            out.append(
                format_html(
                    '<g class="{}" data-transition="{}" data-state="{}"{}><title>{}</title>',
                    css,
                    name,
                    target,
                    mark_safe(' aria-current="step"') if is_current else "",
                    text,
                )
            )
            out.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="24" rx="12" fill="{}" '
                    'stroke="#a3231f" stroke-dasharray="4 3"/>',
                    note_x,
                    note_y - 16,
                    len(text) * 6.4 + 20,
                    "#fbe9e8" if is_current else "#ffffff",
                )
            )
            out.append(
                mark_safe(  # noqa: S308
                    _text(note_x + 10, note_y, [text], "route-diagram__note", "start")
                )
            )
            out.append(mark_safe("</g>"))  # noqa: S308
            note_y += 28
    out.append(mark_safe("</svg>"))  # noqa: S308
    return mark_safe("".join(str(part) for part in out))  # noqa: S308


def case_route_svg(case, log_rows) -> SafeString:
    """The diagram for a case, with its current state and the path from its log."""
    path = [(row.transition, row.source, row.target) for row in log_rows]
    return route_svg(case.kind, current=case.state, path=path, id_prefix=f"route-{case.pk}")
