"""Vocabulary shared by the workflow and the meetings parts of the decisions app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyCode(models.TextChoices):
    """The decision-making bodies (DOMAIN.md "Meetings, paragraphs and protocols")."""

    AU = "au", _("Arbetsutskottet (AU)")
    FORUM = "forum", _("Utvecklingsforum")
    COUNCIL = "council", _("Utvecklingsrådet")
    MANAGEMENT_GROUP = "management_group", _("Ledningsgruppen")
    BOARD = "board", _("Regionstyrelsen")
    RUN = "run", _("Regionala utvecklingsnämnden")
    RUU = "ruu", _("Regionutvecklingsutskottet")
