from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Ärenden och projekt")

    def ready(self):
        from projects import home
        from projects.roles import sync_role_permissions

        home.register()
        post_migrate.connect(sync_role_permissions, dispatch_uid="projects.sync_role_permissions")
