"""Template helpers of the registry: ``{% load projects_tags %}``."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.money import format_amount
from core.renderers import choice_display
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
