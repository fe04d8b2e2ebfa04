from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Beslut och sammanträden")

    def ready(self):
        from decisions import home

        self._ready_workflow()
        self._ready_meetings()
        home.register()

    def _ready_meetings(self):
        """Meetings: the case-page section listing the case's paragraphs and extracts."""
        from decisions import tasks  # noqa: F401 - registers the document tasks
        from decisions.views_meetings import case_section
        from projects.case_page import register_section

        register_section(
            key="meetings_paragraphs",
            area="side",
            order=20,
            template="decisions/meetings/case_section.html",
            context=case_section,
        )

    def _ready_workflow(self):
        """Workflow: case-page sections and the Celery task module."""
        from decisions import tasks_workflow  # noqa: F401 - registers the tasks
        from decisions import views_workflow as views
        from projects.case_page import register_section

        register_section(
            key="workflow_actions",
            area="header",
            order=10,
            template="decisions/workflow/partials/case_actions.html",
            context=views.actions_section,
        )
        register_section(
            key="workflow_records",
            area="main",
            order=20,
            template="decisions/workflow/partials/case_records.html",
            context=views.records_section,
        )
        register_section(
            key="workflow_diagram",
            area="main",
            order=30,
            template="decisions/workflow/partials/case_diagram.html",
            context=views.diagram_section,
        )
        register_section(
            key="workflow_log",
            area="main",
            order=40,
            template="decisions/workflow/partials/case_log.html",
            context=views.log_section,
        )
