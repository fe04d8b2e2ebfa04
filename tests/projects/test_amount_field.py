"""AmountField: money typed the department's way, shown as ``1 245 497 kr``."""

from decimal import Decimal

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from core.money import format_amount, parse_amount
from projects.forms import AmountField


class AmountForm(forms.Form):
    amount = AmountField(label="Belopp")
    optional = AmountField(label="Valfritt", required=False, max_value=Decimal("1000000"))


def clean(value, field="amount"):
    data = {"amount": "1", "optional": ""}
    data[field] = value
    form = AmountForm(data)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1245497", Decimal("1245497.00")),
        ("1 245 497", Decimal("1245497.00")),
        ("1 245 497 kr", Decimal("1245497.00")),
        ("1\u00a0245\u00a0497 kr", Decimal("1245497.00")),
        ("2 000 tkr", Decimal("2000000.00")),
        ("1,5 tkr", Decimal("1500.00")),
        ("  750 kr ", Decimal("750.00")),
        ("1245497,50", Decimal("1245497.50")),
    ],
)
def test_accepts_the_ways_the_department_writes_amounts(typed, expected):
    form = clean(typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == expected


@pytest.mark.parametrize(
    "typed",
    [
        "abc",
        "12 34",
        "1.245.497",
        "-100",
        "100 euro",
        "1 2345",
        "kr",
        "1,234 kr",
        "2 000 mkr",
        "1e6",
    ],
)
def test_rejects_anything_else_with_the_parsers_message(typed):
    form = clean(typed)
    assert not form.is_valid()
    message = form.errors["amount"][0]
    assert message  # a Swedish explanation, not a stack trace
    with pytest.raises(ValueError) as info:
        parse_amount(typed)
    assert message == str(info.value)


def test_required_and_optional():
    form = clean("")
    assert form.errors.as_data()["amount"][0].code == "required"
    form = AmountForm({"amount": "1", "optional": ""})
    assert form.is_valid()
    assert form.cleaned_data["optional"] is None


def test_max_value_is_explained_in_kronor():
    form = clean("2 000 tkr", field="optional")
    assert form.errors["optional"] == ["Beloppet får vara högst 1 000 000 kr."]


def test_existing_values_are_shown_formatted():
    form = AmountForm(initial={"amount": Decimal("1245497")})
    assert 'value="1 245 497 kr"' in str(form["amount"])


def test_a_failed_form_keeps_what_was_typed():
    form = clean("1 245 497 euro")
    assert not form.is_valid()
    assert 'value="1 245 497 euro"' in str(form["amount"])


@given(st.decimals(min_value=0, max_value=Decimal("9999999999999"), places=2))
def test_formatted_amounts_parse_back_to_the_same_value(value):
    field = AmountField()
    shown = field.prepare_value(value)
    assert field.clean(shown) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_typed_digits_with_or_without_spaces_and_kr_are_equal(value):
    field = AmountField()
    plain = str(value)
    grouped = format_amount(value).removesuffix(" kr")
    for typed in (plain, grouped, f"{grouped} kr", f"{plain} kr"):
        assert field.clean(typed) == Decimal(value)


@given(st.integers(min_value=0, max_value=10**9))
def test_tkr_means_thousands(value):
    field = AmountField()
    assert field.clean(f"{value} tkr") == Decimal(value) * 1000


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)),
        min_size=1,
        max_size=30,
    ).filter(lambda s: any(c.isalpha() and c.lower() not in "krtsekonr" for c in s))
)
def test_text_with_other_letters_is_always_refused(text):
    field = AmountField(required=False)
    with pytest.raises(forms.ValidationError):
        field.clean(text)
