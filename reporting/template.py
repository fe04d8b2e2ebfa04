"""The report template: the section tree with every question text, as data.

A template is JSON (``reporting/fixtures/report_template_<year>.json`` ships the 2022
structure of seed 004). Each report year keeps the template it was created from, so
next year's report starts from it; a new file for a year replaces it without code.

Format::

    {"schema": 1,
     "title": "Återrapportering av villkorsbeslut {year} – {region}",
     "recipients": ["..."],
     "sections": [
        {"key": "ch1", "number": "1", "kind": "heading", "title": "...", "numbered": false,
         "intro": "...", "children": [
            {"key": "rus-strategic-work", "number": "1.1.1", "kind": "question",
             "question": "Beskriv ...", "answer": "text" | "yes_no",
             "yes_prompt": "...", "no_prompt": "...", "insatser_max": 5,
             "figures": ["grant", "by_category", ...]}]}]}

``{year}`` in any text is replaced by the report year, ``{region}`` by the authority's name
(``REGION_NAME``). Texts use the answers' simple
formatting (blank line between paragraphs, ``- `` bullets, ``**bold**``).
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TEMPLATE_DIR = Path(__file__).resolve().parent / "fixtures"
SCHEMA_VERSION = 1
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
NUMBER_RE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,4}$")
KINDS = ("heading", "question")
ANSWER_KINDS = ("text", "yes_no")
MAX_INSATSER = 20

# Figure blocks a question may show (computed by reporting.figures).
FIGURE_BLOCKS = (
    "grant",
    "by_category",
    "by_priority",
    "applications",
    "main_aims",
    "leadership",
    "paid",
)


@dataclass
class TemplateSection:
    key: str
    number: str
    kind: str
    depth: int
    parent_key: str | None
    title: str = ""
    numbered: bool = True
    intro: str = ""
    question: str = ""
    answer_kind: str = ""
    yes_prompt: str = ""
    no_prompt: str = ""
    insatser_max: int = 0
    figures: list[str] = field(default_factory=list)


@dataclass
class ParsedTemplate:
    title: str
    recipients: list[str]
    sections: list[TemplateSection]


def template_path(year: int) -> Path:
    return TEMPLATE_DIR / f"report_template_{year}.json"


def load_template_file(year: int) -> dict | None:
    """The shipped template for ``year``, or None when there is no file for that year."""
    path = template_path(year)
    if not path.exists():
        return None
    return read_template(path.read_text(encoding="utf-8"))


def read_template(text: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("Mallen är inte giltig JSON (rad %(line)s): %(error)s")
            % {"line": exc.lineno, "error": exc.msg}
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("Mallen ska vara ett JSON-objekt."))
    return data


def fill_year(text: str, year: int) -> str:
    """``{year}`` the report's year and ``{region}`` the authority (``REGION_NAME``)."""
    return text.replace("{year}", str(year)).replace("{region}", settings.REGION_NAME)


def _text(node: dict, name: str, where: str) -> str:
    value = node.get(name, "")
    if not isinstance(value, str):
        raise ValidationError(
            _("Avsnitt %(where)s: fältet ”%(name)s” ska vara text.")
            % {"where": where, "name": name}
        )
    return value.strip()


def parse_template(data: dict, year: int) -> ParsedTemplate:
    """Validate a template and flatten its tree in document order, texts filled for ``year``.

    Raises ``ValidationError`` with a Swedish message naming the faulty section.
    """
    if data.get("schema") != SCHEMA_VERSION:
        raise ValidationError(
            _("Mallen har okänd version (schema ska vara %(version)s).")
            % {"version": SCHEMA_VERSION}
        )
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValidationError(_("Mallen saknar titel."))
    recipients = data.get("recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise ValidationError(_("Mottagarna i mallen ska vara en lista med e-postadresser."))
    roots = data.get("sections")
    if not isinstance(roots, list) or not roots:
        raise ValidationError(_("Mallen saknar avsnitt."))

    flat: list[TemplateSection] = []
    keys: set[str] = set()
    numbers: set[str] = set()

    def walk(nodes, depth: int, parent: TemplateSection | None):
        if not isinstance(nodes, list):
            raise ValidationError(_("Underavsnitten ska vara en lista."))
        for node in nodes:
            if not isinstance(node, dict):
                raise ValidationError(_("Varje avsnitt i mallen ska vara ett JSON-objekt."))
            number = str(node.get("number", "")).strip()
            where = number or "?"
            key = str(node.get("key", "")).strip()
            if not NUMBER_RE.match(number):
                raise ValidationError(
                    _("Avsnittsnumret ”%(number)s” är ogiltigt (skriv t.ex. 1.2.1).")
                    % {"number": number}
                )
            if parent and not number.startswith(parent.number + "."):
                raise ValidationError(
                    _("Avsnitt %(number)s ligger under %(parent)s men numret börjar inte med det.")
                    % {"number": number, "parent": parent.number}
                )
            if not KEY_RE.match(key):
                raise ValidationError(
                    _(
                        "Avsnitt %(where)s har en ogiltig nyckel (små bokstäver, siffror, bindestreck)."
                    )
                    % {"where": where}
                )
            if key in keys:
                raise ValidationError(
                    _("Nyckeln ”%(key)s” finns två gånger i mallen.") % {"key": key}
                )
            if number in numbers:
                raise ValidationError(
                    _("Avsnitt %(number)s finns två gånger i mallen.") % {"number": number}
                )
            keys.add(key)
            numbers.add(number)
            kind = node.get("kind")
            if kind not in KINDS:
                raise ValidationError(
                    _("Avsnitt %(where)s: typen ska vara ”heading” eller ”question”.")
                    % {"where": where}
                )
            section = TemplateSection(
                key=key,
                number=number,
                kind=kind,
                depth=depth,
                parent_key=parent.key if parent else None,
                title=fill_year(_text(node, "title", where), year),
                numbered=bool(node.get("numbered", True)),
                intro=fill_year(_text(node, "intro", where), year),
            )
            if kind == "heading":
                if not section.title:
                    raise ValidationError(
                        _("Rubriken %(where)s saknar rubriktext.") % {"where": where}
                    )
                for name in ("question", "answer", "insatser_max", "figures"):
                    if node.get(name):
                        raise ValidationError(
                            _("Avsnitt %(where)s är en rubrik och kan inte ha ”%(name)s”.")
                            % {"where": where, "name": name}
                        )
                flat.append(section)
                walk(node.get("children", []), depth + 1, section)
                continue
            # question
            if node.get("children"):
                raise ValidationError(
                    _("Frågan %(where)s kan inte ha underavsnitt.") % {"where": where}
                )
            section.question = fill_year(_text(node, "question", where), year)
            if not section.question:
                raise ValidationError(_("Frågan %(where)s saknar frågetext.") % {"where": where})
            section.answer_kind = node.get("answer", "text")
            if section.answer_kind not in ANSWER_KINDS:
                raise ValidationError(
                    _("Frågan %(where)s: svarstypen ska vara ”text” eller ”yes_no”.")
                    % {"where": where}
                )
            section.yes_prompt = fill_year(_text(node, "yes_prompt", where), year)
            section.no_prompt = fill_year(_text(node, "no_prompt", where), year)
            insatser_max = node.get("insatser_max", 0)
            if (
                not isinstance(insatser_max, int)
                or isinstance(insatser_max, bool)
                or not 0 <= insatser_max <= MAX_INSATSER
            ):
                raise ValidationError(
                    _("Frågan %(where)s: högsta antal insatser ska vara ett heltal 0–%(max)s.")
                    % {"where": where, "max": MAX_INSATSER}
                )
            section.insatser_max = insatser_max
            figures = node.get("figures", [])
            if not isinstance(figures, list) or any(f not in FIGURE_BLOCKS for f in figures):
                raise ValidationError(
                    _("Frågan %(where)s: okänt nyckeltal. Tillåtna: %(allowed)s.")
                    % {"where": where, "allowed": ", ".join(FIGURE_BLOCKS)}
                )
            section.figures = list(figures)
            flat.append(section)

    walk(roots, 1, None)
    if not any(s.kind == "question" for s in flat):
        raise ValidationError(_("Mallen innehåller inga frågor."))
    return ParsedTemplate(
        title=fill_year(title.strip(), year),
        recipients=[r.strip() for r in recipients if r.strip()],
        sections=flat,
    )
