"""Template helpers available in every template (registered as a builtin)."""

from decimal import Decimal

from django import template

from core.money import format_amount, format_msek
from core.renderers import render_field

register = template.Library()


@register.simple_tag
def form_field(field):
    """``{% form_field field %}``: the field's label, widget, help text and errors as
    ``templates/partials/field.html`` lays them out (written in Python: core.renderers)."""
    return render_field(field=field)


@register.filter
def sek(value):
    """``{{ amount|sek }}`` -> ``1 245 497 kr``."""
    return format_amount(value)


@register.filter
def msek(value):
    return format_msek(value)


@register.filter
def percent(value, digits=0):
    """A Decimal share (0.61) or a ratio in per cent (61) shown as ``61 %``."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    quant = Decimal(1).scaleb(-int(digits))
    return f"{value.quantize(quant)} %".replace(".", ",")


@register.simple_tag(takes_context=True)
def query_transform(context, **kwargs):
    """Rebuild the current query string with some parameters replaced (sorting, paging)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def undo_offer(context):
    """The "Ångra" button offered after a removal (``core.http.offer_undo``), once."""
    from core.http import take_undo_offer

    request = context.get("request")
    return take_undo_offer(request) if request is not None else None
