"""The simple formatting of answers: paragraphs, ``- `` bullet lists and ``**bold**``.

Text is parsed into blocks once and rendered both to HTML (escaped, safe) and to DOCX
runs by ``reporting.documents``. Nothing else is interpreted: no HTML, no links.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BULLET_RE = re.compile(r"^\s*[-*•]\s+(.*)$")
# **bold**: no space just inside the markers, as in Markdown ("2 ** 3" stays as typed).
BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass
class Paragraph:
    # Lines of the paragraph (kept as line breaks), each a list of runs.
    lines: list[list[Run]] = field(default_factory=list)


@dataclass
class BulletList:
    # Items, each a list of lines of runs.
    items: list[list[list[Run]]] = field(default_factory=list)


Block = Paragraph | BulletList


def parse_runs(text: str) -> list[Run]:
    """``"a **b** c"`` -> [Run("a "), Run("b", bold=True), Run(" c")]; lone ``**`` stay."""
    runs: list[Run] = []
    position = 0
    for match in BOLD_RE.finditer(text):
        if match.start() > position:
            runs.append(Run(text[position : match.start()]))
        runs.append(Run(match.group(1), bold=True))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:]))
    return runs


def parse(text: str) -> list[Block]:
    """Split text into paragraphs and bullet lists.

    A blank line ends a paragraph or list. Lines starting with ``- `` (or ``* ``, ``• ``)
    are list items; a following indented or plain line continues the item.
    """
    blocks: list[Block] = []
    current: Block | None = None
    for raw in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            current = None
            continue
        bullet = BULLET_RE.match(line)
        if bullet:
            if not isinstance(current, BulletList):
                current = BulletList()
                blocks.append(current)
            current.items.append([parse_runs(bullet.group(1).strip())])
        elif isinstance(current, BulletList):
            current.items[-1].append(parse_runs(line.strip()))
        else:
            if current is None:
                current = Paragraph()
                blocks.append(current)
            current.lines.append(parse_runs(line.strip()))
    return blocks


def _runs_html(runs: list[Run]) -> str:
    return "".join(
        f"<strong>{escape(run.text)}</strong>" if run.bold else escape(run.text) for run in runs
    )


def _lines_html(lines: list[list[Run]]) -> str:
    return "<br>".join(_runs_html(line) for line in lines)


def blocks_html(blocks: list[Block]) -> SafeString:
    """Render parsed blocks to HTML; all user text is escaped."""
    parts = []
    for block in blocks:
        if isinstance(block, BulletList):
            items = "".join(f"<li>{_lines_html(item)}</li>" for item in block.items)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(f"<p>{_lines_html(block.lines)}</p>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every text piece is escaped above


def to_html(text: str) -> SafeString:
    """Render answer text to HTML; all user text is escaped."""
    return blocks_html(parse(text))
