from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The pages anyone may open without logging in: the notice board (anslagstavla), its
    archive, the public e-diarium and the accessibility statement."""

    name = "public"
    verbose_name = _("Offentliga sidor")
