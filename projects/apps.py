from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Ärenden och projekt")

    def ready(self):
        from projects import dnr  # noqa: F401 - registers the DNR_FORMAT check
