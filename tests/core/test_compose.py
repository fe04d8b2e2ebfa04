"""docker-compose.yml describes the full stack (no Docker engine runs on our machines)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_the_five_services_with_their_commands():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    web = (
        " ".join(services["web"]["command"])
        if isinstance(services["web"]["command"], list)
        else services["web"]["command"]
    )
    assert "migrate" in web and "gunicorn" in web
    assert "worker" in str(services["worker"]["command"])
    assert "beat" in str(services["beat"]["command"])
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert "DATABASE_URL" in env and "CELERY_BROKER_URL" in env
    for name in ("OIDC_RP_CLIENT_ID", "OIDC_ROLE_MAP", "SENTRY_DSN", "LOG_FORMAT"):
        assert name in services["web"]["environment"], name
    assert "postgres-data" in compose["volumes"] and "media" in compose["volumes"]
    assert any("postgres-data" in v for v in services["postgres"]["volumes"])
    assert any("media" in v for v in services["web"]["volumes"])


def test_dockerfile_installs_the_locked_dependencies():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements/base.lock" in dockerfile
    assert "libpango" in dockerfile
