"""The search index of cases and the site search ("Sök" in the header).

Each case has one search document built from labelled parts (``case_search_parts``):
Dnr, NYPS-id and titles (weight A); the parties under their names and their other
names, e.g. "LTU" (``OrganisationAlias``), and the project's contact person (B); the
project's texts and the special conditions (C); the text read from the case's
documents (D, ``Document.text``, filled by ``projects.tasks.document_extract_text``).
Confidential documents are left out: every role that sees a case sees its index.

PostgreSQL: the text search configuration ``swedish_unaccent`` (migration 0009:
``unaccent`` before Swedish stemming) so "vatgas" finds "Vätgasdalen"; the vector is
stored in ``Case.search_vector`` (GIN index), and without the documents in
``Case.rank_vector``, which the matches are ranked by: the case's own parts first, then
cases matched in their documents only, newest first. ``Case.search_text`` keeps the labelled
plain text: the page shows where a case matched from it (``match_snippets``), and SQLite
(``make run``) searches it folded in Python.
"""

import functools
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.collation import fold

SEARCH_CONFIG = "swedish_unaccent"
# A tsvector holds at most 1 MB; one document's text is cut well below that.
MAX_DOCUMENT_CHARS = 100_000
_WORD = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")

# part key -> weight of the search vector
WEIGHTS = {
    "case": "A",
    "parties": "B",
    "contact": "B",
    "text": "C",
    "condition": "C",
    "document": "D",
}
# The documents' words: matched, not ranked (``Case.rank_vector`` leaves them out)
DOCUMENT_WEIGHT = "D"


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def case_search_parts(case) -> list[tuple[str, str, str]]:
    """``[(key, name, text), ...]`` of the case's search document (see the module doc)."""
    return case_search_documents(case)[0]


def case_search_documents(case) -> tuple[list, list | None]:
    """The case's search document without its marked material (everyone's) and, for a case
    with marked material, the whole one (``None`` without: searched only by the users
    allowed to see it, ``projects.selectors.case_search``).

    Reads the case's project with its parties (and their aliases), obligations and
    documents; callers refreshing many cases prefetch those.
    """
    from projects.secrecy import index_copies

    # Secret texts are not searchable but by those allowed: a hit (or its snippet) would
    # reveal them; nor are their copies in other texts (the conditions, a protocol
    # registered as a document). Marked fields of the project on its other cases count.
    copies, markings = index_copies(case)
    public = _search_parts(case, markings=markings, copies=copies)
    if not markings and not any(d.confidential for d in case.documents.all()):
        return public, None
    return public, _search_parts(case, markings=[], copies=None, everything=True)


def _search_parts(case, *, markings, copies, everything=False) -> list[tuple[str, str, str]]:
    from projects.secrecy import CASE_WIDE_FIELDS
    from projects.services import PROJECT_TEXT_FIELDS

    project = case.project
    marked = {m.field for m in markings if m.document_id is None}
    if "" in marked:  # a whole case of the project is marked
        marked |= set(CASE_WIDE_FIELDS)
    # this case marked as a whole: its documents are secret too
    case_wide = any(
        m.case_id == case.pk and m.document_id is None and not m.field for m in markings
    )
    parts: list[tuple[str, str, str]] = []
    parts.append(
        ("case", "", " ".join(filter(None, [case.dnr, case.nyps_id, case.title, project.title])))
    )
    organisations = [org for org in (project.applicant, project.owner) if org is not None]
    organisations += list(project.partners.all())
    names = []
    for org in organisations:
        aliases = [alias.name for alias in org.aliases.all()]
        names.append(f"{org.name} ({', '.join(aliases)})" if aliases else org.name)
    parts.append(("parties", "", "; ".join(names)))
    contact = " ".join(
        filter(None, [project.contact_name, project.contact_email, project.contact_phone])
    )
    if contact and "project.contact" not in marked:
        parts.append(("contact", "", contact))
    texts = " ".join(
        getattr(project, name) for name in PROJECT_TEXT_FIELDS if f"project.{name}" not in marked
    )
    if texts.strip():
        parts.append(("text", "", texts))
    for obligation in project.obligations.all():
        parts.append(("condition", "", obligation.text))
    latest: dict[str, object] = {}
    for document in case.documents.all():
        if (document.confidential or case_wide) and not everything:
            continue
        current = latest.get(document.title.lower())
        if current is None or document.version > current.version:  # type: ignore[attr-defined]
            latest[document.title.lower()] = document
    _read_texts(list(latest.values()))
    for document in latest.values():
        text = document.text[:MAX_DOCUMENT_CHARS]  # type: ignore[attr-defined]
        parts.append(("document", document.title, text))  # type: ignore[attr-defined]
    if copies is not None:
        parts = [
            (key, name, text if key in ("case", "parties") else copies.apply(text))
            for key, name, text in parts
        ]
    return [(key, _flat(name), _flat(text)) for key, name, text in parts if _flat(text)]


def _read_texts(documents: list) -> None:
    """The extracted texts of ``documents`` (a lazy column, read only when named) in one
    query: only those indexed, the latest version of each title."""
    unread = [d for d in documents if "text" in d.get_deferred_fields()]
    if not unread:
        return
    from projects.models import Document

    texts = dict(Document.objects.filter(pk__in=[d.pk for d in unread]).values_list("pk", "text"))
    for document in unread:
        document.text = texts.get(document.pk, "")


def parts_to_text(parts: list[tuple[str, str, str]]) -> str:
    """One line per part: ``key<TAB>name<TAB>text`` (the stored ``Case.search_text``)."""
    return "\n".join(f"{key}\t{name.replace(chr(9), ' ')}\t{text}" for key, name, text in parts)


def text_to_parts(stored: str) -> list[tuple[str, str, str]]:
    parts = []
    for line in (stored or "").splitlines():
        key, _tab, rest = line.partition("\t")
        name, _tab, text = rest.partition("\t")
        parts.append((key, name, text))
    return parts


def query_words(text: str) -> list[str]:
    return [fold(word) for word in _WORD.findall(text or "")][:8]


def _stem(word: str) -> str:
    """A rough stem for highlighting only (the database ranks with the real stemmer)."""
    return word[: max(3, len(word) - 2)] if len(word) > 4 else word


def folded_match(stored: str, words: list[str]) -> bool:
    """The SQLite fallback: every word occurs (folded, as a prefix of a word)."""
    haystack = " " + fold(stored).replace("\t", " ").replace("\n", " ")
    return all(f" {_stem(word)}" in haystack or word in haystack for word in words)


@dataclass
class Snippet:
    label: str
    html: SafeString


def _label(key: str, name: str) -> str:
    labels = {
        "case": _("Ärende"),
        "parties": _("Organisationer"),
        "contact": _("Kontaktperson"),
        "text": _("Projektbeskrivning"),
        "condition": _("Särskilt villkor"),
        "document": _("Dokument"),
    }
    label = str(labels.get(key, key))
    return f"{label}: {name}" if name else label


# Each letter as typed folded (lower case, no accents) -> the letters that fold to it: "a"
# -> "aAàáâãäåÀÁÂÃÄÅ..." (Latin letters up to U+024F; each folds to one letter).
def _letters_folding_to() -> dict[str, str]:
    found: dict[str, str] = {}
    for char in map(chr, range(0x250)):
        folded = fold(char)
        if len(folded) == 1 and char.isalnum():
            found[folded] = found.get(folded, "") + char
    return found


_FOLDS_TO = _letters_folding_to()


@functools.lru_cache(maxsize=256)
def _stems_pattern(stems: tuple[str, ...]) -> re.Pattern:
    """A word that starts with one of ``stems`` written with any case and accents: the
    words ``fold(word).startswith(stem)`` finds, without folding the text (a case's search
    text is up to megabytes: folding each word of it took 200 ms a megabyte)."""

    def letter(char: str) -> str:
        letters = _FOLDS_TO.get(char)
        return f"[{re.escape(letters)}]" if letters and len(letters) > 1 else re.escape(char)

    alternatives = "|".join("".join(letter(c) for c in stem) for stem in stems)
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*")


def _highlight(text: str, words: list[str], width: int = 160) -> SafeString | None:
    """The stretch of ``text`` around the first matching word, matches in ``<mark>``,
    everything else HTML-escaped."""
    stems = tuple(_stem(word) for word in words if word)
    if not stems:
        return None
    pattern = _stems_pattern(stems)
    first = pattern.search(text)
    if first is None:
        return None
    start = max(0, first.start() - width // 3)
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start
    pieces = ["…" if start > 0 else ""]
    position = start
    for match in pattern.finditer(text, start):
        if match.start() >= end:
            break
        if match.end() > end:
            continue
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:end]))
    pieces.append("…" if end < len(text) else "")
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped above


def match_snippets(stored: str, query: str, *, limit: int = 3) -> list[Snippet]:
    """Where the case matched the query: up to ``limit`` labelled, highlighted stretches."""
    words = query_words(query)
    if not words:
        return []
    snippets = []
    for key, name, text in text_to_parts(stored):
        html = _highlight(text, words)
        if html is not None:
            snippets.append(Snippet(label=_label(key, name), html=html))
        if len(snippets) >= limit:
            break
    return snippets
