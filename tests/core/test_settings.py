"""The settings module refuses unsafe configurations and passes check --deploy."""

import subprocess
import sys
from pathlib import Path

import pytest

from core.seal import create_self_signed_seal
from tests.core.test_collation import DISTINCT_NAMES
from tests.environment import clean_environ

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env):
    base = clean_environ()
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "norrbotten_cases.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    result = _run("import django; django.setup()", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_settings_start_without_secret_key_in_debug():
    result = _run("import django; django.setup(); print('ok')", DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "ok" in result.stdout


def test_embedded_default_is_sqlite_and_in_process_tasks():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    result = _run(code, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "sv", "Europe/Stockholm"]


def test_the_embedded_default_migrates_from_scratch(tmp_path):
    """``make run`` migrates an empty SQLite database: every migration must run there too
    (SQLite cannot place NULLs in an index, has no triggers; each such step is guarded),
    and sorts and finds names there as PostgreSQL does."""
    env = {**clean_environ(), "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"}

    def manage(*args, timeout):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    manage("migrate", "--verbosity", "0", timeout=300)
    # Names sort in the Swedish alphabetical order there too (core.collation), as on
    # PostgreSQL: the collation the migrated columns name is registered on each connection.
    shuffled = list(reversed(DISTINCT_NAMES))
    script = (
        "from projects.models import Organisation\n"
        f"for name in {shuffled!r}: Organisation.objects.create(name=name)\n"
        "print('|'.join(Organisation.objects.order_by('name').values_list('name', flat=True)))\n"
        # and finds a name typed without its accents (core.collation.Folded)
        "from projects.selectors import organisation_search\n"
        "print('|'.join(o.name for o in organisation_search('lulea')))"
    )
    output = manage("shell", "-v", "0", "--no-startup", "--command", script, timeout=120)
    *_before, ordered, found = output.strip().splitlines()
    assert ordered.split("|") == DISTINCT_NAMES
    assert found.split("|") == ["Lulea Hamn", "Luleå kommun", "Luleå tekniska universitet"]


def _check_deploy(**extra):
    env = {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "cases.norrbotten.se",
        "DATABASE_URL": "sqlite:////tmp/nc-check-deploy.sqlite3",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "EMAIL_URL": "smtp://mail.norrbotten.se:25",
        **extra,
    }
    base = clean_environ()
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    certificate, key = create_self_signed_seal(
        tmp_path, name="Region Norrbotten", common_name="Region Norrbotten sigill", key_size=2048
    )
    result = _check_deploy(SEAL_CERTIFICATE=str(certificate), SEAL_KEY=str(key))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_says_that_no_seal_is_configured():
    result = _check_deploy()
    assert result.returncode != 0
    assert "core.W001" in result.stderr + result.stdout
    assert "No digital seal is configured" in result.stderr + result.stdout


def test_production_cookies_are_secure():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = _run(code, DEBUG="false", SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]


@pytest.mark.django_db
def test_each_postgres_connection_plans_for_ssd_random_reads():
    """The planner's random_page_cost is set on every connection (settings
    DB_RANDOM_PAGE_COST): with PostgreSQL's default of 4 the case list with a search
    hash-joined every project instead of looking up the matches' projects by key."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1


@pytest.mark.django_db
def test_each_postgres_connection_has_pgtrigger_ignore_set_so_row_triggers_stay_cheap():
    """Every connection has ``pgtrigger.ignore`` set (empty): a trigger's check of it then
    reads it, instead of catching the error of a missing setting and rolling back a
    subtransaction on every row. ``pgtrigger.ignore()`` still ignores what it names."""
    import pgtrigger
    from django.db import connection

    from core.roles import Role
    from projects.models import Case
    from tests.core.factories import user_with_role
    from tests.projects.factories import register_case

    with connection.cursor() as cursor:
        cursor.execute("SHOW pgtrigger.ignore")
        assert cursor.fetchone()[0] == "{}"
    case = register_case()
    colleague = user_with_role(Role.OFFICER, username="kollega", first_name="Per")
    with pgtrigger.ignore("projects.Case:case_sort_keys"):  # still ignores what it names
        Case.objects.filter(pk=case.pk).update(officer=colleague)
    assert Case.objects.get(pk=case.pk).sort_officer == case.officer.get_full_name()
    Case.objects.filter(pk=case.pk).update(officer=colleague)
    assert Case.objects.get(pk=case.pk).sort_officer == "Per " + colleague.last_name


@pytest.mark.django_db
def test_each_postgres_connection_runs_without_jit():
    """JIT is off on every connection (settings DB_JIT): compiling a costly plan took 49 ms
    of the 103 ms the case list searched for a common word took at 200 000 cases. A plan
    that costly here (every case read) would be compiled with the server's default."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SET LOCAL jit_above_cost = 0")  # every plan would be compiled
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM projects_case")
        assert "JIT" not in cursor.fetchone()[0][0]
