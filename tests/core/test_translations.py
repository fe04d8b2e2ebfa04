"""The English catalogue covers every UI string: Swedish is the default, English is shipped.

The msgids are Swedish. A string added to the code without running ``make messages`` and
translating it shows up in Swedish on the English UI; these tests catch that.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _msgids_needing_work(po_file: Path) -> list[str]:
    """The msgids of ``po_file`` that are untranslated or fuzzy (gettext's msgattrib)."""
    found = []
    for flag in ("--untranslated", "--only-fuzzy"):
        output = subprocess.run(
            ["msgattrib", flag, "--no-wrap", "--no-location", str(po_file)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found += [
            line[len('msgid "') : -1]
            for line in output.splitlines()
            if line.startswith('msgid "') and line != 'msgid ""'
        ]
    return found


@pytest.fixture(scope="module")
def msgattrib():
    if shutil.which("msgattrib") is None:
        pytest.skip("gettext is not installed")


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entries(msgattrib):
    po_file = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert _msgids_needing_work(po_file) == []


def test_every_string_in_the_code_is_in_the_english_catalogue(msgattrib, tmp_path):
    """``makemessages`` on a copy of the code adds nothing that lacks a translation."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "node_modules", "media", ".test-*", "test-artifacts", "__pycache__"
    )
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "en",
            "--ignore=bench",
            "--ignore=tests",
            "--ignore=staticfiles",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "DATABASE_URL": "sqlite://:memory:"},
    )
    assert _msgids_needing_work(copy / "locale" / "en" / "LC_MESSAGES" / "django.po") == [], (
        "run `make messages` and translate the new strings in locale/en"
    )


@pytest.mark.django_db
def test_the_language_switch_works_before_login(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert b"Log in" in page.content or b'lang="en"' in page.content
