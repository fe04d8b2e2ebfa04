from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.roles import Role, user_roles

NAVIGATION = (
    ("projects", "projects:case_list", _("Ärenden")),
    ("workflow", "decisions:workflow_queues", _("Arbetsköer")),
    ("decisions", "decisions:index", _("Sammanträden")),
    ("financing", "financing:dashboard", _("Ekonomi")),
    ("reporting", "reporting:index", _("Rapporter")),
)

WORK_QUEUE_PAGES = frozenset({"workflow_queues", "workflow_queue", "delegation_register"})


def navigation(request):
    """Main navigation with the current section marked, and the user's roles."""
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    url_name = (match.url_name or "") if match else ""
    if namespace == "decisions" and url_name in WORK_QUEUE_PAGES:
        namespace = "workflow"
    elif namespace == "decisions" and url_name.startswith("workflow_"):
        namespace = "projects"  # a page about one case (a transition, the proposal, ...)
    roles = user_roles(getattr(request, "user", None))
    return {
        "nav_items": [
            {"key": key, "url_name": url_name, "label": label, "active": namespace == key}
            for key, url_name, label in NAVIGATION
        ],
        "user_roles": roles,
        "user_role_labels": [Role(role).label for role in Role.values if role in roles],
        "region_name": settings.REGION_NAME,
    }
