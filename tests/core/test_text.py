"""Names in running text (core.text)."""

import pytest
from django.utils import translation

from core.text import possessive, swedish_genitive


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
