"""Template helpers available in every template (registered as a builtin)."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.forms import BoundField
from django.template import defaulttags
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.translation import gettext

from core.links import cached_reverse
from core.money import format_amount, format_msek
from core.renderers import render_date, render_field, render_value, writes

register = template.Library()


class CachedURLNode(defaulttags.URLNode):
    """Django's ``{% url %}``, with routes reversed once (``core.links.cached_reverse``):
    a route without arguments (a page's menu has a dozen) or with one number (a row's
    link). Other URLs are reversed as before; the text is the same."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if url and getattr(settings, "FORM_RENDERER_VERIFY", False):
            expected = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
            if url != expected:  # pragma: no cover - a failure of the cache
                raise AssertionError(f"{{% url {view_name} %}}: {url} instead of {expected}")
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """``{% url %}`` as Django's (same arguments, same text), through ``CachedURLNode``."""
    node = defaulttags.url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)


@register.simple_tag
def form_field(field):
    """``{% form_field field %}``: the field's label, widget, help text and errors as
    ``templates/partials/field.html`` lays them out (written in Python: core.renderers)."""
    if not isinstance(field, BoundField):  # a field the form does not have: nothing
        return ""
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


def _task_when(task, today) -> str:
    due = ""
    if task.due:
        if task.due < today:
            due = (
                f'<span class="badge badge--red">{render_value(gettext("försenad"))} '
                f"{render_date(task.due)}</span>"
            )
        else:
            due = (
                f'<span class="badge badge--amber">{render_value(gettext("senast"))} '
                f"{render_date(task.due)}</span>"
            )
    since = (
        f'<span class="muted">{render_value(gettext("sedan"))} {render_date(task.since)}</span>'
        if task.since
        else ""
    )
    return f"{due}\n      {since}"


@writes("home/task_rows.html")
def render_task_rows(tasks, today) -> str:
    """``templates/home/task_rows.html``: the user's tasks (core.worklist), as Mina uppgifter
    and the start page list them."""
    items = []
    for task in tasks:
        reference = f"{render_value(task.reference)} " if task.reference else ""
        items.append(
            '\n  <li class="task-list__item">\n'
            f'    <span class="task-list__kind badge">{render_value(task.kind)}</span>\n'
            f'    <a class="task-list__title" href="{render_value(task.url)}">{reference}'
            f"{render_value(task.title)}</a>\n"
            '    <span class="task-list__when">\n'
            f"      {_task_when(task, today)}\n"
            "    </span>\n  </li>\n  "
        )
    return f'<ul class="task-list">\n  {"".join(items)}\n</ul>\n'


@register.simple_tag
def task_rows(tasks, today):
    """``{% task_rows tasks today %}``."""
    return render_task_rows(tasks=tasks, today=today)
