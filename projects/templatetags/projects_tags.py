"""Template helpers of the registry: ``{% load projects_tags %}``."""

from django import template
from django.template.defaultfilters import urlencode
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.links import object_urls
from core.money import format_amount
from core.renderers import choice_display, render_date, render_value, writes
from projects import dnr
from projects.documents import format_size

register = template.Library()

CASE_TABLE_COLUMNS = (
    ("dnr", _("Dnr"), False),
    ("title", _("Ärendemening"), False),
    ("kind", _("Typ"), False),
    ("state", _("Status"), False),
    ("applicant", _("Sökande"), False),
    ("officer", _("Handläggare"), False),
    ("requested", _("Sökt"), True),
    ("granted", _("Beviljat"), True),
)


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``; empty when the mapping or key is missing."""
    if not mapping:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def case_table_columns():
    """The columns of ``projects/partials/case_table.html``: (key, label, numeric)."""
    return CASE_TABLE_COLUMNS


@register.simple_tag
def case_table_rows(cases, hide=""):
    """The rows of ``projects/partials/case_table.html`` with every cell's value worked out.

    The list pages show 25 rows of eight cells; resolving each through the template
    engine (attribute chains, filters, the badge) cost more than the rest of the page.
    ``hide`` as in the table: column keys to leave out.
    """
    rows = []
    for case in cases:
        project = case.project
        applicant = project.applicant if "applicant" not in hide else None
        officer = case.officer if "officer" not in hide else None
        rows.append(
            {
                "pk": case.pk,
                "url": case.get_absolute_url(),
                "dnr": case.dnr,
                "nyps_id": case.nyps_id,
                "title": case.title,
                "kind": choice_display(case, "kind"),
                "state": state_badge(case),
                "applicant": applicant.name if applicant else None,
                "applicant_url": applicant.get_absolute_url() if applicant else None,
                "officer": (officer.get_full_name() or officer.username) if officer else None,
                "requested": format_amount(project.requested_amount) or "–",
                "granted": format_amount(case.granted_amount) or "–",
            }
        )
    return rows


@register.simple_tag
def case_table_body(rows, show, select_form=""):
    """The ``<tr>`` of each of ``case_table_rows``'s rows, the cells ``show`` shows.

    One call per table instead of a dozen template nodes per row: the rows are
    the bulk of a list page's rendering.
    """
    e = conditional_escape
    out = []
    for row in rows:
        cells = ["    <tr>\n"]
        if select_form:
            label = gettext("Markera %(dnr)s") % {"dnr": row["dnr"]}
            cells.append(
                f'      <td class="select-cell"><input type="checkbox" name="cases"'
                f' value="{e(row["pk"])}" form="{e(select_form)}"'
                f' aria-label="{e(label)}"></td>\n'
            )
        if show["dnr"]:
            nyps = (
                f'<br><span class="muted small">NYPS {e(row["nyps_id"])}</span>'
                if row["nyps_id"]
                else ""
            )
            cells.append(
                f'      <td class="dnr"><a href="{e(row["url"])}">{e(row["dnr"])}</a>{nyps}</td>\n'
            )
        if show["title"]:
            cells.append(
                f'      <td><a href="{e(row["url"])}" class="case-table__title">'
                f"{e(row['title'])}</a></td>\n"
            )
        for key in ("kind", "state"):
            if show[key]:
                cells.append(f"      <td>{e(row[key])}</td>\n")
        if show["applicant"]:
            applicant = (
                f'<a href="{e(row["applicant_url"])}">{e(row["applicant"])}</a>'
                if row["applicant"]
                else "–"
            )
            cells.append(f"      <td>{applicant}</td>\n")
        if show["officer"]:
            cells.append(f"      <td>{e(row['officer'])}</td>\n")
        for key in ("requested", "granted"):
            if show[key]:
                cells.append(f'      <td class="num">{e(row[key])}</td>\n')
        cells.append("    </tr>\n")
        out.append("".join(cells))
    return mark_safe("".join(out))  # noqa: S308  # every value escaped above


@register.simple_tag
def case_table_show(hide=""):
    """{column key: shown?} for ``projects/partials/case_table.html``."""
    return {key: key not in hide for key, _label, _numeric in CASE_TABLE_COLUMNS}


@register.simple_tag
def state_badge(case):
    """``{% state_badge case %}``: the case's state as a coloured badge.

    A tag rather than an include: case tables show it on every row.
    """
    tone = case.state_tone
    return format_html(
        '<span class="badge{}">{}</span>',
        f" badge--{tone}" if tone else "",
        choice_display(case, "state"),
    )


@register.filter
def filesize(value):
    """``{{ document.size|filesize }}`` -> ``1,5 MB``."""
    if value in (None, ""):
        return ""
    return format_size(int(value))


# --- A case's documents and registry, written in Python -----------------------------------
#
# A case gathers documents over its life (applications, budgets, requisitions, reports and
# their versions): at a hundred, the two tables' rows took 32 ms of the case page through
# the template engine (seven links, translations and filters a row). They are written here;
# their templates (``document_rows.html``, ``registry_rows.html``) stay the reference, and
# the tests compare both (``FORM_RENDERER_VERIFY``, tests/projects/test_document_rows.py).


def _person(user) -> str:
    """``{{ user.get_full_name|default:user.username }}``."""
    return render_value(user.get_full_name() or user.username)


def _secret_badge() -> str:
    return f'<span class="badge badge--red">{render_value(gettext("Sekretess"))}</span>'


def _version(number) -> str:
    return gettext("v%(version)s") % {"version": render_value(number)}


@writes("projects/partials/registry_rows.html")
def render_registry_rows(case, registry) -> str:
    """``projects/partials/registry_rows.html``: the case's registry in number order."""
    dnr = render_value(case.dnr)
    view_url = object_urls("projects:document_view")
    download_url = object_urls("projects:document_download")
    rows = []
    for doc in registry:
        cells = [
            "\n    <tr>\n"
            f'      <td class="nowrap">{dnr}-{render_value(doc.registry_number)}</td>\n'
            f'      <td class="nowrap">{render_date(doc.document_date)}</td>\n'
            f"      <td>{render_value(choice_display(doc, 'direction'))}</td>"
        ]
        if getattr(doc, "masked", None):
            cells.append(
                '\n      <td><span class="muted">—</span></td>\n'
                f'      <th scope="row">{_secret_badge()} {render_value(doc.mask_label)}</th>'
            )
        else:
            title = render_value(doc.title)
            view = render_value(view_url(doc.pk))
            download = render_value(download_url(doc.pk))
            cells.append(
                f"\n      <td>{render_value(doc.party_name or '—')}</td>\n"
                '      <th scope="row">\n'
                f'        <a href="{view}">{title}</a>'
            )
            if doc.version > 1:
                cells.append(f' <span class="muted small">{_version(doc.version)}</span>')
            if doc.confidential:
                cells.append(f"\n        {_secret_badge()}")
            if doc.description and doc.description != doc.title:
                cells.append(
                    f'\n        <p class="muted small">{render_value(doc.description)}</p>'
                )
            if doc.parent_id:
                attached = gettext("Bilaga till nr %(number)s") % {
                    "number": render_value(doc.parent.registry_number)
                }
                cells.append(f'\n        <p class="muted small">{attached}</p>')
            cells.append(
                f'\n        <p class="small"><a href="{view}" target="_blank" rel="noopener">'
                f'{render_value(gettext("Öppna"))}<span class="visually-hidden"> {title}</span>'
                f'</a> · <a href="{download}" download>{render_value(gettext("Ladda ner"))}'
                f'<span class="visually-hidden"> {title}</span></a></p>\n'
                "      </th>"
            )
        registered_by = _person(doc.registered_by) if doc.registered_by else ""
        cells.append(
            f'\n      <td class="nowrap">{render_date(doc.registered_at)}<br>'
            f'<span class="muted small">{registered_by}</span></td>\n'
            "    </tr>"
        )
        rows.append("".join(cells))
    return "".join(rows) + "\n"


@register.simple_tag
def registry_rows(case, registry):
    """``{% registry_rows case registry %}``."""
    return render_registry_rows(case=case, registry=registry)


@writes("projects/partials/document_rows.html")
def render_document_rows(case, document_groups, can, next_url) -> str:
    """``projects/partials/document_rows.html``: the case's documents by title, with their
    older versions."""
    may_upload = bool(can.get("upload"))  # ``can``: the case page's permissions (a dict)
    may_edit = bool(can.get("edit_document"))
    upload = object_urls("projects:document_upload")(case.pk) if may_upload else ""
    view_url = object_urls("projects:document_view")
    download_url = object_urls("projects:document_download")
    edit_url = object_urls("projects:document_edit")
    rows = []
    for group in document_groups:
        doc = group.latest
        title = render_value(group.title)
        cells = [
            "\n    <tr>\n"
            '      <th scope="row">\n'
            f'        <a href="{render_value(view_url(doc.pk))}">'
            f"{title}</a>"
        ]
        if doc.confidential:
            cells.append(f"\n        {_secret_badge()}")
        cells.append(
            f'\n        <p class="muted small">{render_value(doc.original_name)} · '
            f"{render_value(filesize(doc.size))}</p>"
        )
        older = group.older
        if older:
            count = ngettext(
                "%(counter)s tidigare version", "%(counter)s tidigare versioner", len(older)
            ) % {"counter": render_value(len(older))}
            items = []
            for old in older:
                badge = f" · {_secret_badge()}" if old.confidential else ""
                version = gettext("Version %(version)s") % {"version": render_value(old.version)}
                items.append(
                    "\n            <li><a href="
                    f'"{render_value(download_url(old.pk))}">'
                    f"{version}</a> · {render_date(old.uploaded_at, 'Y-m-d H:i')} · "
                    f"{_person(old.uploaded_by)} · {render_value(filesize(old.size))}{badge}</li>"
                )
            cells.append(
                '\n        <details class="versions">\n'
                f"          <summary>{count}</summary>\n"
                f"          <ul>{''.join(items)}\n"
                "          </ul>\n"
                "        </details>"
            )
        download = render_value(download_url(doc.pk))
        hidden_title = f'<span class="visually-hidden"> {title}</span>'
        cells.append(
            "\n      </th>\n"
            f"      <td>{render_value(choice_display(doc, 'kind'))}</td>\n"
            f"      <td>{_version(doc.version)} · {render_date(doc.uploaded_at)}<br>"
            f'<span class="muted small">{_person(doc.uploaded_by)}</span></td>\n'
            '      <td class="row-actions">\n'
            f'        <a href="{download}" download>{render_value(gettext("Ladda ner"))}'
            f"{hidden_title}</a>"
        )
        if may_upload:
            query = (
                f"?title={render_value(urlencode(group.title))}"
                f"&amp;next={render_value(urlencode(next_url))}"
            )
            cells.append(
                f'\n        <a href="{render_value(upload)}{query}">'
                f'{render_value(gettext("Ny version"))}<span class="visually-hidden"> '
                f"{render_value(gettext('av'))} {title}</span></a>"
            )
        if may_edit:
            edit = render_value(edit_url(doc.pk))
            cells.append(
                f'\n        <a href="{edit}">{render_value(gettext("Ändra"))}{hidden_title}</a>'
            )
        cells.append("\n      </td>\n    </tr>")
        rows.append("".join(cells))
    return "".join(rows) + "\n"


@register.simple_tag
def document_rows(case, document_groups, can, next_url):
    """``{% document_rows case document_groups can next_url %}``."""
    return render_document_rows(
        case=case, document_groups=document_groups, can=can, next_url=next_url
    )


@register.simple_tag
def dnr_example() -> str:
    """A Dnr as the region writes it (``projects.dnr``), for help texts."""
    return dnr.example()
