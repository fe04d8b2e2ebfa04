from django import template

from financing.selectors import share_percent

register = template.Library()


@register.filter
def share_of(part, total):
    """``{{ part|share_of:total }}`` -> ``20,0 %`` (empty when the total is zero)."""
    value = share_percent(part, total)
    if value is None:
        return ""
    return f"{value} %".replace(".", ",")
