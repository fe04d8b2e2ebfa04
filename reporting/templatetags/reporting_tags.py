"""Template helpers of the reporting pages: ``{% load reporting_tags %}``."""

from django import template

from reporting import formatting

register = template.Library()


@register.filter
def answer_html(text: str):
    """Answer text with its simple formatting as safe HTML (all text escaped)."""
    return formatting.to_html(text or "")
