"""The route diagram: an SVG generated from the state machine's own transitions.

Nothing is drawn by hand. The graph of a case kind is read from ``CaseWorkflow``'s
``@transition`` decorators (their ``custom["kinds"]``); the layout is a small layered
(Sugiyama-style) layout: back edges (returns for more preparation) are found by a depth
first search and drawn on a side rail, the other states are layered by longest path from
"registered". Between two layers of states lies a layer of edge labels, so every edge
crosses at least one layer: an edge has a bend point in each layer it crosses and its
label is a box beside one of them, next to its line. Boxes in a layer keep their order
and never overlap; edges bend only in the gaps between layers, where no box lies, so no
edge runs through a label or a state. The order within a layer is improved by
barycenter sweeps, swaps and whole-edge moves; states and bend points are aligned into
vertical blocks (so the main path and long edges run straight) that move towards their
neighbours; each label's layer and side are chosen to keep the drawing narrow. Text
widths are estimated on the safe side (see ``text_width``), node boxes are as wide as
their wrapped names need, and the view box is the union of everything drawn. Transitions
that leave (almost) every state, such as withdrawal, are drawn once as a note above the
graph instead of one edge per state.
"""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from decisions.workflow.models import CaseWorkflow
from projects.models import Case, CaseKind, CaseState

GLOBAL_SOURCES = 5  # a transition from at least this many states is drawn as a note

# Text metrics. The sizes are those of static/css/workflow.css; widths are estimated per
# character from DejaVu Sans Bold (the widest face the CSS can get: labels of taken edges
# are bold), so a box computed here is never narrower than the drawn text.
STATE_FONT = 12.5
LABEL_FONT = 11.0
NOTE_FONT = 11.0
STATE_LINE = 15  # line height of state names
LABEL_LINE = 13  # line height of edge labels
ASCENT = 0.93  # of the font size, above the baseline (DejaVu Sans, accents included)
DESCENT = 0.24  # below the baseline
_EM_NARROW = frozenset("ijlIJ.,:;'’| ")
_EM_SEMI = frozenset('frt()[]-/!"')
_EM_WIDE = frozenset("mwMW%&@→—")

# Geometry, in px of the SVG's user space.
NODE_MIN_W = 176
NODE_MAX_W = 240  # wider names wrap to a third line
NODE_MIN_H = 38
NODE_PAD_X = 10
NODE_PAD_Y = 5
# How loosely text is set: (widest state box with its name on one line, width at which
# edge labels wrap), loosest first. The loosest that keeps the drawing within FIT_WIDTH
# is taken, so the diagram shows at full size in the case page's column.
LOOSENESS = [(210, 170), (200, 150), (176, 124), (176, 100)]
FIT_WIDTH = 740
SHRINK_TO = 560  # a wider diagram is marked data-wide: the CSS shrinks it no further
BACK_LABEL_MAX_W = 170
LABEL_OFFSET = 6  # from an edge's line to its label's text
HALO = 2  # the white stroke behind a label's text (half its width)
LINE_HALF = 1.5  # half the width of an edge's line, rounded up
GAP_NODES = 28  # between two states in a layer
GAP_NODE_LINE = 14  # between a state and a passing edge
GAP_LINES = 12  # between passing edges and labels
LABEL_LAYER_MIN_H = 12
BEND_MIN = 12  # vertical room for an edge's bend between two layers
BEND_MAX = 40
BEND_SLOPE = 0.12  # more room for bends that travel further sideways
ARROW_ROOM = 16  # vertical room above a state for an arrow head
RAIL_GAP = 14
RAIL_RADIUS = 8
NOTE_H = 24
NOTE_PAD_X = 10
NOTE_GAP = 6
STACK_GAP = 3  # between the labels of back edges into one state
MARGIN = 12
SIDE_PENALTY = 16  # px of width a label on the unusual side of its edge must save
LAYER_PENALTY = 10  # px per layer a label moves away from its edge's source


def _em(char: str) -> float:
    if char in _EM_NARROW:
        return 0.40
    if char in _EM_SEMI:
        return 0.53
    if char in _EM_WIDE:
        return 1.11
    if char.islower():
        return 0.72
    return 0.86


def text_width(text: str, size: float) -> float:
    """A conservative estimate of the drawn width of ``text`` at ``size`` px."""
    return size * sum(_em(char) for char in text)


def text_height(lines: int, size: float, line_height: float) -> float:
    return (lines - 1) * line_height + (ASCENT + DESCENT) * size


def text_box(x, y, lines, size, line_height, anchor="start"):
    """(x0, y0, x1, y1) around ``lines`` drawn from the first baseline ``y``."""
    width = max((text_width(line, size) for line in lines), default=0.0)
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    top = y - ASCENT * size
    return (x0, top, x0 + width, top + text_height(len(lines), size, line_height))


def wrap_text(text: str, size: float, max_width: float) -> list[str]:
    """``text`` broken at spaces into as few lines as fit ``max_width``, balanced.

    A word wider than ``max_width`` gets a line of its own.
    """
    words = text.split()
    if not words:
        return [text]

    def greedy(limit):
        lines, line = [], ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size) > limit:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
        return lines

    best = greedy(max_width)
    widest_word = max(text_width(word, size) for word in words)
    limit = max(text_width(line, size) for line in best)
    while limit > widest_word:
        limit -= size / 4
        trial = greedy(limit)
        if len(trial) > len(best):
            break
        best = trial
    return best


@dataclass
class Edge:
    source: str
    target: str
    names: list[str]
    labels: list[str]
    back: bool = False


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


def _node_lines(name: str, one_line: float) -> list[str]:
    """A state's name: on one line if a box ``one_line`` wide holds it, else wrapped, in
    at most two lines if a box up to NODE_MAX_W holds them."""
    if text_width(name, STATE_FONT) + 2 * NODE_PAD_X <= one_line:
        return [name]
    for limit in (NODE_MIN_W - 2 * NODE_PAD_X, NODE_MAX_W - 2 * NODE_PAD_X):
        lines = wrap_text(name, STATE_FONT, limit)
        if len(lines) <= 2:
            break
    return lines


def _note_text(label: str, target: str) -> str:
    return _("%(label)s (från varje öppen status) → %(target)s") % {
        "label": label,
        "target": _state_label(target),
    }


@dataclass
class _Item:
    """A box in a layer: a state, or the point where an edge crosses a layer (with the
    edge's label beside it when the label is put in that layer)."""

    key: str  # state, or "edge-index:rank" for a bend point
    node: bool
    left: float  # extent left of x
    right: float  # extent right of x
    x: float = 0.0
    up: list = field(default_factory=list)  # keys of neighbours one layer above
    down: list = field(default_factory=list)  # keys of neighbours one layer below


def _separation(a: _Item, b: _Item) -> float:
    """The least distance from ``a.x`` to ``b.x`` when ``b`` follows ``a`` in a layer."""
    if a.node and b.node:
        gap = GAP_NODES
    elif a.node or b.node:
        gap = GAP_NODE_LINE
    else:
        gap = GAP_LINES
    return a.right + gap + b.left


def _crossings(upper: list[_Item], lower: list[_Item]) -> int:
    """How many edges between two adjacent layers cross."""
    position = {item.key: i for i, item in enumerate(lower)}
    links = [(i, position[key]) for i, item in enumerate(upper) for key in item.down]
    return sum(
        1
        for a, (u1, l1) in enumerate(links)
        for u2, l2 in links[a + 1 :]
        if (u1 - u2) * (l1 - l2) < 0
    )


def _order(rows: list[list[_Item]]) -> None:
    """Order each layer to reduce crossings: barycenter sweeps and swaps of neighbours,
    keeping the best order seen."""
    ranks = len(rows)

    def total():
        return sum(_crossings(rows[r], rows[r + 1]) for r in range(ranks - 1))

    def around(rank):
        count = _crossings(rows[rank - 1], rows[rank]) if rank else 0
        if rank < ranks - 1:
            count += _crossings(rows[rank], rows[rank + 1])
        return count

    def transpose():
        improved = True
        while improved:
            improved = False
            for rank, row in enumerate(rows):
                for i in range(len(row) - 1):
                    before = around(rank)
                    row[i], row[i + 1] = row[i + 1], row[i]
                    if around(rank) < before:
                        improved = True
                    else:
                        row[i], row[i + 1] = row[i + 1], row[i]

    def shift_chains():
        """Move a long edge's bend points one place sideways in every layer at once, as
        long as that removes crossings (what single swaps cannot do)."""
        chains = defaultdict(list)
        for rank, row in enumerate(rows):
            for item in row:
                if not item.node:
                    chains[item.key.split(":")[0]].append(rank)
        count = total()
        improved = True
        while improved:
            improved = False
            for index, chain_ranks in chains.items():
                if len(chain_ranks) < 2:
                    continue
                for step in (1, -1):
                    swaps = []
                    for rank in chain_ranks:
                        row = rows[rank]
                        i = next(i for i, it in enumerate(row) if it.key == f"{index}:{rank}")
                        if 0 <= i + step < len(row):
                            row[i], row[i + step] = row[i + step], row[i]
                            swaps.append((row, i, i + step))
                    trial = total()
                    if swaps and trial < count:
                        count, improved = trial, True
                        break
                    for row, i, j in reversed(swaps):
                        row[i], row[j] = row[j], row[i]

    best, best_count = [list(row) for row in rows], total()
    for sweep in range(8):
        going_down = sweep % 2 == 0
        neighbours = "up" if going_down else "down"
        for rank in range(1, ranks) if going_down else range(ranks - 2, -1, -1):
            other = rows[rank - 1] if going_down else rows[rank + 1]
            position = {item.key: i for i, item in enumerate(other)}
            mine = {item.key: i for i, item in enumerate(rows[rank])}

            def bary(item, neighbours=neighbours, position=position, mine=mine):
                keys = getattr(item, neighbours)
                if not keys:
                    return mine[item.key]
                return sum(position[k] for k in keys) / len(keys)

            rows[rank].sort(key=lambda item, bary=bary, mine=mine: (bary(item), mine[item.key]))
        transpose()
        shift_chains()
        count = total()
        if count < best_count:
            best, best_count = [list(row) for row in rows], count
    rows[:] = best


def _medians(keys: list[str], position: dict[str, int]) -> list[str]:
    keys = sorted(keys, key=position.__getitem__)
    n = len(keys)
    return keys[(n - 1) // 2 : n // 2 + 1]


class _Placer:
    """x positions of the items of fixed layers, for a given choice of label places.

    Items are first aligned into vertical blocks (an edge's bend points, and a state with
    its median neighbour above when that state is also that neighbour's median below), so
    the main path and every long edge run straight. Blocks then move as one, towards the
    blocks they are linked to, never closer to their neighbours in a layer than the
    spacing allows.
    """

    ROUNDS = 24

    def __init__(self, rows, items, chains, label_widths):
        self.rows, self.items, self.chains = rows, items, chains
        self.label_widths = label_widths  # edge index: width of its label box
        block = self._align()
        order = self._left_to_right(block)
        if order is None:  # cannot happen with crossing-free alignments; be safe anyway
            block = {key: key for key in items}
            order = self._left_to_right(block)
        self.block, self.order = block, order
        # Links between blocks pull them together.
        self.links = defaultdict(list)
        for item in items.values():
            for lower in item.down:
                a, b = block[item.key], block[lower]
                if a != b:
                    self.links[a].append(b)
                    self.links[b].append(a)

    def _align(self) -> dict[str, str]:
        """Each item's block, named by its topmost item."""
        rows, items = self.rows, self.items
        position = {item.key: i for row in rows for i, item in enumerate(row)}
        block = {key: key for key in items}
        for rank in range(1, len(rows)):
            made, taken = [], set()
            for item in sorted(rows[rank], key=lambda item: item.node):  # edges first
                for upper in _medians(item.up, position):
                    if upper in taken or item.key not in _medians(items[upper].down, position):
                        continue
                    i, j = position[upper], position[item.key]
                    if any((i - i2) * (j - j2) < 0 for i2, j2 in made):
                        continue  # would cross an alignment made already
                    made.append((i, j))
                    taken.add(upper)
                    block[item.key] = block[upper]
                    break
        return block

    def _left_to_right(self, block: dict[str, str]) -> list[str] | None:
        """Blocks in an order that agrees with every layer's, and the neighbours in the
        layers (which keep apart); None if the layers disagree."""
        self.pairs = []  # (left block, right block, left item, right item)
        successors, incoming = defaultdict(set), defaultdict(int)
        for row in self.rows:
            for a, b in zip(row, row[1:], strict=False):
                self.pairs.append((block[a.key], block[b.key], a, b))
                if block[b.key] not in successors[block[a.key]]:
                    successors[block[a.key]].add(block[b.key])
                    incoming[block[b.key]] += 1
        blocks = sorted(set(block.values()))
        ready = [b for b in blocks if not incoming[b]]
        order = []
        while ready:
            b = ready.pop()
            order.append(b)
            for c in sorted(successors[b]):
                incoming[c] -= 1
                if not incoming[c]:
                    ready.append(c)
        return order if len(order) == len(blocks) else None

    def set_labels(self, choice: dict[int, tuple[int, str]]) -> None:
        for index, chain in self.chains.items():
            for key in chain[1:-1]:
                self.items[key].left = self.items[key].right = LINE_HALF
            rank, side = choice[index]
            item = self.items[f"{index}:{rank}"]
            extent = LABEL_OFFSET - HALO + self.label_widths[index]
            if side == "left":
                item.left = extent
            else:
                item.right = extent

    def run(self) -> float:
        """Place everything; returns the width taken."""
        left_of, right_of = defaultdict(dict), defaultdict(dict)
        for a, b, item_a, item_b in self.pairs:
            distance = _separation(item_a, item_b)
            left_of[b][a] = max(left_of[b].get(a, 0.0), distance)
            right_of[a][b] = max(right_of[a].get(b, 0.0), distance)
        x = {}
        for b in self.order:  # packed from the left
            x[b] = max((x[a] + d for a, d in left_of[b].items()), default=0.0)
        for sweep in range(self.ROUNDS):
            for b in self.order if sweep % 2 == 0 else reversed(self.order):
                linked = self.links[b]
                if not linked:
                    continue
                desired = sum(x[c] for c in linked) / len(linked)
                low = max((x[a] + d for a, d in left_of[b].items()), default=float("-inf"))
                high = min((x[c] - d for c, d in right_of[b].items()), default=float("inf"))
                x[b] = min(max(desired, low), high)
        for key, item in self.items.items():
            item.x = x[self.block[key]]
        return max(i.x + i.right for i in self.items.values()) - min(
            i.x - i.left for i in self.items.values()
        )


def _other_side(side: str) -> str:
    return "left" if side == "right" else "right"


def _choose_labels(graph, placer, layer_of) -> dict[int, tuple[int, str]]:
    """Each forward edge's label: the layer it sits in and the side of the line.

    A label starts beside its edge's first bend, on the side the edge heads to; it moves
    to a later layer or the other side only where that makes the drawing narrower.
    """
    chains, items = placer.chains, placer.items
    first = {index: 2 * layer_of[graph.edges[index].source] + 1 for index in chains}
    choice = {index: (first[index], "right") for index in chains}
    placer.set_labels(choice)
    placer.run()
    natural = {}
    for index in chains:
        edge = graph.edges[index]
        heads_left = items[edge.target].x < items[edge.source].x - 1
        natural[index] = "left" if heads_left else "right"
    options = {
        index: [
            (rank, side)
            for rank in range(first[index], 2 * layer_of[graph.edges[index].target], 2)
            for side in (natural[index], _other_side(natural[index]))
        ]
        for index in chains
    }

    def cost(choice):
        placer.set_labels(choice)
        width = placer.run()
        for index, (rank, side) in choice.items():
            width += LAYER_PENALTY * (rank - first[index]) / 2
            width += SIDE_PENALTY * (side != natural[index])
        return width

    def descend(choice):
        best = cost(choice)
        for _pass in range(3):
            improved = False
            for index in chains:
                for option in options[index]:
                    if option == choice[index]:
                        continue
                    trial = {**choice, index: option}
                    trial_cost = cost(trial)
                    if trial_cost < best - 0.5:
                        best, choice, improved = trial_cost, trial, True
            if not improved:
                break
        return best, choice

    # Two starts: every label on the side its edge heads to, and the labels of long
    # edges turned inwards (so the edges around them can pass close by).
    starts = [
        {index: (first[index], natural[index]) for index in chains},
        {
            index: (
                first[index],
                natural[index] if len(chain) <= 3 else _other_side(natural[index]),
            )
            for index, chain in chains.items()
        },
    ]
    return min((descend(start) for start in starts), key=lambda result: result[0])[1]


def _union(boxes):
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _grow(box, by):
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _curve(x0, y0, x1, y1) -> str:
    if abs(x1 - x0) < 0.05:
        return f" V{y1:.1f}"
    mid = (y0 + y1) / 2
    return f" C{x0:.1f},{mid:.1f} {x1:.1f},{mid:.1f} {x1:.1f},{y1:.1f}"


def layout(graph: Graph, fit_width: float = FIT_WIDTH) -> dict:
    """The loosest layout (see LOOSENESS) no wider than ``fit_width``, or the narrowest."""
    narrowest = None
    for one_line, label_width in LOOSENESS:
        geometry = _layout(graph, one_line, label_width)
        if geometry["width"] <= fit_width:
            return geometry
        if narrowest is None or geometry["width"] < narrowest["width"]:
            narrowest = geometry
    return narrowest


def _layout(graph: Graph, one_line: float, label_width: float) -> dict:
    """Where everything goes, already shifted into the view box ``0 0 width height``.

    Returns {"nodes": {state: (x, y) centre}, "node_w", "node_h", "node_text": {state:
    (lines, first baseline)}, "edges": [{"d", "label": (x, y, anchor, lines), "box"}] in
    the order of ``graph.edges``, "notes": [{"name", "target", "text", "rect", "text_at"}],
    "width", "height", "layers": {state: layer}}.
    """
    _mark_back_edges(graph)
    layer_of = _layers(graph)
    ranks = 2 * max(layer_of.values()) + 1  # states in even ranks, labels in odd ones
    node_lines = {state: _node_lines(_state_label(state), one_line) for state in graph.nodes}
    node_w = max(
        [NODE_MIN_W]
        + [
            max(text_width(line, STATE_FONT) for line in lines) + 2 * NODE_PAD_X
            for lines in node_lines.values()
        ]
    )
    node_h = max(
        [NODE_MIN_H]
        + [
            text_height(len(lines), STATE_FONT, STATE_LINE) + 2 * NODE_PAD_Y
            for lines in node_lines.values()
        ]
    )
    node_w, node_h = float(round(node_w + 0.49)), float(round(node_h + 0.49))

    rows: list[list[_Item]] = [[] for _ in range(ranks)]
    items: dict[str, _Item] = {}
    rank_of: dict[str, int] = {}
    for state in graph.nodes:
        items[state] = _Item(state, True, node_w / 2, node_w / 2)
        rank_of[state] = 2 * layer_of[state]
        rows[rank_of[state]].append(items[state])
    chains: dict[int, list[str]] = {}
    label_lines: dict[int, list[str]] = {}
    label_widths: dict[int, float] = {}
    for index, edge in enumerate(graph.edges):
        limit = max(BACK_LABEL_MAX_W, label_width) if edge.back else label_width
        lines = [line for label in edge.labels for line in wrap_text(label, LABEL_FONT, limit)]
        label_lines[index] = lines
        label_widths[index] = max(text_width(line, LABEL_FONT) for line in lines) + 2 * HALO
        if edge.back:
            continue
        chain = [edge.source]
        for rank in range(rank_of[edge.source] + 1, rank_of[edge.target]):
            key = f"{index}:{rank}"
            items[key] = _Item(key, False, LINE_HALF, LINE_HALF)
            rank_of[key] = rank
            rows[rank].append(items[key])
            chain.append(key)
        chain.append(edge.target)
        for upper, lower in zip(chain, chain[1:], strict=False):
            items[upper].down.append(lower)
            items[lower].up.append(upper)
        chains[index] = chain
    _order(rows)
    placer = _Placer(rows, items, chains, label_widths)
    choice = _choose_labels(graph, placer, layer_of)
    placer.set_labels(choice)
    placer.run()

    # y: each rank as tall as its boxes, and room for the bends between ranks.
    def label_height(index):
        return text_height(len(label_lines[index]), LABEL_FONT, LABEL_LINE) + 2 * HALO

    heights = [node_h if rank % 2 == 0 else LABEL_LAYER_MIN_H for rank in range(ranks)]
    for index, (rank, _side) in choice.items():
        heights[rank] = max(heights[rank], label_height(index))
    travel = [0.0] * ranks  # the furthest an edge goes sideways below each rank
    for chain in chains.values():
        for upper, lower in zip(chain, chain[1:], strict=False):
            rank = rank_of[upper]
            travel[rank] = max(travel[rank], abs(items[upper].x - items[lower].x))
    ys = [heights[0] / 2]
    for rank in range(1, ranks):
        gap = min(BEND_MAX, max(BEND_MIN, BEND_SLOPE * travel[rank - 1]))
        if rank % 2 == 0:
            gap = max(gap, ARROW_ROOM)
        ys.append(ys[-1] + heights[rank - 1] / 2 + gap + heights[rank] / 2)
    nodes = {state: (items[state].x, ys[rank_of[state]]) for state in graph.nodes}

    # Everything drawn so far, as boxes: labels, states, and the lines of edges.
    obstacles = [
        (x - node_w / 2, y - node_h / 2, x + node_w / 2, y + node_h / 2) for x, y in nodes.values()
    ]
    paths: dict[int, list] = {}  # edge index: [("M"|"C"|"V", points...)], unshifted
    labels: dict[int, tuple] = {}  # edge index: (x, first baseline, anchor, box)
    for index, chain in chains.items():
        sx, sy = nodes[chain[0]]
        tx, ty = nodes[chain[-1]]
        points = [(sx, sy + node_h / 2)]
        for key in chain[1:-1]:
            rank = rank_of[key]
            points.append((items[key].x, ys[rank] - heights[rank] / 2))
            points.append((items[key].x, ys[rank] + heights[rank] / 2))
        points.append((tx, ty - node_h / 2 - 2))
        paths[index] = points
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            obstacles.append((min(x0, x1) - LINE_HALF, y0, max(x0, x1) + LINE_HALF, y1))
        rank, side = choice[index]
        x = items[f"{index}:{rank}"].x
        x = x + LABEL_OFFSET if side == "right" else x - LABEL_OFFSET
        anchor = "start" if side == "right" else "end"
        top = ys[rank] - text_height(len(label_lines[index]), LABEL_FONT, LABEL_LINE) / 2
        baseline = top + ASCENT * LABEL_FONT
        box = _grow(text_box(x, baseline, label_lines[index], LABEL_FONT, LABEL_LINE, anchor), HALO)
        labels[index] = (x, baseline, anchor, box)
        obstacles.append(box)

    # Back edges: each on a rail right of everything between its two states, the
    # shortest innermost; their labels together where they collide with nothing.
    back = [index for index, edge in enumerate(graph.edges) if edge.back]
    back.sort(
        key=lambda i: (
            layer_of[graph.edges[i].source] - layer_of[graph.edges[i].target],
            layer_of[graph.edges[i].source],
        )
    )
    rails: dict[int, float] = {}
    for index in back:
        edge = graph.edges[index]
        (sx, sy), (tx, ty) = nodes[edge.source], nodes[edge.target]
        top, bottom = ty - node_h / 2, sy + node_h / 2
        rail = max(b[2] for b in obstacles if b[1] < bottom and b[3] > top) + RAIL_GAP
        rails[index] = rail
        obstacles += [
            (rail - LINE_HALF, ty - LINE_HALF, rail + LINE_HALF, sy + LINE_HALF),
            (sx + node_w / 2, sy - LINE_HALF, rail + LINE_HALF, sy + LINE_HALF),
            (tx + node_w / 2, ty - 5, rail + LINE_HALF, ty + 5),  # with the arrow head
        ]
    by_target = defaultdict(list)
    for index in back:
        by_target[graph.edges[index].target].append(index)
    for target, members in by_target.items():
        tx, ty = nodes[target]
        inner = min(rails[i] for i in members)
        outer = max(rails[i] for i in members)
        block_h = sum(label_height(i) + STACK_GAP for i in members) - STACK_GAP

        def stack(anchor, x, top, members=members):
            placed = {}
            for i in members:
                baseline = top + HALO + ASCENT * LABEL_FONT
                box = _grow(
                    text_box(x, baseline, label_lines[i], LABEL_FONT, LABEL_LINE, anchor), HALO
                )
                placed[i] = (x, baseline, anchor, box)
                top = box[3] + STACK_GAP
            return placed

        candidates = [
            ("end", inner - RAIL_RADIUS - LABEL_OFFSET, ty - 5 - block_h),  # above its line
            ("end", inner - RAIL_RADIUS - LABEL_OFFSET, ty + 5),  # below its line
            ("start", outer + LABEL_OFFSET, ty - label_height(members[0]) / 2),
            ("start", outer + LABEL_OFFSET, ty + 5),
        ]
        bounds = _union(obstacles)
        best = None
        for anchor, x, top in candidates:
            for _try in range(len(obstacles) + 1):  # each try passes an obstacle
                placed = stack(anchor, x, top)
                hits = [b for b in obstacles for p in placed.values() if _overlaps(p[3], b)]
                if not hits or anchor == "end":
                    break
                x = max(b[2] for b in hits) + LABEL_OFFSET  # further right, past them
            if hits:
                continue
            grown = _union([bounds] + [p[3] for p in placed.values()])
            size = (grown[2] - grown[0]) + (grown[3] - grown[1]) / 4
            if best is None or size < best[0] - 0.5:
                best = (size, placed)
        labels.update(best[1])
        obstacles += [p[3] for p in best[1].values()]

    # Notes for the transitions from every open state, above everything.
    bounds = _union(obstacles)
    notes = []
    top = bounds[1] - len(graph.global_transitions) * (NOTE_H + NOTE_GAP) - NOTE_GAP
    for name, label, target in graph.global_transitions:
        text = _note_text(label, target)
        width = text_width(text, NOTE_FONT) + 2 * NOTE_PAD_X
        rect = (bounds[0], top, bounds[0] + width, top + NOTE_H)
        baseline = top + NOTE_H / 2 + (ASCENT - DESCENT) * NOTE_FONT / 2
        notes.append({"name": name, "target": target, "text": text, "rect": rect, "at": baseline})
        obstacles.append(rect)
        top += NOTE_H + NOTE_GAP

    # Shift everything into the view box.
    bounds = _union(obstacles)
    dx, dy = MARGIN - bounds[0], MARGIN - bounds[1]
    edges = []
    for index, edge in enumerate(graph.edges):
        if edge.back:
            (sx, sy), (tx, ty) = nodes[edge.source], nodes[edge.target]
            rail, r = rails[index] + dx, RAIL_RADIUS
            sx, sy, tx, ty = sx + dx + node_w / 2, sy + dy, tx + dx + node_w / 2, ty + dy
            d = (
                f"M{sx:.1f},{sy:.1f} H{rail - r:.1f} Q{rail:.1f},{sy:.1f} {rail:.1f},{sy - r:.1f} "
                f"V{ty + r:.1f} Q{rail:.1f},{ty:.1f} {rail - r:.1f},{ty:.1f} H{tx + 2:.1f}"
            )
        else:
            points = [(x + dx, y + dy) for x, y in paths[index]]
            d = f"M{points[0][0]:.1f},{points[0][1]:.1f}"
            for i, (x1, y1) in enumerate(points[1:], start=1):
                x0, y0 = points[i - 1]
                # Bends between ranks; straight down through a rank (odd steps).
                d += f" V{y1:.1f}" if i % 2 == 0 else _curve(x0, y0, x1, y1)
        x, baseline, anchor, box = labels[index]
        edges.append(
            {
                "d": d,
                "label": (x + dx, baseline + dy, anchor, label_lines[index]),
                "box": (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy),
            }
        )
    node_text = {}
    for state, (_x, y) in nodes.items():
        lines = node_lines[state]
        baseline = y - text_height(len(lines), STATE_FONT, STATE_LINE) / 2 + ASCENT * STATE_FONT
        node_text[state] = (lines, baseline + dy)
    for note in notes:
        x0, y0, x1, y1 = note["rect"]
        note["rect"] = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
        note["text_at"] = (x0 + dx + NOTE_PAD_X, note.pop("at") + dy)
    return {
        "nodes": {state: (x + dx, y + dy) for state, (x, y) in nodes.items()},
        "node_w": node_w,
        "node_h": node_h,
        "node_text": node_text,
        "edges": edges,
        "notes": notes,
        "width": bounds[2] - bounds[0] + 2 * MARGIN,
        "height": bounds[3] - bounds[1] + 2 * MARGIN,
        "layers": layer_of,
    }


@functools.lru_cache(maxsize=16)
def _route_geometry(kind: str, language: str | None) -> tuple[Graph, dict]:
    """The graph and layout of one kind's route.

    Both follow from the code alone (the labels from the language), so they are worked
    out once per process and language instead of on every case page. Read-only for
    callers.
    """
    graph = route_graph(kind)
    return graph, layout(graph)


def _text(x, y, lines, css, anchor="middle", line_height=LABEL_LINE) -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else line_height}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{spans}</text>'


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
    node_w, node_h = geometry["node_w"], geometry["node_h"]
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

    size = (f"{width:.0f}", f"{height:.0f}")
    out = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" class="route-diagram" role="img" '
            'width="{}" height="{}" viewBox="0 0 {} {}"{} aria-labelledby="{}-title {}-desc">',
            *size,
            *size,
            mark_safe(' data-wide="true"') if width > SHRINK_TO else "",
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
    for edge, drawn in zip(graph.edges, geometry["edges"], strict=True):
        edge_taken = any((name, edge.source, edge.target) in taken for name in edge.names)
        css = "route-diagram__edge"
        if edge.back:
            css += " route-diagram__edge--back"
        if edge_taken:
            css += " route-diagram__edge--taken"
        marker = f"{id_prefix}-arrow-taken" if edge_taken else f"{id_prefix}-arrow"
        x, y, anchor, lines = drawn["label"]
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
                drawn["d"],
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
        label_lines, text_y = geometry["node_text"][state]
        out.append(
            format_html(
                '<g class="{}" data-state="{}"{}><title>{}</title>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="8" fill="{}" stroke="{}" '
                'stroke-width="{}"/>',
                css,
                state,
                mark_safe(' aria-current="step"') if state == current else "",
                _state_label(state) + (" – " + _("nuvarande status") if state == current else ""),
                f"{x - node_w / 2:.1f}",
                f"{y - node_h / 2:.1f}",
                f"{node_w:g}",
                f"{node_h:g}",
                "#125a9c" if state == current else "#ffffff",
                "#0b3d6b" if state == current else ("#1d6b38" if state in visited else "#8a96a5"),
                "2.5" if state in visited or state == current else "1.2",
            )
        )
        out.append(
            mark_safe(  # noqa: S308
                _text(x, text_y, label_lines, "route-diagram__state", line_height=STATE_LINE)
            )
        )
        out.append(mark_safe("</g>"))  # noqa: S308
    # Transitions from (almost) every state: one note above the graph.
    for note in geometry["notes"]:
        name, target, text = note["name"], note["target"], note["text"]
        is_current = target == current
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
        x0, y0, x1, y1 = note["rect"]
        out.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" rx="12" fill="{}" '
                'stroke="#a3231f" stroke-dasharray="4 3"/>',
                f"{x0:.1f}",
                f"{y0:.1f}",
                f"{x1 - x0:.1f}",
                f"{y1 - y0:.1f}",
                "#fbe9e8" if is_current else "#ffffff",
            )
        )
        out.append(
            mark_safe(  # noqa: S308
                _text(*note["text_at"], [text], "route-diagram__note", "start")
            )
        )
        out.append(mark_safe("</g>"))  # noqa: S308
    out.append(mark_safe("</svg>"))  # noqa: S308
    return mark_safe("".join(str(part) for part in out))  # noqa: S308


# Stands for the id prefix in a drawing kept by ``_case_route_svg`` (not in any label).
_PREFIX_MARK = "nc-route-prefix-mark"


@functools.lru_cache(maxsize=256)
def _case_route_svg(kind: str, current: str, path: tuple, language: str | None) -> str:
    """``route_svg`` of a route (a pure function of its arguments, the code and the
    language), with ``_PREFIX_MARK`` for the id prefix: cases on the same route share it."""
    return str(route_svg(kind, current=current, path=list(path), id_prefix=_PREFIX_MARK))


def case_route_svg(case, log_rows) -> SafeString:
    """The diagram for a case, with its current state and the path from its log."""
    path = tuple((row.transition, row.source, row.target) for row in log_rows)
    drawing = _case_route_svg(case.kind, case.state, path, get_language())
    return mark_safe(drawing.replace(_PREFIX_MARK, f"route-{case.pk}"))  # noqa: S308
