"""Operations (issue 19, point 8): error reporting to Sentry when a DSN is set, JSON logs
with request and user ids, and `make backup` / `make restore` round-tripping the database
and the media files into a fresh database."""

import hashlib
import http.server
import io
import json
import logging
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from core.logs import ContextFilter, JsonFormatter
from core.roles import Role
from tests.core.factories import user_with_role
from tests.projects.factories import co_financing_case, document_for

ROOT = Path(__file__).resolve().parents[2]


# --- JSON logs ---------------------------------------------------------------------------------


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.mark.django_db
def test_log_lines_are_json_with_the_request_and_user_id(client, json_log):
    user = user_with_role(Role.READER)
    client.force_login(user)
    response = client.get("/cases/organisations/999999/")
    assert response.status_code == 404
    (entry,) = [e for e in json_log() if "Not Found" in e["message"]]
    assert entry["level"] == "WARNING" and entry["logger"] == "django.request"
    assert entry["request_id"] == response["X-Request-ID"] and len(entry["request_id"]) == 32
    assert entry["user_id"] == user.pk


@pytest.mark.django_db
def test_a_proxys_request_id_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == (
        "lb-1234abcd"
    )
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>" and len(replaced) == 32


def test_production_logs_are_json_by_default():
    from django.conf import settings

    assert settings.LOG_FORMAT == "json"  # the tests run with DEBUG off, like production
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"


# --- Sentry -----------------------------------------------------------------------------------


class _Envelopes(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - the stdlib's name
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            import gzip

            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        type(self).received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_server_errors_are_reported_to_sentry_when_a_dsn_is_set(tmp_path):
    """A real sentry-sdk (initialised by the settings from SENTRY_DSN) sends the error of a
    failing request to a collector on loopback; without a DSN nothing is initialised."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    script = """
import django, sentry_sdk
django.setup()
from django.test import Client
from django.test.utils import override_settings
with override_settings(ROOT_URLCONF="tests.core.sentry_urls", ALLOWED_HOSTS=["testserver"]):
    response = Client(raise_request_exception=False).get("/boom/")
assert response.status_code == 500, response.status_code
sentry_sdk.flush(5)
print("client", sentry_sdk.get_client().is_active())
"""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "norrbotten_cases.settings",
        "SENTRY_DSN": f"http://public@127.0.0.1:{port}/42",
        "SENTRY_ENVIRONMENT": "test",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    server.shutdown()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "client True" in result.stdout
    bodies = [body.decode("utf-8", "replace") for path, body in _Envelopes.received]
    assert any("/api/42/envelope/" in path for path, _body in _Envelopes.received)
    assert any("a deliberate failure for the error-reporting test" in body for body in bodies)
    assert any('"environment":"test"' in body.replace(" ", "") for body in bodies)
    env.pop("SENTRY_DSN")
    quiet = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert quiet.stdout.strip() == "False", quiet.stderr[-2000:]


# --- Backup and restore -------------------------------------------------------------------------


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.mark.xdist_group("services")
@pytest.mark.django_db(transaction=True)
def test_make_backup_and_restore_into_a_fresh_database(tmp_path, settings):
    officer = user_with_role(Role.OFFICER, username="anna")
    case = co_financing_case(officer=officer, title="Arctic Solar 2.0")
    document = document_for(case, officer, content=b"%PDF-1.4\nbackup test\n%%EOF\n")
    stored = Path(settings.MEDIA_ROOT) / document.file.name
    digest = hashlib.sha256(stored.read_bytes()).hexdigest()

    env = {
        **os.environ,
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    made = subprocess.run(
        ["make", "-s", "backup"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip().splitlines()[-1])
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    fresh = f"restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored_media = tmp_path / "restored-media"
        restored = subprocess.run(
            ["make", "-s", "restore", f"BACKUP={folder}"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": _url(fresh), "MEDIA_ROOT": str(restored_media)},
            capture_output=True,
            text=True,
        )
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(_url(fresh)) as db:
            row = db.execute(
                "SELECT c.title, d.file FROM projects_case c "
                "JOIN projects_document d ON d.case_id = c.id WHERE c.id = %s",
                [case.pk],
            ).fetchone()
            migrations = db.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert row == (case.title, document.file.name)
        assert migrations > 10
        copy = restored_media / document.file.name
        assert hashlib.sha256(copy.read_bytes()).hexdigest() == digest
        # A damaged backup is refused before anything is touched.
        (folder / "media.tar.gz").write_bytes(b"damaged")
        refused = subprocess.run(
            ["make", "-s", "restore", f"BACKUP={folder}"],
            cwd=ROOT,
            env={**env, "DATABASE_URL": _url(fresh), "MEDIA_ROOT": str(tmp_path / "other")},
            capture_output=True,
            text=True,
        )
        assert refused.returncode != 0 and not (tmp_path / "other").exists()
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
