from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    """One app (label ``decisions``), two areas: ``workflow`` (the case state machines and
    delegation) and ``meetings`` (bodies, meetings, paragraphs, signing, protocols)."""

    name = "decisions"
    verbose_name = _("Beslut och sammanträden")
