"""The environment of a subprocess that must see settings as a deployment would."""

import os

# Variables of the test run (or of a developer's shell) that a deployment sets itself.
TEST_RUN_VARIABLES = frozenset(
    {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "EMAIL_URL",
        "MEDIA_ROOT",
        "STATIC_ROOT",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_PRELOAD",
        "CELERY_TASK_ALWAYS_EAGER",
        "TEST_DATABASE_NAME",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_SETTINGS_MODULE",
        # tests/conftest.py's throwaway seal
        "SEAL_CERTIFICATE",
        "SEAL_KEY",
        "SEAL_KEY_PASSPHRASE",
        "SEAL_PKCS12_PASSPHRASE",
        "SEAL_TRUST_ROOTS",
        "SEAL_TIMESTAMP_URL",
    }
)


def clean_environ() -> dict[str, str]:
    """``os.environ`` without the test run's own settings variables."""
    return {k: v for k, v in os.environ.items() if k not in TEST_RUN_VARIABLES}
