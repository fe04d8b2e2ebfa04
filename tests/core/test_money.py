from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import AmountError, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1245497", "1245497"),
        ("1 245 497", "1245497"),
        ("1 245 497 kr", "1245497"),
        ("1\u00a0245\u00a0497\u00a0kr", "1245497"),
        ("2 000 tkr", "2000000"),
        ("2,5 tkr", "2500"),
        ("12 250 tkr", "12250000"),
        ("1245497,50", "1245497.50"),
        ("0", "0"),
        ("  100 kronor ", "100"),
    ],
)
def test_accepted_amounts(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "-100",
        "1 24 5",
        "12,34,56",
        "1.245.497",
        "100 euro",
        "1e6",
        "kr",
        "1,234 kr",
        "NaN",
        "1 2345",
    ],
)
def test_refused_amounts_give_a_clear_message(text):
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert str(info.value)


def test_format_amount():
    assert format_amount(Decimal("1245497")) == "1 245 497 kr"
    assert format_amount(Decimal("20718995.00")) == "20 718 995 kr"
    assert format_amount(Decimal("999.5")) == "999,50 kr"
    assert format_amount(0) == "0 kr"
    assert format_amount(None) == ""
    assert format_amount(Decimal("-1245497.5")) == "-1 245 497,50 kr"
    assert format_amount(-999) == "-999 kr"
    assert format_amount(Decimal("-0.004")) == "0 kr"  # rounded to nothing: no sign
    assert format_amount(Decimal("123456789012.345")) == "123 456 789 012,35 kr"


@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_amounts_parse_back(value):
    assert parse_amount(format_amount(Decimal(value))) == value


@given(st.integers(min_value=0, max_value=10**9))
def test_tkr_is_thousands(value):
    assert parse_amount(f"{value} tkr") == value * 1000


@given(st.text(max_size=30))
def test_parser_never_crashes(text):
    try:
        result = parse_amount(text)
    except AmountError:
        return
    assert isinstance(result, Decimal) and result >= 0
