from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    """One app (label ``decisions``), two areas: ``workflow`` (the case state machines and
    delegation) and ``meetings`` (bodies, meetings, paragraphs, signing, protocols)."""

    name = "decisions"
    verbose_name = _("Beslut och sammanträden")

    def ready(self):
        from decisions.meetings import record_access
        from decisions.meetings.models import Body
        from decisions.workflow import bodies
        from projects import secrecy

        # the workflow's texts name the bodies as the region has named them
        bodies.register(lambda: Body.objects.values_list("code", "name"))

        # a signed protocol's copy in a case's registry is opened by the record's rule
        secrecy.register_source_gate(
            record_access.COPY_PREFIX,
            secrecy.SourceGate(refusal=record_access.copy_refusal, reads=record_access.copy_reads),
        )
