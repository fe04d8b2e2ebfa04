"""Diarienummer: how a case's number is written and read (``settings.DNR_FORMAT``).

Every authority writes its diary numbers its own way: Region Norrbotten ``00052-2020``,
others ``RUN 2020/52``, ``RS 2020-0052`` or ``2020/52``. ``DNR_FORMAT`` is a Python format
string with the fields ``{number}`` (the case's running number in its year, e.g.
``{number:05d}``) and ``{year}`` (four digits). A case stores its number and year; the
format decides only how they are written, so a region sets it once, before its first case:
a changed format writes every case's Dnr the new way, except in the signed protocols and
sent extracts, which keep the text they were signed with.

Read back (the search box, the e-diarium, the archive's form, a case picked by Dnr): the
configured format, with or without leading zeros, in any case of letters and with or
without spaces (they are not compared); and the plain ``52-2020`` or ``52/2020`` too. A text
longer than ``MOST_CHARACTERS`` is no Dnr. ``manage.py check`` refuses a format that cannot
be read back, or that reads a bare number (a NYPS-id) as a Dnr (``format_problems``).
"""

import re
import string
from functools import lru_cache

from django.conf import settings
from django.core.checks import Error, register

DEFAULT_FORMAT = "{number:05d}-{year}"
FIELDS = ("number", "year")
# "52-2020", "00052/2020": whatever the format
PLAIN = re.compile(r"^\s*0*([0-9]{1,9})\s*[-/]\s*([0-9]{4})\s*$")
# Longer than any Dnr: not read as one (a search text, a hostile value).
MOST_CHARACTERS = 60
_SPACES = re.compile(r"\s+")


def format_dnr(number: int, year: int) -> str:
    """``format_dnr(52, 2020)`` -> ``"00052-2020"`` (with the default format)."""
    return settings.DNR_FORMAT.format(number=number, year=year)


def example() -> str:
    """A Dnr as the region writes it, for help texts: number 52 of 2020."""
    return format_dnr(52, 2020)


def parse_dnr(text: str) -> tuple[int, int] | None:
    """``(number, year)`` of a Dnr written in the format or plainly; else ``None``. Spaces
    are not compared (``RUN 2020 / 52`` is ``RUN 2020/52``)."""
    text = text or ""
    if len(text) > MOST_CHARACTERS:
        return None
    match = _pattern(settings.DNR_FORMAT).match(_SPACES.sub("", text))
    if match:
        return int(match["number"]), int(match["year"])
    match = PLAIN.match(text)
    return (int(match[1]), int(match[2])) if match else None


@lru_cache(maxsize=8)
def _pattern(form: str) -> re.Pattern:
    """The format as a pattern of a text without its spaces: its literal characters, the
    number with any leading zeros, the year's four digits."""
    parts = ["^"]
    for literal, name, _spec, _conversion in string.Formatter().parse(form):
        parts.append(re.escape(_SPACES.sub("", literal)))
        if name == "number":
            parts.append(r"0*(?P<number>[0-9]{1,9})")
        elif name == "year":
            parts.append(r"(?P<year>[0-9]{4})")
    parts.append("$")
    return re.compile("".join(parts), re.IGNORECASE)


def format_problems(form) -> list[str]:
    """Why ``form`` cannot be the Dnr format (none: it can)."""
    if not isinstance(form, str):
        return ["it is not a text"]
    try:
        names = [name for _l, name, _s, _c in string.Formatter().parse(form) if name is not None]
    except ValueError as error:
        return [f"it is not a format string: {error}"]
    if sorted(names) != sorted(FIELDS):
        return ["it must name {number} and {year}, once each, and nothing else"]
    try:
        samples = {(52, 2020): form.format(number=52, year=2020)}
        samples[(12345, 2031)] = form.format(number=12345, year=2031)
    except (ValueError, TypeError) as error:
        return [f"it cannot write a number: {error}"]
    problems = []
    for expected, written in samples.items():
        match = _pattern(form).match(_SPACES.sub("", written))
        if not match or (int(match["number"]), int(match["year"])) != expected:
            problems.append(
                f"{written!r} cannot be read back as number {expected[0]}, year {expected[1]}"
            )
    if any(_pattern(form).match(digits) for digits in ("20200052", "2020052", "12345678")):
        # a search for a NYPS-id (eight digits) would look for a case by its Dnr instead
        problems.append("it reads a number alone as a Dnr: put a character between the fields")
    return problems


@register()
def dnr_format_check(app_configs=None, **kwargs):
    problems = format_problems(settings.DNR_FORMAT)
    return [
        Error(
            f"DNR_FORMAT {settings.DNR_FORMAT!r}: {problem}.",
            hint=f"For example {DEFAULT_FORMAT!r} (00052-2020) or 'RUN {{year}}/{{number}}'.",
            id="projects.E001",
        )
        for problem in problems
    ]
