"""Workflow models: the case state machine, transition log, assessments, anchoring,
forum recommendations, decision proposals and the delegation-decision register.

The state lives on ``projects.models.Case.state``; the transitions belong here, on the
proxy model ``CaseWorkflow``. Each transition is one decorated method naming source and
target; conditions are plain functions carrying a Swedish message (``explained``), so the
service can say *why* a transition may not fire. Route conditions (``route=True``) decide
whether a transition belongs to the case's kind at all; the others are preconditions that
are shown to the user when unmet. ``decisions.workflow.services.case_transition`` is the
only caller of the transition methods.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import transition
from simple_history.models import HistoricalRecords

from core.concurrency import Versioned
from decisions.workflow.constants import BodyCode
from decisions.workflow.permissions import can_fire
from projects.models import Case, CaseKind, CaseState, money_field

__all__ = [
    "AnchoringContact",
    "Assessment",
    "BODY_TRANSITIONS",
    "CaseWorkflow",
    "Communication",
    "DecisionProposal",
    "DecisionDemand",
    "DelayNotice",
    "DelegationDecision",
    "DelegationRule",
    "ForumRecommendation",
    "HandlingTarget",
    "OPEN_STATES",
    "TransitionLog",
]

S = CaseState
PI = CaseKind.PROJECT_IDEA
CF = CaseKind.CO_FINANCING

# Every state a case can be withdrawn from: all but the final ones.
OPEN_STATES = [
    state
    for state in CaseState.values
    if state not in {S.CLOSED, S.WITHDRAWN, S.REJECTED, S.NOT_FUNDED}
]


# --- Records kept by the workflow ------------------------------------------------------


class TransitionLog(models.Model):
    """One fired transition: who moved the case from where to where, when and why."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.PROTECT, related_name="transition_logs"
    )
    transition = models.CharField(_("övergång"), max_length=50)
    source = models.CharField(_("från status"), max_length=30, choices=CaseState.choices)
    target = models.CharField(_("till status"), max_length=30, choices=CaseState.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utförd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    timestamp = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    motivation = models.TextField(_("motivering"), blank=True)
    data = models.JSONField(_("uppgifter"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("statusövergång")
        verbose_name_plural = _("statusövergångar")
        ordering = ["timestamp", "pk"]
        indexes = [models.Index(fields=["case", "timestamp"])]

    def __str__(self):
        return f"{self.case_id}: {self.source} -> {self.target} ({self.transition})"

    @property
    def label(self) -> str:
        return transition_label(self.transition)


class Assessment(models.Model):
    """AU:s bedömning of a projektidé, preparing an inriktningsbeslut and proposing the route."""

    class Route(models.TextChoices):
        DELEGATION = "delegation", _("Beslut på delegation av utvecklingsdirektören")
        FORUM = "forum", _("Utvecklingsforum och utvecklingsrådet")

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessment = models.TextField(_("bedömning"))
    proposed_route = models.CharField(_("föreslagen beslutsväg"), max_length=20, choices=Route)
    direction_proposal = models.TextField(_("förslag till inriktningsbeslut"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("registrerad"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bedömning från AU")
        verbose_name_plural = _("bedömningar från AU")
        ordering = ["-assessed_at", "-pk"]
        get_latest_by = ["assessed_at", "pk"]

    def __str__(self):
        return f"{self.case_id}: {self.get_proposed_route_display()}"


class AnchoringContact(models.Model):
    """A contact with an affected unit (berörd verksamhet) to anchor a projektidé."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="anchoring_contacts"
    )
    unit = models.CharField(_("verksamhet/enhet"), max_length=200)
    person = models.CharField(_("kontaktperson"), max_length=200)
    contacted_on = models.DateField(_("datum"))
    outcome = models.TextField(_("resultat av kontakten"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("förankringskontakt")
        verbose_name_plural = _("förankringskontakter")
        ordering = ["contacted_on", "pk"]

    def __str__(self):
        return f"{self.unit} ({self.person}, {self.contacted_on:%Y-%m-%d})"


class ForumRecommendation(models.Model):
    """Utvecklingsforums rekommendation to utvecklingsrådet."""

    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Rekommenderar godkännande")
        REJECT = "reject", _("Rekommenderar avslag")

    case = models.ForeignKey(
        Case,
        verbose_name=_("ärende"),
        on_delete=models.CASCADE,
        related_name="forum_recommendations",
    )
    recommendation = models.CharField(_("rekommendation"), max_length=10, choices=Recommendation)
    text = models.TextField(_("motivering"))
    recommended_on = models.DateField(_("datum för forumets möte"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rekommendation från utvecklingsforum")
        verbose_name_plural = _("rekommendationer från utvecklingsforum")
        ordering = ["-recommended_on", "-pk"]

    def __str__(self):
        return f"{self.case_id}: {self.get_recommendation_display()}"


class DecisionProposal(Versioned):
    """Förslag till beslut of a co-financing case, written by the officer for RUN.

    ``decision_points`` is the ordered list of the numbered points; ``special_conditions``
    a list of ``{"text": str, "due_date": "YYYY-MM-DD" | None}``. ``version`` is bumped on
    every save so two officers editing at once get a conflict instead of a lost update.
    """

    case = models.OneToOneField(
        Case,
        verbose_name=_("ärende"),
        on_delete=models.CASCADE,
        related_name="decision_proposal",
    )
    decision_points = models.JSONField(_("beslutspunkter"), default=list, blank=True)
    statement = models.TextField(_("yttrande till beslutsförslaget"), blank=True)
    summary = models.TextField(_("sammanfattning"), blank=True)
    proposed_amount = money_field(_("föreslaget belopp"), null=True, blank=True)
    proposes_rejection = models.BooleanField(_("föreslår avslag"), default=False)
    rejection_reason = models.TextField(_("skäl för avslag"), blank=True)
    special_conditions = models.JSONField(
        _("särskilda villkor"), default=list, blank=True, encoder=DjangoJSONEncoder
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ändrat av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("beslutsförslag")
        verbose_name_plural = _("beslutsförslag")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_amount__isnull=True) | Q(proposed_amount__gte=0),
                name="decision_proposal_amount_non_negative",
            ),
        ]

    def __str__(self):
        return str(_("Beslutsförslag för %(case)s") % {"case": self.case_id})


class DelegationRuleQuerySet(models.QuerySet):
    def in_force(self, kind: str, on):
        """Active rules for ``kind`` valid on ``on``, in the ordinance's order."""
        return self.in_force_all(on).filter(case_kind=kind)

    def in_force_all(self, on):
        """Active rules of every kind valid on ``on``."""
        return self.filter(active=True, valid_from__lte=on).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )


class HandlingTarget(models.Model):
    """A handling-time target (förvaltningslagen 9 §: handle cases promptly): a case of
    ``case_kind`` should leave ``state`` within ``days`` days of entering it; with no
    state, the whole case should be decided within ``days`` days of receipt, counted in
    calendar days or, where the region states the target so, in working days
    (``working_days``). Data, kept by administrators in the admin; Norrbotten's defaults
    (calendar days) come with the migration."""

    case_kind = models.CharField(_("ärendetyp"), max_length=20, choices=CaseKind.choices)
    state = models.CharField(
        _("steg"),
        max_length=30,
        choices=CaseState.choices,
        blank=True,
        help_text=_("Tomt: hela ärendet, från inkomstdatum till beslut."),
    )
    days = models.PositiveSmallIntegerField(_("dagar"))
    working_days = models.BooleanField(
        _("arbetsdagar"),
        default=False,
        db_default=False,
        help_text=_(
            "Räkna målet i arbetsdagar: lördagar, söndagar, helgdagar och midsommar-, jul- "
            "och nyårsafton räknas inte. Annars kalenderdagar."
        ),
    )
    active = models.BooleanField(_("gäller"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handläggningstid")
        verbose_name_plural = _("handläggningstider")
        ordering = ["case_kind", "state"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_kind", "state"], name="handling_target_unique_step"
            ),
            models.CheckConstraint(condition=Q(days__gte=1), name="handling_target_days_positive"),
        ]

    def __str__(self):
        step = self.get_state_display() if self.state else _("hela ärendet")
        return f"{self.get_case_kind_display()}: {step} {self.days}"


class DelayNotice(models.Model):
    """An underrättelse om försening (förvaltningslagen 11 §): the region judges that the
    decision in a case a party began will be substantially delayed, and tells the party why.
    The letter is made once, registered as an outgoing document of the case (``document``)
    and never changes."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.PROTECT, related_name="delay_notices"
    )
    recipient = models.CharField(_("mottagare"), max_length=200)
    reason = models.TextField(_("anledning till förseningen"))
    expected_on = models.DateField(_("beräknat beslut"), null=True, blank=True)
    sent_on = models.DateField(_("skickad"))
    document = models.OneToOneField(
        "projects.Document",
        verbose_name=_("handling"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("underrättelse om försening")
        verbose_name_plural = _("underrättelser om försening")
        ordering = ["sent_on", "pk"]

    def __str__(self):
        return str(_("Underrättelse om försening %(date)s") % {"date": f"{self.sent_on:%Y-%m-%d}"})


class DecisionDemand(models.Model):
    """A party's written begäran om avgörande (förvaltningslagen 12 §): a case the party
    began and that is not decided within six months of it. The region must within four
    weeks of the request's arrival either decide the case or refuse the request in a
    decision of its own, which can be appealed (``decisions.workflow.delays``).

    A request made before the six months have run is registered too: the law gives it no
    four weeks, and the page says so (``delays.is_premature``)."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.PROTECT, related_name="decision_demands"
    )
    party = models.CharField(_("part"), max_length=200)
    received_on = models.DateField(_("inkom"))
    # the written request in the case's registry
    request_document = models.ForeignKey(
        "projects.Document",
        verbose_name=_("skrivelsen"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # four weeks after it came in (``delays.answer_due``); no deadline binds a request made
    # before the six months had run (``delays.is_premature``, from the case's receipt date)
    due_on = models.DateField(_("ska besvaras senast"))
    refused_on = models.DateField(_("avslogs"), null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslutat av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reasoning = models.TextField(_("skäl för avslaget"), blank=True)
    refusal_document = models.OneToOneField(
        "projects.Document",
        verbose_name=_("beslutet"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("begäran om avgörande")
        verbose_name_plural = _("begäranden om avgörande")
        ordering = ["received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refused_on__isnull=True, refusal_document__isnull=True)
                | Q(refused_on__isnull=False, refusal_document__isnull=False),
                name="decision_demand_refusal_whole",
            ),
            # one request per letter (a form sent twice registers it once)
            models.UniqueConstraint(
                fields=["request_document"], name="decision_demand_one_per_letter"
            ),
        ]
        indexes = [
            # Mina uppgifter: the requests still to answer
            models.Index(
                fields=["due_on"],
                condition=Q(refused_on__isnull=True),
                name="decision_demand_open_due",
            )
        ]

    def __str__(self):
        return str(_("Begäran om avgörande %(date)s") % {"date": f"{self.received_on:%Y-%m-%d}"})


class Communication(models.Model):
    """A kommunicering (förvaltningslagen 25 §): before deciding, the region lets the party
    see the material of importance for the decision and answer it by ``reply_by``. The
    letter listing the material is made once and registered as outgoing (``letter``); the
    party's answer, when it comes, is registered as incoming (``reply``)."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.PROTECT, related_name="communications"
    )
    recipient = models.CharField(_("mottagare"), max_length=200)
    documents = models.ManyToManyField(
        "projects.Document", verbose_name=_("underlag"), related_name="+"
    )
    message = models.TextField(_("meddelande"), blank=True)
    sent_on = models.DateField(_("skickad"))
    reply_by = models.DateField(_("svar senast"))
    letter = models.OneToOneField(
        "projects.Document", verbose_name=_("brevet"), on_delete=models.PROTECT, related_name="+"
    )
    reply = models.OneToOneField(
        "projects.Document",
        verbose_name=_("svaret"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    replied_on = models.DateField(_("svar inkom"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("av"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[documents])

    class Meta:
        verbose_name = _("kommunicering")
        verbose_name_plural = _("kommuniceringar")
        ordering = ["sent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reply__isnull=True, replied_on__isnull=True)
                | Q(reply__isnull=False, replied_on__isnull=False),
                name="communication_reply_whole",
            ),
            models.CheckConstraint(
                condition=Q(reply_by__gt=F("sent_on")), name="communication_reply_after_sending"
            ),
        ]

    def __str__(self):
        return str(_("Kommunicering %(date)s") % {"date": f"{self.sent_on:%Y-%m-%d}"})


class DelegationRule(models.Model):
    """One point of the delegationsordning: who decides which cases on the body's behalf.

    A case is decided by the delegate when a rule in force for its kind covers it: the
    amount below the limit, no EU co-financing where the rule sends that to the body, and
    the delegate's ceiling for the year not reached. Otherwise the body decides. The
    ordinance is data: an administrator keeps it in the admin or on the rules page.
    """

    name = models.CharField(_("benämning"), max_length=200)
    reference = models.CharField(
        _("punkt i delegationsordningen"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Delegationsordning RUN 2024-02-13 § 12, punkt 4.3."),
    )
    case_kind = models.CharField(_("ärendetyp"), max_length=20, choices=CaseKind.choices)
    delegate_title = models.CharField(
        _("delegat"), max_length=100, help_text=_("T.ex. Regional utvecklingsdirektör.")
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("namngiven delegat"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tomt = alla beslutsfattare med behörighet att besluta på delegation."),
    )
    amount_limit = money_field(
        _("beloppsgräns"),
        null=True,
        blank=True,
        help_text=_(
            "Delegaten beslutar belopp under gränsen, eller upp till och med den när gränsen "
            "ingår. Tomt = ingen gräns."
        ),
    )
    limit_included = models.BooleanField(
        _("gränsen ingår"),
        default=False,
        db_default=False,
        help_text=_(
            "På: delegaten beslutar belopp upp till och med gränsen (”högst 500 000 kr”). "
            "Av: bara belopp under gränsen (”under 500 000 kr”)."
        ),
    )
    eu_co_financing_to_body = models.BooleanField(
        _("EU-medfinansiering beslutas av nämnden"),
        default=False,
        help_text=_("Ärenden där en EU-fond finansierar projektet går alltid till nämnden."),
    )
    yearly_ceiling = money_field(
        _("tak per kalenderår"),
        null=True,
        blank=True,
        help_text=_("Högsta summa som delegaten får bevilja enligt regeln under ett år."),
    )
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"), null=True, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    objects = DelegationRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegationsregel")
        verbose_name_plural = _("delegationsordning")
        ordering = ["case_kind", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_limit__isnull=True) | Q(amount_limit__gt=0),
                name="delegation_rule_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(yearly_ceiling__isnull=True) | Q(yearly_ceiling__gt=0),
                name="delegation_rule_ceiling_positive",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="delegation_rule_valid_period",
            ),
        ]

    def __str__(self):
        return self.name


class DelegationDecision(models.Model):
    """The register of decisions taken by the development director on delegation.

    Decisions are later reported (anmälda) to the responsible body (seed 001 § 25);
    ``reported_on``/``report_reference`` record where.
    """

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Godkänt")
        REJECTED = "rejected", _("Avslaget")

    case = models.ForeignKey(
        Case,
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        related_name="delegation_decisions",
    )
    decided_on = models.DateField(_("beslutsdatum"))
    outcome = models.CharField(_("beslut"), max_length=10, choices=Outcome)
    rule = models.ForeignKey(
        DelegationRule,
        verbose_name=_("delegationsregel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    amount = money_field(_("beviljat belopp"), null=True, blank=True)
    decision_text = models.TextField(_("beslutstext"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslutsfattare"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the decision as drawn up and registered in the case (OSL 5 kap.)
    document = models.ForeignKey(
        "projects.Document",
        verbose_name=_("registrerat beslut"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_on = models.DateField(_("anmält"), null=True, blank=True)
    report_reference = models.CharField(
        _("anmält vid"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. RUN 2020-03-24 § 25."),
    )
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("delegationsbeslut")
        verbose_name_plural = _("delegationsbeslut")
        ordering = ["-decided_on", "-pk"]
        permissions = [("decide_by_delegation", _("Får besluta på delegation"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | ~Q(report_reference=""),
                name="delegation_decision_reported_has_reference",
            ),
        ]

    def __str__(self):
        return f"{self.decided_on:%Y-%m-%d} {self.get_outcome_display()} ({self.case_id})"

    @property
    def is_reported(self) -> bool:
        return self.reported_on is not None


# --- Conditions ------------------------------------------------------------------------


def explained(message, *, route: bool = False):
    """Attach the Swedish explanation shown when the condition is not met.

    ``route=True`` marks a condition that decides whether the transition belongs to the
    case's route at all (its kind): such transitions are not offered, not explained.
    """

    def decorate(func):
        func.message = message
        func.route = route
        return func

    return decorate


def _cached(case, key, compute):
    cache = case.__dict__.setdefault("_workflow_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def latest_assessment(case) -> Assessment | None:
    return _cached(
        case,
        "assessment",
        lambda: Assessment.objects.filter(case_id=case.pk).order_by("-assessed_at", "-pk").first(),
    )


def latest_forum_recommendation(case) -> ForumRecommendation | None:
    return _cached(
        case,
        "forum_recommendation",
        lambda: (
            ForumRecommendation.objects.filter(case_id=case.pk)
            .order_by("-recommended_on", "-pk")
            .first()
        ),
    )


def decision_proposal_of(case) -> DecisionProposal | None:
    return _cached(
        case,
        "proposal",
        lambda: DecisionProposal.objects.filter(case_id=case.pk).first(),
    )


@explained(_("Övergången gäller bara projektidéer."), route=True)
def is_project_idea(case) -> bool:
    return case.kind == PI


@explained(_("Övergången gäller bara medfinansieringsärenden."), route=True)
def is_co_financing(case) -> bool:
    return case.kind == CF


@explained(_("Bedömning från AU saknas."))
def has_assessment(case) -> bool:
    return latest_assessment(case) is not None


@explained(_("AU:s bedömning föreslår inte beslut på delegation av utvecklingsdirektören."))
def assessment_proposes_delegation(case) -> bool:
    assessment = latest_assessment(case)
    return assessment is None or assessment.proposed_route == Assessment.Route.DELEGATION


@explained(_("AU:s bedömning föreslår inte att ärendet går till utvecklingsforum."))
def assessment_proposes_forum(case) -> bool:
    assessment = latest_assessment(case)
    return assessment is None or assessment.proposed_route == Assessment.Route.FORUM


@explained(_("Ingen förankring med berörd verksamhet är registrerad."))
def has_anchoring(case) -> bool:
    return _cached(
        case,
        "anchoring",
        lambda: AnchoringContact.objects.filter(case_id=case.pk).exists(),
    )


@explained(_("Beslutsförslag saknas."))
def has_decision_proposal(case) -> bool:
    return decision_proposal_of(case) is not None


@explained(_("Beslutsförslaget saknar numrerade beslutspunkter."))
def proposal_has_points(case) -> bool:
    proposal = decision_proposal_of(case)
    return proposal is None or any(str(p).strip() for p in proposal.decision_points)


@explained(_("Beslutsförslaget saknar belopp."))
def proposal_has_amount(case) -> bool:
    proposal = decision_proposal_of(case)
    return proposal is None or proposal.proposes_rejection or proposal.proposed_amount is not None


@explained(_("Beslutsförslaget föreslår avslag men saknar skäl."))
def proposal_rejection_has_reason(case) -> bool:
    proposal = decision_proposal_of(case)
    return proposal is None or not proposal.proposes_rejection or bool(proposal.rejection_reason)


@explained(
    _(
        "Projektets rekommendation vid avslut (vidareutveckling, breddinförande, förvaltning) är inte registrerad."
    )
)
def closure_recommendation_recorded(case) -> bool:
    return case.kind != PI or bool(case.project.recommendation)


# --- The machine -----------------------------------------------------------------------


def _permission(name):
    """fsm's ``permission=``: the same rule as ``decisions.permissions.can_fire``."""

    def check(instance, user) -> bool:
        return bool(can_fire(user, instance, name))

    check.__name__ = f"can_fire_{name}"
    return check


def _t(name, source, target, label, kinds, conditions=(), **custom):
    """``@transition`` with our metadata: Swedish label, kinds, permission rule."""
    kind_condition = (
        is_project_idea if kinds == (PI,) else is_co_financing if kinds == (CF,) else None
    )
    all_conditions = ([kind_condition] if kind_condition else []) + list(conditions)
    return transition(
        field="state",
        source=source,
        target=target,
        conditions=all_conditions,
        permission=_permission(name),
        custom={"label": label, "kinds": kinds, **custom},
    )


BOTH = (PI, CF)


class CaseWorkflow(Case):
    """The case seen through its decision route. Fire transitions only via the service."""

    class Meta:
        proxy = True
        verbose_name = _("ärendets beslutsgång")
        verbose_name_plural = _("ärendens beslutsgång")

    # Projektidé (seed 000) ------------------------------------------------------------
    @_t("start_au_preparation", S.REGISTERED, S.AU_PREPARATION, _("Starta beredning i AU"), (PI,))
    def start_au_preparation(self, **data):
        pass

    @_t(
        "record_au_assessment",
        S.AU_PREPARATION,
        S.AU_ASSESSED,
        _("Registrera AU:s bedömning"),
        (PI,),
    )
    def record_au_assessment(self, **data):
        pass

    @_t(
        "delegation_approve",
        S.AU_ASSESSED,
        S.APPROVED,
        _("Godkänn på delegation"),
        (PI,),
        [has_assessment, assessment_proposes_delegation],
        decision=True,
    )
    def delegation_approve(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "delegation_reject",
        S.AU_ASSESSED,
        S.REJECTED,
        _("Avslå på delegation"),
        (PI,),
        [has_assessment, assessment_proposes_delegation],
        decision=True,
        style="danger",
    )
    def delegation_reject(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "send_to_forum",
        S.AU_ASSESSED,
        S.AT_FORUM,
        _("Skicka till utvecklingsforum"),
        (PI,),
        [has_assessment, assessment_proposes_forum, has_anchoring],
    )
    def send_to_forum(self, **data):
        pass

    @_t(
        "forum_recommend",
        S.AT_FORUM,
        S.AT_COUNCIL,
        _("Registrera forumets rekommendation"),
        (PI,),
    )
    def forum_recommend(self, **data):
        pass

    @_t(
        "council_approve",
        S.AT_COUNCIL,
        S.APPROVED,
        _("Utvecklingsrådet godkänner"),
        (PI,),
        decision=True,
    )
    def council_approve(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "council_reject",
        S.AT_COUNCIL,
        S.REJECTED,
        _("Utvecklingsrådet avslår"),
        (PI,),
        decision=True,
        style="danger",
    )
    def council_reject(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "council_return",
        S.AT_COUNCIL,
        S.AU_PREPARATION,
        _("Utvecklingsrådet återremitterar"),
        (PI,),
        decision=True,
        style="secondary",
    )
    def council_return(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "council_refer",
        S.AT_COUNCIL,
        S.AT_MANAGEMENT_GROUP,
        _("Hänskjut till ledningsgruppen"),
        (PI,),
        decision=True,
        style="secondary",
    )
    def council_refer(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "management_group_forward",
        S.AT_MANAGEMENT_GROUP,
        S.AT_BOARD,
        _("Ledningsgruppen skickar till regionstyrelsen"),
        (PI,),
    )
    def management_group_forward(self, **data):
        pass

    @_t(
        "management_group_return",
        S.AT_MANAGEMENT_GROUP,
        S.AU_PREPARATION,
        _("Ledningsgruppen återremitterar"),
        (PI,),
        style="secondary",
    )
    def management_group_return(self, **data):
        pass

    @_t(
        "board_approve",
        S.AT_BOARD,
        S.APPROVED,
        _("Regionstyrelsen godkänner"),
        (PI,),
        decision=True,
    )
    def board_approve(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "board_reject",
        S.AT_BOARD,
        S.REJECTED,
        _("Regionstyrelsen avslår"),
        (PI,),
        decision=True,
        style="danger",
    )
    def board_reject(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "board_return",
        S.AT_BOARD,
        S.AU_PREPARATION,
        _("Regionstyrelsen återremitterar"),
        (PI,),
        decision=True,
        style="secondary",
    )
    def board_return(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t("start_application", S.APPROVED, S.APPLICATION_WRITING, _("Börja skriva ansökan"), (PI,))
    def start_application(self, **data):
        pass

    @_t(
        "send_application",
        S.APPLICATION_WRITING,
        S.APPLICATION_SENT,
        _("Registrera inskickad ansökan"),
        (PI,),
    )
    def send_application(self, **data):
        pass

    @_t(
        "record_funded",
        S.APPLICATION_SENT,
        S.FUNDED,
        _("Registrera beviljad finansiering"),
        (PI,),
    )
    def record_funded(self, **data):
        pass

    @_t(
        "record_not_funded",
        S.APPLICATION_SENT,
        S.NOT_FUNDED,
        _("Registrera avslag från finansiären"),
        (PI,),
        style="danger",
    )
    def record_not_funded(self, **data):
        pass

    # Medfinansiering (seeds 001, 002) --------------------------------------------------
    @_t("start_preparation", S.REGISTERED, S.PREPARATION, _("Starta beredning"), (CF,))
    def start_preparation(self, **data):
        pass

    @_t(
        "mark_ready_for_run",
        S.PREPARATION,
        S.READY_FOR_RUN,
        _("Markera klart för RUN"),
        (CF,),
        [
            has_decision_proposal,
            proposal_has_points,
            proposal_has_amount,
            proposal_rejection_has_reason,
        ],
    )
    def mark_ready_for_run(self, **data):
        pass

    @_t(
        "return_to_preparation",
        S.READY_FOR_RUN,
        S.PREPARATION,
        _("Åter till beredning"),
        (CF,),
        style="secondary",
    )
    def return_to_preparation(self, **data):
        pass

    @_t("grant", S.READY_FOR_RUN, S.GRANTED, _("RUN beviljar"), (CF,), decision=True)
    def grant(self, *, amount, decided_on, **data):
        self.granted_amount = amount
        self.decided_on = decided_on

    @_t(
        "reject",
        S.READY_FOR_RUN,
        S.REJECTED,
        _("RUN avslår"),
        (CF,),
        decision=True,
        style="danger",
    )
    def reject(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "delegation_grant",
        S.READY_FOR_RUN,
        S.GRANTED,
        _("Bevilja på delegation"),
        (CF,),
        decision=True,
    )
    def delegation_grant(self, *, amount, decided_on, **data):
        self.granted_amount = amount
        self.decided_on = decided_on

    @_t(
        "delegation_reject_application",
        S.READY_FOR_RUN,
        S.REJECTED,
        _("Avslå på delegation"),
        (CF,),
        decision=True,
        style="danger",
    )
    def delegation_reject_application(self, *, decided_on, **data):
        self.decided_on = decided_on

    @_t(
        "refer_to_body",
        S.READY_FOR_RUN,
        S.READY_FOR_RUN,
        _("Lämna över till nämnden"),
        (CF,),
        style="secondary",
    )
    def refer_to_body(self, **data):
        pass

    # Both routes ---------------------------------------------------------------------
    @_t("start_project", [S.FUNDED, S.GRANTED], S.RUNNING, _("Starta projektet"), BOTH)
    def start_project(self, **data):
        pass

    @_t(
        "submit_final_report",
        S.RUNNING,
        S.FINAL_REPORT,
        _("Registrera inlämnad slutrapport"),
        BOTH,
    )
    def submit_final_report(self, **data):
        pass

    @_t(
        "close",
        S.FINAL_REPORT,
        S.CLOSED,
        _("Avsluta ärendet"),
        BOTH,
        [closure_recommendation_recorded],
    )
    def close(self, **data):
        pass

    @_t("withdraw", OPEN_STATES, S.WITHDRAWN, _("Återkalla ärendet"), BOTH, style="danger")
    def withdraw(self, **data):
        pass


def transition_label(name: str) -> str:
    """The Swedish label of a transition, or its name when unknown (old log rows)."""
    method = getattr(CaseWorkflow, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        return name
    first = next(iter(meta.transitions.values()))
    return str(first.custom.get("label", name))


# Transitions a body's meeting decides (for the meetings part: agenda -> paragraph outcome).
BODY_TRANSITIONS = {
    BodyCode.AU: ["record_au_assessment"],
    BodyCode.FORUM: ["forum_recommend"],
    BodyCode.COUNCIL: ["council_approve", "council_reject", "council_return", "council_refer"],
    BodyCode.MANAGEMENT_GROUP: ["management_group_forward", "management_group_return"],
    BodyCode.BOARD: ["board_approve", "board_reject", "board_return"],
    BodyCode.RUN: ["grant", "reject"],
}
