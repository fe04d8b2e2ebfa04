"""Names and titles sorted as Swedish is: a-z, then å, ä, ö; case and accents second.

The database's own collation is the server's choice (``C.UTF-8`` sorts by code point:
every capital before every small letter, ``Ä`` before ``Å``, ``É`` after ``Ö``). The
columns that lists sort by (names, titles, the case list's sort keys) are declared with
the ``swedish`` collation instead (``db_collation=SWEDISH``), so every ``ORDER BY`` on
them, and the indexes that serve it, follow the Swedish alphabet whatever the server's
default:

- **PostgreSQL**: an ICU collation (``CREATE COLLATION swedish (provider = icu, locale =
  'sv-SE')``, migration core 0007); it is part of the schema, so a dump carries it.
- **SQLite** (the embedded default): the same name registered on every connection
  (``register_on_sqlite``), comparing with ``swedish_key``.

``swedish_key`` also orders lists sorted in Python, and ``swedish(field)`` orders by a
column the apps do not own (the user's names in ``auth_user``).

Finding a name typed without its accents ("Lulea", "alvsbyn"): ``Folded(expression)`` is
the text in lower case without accents, ``nc_fold`` in SQL: on PostgreSQL an IMMUTABLE
function over ``unaccent`` (migration projects 0030), on SQLite ``fold`` registered on
every connection. ``Organisation.name_folded`` is the name so folded, a generated column.

Swedish (CLDR ``sv``): å, ä, ö are letters of their own after z; æ sorts as ä, ø and œ as
ö, ü as y; other accented letters as their base letter (é as e), the accent deciding
only between otherwise equal words; then small letters before capitals.
"""

import unicodedata

from django.db.models import F, Func, TextField
from django.db.models.functions import Collate

SWEDISH = "swedish"
"""The collation's name, the same on PostgreSQL and SQLite."""

# Letters that are not their base letter with an accent in Swedish: each a primary weight
# of its own after z ("{", "|", "}" follow "z" in code point order), or another letter's.
_PRIMARY = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "œ": "}", "ü": "y"}
_EXPANSIONS = {"ß": "ss", "þ": "th", "ð": "d", "đ": "d", "ł": "l"}


class _PrimaryWeights(dict):
    """``str.translate`` table: each character's primary weight, worked out the first
    time it is met (a letter without its accents: é -> e)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        weight = _PRIMARY.get(char) or _EXPANSIONS.get(char)
        if weight is None:
            weight = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
        self[code] = weight
        return weight


_WEIGHTS = _PrimaryWeights()


def _primary(folded: str) -> str:
    return folded.translate(_WEIGHTS)


def swedish_key(text: str | None) -> tuple:
    """A key that sorts strings in Swedish alphabetical order (``None`` and "" first)."""
    if not text:
        return ("", "", "", "")
    folded = unicodedata.normalize("NFC", text).casefold()
    return (
        _primary(folded),
        unicodedata.normalize("NFD", folded),  # accents: e before é
        text.swapcase(),  # small letters before capitals
        text,
    )


def _compare(left: str, right: str) -> int:
    a, b = swedish_key(left), swedish_key(right)
    return (a > b) - (a < b)


def fold(text: str | None) -> str:
    """Lower case without accents: ``"Vätgasdalen Luleå"`` -> ``"vatgasdalen lulea"``."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


class Folded(Func):
    """``fold`` in SQL (``nc_fold``): ``Folded("name")``, ``Folded(Value(text))``."""

    function = "nc_fold"
    output_field = TextField()


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """``connection_created``: the ``swedish`` collation and ``nc_fold`` on an SQLite
    connection (deterministic: a generated column may use it)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SWEDISH, _compare)
        connection.connection.create_function("nc_fold", 1, fold, deterministic=True)


def swedish(field: str) -> Collate:
    """``order_by(swedish("last_name"))``: a column without the collation, sorted with it."""
    return Collate(F(field), SWEDISH)


def swedish_sorted(items, key=lambda item: item):
    """``sorted(items)`` in Swedish alphabetical order of ``key(item)``."""
    return sorted(items, key=lambda item: swedish_key(key(item)))
