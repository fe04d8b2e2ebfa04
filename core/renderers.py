"""The form renderer: Django's widget templates, rendered in Python.

Every ``{{ field }}`` renders its widget through a template of Django's
(``django/forms/widgets/select.html`` and the ``select_option.html`` and ``attrs.html`` it
includes for every option...). Those templates are tiny and fixed, but a select of forty
officers is forty-one includes, each with its own context push: the case list's filter form
and the case page's two forms spent about 3 ms a request there. ``WidgetRenderer`` is
Django's ``DjangoTemplates`` renderer that renders those standard templates (text-like
inputs, textarea, select and its options, radio and checkbox lists) with Python functions
that give the same text, byte for byte: the same escaping (``conditional_escape``), the
same localization of values (``localize``, ``template_localtime``), the same whitespace.
Any other template (the app's own widgets, form and field layouts, a template an app
overrides) is rendered by Django's template engine as before.

The same goes for the app's field layout, ``templates/partials/field.html`` (label, widget,
help text, errors): ``{% form_field field %}`` (core.templatetags.nc) writes it in Python,
``render_field``. The template stays the reference for the markup.

``FORM_RENDERER_VERIFY`` (on in the test suite, ``tests/conftest.py``) renders the first
``VERIFY_RENDERS`` widgets of each template name and fields of each form class through the
templates too and raises ``RendererMismatch`` when the texts differ, so every form the tests
render checks the Python renderings against the templates they stand for.
"""

from __future__ import annotations

import datetime
import functools
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import django
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]
from django.utils.translation import gettext

WIDGETS = "django/forms/widgets/"
# Where Django's own widget templates are (an app may provide a template of the same name).
DJANGO_WIDGETS = (
    Path(django.__file__).parent / "forms" / "templates" / "django" / "forms" / "widgets"
)
VERIFY_RENDERS = 50


class RendererMismatch(AssertionError):
    """A Python rendering differs from the template it stands for (only when verifying)."""


def _verifying() -> bool:
    return getattr(settings, "FORM_RENDERER_VERIFY", False)


class _Checks:
    """With ``FORM_RENDERER_VERIFY``: which renderings to check against their template, the
    first ``VERIFY_RENDERS`` per key."""

    def __init__(self):
        self.seen: Counter[object] = Counter()
        self.lock = threading.Lock()

    def due(self, key) -> bool:
        with self.lock:
            self.seen[key] += 1
            return self.seen[key] <= VERIFY_RENDERS

    def clear(self) -> None:
        self.seen.clear()


def _compare(what: str, text: str, expected: str) -> None:
    if text != expected:
        raise RendererMismatch(
            f"{what} written in Python differs from the template:\n"
            f"python:   {text!r}\ntemplate: {expected!r}"
        )


def render_value(value) -> str:
    """``{{ value }}`` in an autoescaping template: localized, escaped unless safe (as
    ``render_value_in_context``)."""
    if type(value) is str:  # most values: text, which neither localizing nor time zones change
        return escape(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


@functools.cache
def _choice_labels(field) -> dict:
    return dict(make_hashable(field.flatchoices))


def choice_display(instance, name: str) -> str:
    """``instance.get_<name>_display()``, with the field's choices read once.

    Django's own builds a dict of the field's choices on every call, hashing each lazy label
    (a translation lookup each): a list of twenty cases with three documents each spent
    milliseconds there. The same text: the choice's label in the active language, or the
    value itself when it is not a choice."""
    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname)
    return force_str(_choice_labels(field).get(make_hashable(value), value), strings_only=True)


def render_date(value, format_string: str = "Y-m-d") -> str:
    """``{{ value|date:"Y-m-d" }}`` (a date, or a datetime in the current time zone)."""
    if format_string == "Y-m-d" and isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime):
            value = template_localtime(value).date()
        if value.year >= 1000:  # the house format is ISO 8601's
            return value.isoformat()
    return render_value(date_filter(template_localtime(value), format_string))


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps safe text safe (``is_safe``)."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):  # pragma: no cover - as the filter answers
        text = ""
    if isinstance(value, SafeData):
        text = mark_safe(text)
    return render_value(text)


def _attrs(attrs) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(" " + render_value(name))
        else:
            parts.append(f' {render_value(name)}="{_formatted(value)}"')
    return "".join(parts)


def _input(widget) -> str:
    """``django/forms/widgets/input.html`` (without its final newline)."""
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 - as the template
    return f'<input type="{render_value(widget["type"])}" name="{render_value(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _select_option(widget) -> str:
    """``django/forms/widgets/select_option.html`` (without its final newline)."""
    return (
        f'<option value="{_formatted(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{render_value(widget['label'])}</option>"
    )


def _input_option(widget) -> str:
    """``django/forms/widgets/input_option.html``, with the newlines it and the ``input.html``
    it includes end with."""
    if not widget.get("wrap_label"):
        return _input(widget) + "\n\n"
    target = widget["attrs"].get("id")
    label_for = f' for="{render_value(target)}"' if target else ""
    return f"<label{label_for}>{_input(widget)}\n {render_value(widget['label'])}</label>\n"


# The option templates a container includes, as the include gives them (each file ends with
# a newline; radio_option.html and checkbox_option.html include input_option.html).
_OPTIONS = {
    WIDGETS + "select_option.html": lambda widget: _select_option(widget) + "\n",
    WIDGETS + "input_option.html": _input_option,
    WIDGETS + "radio_option.html": lambda widget: _input_option(widget) + "\n",
    WIDGETS + "checkbox_option.html": lambda widget: _input_option(widget) + "\n",
}


class WidgetRenderer(DjangoTemplates):
    """Django's template renderer, with its standard widget templates rendered in Python."""

    def __init__(self):
        super().__init__()
        self._checks = _Checks()

    @cached_property
    def _python(self) -> dict:
        """The widget templates written in Python, those that are Django's own: a template of
        the same name that an app provides instead is rendered as the template it is."""
        writers = {
            **{
                WIDGETS + name: self._render_input
                for name in (
                    "input.html",
                    "text.html",
                    "number.html",
                    "email.html",
                    "url.html",
                    "password.html",
                    "hidden.html",
                    "date.html",
                    "datetime.html",
                    "time.html",
                    "checkbox.html",
                    "color.html",
                    "search.html",
                    "tel.html",
                    "file.html",
                )
            },
            WIDGETS + "clearable_file_input.html": self._render_clearable_file_input,
            WIDGETS + "textarea.html": self._render_textarea,
            WIDGETS + "select.html": self._render_select,
            WIDGETS + "radio.html": self._render_multiple_input,
            WIDGETS + "checkbox_select.html": self._render_multiple_input,
            WIDGETS + "multiple_input.html": self._render_multiple_input,
        }
        return {name: write for name, write in writers.items() if self._is_djangos(name)}

    @cached_property
    def _options(self) -> dict:
        return {name: write for name, write in _OPTIONS.items() if self._is_djangos(name)}

    def _is_djangos(self, template_name: str) -> bool:
        origin = self.get_template(template_name).origin.name
        return Path(origin).is_relative_to(DJANGO_WIDGETS)

    def render(self, template_name, context, request=None):
        python = self._python.get(template_name)
        if python is None or request is not None:
            return super().render(template_name, context, request=request)
        text = python(context).strip()
        if _verifying() and self._checks.due(template_name):
            _compare(template_name, text, super().render(template_name, context))
        return text

    # -- the option each container includes (``{% include option.template_name %}``) --

    def _option(self, context, option) -> str:
        python = self._options.get(option["template_name"])
        if python is not None:
            return python(option)
        flat = context.copy() if isinstance(context, dict) else dict(context)
        flat["widget"] = option
        return self.get_template(option["template_name"]).render(flat)

    # -- the containers --

    @staticmethod
    def _render_input(context) -> str:
        return _input(context["widget"])

    @staticmethod
    def _render_clearable_file_input(context) -> str:
        widget = context["widget"]
        parts = []
        if widget["is_initial"]:
            value = widget["value"]
            parts.append(
                f'{render_value(widget["initial_text"])}: <a href="{render_value(value.url)}">{render_value(value)}</a>'
            )
            if not widget["required"]:
                attrs = widget["attrs"]
                checkbox_id = render_value(widget["checkbox_id"])
                parts.append(
                    f'\n<input type="checkbox" name="{render_value(widget["checkbox_name"])}" id="{checkbox_id}"'
                    f"{' disabled' if attrs.get('disabled') else ''}{' checked' if attrs.get('checked') else ''}>"
                    f'\n<label for="{checkbox_id}">{render_value(widget["clear_checkbox_label"])}</label>'
                )
            parts.append(f"<br>\n{render_value(widget['input_text'])}:")
        parts.append(
            f'\n<input type="{render_value(widget["type"])}" name="{render_value(widget["name"])}"{_attrs(widget["attrs"])}>'
        )
        return "".join(parts)

    @staticmethod
    def _render_textarea(context) -> str:
        widget = context["widget"]
        value = widget["value"]
        return (
            f'<textarea name="{render_value(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f"{render_value(value) if value else ''}</textarea>"
        )

    def _render_select(self, context) -> str:
        widget = context["widget"]
        parts = [f'<select name="{render_value(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{render_value(group_name)}">')
            for option in group_choices:
                parts.append("\n  ")
                parts.append(self._option(context, option))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)

    def _render_multiple_input(self, context) -> str:
        widget = context["widget"]
        attrs = widget["attrs"]
        ident, css = attrs.get("id"), attrs.get("class")
        parts = ["<div"]
        if ident:
            parts.append(f' id="{render_value(ident)}"')
        if css:
            parts.append(f' class="{render_value(css)}"')
        parts.append(">")
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f"\n  <div><label>{render_value(group)}</label>")
            for option in options:
                parts.append("<div>\n    ")
                parts.append(self._option(context, option))
                parts.append("</div>")
            if group:
                parts.append("\n  </div>")
        parts.append("\n</div>")
        return "".join(parts)


# -- app templates written in Python -----------------------------------------------------


class Written:
    """A template written in Python (``writes``): called with the template's context."""

    def __init__(self, template_name: str, write: Callable[..., str], key=None):
        self.template_name = template_name
        self.write = write
        self.key = key
        self.checks = _Checks()

    def __call__(self, **context) -> SafeString:
        text = self.write(**context)
        if _verifying():
            which = self.key(**context) if self.key else None
            if self.checks.due(which):
                expected = get_template(self.template_name).render(context)
                _compare(f"{self.template_name} ({which})", text, expected)
        return mark_safe(text)  # noqa: S308 - every value is escaped by ``write``


def writes(template_name: str, key=None):
    """Mark ``write(**context) -> str`` as the Python rendering of ``template_name``.

    The decorated function returns the text as safe HTML (``write`` escapes every value, as
    the template does). With ``FORM_RENDERER_VERIFY`` the first ``VERIFY_RENDERS``
    renderings (per ``key(**context)``, when given) are compared with the template's own
    rendering of the same context, and a difference raises ``RendererMismatch``. The
    template stays the readable reference for the markup.
    """

    def decorate(write: Callable[..., str]) -> Written:
        written = Written(template_name, write, key)
        written.__doc__ = write.__doc__
        return written

    return decorate


@writes("partials/field.html", key=lambda field: f"{type(field.form).__name__}.{field.name}")
def render_field(field) -> str:
    """``templates/partials/field.html`` for the bound field ``field``."""
    errors = field.errors
    required = field.field.required
    css = "field" + (" field--error" if errors else "") + (" field--required" if required else "")
    label_for = render_value(field.id_for_label)
    if field.widget_type == "checkbox":
        body = (
            f'\n  <label for="{label_for}" class="field__check">{render_value(field)} '
            f"{render_value(field.label)}</label>\n  "
        )
    else:
        marker = (
            ' <span class="required" aria-hidden="true">*</span>'
            f'<span class="visually-hidden">({render_value(gettext("obligatoriskt"))})</span>'
            if required
            else ""
        )
        body = (
            f'\n  <label for="{label_for}">{render_value(field.label)}{marker}</label>\n'
            f"  {render_value(field)}\n  "
        )
    auto_id = render_value(field.auto_id)
    help_text = field.help_text
    help_html = (
        f'<p class="field__help" id="{auto_id}_helptext">{render_value(help_text)}</p>'
        if help_text
        else ""
    )
    errors_html = "".join(
        f'<p class="field__error" id="{auto_id}_error">{render_value(error)}</p>'
        for error in errors
    )
    return f'<div class="{css}">\n  {body}\n  {help_html}\n  {errors_html}\n</div>\n'
