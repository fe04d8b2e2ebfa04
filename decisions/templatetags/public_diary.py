"""The public e-diarium's entries: ``{% load public_diary %}{% diary_entry entry "h3" link=True %}``."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext

from core.renderers import choice_display, render_date, render_value, writes

register = template.Library()


def _secret_badge() -> str:
    return f'<span class="badge badge--amber">{render_value(gettext("Sekretess"))}</span>'


def _parties(entry) -> str:
    if not entry.parties:
        return (
            f'<span class="muted">{render_value(gettext("Sekretess"))}</span>'
            if entry.secret
            else "–"
        )
    person = (
        f'<span class="muted">{render_value(gettext("Privatperson (namnet visas inte)"))}</span>'
    )
    return "; ".join(render_value(party) if party else person for party in entry.parties)


def _document_row(doc) -> str:
    if doc["secret"]:
        what = f"{_secret_badge()} {render_value(gettext('Handlingen är sekretessmarkerad'))}"
    else:
        what = (
            f'{render_value(doc["title"])} <span class="muted">({render_value(doc["kind"])})</span>'
        )
    if doc["party"]:
        party = render_value(doc["party"])
    elif doc["party_is_person"]:
        party = f'<span class="muted">{render_value(gettext("Enskild person"))}</span>'
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
    case = entry.case
    if entry.secret:
        title = f"{render_value(case.dnr)} {_secret_badge()}"
    elif link:
        url = reverse("public:diary_case", args=[case.pk])
        title = (
            f'<a href="{render_value(url)}">{render_value(case.dnr)}</a> {render_value(case.title)}'
        )
    else:
        title = render_value(case.title)
    heading = render_value(heading)
    state = gettext("Pågående") if case.is_open else gettext("Avslutat")
    parts = [
        f'<{heading} class="diary-item__title">{title}</{heading}>\n<dl class="dl">\n',
        f"  <dt>{render_value(gettext('Ärendetyp'))}</dt><dd>{render_value(choice_display(case, 'kind'))}</dd>\n",
        f"  <dt>{render_value(gettext('Inkom'))}</dt><dd>{render_date(case.received_on)}</dd>\n",
        f"  <dt>{render_value(gettext('Registrerat'))}</dt><dd>{render_date(case.registered_on)}</dd>\n",
        f"  <dt>{render_value(gettext('Status'))}</dt><dd>{render_value(state)}</dd>\n",
        f"  <dt>{render_value(gettext('Parter'))}</dt><dd>{_parties(entry)}</dd>\n</dl>\n",
    ]
    if entry.documents:
        caption = gettext("Handlingar i ärende %(dnr)s") % {"dnr": render_value(case.dnr)}
        labels = (
            gettext("Nr"),
            gettext("Datum"),
            gettext("Riktning"),
            gettext("Handling"),
            gettext("Avsändare/mottagare"),
        )
        headers = "".join(f'<th scope="col">{render_value(label)}</th>' for label in labels)
        rows = "".join(_document_row(doc) for doc in entry.documents)
        parts.append(
            f'\n<div class="diary-docs-wrap"><table class="diary-docs">\n  <caption>{caption}'
            f"</caption>\n  <thead><tr>{headers}</tr></thead>\n  <tbody>{rows}</tbody>\n"
            "</table></div>\n"
        )
    parts.append("\n")
    return "".join(parts)


@register.simple_tag
def diary_entry(entry, heading, link=False):
    return render_diary_entry(entry=entry, heading=heading, link=link)
