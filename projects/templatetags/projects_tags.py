"""Template helpers of the registry: ``{% load projects_tags %}``."""

from django import template
from django.utils.translation import gettext_lazy as _

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


@register.filter
def filesize(value):
    """``{{ document.size|filesize }}`` -> ``1,5 MB``."""
    if value in (None, ""):
        return ""
    return format_size(int(value))
