"""The public e-diarium's entries: ``{% load public_diary %}{% diary_entry entry "h3" link=True %}``."""

import functools

from django import template
from django.utils.translation import get_language, gettext

from core.links import object_url
from core.renderers import choice_display, render_date, render_value, writes

register = template.Library()


@functools.lru_cache(maxsize=8)
def _labels(language) -> dict[str, str]:
    """The entry's fixed texts in ``language``, escaped: translated once, not per entry."""
    texts = {
        "secret": gettext("Sekretess"),
        "person": gettext("Privatperson (namnet visas inte)"),
        "secret_document": gettext("Handlingen är sekretessmarkerad"),
        "private": gettext("Enskild person"),
        "kind": gettext("Ärendetyp"),
        "received": gettext("Inkom"),
        "registered": gettext("Registrerat"),
        "state": gettext("Status"),
        "parties": gettext("Parter"),
        "open": gettext("Pågående"),
        "closed": gettext("Avslutat"),
        "headers": "".join(
            f'<th scope="col">{render_value(label)}</th>'
            for label in (
                gettext("Nr"),
                gettext("Datum"),
                gettext("Riktning"),
                gettext("Handling"),
                gettext("Avsändare/mottagare"),
            )
        ),
    }
    return {
        key: (value if key == "headers" else render_value(value)) for key, value in texts.items()
    }


def _secret_badge(labels) -> str:
    return f'<span class="badge badge--amber">{labels["secret"]}</span>'


def _parties(entry, labels) -> str:
    if not entry.parties:
        return f'<span class="muted">{labels["secret"]}</span>' if entry.secret else "–"
    person = f'<span class="muted">{labels["person"]}</span>'
    return "; ".join(render_value(party) if party else person for party in entry.parties)


def _document_row(doc, labels) -> str:
    if doc["secret"]:
        what = f"{_secret_badge(labels)} {labels['secret_document']}"
    else:
        what = (
            f'{render_value(doc["title"])} <span class="muted">({render_value(doc["kind"])})</span>'
        )
    if doc["party"]:
        party = render_value(doc["party"])
    elif doc["party_is_person"]:
        party = f'<span class="muted">{labels["private"]}</span>'
    else:
        party = "–"
    return (
        f"<tr><td>{render_value(doc['number'])}</td><td>{render_date(doc['date'])}</td>"
        f"<td>{render_value(doc['direction'])}</td><td>{what}</td><td>{party}</td></tr>"
    )


@writes("public/partials/diary_entry.html")
def render_diary_entry(entry, heading, link=False) -> str:
    """``templates/public/partials/diary_entry.html``: a register entry as the public sees it
    (an e-diarium search lists twenty, each with its documents)."""
    labels = _labels(get_language())
    case = entry.case
    dnr = render_value(case.dnr)
    if entry.secret:
        title = f"{dnr} {_secret_badge(labels)}"
    elif link:
        url = render_value(object_url("public:diary_case", case.pk))
        title = f'<a href="{url}">{dnr}</a> {render_value(case.title)}'
    else:
        title = render_value(case.title)
    heading = render_value(heading)
    kind = render_value(choice_display(case, "kind"))
    state = labels["open"] if case.is_open else labels["closed"]
    parts = [
        f'<{heading} class="diary-item__title">{title}</{heading}>\n<dl class="dl">\n',
        f"  <dt>{labels['kind']}</dt><dd>{kind}</dd>\n",
        f"  <dt>{labels['received']}</dt><dd>{render_date(case.received_on)}</dd>\n",
        f"  <dt>{labels['registered']}</dt><dd>{render_date(case.registered_on)}</dd>\n",
        f"  <dt>{labels['state']}</dt><dd>{state}</dd>\n",
        f"  <dt>{labels['parties']}</dt><dd>{_parties(entry, labels)}</dd>\n</dl>\n",
    ]
    if entry.documents:
        caption = gettext("Handlingar i ärende %(dnr)s") % {"dnr": dnr}
        rows = "".join(_document_row(doc, labels) for doc in entry.documents)
        parts.append(
            f'\n<div class="diary-docs-wrap"><table class="diary-docs">\n  <caption>{caption}'
            f"</caption>\n  <thead><tr>{labels['headers']}</tr></thead>\n  <tbody>{rows}</tbody>\n"
            "</table></div>\n"
        )
    parts.append("\n")
    return "".join(parts)


@register.simple_tag
def diary_entry(entry, heading, link=False):
    return render_diary_entry(entry=entry, heading=heading, link=link)
