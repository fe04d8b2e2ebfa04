"""Server-side SVG bar charts for the dashboard: no JavaScript, no CDN, CSP-safe.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that states
every value in words, so a screen reader gets the same information as the eye (the
page also shows the figures as a table).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.money import format_amount, format_msek

WIDTH = 760
LABEL_WIDTH = 260
BAR_AREA = 360
BAR_HEIGHT = 13
BAR_GAP = 3
GROUP_GAP = 14
TOP = 34


# A label line: what fits in LABEL_WIDTH at 12 px (about 7 px a character, with room).
LABEL_CHARS = 34
LINE_HEIGHT = 14


def _label_lines(label: str, width: int = LABEL_CHARS, most: int = 2) -> list[str]:
    """``label`` wrapped at word boundaries into at most ``most`` lines of ``width``
    characters; what does not fit ends in "…" (the table beside the chart has it all)."""
    lines: list[str] = []
    current = ""
    for word in label.split():
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
    if current:
        lines.append(current)
    lines = [line if len(line) <= width else line[: width - 1] + "…" for line in lines]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines or [""]


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


ALLOCATED = "#9fb6cf"
COMMITTED = "#125a9c"
PAID = "#1d6b38"
RELEASED = "#b07200"


@dataclass
class Chart:
    svg: SafeString
    title: str
    description: str


def bar_chart(
    *, title: str, groups: list[tuple[str, list[Decimal | None]]], series: list[Series]
) -> Chart:
    """Horizontal grouped bars: one group per label, one bar per series."""
    chart_id = slugify(title) or "chart"
    values = [v for _label, vals in groups for v in vals if v is not None]
    top_value = max([Decimal(0), *values]) or Decimal(1)
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = TOP + len(groups) * group_height + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    sentences = []
    for label, vals in groups:
        described = ", ".join(
            f"{s.name.lower()} {format_amount(v) if v is not None else _('saknas')}"
            for s, v in zip(series, vals, strict=True)
        )
        sentences.append(f"{label}: {described}.")
    description = " ".join(sentences)
    parts.append(f'<desc id="{chart_id}-desc">{escape(description)}</desc>')
    # legend
    x = LABEL_WIDTH
    for s in series:
        parts.append(
            f'<rect x="{x}" y="8" width="12" height="12" fill="{s.colour}" aria-hidden="true"/>'
        )
        parts.append(
            f'<text x="{x + 17}" y="18" font-size="12" fill="#1b1f24" aria-hidden="true">'
            f"{escape(s.name)}</text>"
        )
        x += 40 + 7 * len(s.name)
    y = TOP
    for label, vals in groups:
        label_y = y + (len(series) * (BAR_HEIGHT + BAR_GAP)) / 2 + 4
        lines = _label_lines(label)
        first_y = label_y - (len(lines) - 1) * LINE_HEIGHT / 2
        tspans = "".join(
            f'<tspan x="{LABEL_WIDTH - 8}" y="{first_y + i * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts.append(
            f'<text font-size="12" text-anchor="end" fill="#1b1f24" aria-hidden="true">'
            f"{tspans}</text>"
        )
        for s, value in zip(series, vals, strict=True):
            length = 0.0
            if value is not None and value > 0:
                length = max(1.0, float(Decimal(value) / top_value) * BAR_AREA)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{s.colour}" aria-hidden="true"/>'
            )
            text = "–" if value is None else f"{format_msek(value)} Mkr"
            parts.append(
                f'<text x="{LABEL_WIDTH + length + 5:.1f}" y="{y + BAR_HEIGHT - 2}" '
                f'font-size="11" fill="#4a5360" aria-hidden="true">{escape(text)}</text>'
            )
            y += BAR_HEIGHT + BAR_GAP
        y += GROUP_GAP
    parts.append("</svg>")
    return Chart(svg=mark_safe("".join(parts)), title=title, description=description)  # noqa: S308 - built from escaped parts


def allocation_chart(figures, *, title: str) -> Chart:
    """Allocated, committed (net of releases) and paid per category or priority."""
    series = [
        Series(_("Fördelat"), ALLOCATED),
        Series(_("Beslutat"), COMMITTED),
        Series(_("Utbetalt"), PAID),
    ]
    groups = [(f.label, [f.allocated, f.net_committed, f.paid]) for f in figures]
    return bar_chart(title=title, groups=groups, series=series)


def multi_year_chart(figures) -> Chart:
    series = [
        Series(_("Anslag"), ALLOCATED),
        Series(_("Beslutat"), COMMITTED),
        Series(_("Utbetalt"), PAID),
        Series(_("Återfört"), RELEASED),
    ]
    groups = [(f.label, [f.allocated, f.committed, f.paid, f.released]) for f in figures]
    return bar_chart(title=_("Åtaganden per anslagsår"), groups=groups, series=series)
