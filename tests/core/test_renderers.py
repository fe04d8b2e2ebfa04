"""core.renderers: Django's widget templates rendered in Python give the templates' text."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from core.renderers import RendererMismatch, WidgetRenderer

TEMPLATES = DjangoTemplates()


def _both(widget: forms.Widget, name: str, value, attrs=None):
    python = widget.render(name, value, attrs=attrs, renderer=WidgetRenderer())
    template = widget.render(name, value, attrs=attrs, renderer=TEMPLATES)
    return python, template


class _StoredFile:
    """A stored file as a ClearableFileInput shows it (a name and a URL)."""

    def __init__(self, name):
        self.name = name
        self.url = f"/media/{name}?a=1&b=2"

    def __str__(self):
        return self.name


CHOICES = [
    ("", "---------"),
    (1, "Anna Öberg"),
    ("2", 'Bo "B" <Berg> & co'),
    (2021, 2021),
    (Decimal("1.5"), gettext_lazy("Ärenden")),
    ("Grupp", [("a", "A"), ("b", mark_safe("<b>B</b>"))]),
]


WIDGETS = [
    (forms.TextInput(), 'Fyrkanten <3 & "citat"'),
    (forms.TextInput(attrs={"placeholder": "Sök", "autofocus": True, "disabled": False}), None),
    (forms.TextInput(attrs={"data-x": mark_safe("<i>")}), mark_safe("<b>safe</b>")),
    (forms.TextInput(), ""),
    (forms.TextInput(), 0),
    (forms.NumberInput(attrs={"min": 0, "step": Decimal("0.01")}), Decimal("1245497.00")),
    (forms.NumberInput(), 1245497),
    (forms.EmailInput(), "a@b.se"),
    (forms.URLInput(), "https://x.se/?a=1&b=2"),
    (forms.PasswordInput(render_value=True), "hemligt"),
    (forms.PasswordInput(), "hemligt"),
    (forms.HiddenInput(), "2020-03-24"),
    (forms.DateInput(attrs={"type": "date"}), datetime.date(2020, 3, 24)),
    (forms.DateInput(), datetime.date(2020, 3, 24)),
    (forms.DateTimeInput(), datetime.datetime(2020, 3, 24, 13, 0, tzinfo=datetime.UTC)),
    (forms.TimeInput(), datetime.time(13, 0)),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.CheckboxInput(attrs={"class": "check"}), "on"),
    (forms.FileInput(), None),
    (forms.ClearableFileInput(), None),
    (forms.ClearableFileInput(), _StoredFile("protokoll <2020>.pdf")),
    (forms.ClearableFileInput(attrs={"disabled": True, "checked": True}), _StoredFile("a&b.pdf")),
    (forms.Textarea(), 'Rad ett\nRad <två> & "tre"'),
    (forms.Textarea(attrs={"rows": 3, "required": True}), ""),
    (forms.Textarea(), None),
    (forms.Textarea(), mark_safe("<p>safe</p>")),
    (forms.Select(choices=CHOICES), "2"),
    (forms.Select(choices=CHOICES, attrs={"class": "wide", "aria-describedby": "x_help"}), 2021),
    (forms.Select(choices=[]), None),
    (forms.SelectMultiple(choices=CHOICES), ["2", "a"]),
    (forms.NullBooleanSelect(), None),
    (forms.RadioSelect(choices=CHOICES), "2"),
    (forms.RadioSelect(choices=CHOICES, attrs={"class": "radio-list"}), None),
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["1", "b"]),
    (forms.CheckboxSelectMultiple(choices=[("x", "X")], attrs={"id": ""}), []),
]


@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_standard_widget_renders_as_its_template(widget, value, language):
    with override(language):
        python, template = _both(widget, "falt", value, attrs={"id": "id_falt"})
        assert python == template
        python, template = _both(widget, "utan_id", value)
        assert python == template


def test_the_python_path_is_taken_for_standard_widgets(monkeypatch, settings):
    settings.FORM_RENDERER_VERIFY = False
    renderer = WidgetRenderer()
    assert renderer._python and renderer._options  # found to be Django's own templates
    monkeypatch.setattr(
        DjangoTemplates, "get_template", lambda *args: pytest.fail("rendered by template")
    )
    html = forms.Select(choices=CHOICES).render("s", "1", renderer=renderer)
    assert '<option value="1" selected>Anna Öberg</option>' in html
    assert '<optgroup label="Grupp">' in html
    assert "&lt;Berg&gt; &amp; co" in html and "<b>B</b>" in html


class _CustomOption(forms.Select):
    option_template_name = "tests/custom_option.html"


def test_other_templates_go_through_the_template_engine(tmp_path, settings):
    """An option template that is not Django's is rendered by Django's engine."""
    settings.FORM_RENDERER_VERIFY = False  # the template engine would not find the option's
    renderer = WidgetRenderer()
    assert renderer._python and renderer._options  # (their templates looked up once)
    seen = []
    original = DjangoTemplates.get_template

    def get_template(self, name):
        seen.append(name)
        if name == "tests/custom_option.html":
            from django.template import engines

            return engines["django"].from_string("<o>{{ widget.label }}</o>\n")
        return original(self, name)

    DjangoTemplates.get_template = get_template
    try:
        html = _CustomOption(choices=[("a", "<A>")]).render("c", "a", renderer=renderer)
    finally:
        DjangoTemplates.get_template = original
    assert seen == ["tests/custom_option.html"]
    assert html == '<select name="c">\n  <o>&lt;A&gt;</o>\n\n</select>'


def test_a_whole_form_renders_as_with_the_templates():
    class Form(forms.Form):
        title = forms.CharField(max_length=200, help_text="Ärendemening")
        amount = forms.DecimalField(max_digits=12, decimal_places=2)
        decided = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        kind = forms.ChoiceField(choices=[("a", "Projektidé"), ("b", "Medfinansiering")])
        ok = forms.BooleanField(required=False)
        notes = forms.CharField(widget=forms.Textarea, required=False)
        route = forms.ChoiceField(widget=forms.RadioSelect, choices=[("au", "AU"), ("run", "RUN")])

    data = {
        "title": "Fyrkanten <3",
        "amount": "1245497",
        "decided": "2020-03-24",
        "kind": "b",
        "notes": "x & y",
        "route": "au",
    }
    for form in (Form(), Form(data=data), Form(data={"title": "x" * 300})):
        form.is_valid()
        form.renderer = WidgetRenderer()
        python = str(form)
        form.renderer = TEMPLATES
        assert python == str(form)


def test_verification_catches_a_difference(settings, monkeypatch):
    settings.FORM_RENDERER_VERIFY = True
    renderer = WidgetRenderer()
    monkeypatch.setitem(
        renderer._python, "django/forms/widgets/text.html", lambda context: "<input>"
    )
    with pytest.raises(RendererMismatch, match="text.html"):
        forms.TextInput().render("t", "v", renderer=renderer)


def test_the_app_renders_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), WidgetRenderer)


class _FieldForm(forms.Form):
    title = forms.CharField(max_length=10, help_text="Ärendemening <kort> & tydlig")
    amount = forms.DecimalField(required=False, label=gettext_lazy("Sökt belopp"))
    ok = forms.BooleanField(required=False, label="Klart?")
    must = forms.BooleanField(label=mark_safe("<em>Måste</em>"))
    route = forms.ChoiceField(widget=forms.RadioSelect, choices=[("au", "AU"), ("run", "RUN")])
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {}, {"title": "x" * 11, "amount": "abc", "route": "x"}, {"title": "Ok", "must": "on"}],
)
def test_the_field_tag_writes_the_field_template(data, language):
    from django.template.loader import get_template

    from core.renderers import render_field

    template = get_template("partials/field.html")
    with override(language):
        form = _FieldForm(data=data, auto_id="f_%s") if data is not None else _FieldForm()
        for field in form:
            assert render_field(field=field) == template.render({"field": field})
        form.auto_id = False
        for field in form:
            assert render_field(field=field) == template.render({"field": field})


def test_the_field_tag_is_checked_against_the_template_in_the_tests(settings, monkeypatch):
    from core import renderers

    settings.FORM_RENDERER_VERIFY = True
    monkeypatch.setattr(renderers, "gettext", lambda text: "ändrad")
    field = _FieldForm()["title"]
    renderers.render_field.checks.clear()
    with pytest.raises(RendererMismatch, match=r"_FieldForm\.title"):
        renderers.render_field(field=field)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_choice_display_is_djangos_display_for_every_choice_field(language):
    from django.apps import apps

    from core.renderers import choice_display

    checked = 0
    with override(language):
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not field.choices or field.name.startswith("_"):
                    continue
                instance = model()
                for value in [*(key for key, _label in field.flatchoices), "okänt-värde", None]:
                    instance.__dict__[field.attname] = value  # past protected FSM fields
                    expected = getattr(instance, f"get_{field.name}_display")()
                    assert choice_display(instance, field.name) == expected
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        datetime.date(2020, 3, 24),
        datetime.date(999, 1, 2),
        datetime.datetime(2020, 3, 24, 23, 30, tzinfo=datetime.UTC),  # 2020-03-25 in Sweden
        datetime.datetime(2020, 3, 24, 23, 30),  # noqa: DTZ001 - a naive one, as it is
    ],
)
@pytest.mark.parametrize("format_string", ["Y-m-d", "j F Y", "Y"])
def test_render_date_is_the_date_filter(value, format_string):
    from django.template import engines

    from core.renderers import render_date

    template = engines["django"].from_string("{{ value|date:format_string }}")
    expected = template.render({"value": value, "format_string": format_string})
    assert render_date(value, format_string) == expected


def test_the_field_tag_writes_nothing_for_a_field_the_form_does_not_have():
    from django.template import engines

    template = engines["django"].from_string("[{% form_field form.missing %}]")
    assert template.render({"form": _FieldForm()}) == "[]"


def test_a_widget_template_an_app_provides_is_rendered_as_that_template(monkeypatch, settings):
    """An app's own ``django/forms/widgets/select.html`` (or option template) replaces
    Django's: the renderer then renders it, not Django's markup in Python."""
    settings.FORM_RENDERER_VERIFY = False  # the engine's own includes would not see the stand-in
    from django.template import engines

    own = engines["django"].from_string("<own>{{ widget.name }}</own>")
    original = DjangoTemplates.get_template

    def get_template(self, name):
        if name in ("django/forms/widgets/select.html", "django/forms/widgets/radio_option.html"):
            return own
        return original(self, name)

    monkeypatch.setattr(DjangoTemplates, "get_template", get_template)
    renderer = WidgetRenderer()
    assert "django/forms/widgets/select.html" not in renderer._python
    assert "django/forms/widgets/text.html" in renderer._python
    assert forms.Select(choices=CHOICES).render("s", "1", renderer=renderer) == "<own>s</own>"
    html = forms.RadioSelect(choices=[("a", "A")]).render("r", "a", renderer=renderer)
    assert "<own>r</own>" in html
