from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from core.roles import sync_role_permissions


class CoreConfig(AppConfig):
    """What every app shares: roles and access, money, jobs, PDF rendering, formats."""

    name = "core"
    verbose_name = "Norrbotten Cases"

    def ready(self):
        from core import checks  # noqa: F401 - registers the system checks
        from core.collation import register_on_sqlite

        # The Swedish alphabetical order on the embedded default's connections (core.collation).
        connection_created.connect(register_on_sqlite, dispatch_uid="core.swedish_collation")

        post_migrate.connect(sync_role_permissions, dispatch_uid="core.sync_role_permissions")
        # Session bookkeeping at login (the idle and absolute limits, "log out everywhere").
        user_logged_in.connect(_logged_in, dispatch_uid="core.session_started")


def _logged_in(sender, request, user, **kwargs):
    from core import accounts, oidc

    if request is None or not hasattr(request, "session"):
        return
    method = "oidc" if getattr(user, "backend", "") == "core.oidc.OIDCBackend" else "password"
    request.session[oidc.AUTH_METHOD] = method
    accounts.session_started(request=request, user=user, method=method)
