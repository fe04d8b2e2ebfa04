from django import template
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext

from core.money import format_amount
from core.renderers import choice_display, render_date, render_value, writes
from financing.selectors import share_percent

register = template.Library()


@register.filter
def share_of(part, total):
    """``{{ part|share_of:total }}`` -> ``20,0 %`` (empty when the total is zero)."""
    value = share_percent(part, total)
    if value is None:
        return ""
    return f"{value} %".replace(".", ",")


NUM = ' class="num"'


def _head(headings) -> str:
    """A table's ``<thead>`` row: (class attribute, label) per column, as the templates write it."""
    cells = "".join(
        f'      <th scope="col"{css}>{render_value(label)}</th>\n' for css, label in headings
    )
    return f"  <thead>\n    <tr>\n{cells}    </tr>\n  </thead>\n"


def _sek(value) -> str:
    return render_value(format_amount(value))


@writes("financing/partials/commitment_table.html")
def render_commitment_table(commitments, caption) -> str:
    """``templates/financing/partials/commitment_table.html``: commitments with their paid,
    released and remaining sums (the dashboard and the commitments list show 25 rows)."""
    rows = []
    for c in commitments:
        reference = (
            f'<br><span class="muted">{render_value(c.reference)}</span>' if c.reference else ""
        )
        dnr = f'<span class="dnr">{render_value(c.case.dnr)}</span> ' if c.case else ""
        description = (
            f'<br><span class="muted">{render_value(truncatechars(c.description, 80))}</span>'
            if c.description
            else ""
        )
        rows.append(
            "\n    <tr>\n"
            f'      <td><a href="{render_value(c.get_absolute_url())}">{render_date(c.committed_on)}</a>'
            f"{reference}</td>\n"
            f"      <td>{dnr}{render_value(c.recipient or '')}{description}</td>\n"
            f"      <td>{render_value(choice_display(c, 'category'))}<br>"
            f'<span class="muted">{render_value(choice_display(c, "priority"))}</span></td>\n'
            f"      <td>{render_value(c.grant.year)}</td>\n"
            f'      <td class="num">{_sek(c.amount)}</td>\n'
            f'      <td class="num">{_sek(c.paid)}</td>\n'
            f'      <td class="num">{_sek(c.released)}</td>\n'
            f'      <td class="num"><strong>{_sek(c.remaining)}</strong></td>\n'
            "    </tr>\n    "
        )
    if not rows:
        rows.append(
            '\n    <tr><td colspan="8" class="muted">'
            f"{render_value(gettext('Inga åtaganden.'))}</td></tr>\n    "
        )
    head = _head(
        [
            ("", gettext("Beslut")),
            ("", gettext("Avser")),
            ("", gettext("Kategori")),
            ("", gettext("År")),
            (NUM, gettext("Belopp")),
            (NUM, gettext("Utbetalt")),
            (NUM, gettext("Återfört")),
            (NUM, gettext("Återstår")),
        ]
    )
    return (
        '\n<div class="table-wrap">\n<table>\n'
        f'  <caption class="visually-hidden">{render_value(caption)}</caption>\n'
        f"{head}  <tbody>\n    {''.join(rows)}\n  </tbody>\n</table>\n</div>\n"
    )


@register.simple_tag
def commitment_table(commitments, caption=""):
    """``{% commitment_table commitments caption %}``."""
    return render_commitment_table(commitments=commitments, caption=caption)


@writes("financing/partials/figures_table.html")
def render_figures_table(rows, total, caption, first_heading, allocated_heading="") -> str:
    """``templates/financing/partials/figures_table.html``: allocated, committed, paid,
    released, open and left per category or priority of a grant year."""
    not_allocated = f'<span class="muted">{render_value(gettext("ej fördelat"))}</span>'
    body = []
    for f in rows:
        allocated = not_allocated if f.allocated is None else _sek(f.allocated)
        negative = " fin-negative" if f.left is not None and f.left < 0 else ""
        left = "–" if f.left is None else _sek(f.left)
        body.append(
            "\n    <tr>\n"
            f'      <th scope="row">{render_value(f.label)}</th>\n'
            f'      <td class="num">{allocated}</td>\n'
            f'      <td class="num">{_sek(f.committed)}</td>\n'
            f'      <td class="num">{_sek(f.paid)}</td>\n'
            f'      <td class="num">{_sek(f.released)}</td>\n'
            f'      <td class="num">{_sek(f.open)}</td>\n'
            f'      <td class="num{negative}">{left}</td>\n'
            "    </tr>\n    "
        )
    foot = ""
    if total:
        foot = (
            "\n  <tfoot>\n    <tr>\n"
            f'      <th scope="row">{render_value(total.label)}</th>\n'
            + "".join(
                f'      <td class="num">{_sek(value)}</td>\n'
                for value in (
                    total.allocated,
                    total.committed,
                    total.paid,
                    total.released,
                    total.open,
                    total.left,
                )
            )
            + "    </tr>\n  </tfoot>\n  "
        )
    head = _head(
        [
            ("", first_heading),
            (NUM, allocated_heading or gettext("Fördelat")),
            (NUM, gettext("Beslutat")),
            (NUM, gettext("Utbetalt")),
            (NUM, gettext("Återfört")),
            (NUM, gettext("Öppet saldo")),
            (NUM, gettext("Kvar att besluta")),
        ]
    )
    return (
        '\n<div class="table-wrap">\n<table class="fin-figures">\n'
        f"  <caption>{render_value(caption)}</caption>\n"
        f"{head}  <tbody>\n    {''.join(body)}\n  </tbody>\n  {foot}\n</table>\n</div>\n"
    )


@register.simple_tag
def figures_table(rows, total, caption, first_heading, allocated_heading=""):
    """``{% figures_table rows total caption first_heading %}``."""
    return render_figures_table(
        rows=rows,
        total=total,
        caption=caption,
        first_heading=first_heading,
        allocated_heading=allocated_heading,
    )
