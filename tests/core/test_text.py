"""Names in running text (core.text)."""

import pytest
from django.utils import translation

from core.text import is_number, possessive, swedish_genitive


@pytest.mark.parametrize(
    "name, genitive",
    [
        ("Region Norrbotten", "Region Norrbottens"),
        ("Region Skåne", "Region Skånes"),
        ("Västra Götalandsregionen", "Västra Götalandsregionens"),
        ("Region Jämtland Härjedalen", "Region Jämtland Härjedalens"),
        ("Region Västerbotten ", "Region Västerbottens"),
        ("Vimmerby kommuns", "Vimmerby kommuns"),  # already ends in s
        ("Luleå tekniska universitets", "Luleå tekniska universitets"),
        ("Region Dalarna", "Region Dalarnas"),
        ("Xerox", "Xerox"),
        ("", ""),
    ],
)
def test_swedish_genitive(name, genitive):
    assert swedish_genitive(name) == genitive


def test_possessive_in_the_active_language():
    with translation.override("sv"):
        assert possessive("Region Skåne") == "Region Skånes"
    with translation.override("en"):
        assert possessive("Region Skåne") == "Region Skåne's"


@pytest.mark.parametrize(
    "value, number",
    [
        ("52", True),
        ("0", True),
        ("9" * 18, True),
        ("9" * 19, False),
        ("²", False),
        ("²²²²", False),
        ("١٢٣", False),
        ("-1", False),
        ("1.0", False),
        ("", False),
        (" 52", False),
        (52, False),
        (None, False),
    ],
)
def test_is_number_takes_only_the_digits_0_to_9(value, number):
    assert is_number(value) is number


@pytest.mark.django_db
def test_a_superscript_year_or_id_is_no_server_error(client, officer, client_for):
    assert client.get("/anslagstavla/arkiv/", {"ar": "²²²²"}).status_code == 200
    assert client_for(officer).get("/cases/", {"applicant": "²"}).status_code == 200
