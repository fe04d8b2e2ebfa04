"""The concurrency tests of Dnr, § numbering and commitments really run in ``make test``.

They need PostgreSQL (row locks) and skip themselves elsewhere. This test fails if, in the
configuration the suite runs with, any of them would be skipped, deselected or has gone.
"""

import importlib
import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

CONCURRENCY_TESTS = {
    "tests.projects.test_registry": [
        "test_fifty_parallel_registrations_get_fifty_consecutive_numbers"
    ],
    "tests.decisions.meetings.test_paragraph_numbering": [
        "test_parallel_writers_get_consecutive_unique_numbers",
        "test_a_rolled_back_write_leaves_no_gap",
    ],
    "tests.financing.test_concurrency": [
        "test_twenty_parallel_grant_effects_make_exactly_ten_commitments",
        "test_twenty_parallel_run_grants_through_the_workflow",
    ],
}


def _marks(module, function):
    module_marks = getattr(module, "pytestmark", [])
    if not isinstance(module_marks, list):
        module_marks = [module_marks]
    return list(module_marks) + list(getattr(function, "pytestmark", []))


def test_the_suite_runs_on_postgresql():
    assert settings.USING_POSTGRES
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize(
    ("module_name", "test_name"),
    [(module, name) for module, names in CONCURRENCY_TESTS.items() for name in names],
)
def test_the_concurrency_test_exists_and_is_not_skipped(module_name, test_name):
    module = importlib.import_module(module_name)
    function = getattr(module, test_name, None)
    assert function is not None, f"{module_name}.{test_name} is gone"
    marks = _marks(module, function)
    for mark in marks:
        assert mark.name not in ("skip", "xfail"), f"{test_name} is marked {mark.name}"
        if mark.name == "skipif":
            assert not any(mark.args), f"{test_name} would be skipped: {mark.kwargs}"
    database = [m for m in marks if m.name == "django_db"]
    assert database and database[-1].kwargs.get("transaction") is True, (
        "the test must use real transactions (separate connections see each other's commits)"
    )


def test_make_test_selects_every_test():
    """No marker or keyword selection in ``make test`` or the pytest configuration."""
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    pytest_lines = [line for line in target.splitlines() if "pytest" in line]
    assert pytest_lines, "make test runs pytest"
    for line in pytest_lines:
        assert not re.search(r"\s(-m|-k|--deselect|--ignore)\b", line), line
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "tests" in options["testpaths"]
    assert not re.search(r"(^|\s)(-m|-k|--deselect|--ignore)\b", options.get("addopts", ""))
