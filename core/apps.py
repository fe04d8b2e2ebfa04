from django.apps import AppConfig
from django.db.models.signals import post_migrate

from core.roles import sync_role_permissions


class CoreConfig(AppConfig):
    """What every app shares: roles and access, money, jobs, PDF rendering, formats."""

    name = "core"
    verbose_name = "Norrbotten Cases"

    def ready(self):
        from core import checks  # noqa: F401 - registers the system checks

        post_migrate.connect(sync_role_permissions, dispatch_uid="core.sync_role_permissions")
