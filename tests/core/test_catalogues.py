"""The catalogues are well formed: every English translation keeps what the code fills in.

A translation that drops or misspells ``%(name)s`` shows the raw placeholder or raises
``KeyError`` when the page is rendered in English; a lost ``<span>`` breaks the markup. The
Swedish msgids are the source (docs/glossary.md has the terms). Untranslated and fuzzy
entries are caught by test_translations.py.
"""

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ENGLISH = LOCALE / "en" / "LC_MESSAGES" / "django.po"

NAMED = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
POSITIONAL = re.compile(r"%[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACES = re.compile(r"\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def _entries(po_file: Path) -> list[Entry]:
    """The entries of a .po file as written by gettext or polib (no third-party parser)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None
    for number, raw in enumerate(po_file.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            keyword, _, rest = line.partition(" ")
            text = ast.literal_eval(rest)
            if keyword.startswith("msgstr["):
                target = ("msgstr", int(keyword[7:-1]))
                entry.msgstr[target[1]] = ""
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = ""
            else:
                target = (keyword, None)
                if keyword == "msgid_plural":
                    entry.msgid_plural = ""
        name, index = target or ("", None)
        if name == "msgstr" and index is not None:
            entry.msgstr[index] += text
        elif name == "msgid":
            entry.msgid += text
        elif name == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + text
    return [e for e in entries if e.msgid]


def _placeholders(text: str, python_format: bool) -> list[str]:
    """Named placeholders (each once, in any order), then positional ones in their order."""
    found = sorted(set(NAMED.findall(text)) | set(BRACES.findall(text)))
    if python_format:
        unnamed = NAMED.sub("", text.replace("%%", ""))
        found += POSITIONAL.findall(unnamed)
    return found


def _tags(text: str) -> list[str]:
    return sorted(TAG.findall(text))


@pytest.fixture(scope="module")
def english() -> list[Entry]:
    entries = _entries(ENGLISH)
    assert len(entries) > 1000, "the English catalogue could not be read"
    return entries


def test_every_english_translation_keeps_the_placeholders(english):
    wrong = []
    for entry in english:
        python = "python-format" in entry.flags
        if entry.msgid_plural is None:
            if _placeholders(entry.msgid, python) != _placeholders(entry.msgstr.get(0, ""), python):
                wrong.append((entry.line, entry.msgid, entry.msgstr.get(0)))
            continue
        singular = set(_placeholders(entry.msgid, python))
        plural = set(_placeholders(entry.msgid_plural, python))
        forms = [set(_placeholders(entry.msgstr.get(i, ""), python)) for i in (0, 1)]
        # The singular may leave out the count; no form may bring in a name the code lacks.
        if not (singular <= forms[0] and forms[1] == plural and forms[0] <= singular | plural):
            wrong.append((entry.line, entry.msgid, entry.msgstr))
    assert wrong == []


def test_every_english_translation_keeps_the_markup(english):
    wrong = [
        (entry.line, entry.msgid)
        for entry in english
        for index, text in entry.msgstr.items()
        if text and _tags(text) != _tags(entry.msgid if index == 0 else entry.msgid_plural or "")
    ]
    assert wrong == []


def test_english_plurals_have_both_forms(english):
    assert [
        (entry.line, entry.msgid)
        for entry in english
        if entry.msgid_plural is not None and sorted(entry.msgstr) != [0, 1]
    ] == []


def test_the_checker_sees_a_lost_placeholder(tmp_path):
    po_file = tmp_path / "django.po"
    po_file.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        "#, python-format\n"
        'msgid "Ärende %(dnr)s: %(label)s"\nmsgstr "Case %(dnr)s: %(lable)s"\n',
        encoding="utf-8",
    )
    (entry,) = _entries(po_file)
    assert _placeholders(entry.msgid, True) != _placeholders(entry.msgstr[0], True)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_msgfmt_check_passes(language):
    if shutil.which("msgfmt") is None:
        pytest.skip("gettext is not installed")
    result = subprocess.run(
        [
            "msgfmt",
            "--check",
            "-o",
            "/dev/null",
            str(LOCALE / language / "LC_MESSAGES" / "django.po"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
