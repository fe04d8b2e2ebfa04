"""Lists of meetings: ``{% load meeting_tables %}{% meeting_table meetings empty_text %}``
(the meetings overview lists up to 230)."""

import functools

from django import template
from django.template.defaultfilters import time as time_filter
from django.utils.translation import get_language, gettext

from core.renderers import choice_display, render_date, render_value, writes

register = template.Library()

BADGES = {"signed": " badge--green", "signing": " badge--amber", "held": " badge--grey"}


@functools.lru_cache(maxsize=8)
def _headers(language) -> str:
    """The table's header row in ``language``: translated once, not per table."""
    labels = (
        ("", gettext("Datum")),
        ("", gettext("Organ")),
        ("", gettext("Plats")),
        (' class="num"', gettext("Punkter")),
        ("", gettext("Paragrafer")),
        ("", gettext("Status")),
    )
    cells = "".join(f'<th scope="col"{css}>{render_value(label)}</th>' for css, label in labels)
    return f"<thead><tr>{cells}</tr></thead>"


@writes("decisions/meetings/meeting_table.html")
def render_meeting_table(meetings, empty_text) -> str:
    """``templates/decisions/meetings/meeting_table.html``: meetings with their date, body,
    place, numbers of items and §§, and status (``selectors.meeting_list``'s rows)."""
    if not meetings:
        return f'<p class="muted">{render_value(empty_text)}</p>\n'
    rows = []
    for m in meetings:
        paragraphs = render_value(m.paragraph_count) if m.paragraph_count else "–"
        badge = (
            f'<span class="badge{BADGES.get(m.status, "")}">'
            f"{render_value(choice_display(m, 'status'))}</span>\n"
        )
        rows.append(
            "\n  <tr>\n"
            f'    <td><a href="{render_value(m.get_absolute_url())}">{render_date(m.date)} '
            f"{render_value(time_filter(m.start_time, 'H:i'))}</a></td>\n"
            f"    <td>{render_value(m.body)}</td>\n"
            f"    <td>{render_value(m.place)}</td>\n"
            f'    <td class="num">{render_value(m.item_count)}</td>\n'
            f"    <td>{paragraphs}</td>\n"
            f"    <td>{badge}</td>\n"
            "  </tr>\n  "
        )
    return (
        '\n<div class="table-wrap">\n<table>\n'
        f"  {_headers(get_language())}\n  <tbody>\n  {''.join(rows)}\n  </tbody>\n</table>\n</div>\n\n"
    )


@register.simple_tag
def meeting_table(meetings, empty_text):
    """``{% meeting_table meetings empty_text %}``."""
    return render_meeting_table(meetings=meetings, empty_text=empty_text)
