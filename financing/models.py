"""The money: anslag 1:1 per year, allocation plans, financing plans, commitments, payments.

Amounts are exact Decimal SEK (``projects.models.money_field``). Cross-row invariants
(a commitment never exceeds what is left of the year's anslag; payments and releases
never exceed the commitment) are kept by ``financing.services`` under row locks; the
single-row ones are database constraints here.
"""

import datetime
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from core.collation import SWEDISH
from core.concurrency import Versioned
from core.fsm import ThreadSafeRefreshMixin
from core.links import object_url
from financing.triggers import child_totals_triggers, commitment_totals_triggers
from projects.models import Organisation, ReportPriority, money_field


class GrantCategory(models.TextChoices):
    """How the anslag is split (the annual report, seed 004 section 2.1)."""

    PROJECT = "project", _("Projektverksamhet")
    BUSINESS_SUPPORT = "business_support", _("Regionala företagsstöd")
    COMMERCIAL_SERVICE = "commercial_service", _("Stöd till kommersiell service")


class FundingCode:
    """Codes of the funding types every installation starts with (data migration 0002).

    The list itself is data (``FundingType``): a region adds, renames or retires types in
    the admin or on the rules page. Code reads a type's attributes, never these codes;
    they name the built-in rows for demo data, imports and tests.
    """

    REGION_1_1 = "region_1_1"
    OTHER_REGION_1_1 = "other_region_1_1"
    OTHER_REGION_OWN = "other_region_own"
    REGION_OWN = "region_own"
    ERUF = "eruf"
    ESF_PLUS = "esf_plus"
    INTERREG = "interreg"
    TILLVAXTVERKET = "tillvaxtverket"
    STATE_AGENCY = "state_agency"
    MUNICIPALITY = "municipality"
    UNIVERSITY = "university"
    PRIVATE = "private"
    OWN_FUNDS = "own_funds"
    IN_KIND = "in_kind"
    OTHER = "other"


class FundingTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class FundingType(models.Model):
    """A kind of money in a financing plan, with what it counts as (DOMAIN.md "Project grants").

    The plan's checks read the attributes: the 1:1 share counts every region's 1:1 money
    (``counts_as_1_1``), what a decision commits against this region's anslag is the rows
    ``charged_to_grant``, own funds (``own_funds``) and contributions in kind stay apart.
    """

    code = models.SlugField(_("kod"), max_length=30, unique=True)
    name = models.CharField(_("namn"), max_length=100, db_collation=SWEDISH)
    is_public = models.BooleanField(
        _("offentliga medel"), default=True, help_text=_("Räknas in i den offentliga andelen.")
    )
    counts_as_1_1 = models.BooleanField(
        _("räknas som 1:1-medel"),
        default=False,
        help_text=_(
            "Anslag 1:1 från denna eller en annan region: räknas mot taket för 1:1-andelen."
        ),
    )
    charged_to_grant = models.BooleanField(
        _("belastar regionens anslag 1:1"),
        default=False,
        help_text=_("Beslutet om medfinansiering belastar denna regions anslag 1:1."),
    )
    this_region = models.BooleanField(
        _("regionens egna pengar"),
        default=False,
        help_text=_("Denna regions medel (1:1 eller egna medel): räknas in i regionens andel."),
    )
    eu_fund = models.BooleanField(_("EU-fond"), default=False)
    own_funds = models.BooleanField(
        _("projektägarens egna medel"),
        default=False,
        help_text=_("Sökandens egen insats: hålls utanför 1:1 och offentlig medfinansiering."),
    )
    in_kind = models.BooleanField(
        _("annat än pengar"), default=False, help_text=_("T.ex. arbetstid eller lokaler.")
    )
    active = models.BooleanField(
        _("aktiv"), default=True, help_text=_("Inaktiva typer kan inte väljas på nya rader.")
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    objects = FundingTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("finansieringstyp")
        verbose_name_plural = _("finansieringstyper")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(charged_to_grant=False) | Q(counts_as_1_1=True, this_region=True),
                name="funding_type_charged_is_this_regions_1_1",
            ),
            models.CheckConstraint(
                condition=Q(own_funds=False) | Q(counts_as_1_1=False),
                name="funding_type_own_funds_not_1_1",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class FinancingPolicyQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> "FinancingPolicy":
        """The policy in force on ``on`` (default today): the newest that has started. Before
        the first, none is: nothing is checked (never the model's defaults, which are
        Norrbotten's)."""
        on = on or timezone.localdate()
        policy = self.filter(valid_from__lte=on).order_by("-valid_from").first()
        if policy is None:
            policy = FinancingPolicy(
                region_name=settings.REGION_NAME,
                max_1_1_share=None,
                max_region_share=None,
                long_project_years=None,
                max_advance_share=None,
                max_advance_amount=None,
            )
        return policy


class FinancingPolicy(models.Model):
    """The region's rules for financing plans, valid from a date until the next row.

    Empty limits are not checked. Today's Norrbotten rules are the default row (data
    migration 0002); ``manage.py load_region_rules`` loads another region's set.
    """

    region_name = models.CharField(_("region"), max_length=100, default="Region Norrbotten")
    valid_from = models.DateField(_("gäller från"), unique=True)
    max_1_1_share = models.DecimalField(
        _("högsta andel 1:1 (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("50.00"),
        help_text=_("Andel av projektets kostnader från anslag 1:1, alla regioners 1:1 räknade."),
    )
    max_region_share = models.DecimalField(
        _("högsta andel för regionen (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("50.00"),
        help_text=_("Denna regions andel (1:1 och egna medel) av projektets kostnader."),
    )
    long_project_years = models.PositiveSmallIntegerField(
        _("varna för projekt längre än (år)"), null=True, blank=True, default=3
    )
    flag_start_before_application = models.BooleanField(
        _("flagga projekt som startar före ansökan"), default=True
    )
    # The payment policy (utbetalningsregler): how much may be paid in advance.
    max_advance_share = models.DecimalField(
        _("högsta förskott (% av beviljat)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("50.00"),
        help_text=_("Förskott sammanlagt högst denna andel av det beviljade beloppet."),
    )
    max_advance_amount = money_field(
        _("högsta förskott (kr)"),
        null=True,
        blank=True,
        default=Decimal("400000.00"),
        help_text=_("Förskott sammanlagt högst detta belopp. Tomt = inget tak i kronor."),
    )
    advance_requires_reason = models.BooleanField(_("förskott kräver motivering"), default=True)
    final_payment_requires_approved_report = models.BooleanField(
        _("slututbetalning först efter godkänd slutrapport"), default=True
    )
    note = models.TextField(_("anteckning"), blank=True)
    history = HistoricalRecords()

    objects = FinancingPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("finansieringsregler")
        verbose_name_plural = _("finansieringsregler")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(max_1_1_share__isnull=True) | Q(max_1_1_share__range=(0, 100)))
                & (Q(max_region_share__isnull=True) | Q(max_region_share__range=(0, 100)))
                & (Q(max_advance_share__isnull=True) | Q(max_advance_share__range=(0, 100))),
                name="policy_shares_are_percentages",
            ),
        ]

    def __str__(self):
        return str(
            _("%(region)s, gäller från %(date)s")
            % {"region": self.region_name, "date": self.valid_from}
        )


class LeaderGender(models.TextChoices):
    """Who leads a company given business support (annual report: women / men / shared)."""

    WOMAN = "woman", _("Kvinna")
    MAN = "man", _("Man")
    SHARED = "shared", _("Delat ledarskap")


class AllocationDimension(models.TextChoices):
    CATEGORY = "category", _("Kategori")
    PRIORITY = "priority", _("Prioritering")


class Grant(Versioned):
    """Anslag 1:1 of one year: what the region disposes of according to the villkorsbeslut."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    code = models.CharField(
        _("anslagspost"),
        max_length=20,
        default="1:1",
        help_text=_("T.ex. 1:1 under utgiftsområde 19."),
    )
    name = models.CharField(
        _("anslagets namn"),
        max_length=100,
        default="Regionala tillväxtåtgärder",
        help_text=_("Namnet enligt årets regleringsbrev; det har ändrats genom åren."),
    )
    amount = money_field(_("anslag"))
    commitment_authority = money_field(
        _("bemyndiganderam"),
        null=True,
        blank=True,
        help_text=_(
            "Högsta belopp som beslut under året får binda för kommande år. Tomt = ingen kontroll."
        ),
    )
    decision_reference = models.CharField(
        _("beslutsreferens"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. regeringens diarienummer för villkorsbeslutet."),
    )
    note = models.TextField(_("anteckning"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("anslag 1:1")
        verbose_name_plural = _("anslag 1:1")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_amount_non_negative"),
            models.CheckConstraint(
                condition=Q(commitment_authority__isnull=True) | Q(commitment_authority__gte=0),
                name="grant_authority_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="grant_year_plausible"
            ),
        ]

    def __str__(self):
        return str(_("Anslag %(code)s %(year)s") % {"code": self.code, "year": self.year})

    def get_absolute_url(self):
        return object_url("financing:grant_detail", self.year)


class Allocation(models.Model):
    """One line of the allocation plan: an amount per category or per RUS priority."""

    grant = models.ForeignKey(
        Grant, verbose_name=_("anslag"), on_delete=models.CASCADE, related_name="allocations"
    )
    dimension = models.CharField(_("dimension"), max_length=10, choices=AllocationDimension.choices)
    key = models.CharField(_("nyckel"), max_length=20)
    amount = money_field(_("belopp"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fördelning")
        verbose_name_plural = _("fördelningsplan")
        ordering = ["grant", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "dimension", "key"], name="allocation_unique_key"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="allocation_amount_non_negative"
            ),
            models.CheckConstraint(
                condition=(
                    Q(dimension="category", key__in=GrantCategory.values)
                    | Q(dimension="priority", key__in=ReportPriority.values)
                ),
                name="allocation_key_matches_dimension",
            ),
        ]

    def __str__(self):
        return f"{self.grant.year} {self.key_label}: {self.amount}"

    @property
    def key_label(self) -> str:
        choices = (
            GrantCategory if self.dimension == AllocationDimension.CATEGORY else ReportPriority
        )
        try:
            return str(choices(self.key).label)
        except ValueError:
            return self.key


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    SUBMITTED = "submitted", _("Inskickad för granskning")
    APPROVED = "approved", _("Godkänd")
    RETURNED = "returned", _("Återsänd för komplettering")


EDITABLE_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)


class FinancingPlan(ThreadSafeRefreshMixin, ConcurrentTransitionMixin, Versioned):
    """The budget of a project: who finances what, reviewed by a controller.

    ``status`` moves only through the transition methods below, fired by
    ``financing.services`` (draft -> submitted -> approved | returned -> submitted;
    a controller may reopen an approved plan to draft).
    """

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("projekt"),
        on_delete=models.CASCADE,
        related_name="financing_plan",
    )
    stated_total = money_field(
        _("total projektbudget enligt ansökan"),
        help_text=_("Den totala budget som sökanden anger; raderna ska summera till den."),
    )
    status = FSMField(
        _("status"),
        max_length=12,
        choices=PlanStatus.choices,
        default=PlanStatus.DRAFT,
        protected=True,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inskickad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("inskickad"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granskad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
    review_comment = models.TextField(_("granskningskommentar"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(bases=[FSMModelMixin, models.Model], excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("finansieringsplan")
        verbose_name_plural = _("finansieringsplaner")
        ordering = ["project__title"]
        # the plans waiting on someone (returned, submitted) among the many approved
        indexes = [models.Index(fields=["status"], name="financingplan_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(stated_total__gte=0), name="plan_stated_total_non_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (Q(reviewed_by__isnull=False) & Q(reviewed_at__isnull=False)),
                name="plan_approved_has_reviewer",
            ),
        ]

    def __str__(self):
        return str(_("Finansieringsplan för %(project)s") % {"project": self.project})

    def get_absolute_url(self):
        return object_url("financing:plan_detail", self.project_id)

    @transition(
        field=status, source=[PlanStatus.DRAFT, PlanStatus.RETURNED], target=PlanStatus.SUBMITTED
    )
    def submit(self):
        pass

    @transition(field=status, source=PlanStatus.SUBMITTED, target=PlanStatus.APPROVED)
    def approve(self):
        pass

    @transition(field=status, source=PlanStatus.SUBMITTED, target=PlanStatus.RETURNED)
    def return_for_changes(self):
        pass

    @transition(field=status, source=PlanStatus.APPROVED, target=PlanStatus.DRAFT)
    def reopen(self):
        pass


class FinancingRow(models.Model):
    """One financier's part of a plan, for the whole period or one year of it."""

    plan = models.ForeignKey(
        FinancingPlan,
        verbose_name=_("finansieringsplan"),
        on_delete=models.CASCADE,
        related_name="rows",
    )
    financier = models.ForeignKey(
        Organisation,
        verbose_name=_("finansiär"),
        on_delete=models.PROTECT,
        related_name="financing_rows",
    )
    funding_type = models.ForeignKey(
        FundingType,
        verbose_name=_("finansieringstyp"),
        to_field="code",
        db_column="funding_type",
        on_delete=models.PROTECT,
        related_name="rows",
    )
    amount_applied = money_field(_("sökt belopp"))
    amount_granted = money_field(_("beviljat belopp"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("år"), null=True, blank=True, help_text=_("Tomt = hela projektperioden.")
    )
    in_kind = models.BooleanField(
        _("annat än pengar"),
        default=False,
        help_text=_("Bidrag i annat än pengar (t.ex. arbetstid)."),
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finansieringsrad")
        verbose_name_plural = _("finansieringsrader")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_applied__gte=0), name="row_applied_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True) | Q(amount_granted__gte=0),
                name="row_granted_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | (Q(year__gte=2000) & Q(year__lte=2100)),
                name="row_year_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.financier} ({self.get_funding_type_display()}): {self.amount_applied}"

    @property
    def is_region(self) -> bool:
        return self.funding_type.this_region

    def get_funding_type_display(self) -> str:
        return self.funding_type.name


class Commitment(models.Model):
    """An åtagande against one year's anslag 1:1: a decision that commits money.

    Remaining = amount - payments - releases, never negative (kept by the services).
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("anslag"), on_delete=models.PROTECT, related_name="commitments"
    )
    category = models.CharField(_("kategori"), max_length=20, choices=GrantCategory.choices)
    priority = models.CharField(_("prioritering"), max_length=20, choices=ReportPriority.choices)
    case = models.ForeignKey(
        "projects.Case",
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
    )
    amount = money_field(_("belopp"))
    committed_on = models.DateField(_("beslutsdatum"))
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    reference = models.CharField(
        _("beslutsreferens"), max_length=200, blank=True, help_text=_("T.ex. RUN 2020-03-24 § 35.")
    )
    company_leader_gender = models.CharField(  # noqa: DJ001 - null = not business support
        _("företagets ledning"),
        max_length=10,
        choices=LeaderGender.choices,
        null=True,
        blank=True,
    )
    recipient = models.ForeignKey(
        Organisation,
        verbose_name=_("mottagare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
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
        verbose_name = _("åtagande mot anslaget")
        verbose_name_plural = _("åtaganden mot anslaget")
        ordering = ["-committed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_amount_positive"),
            models.CheckConstraint(
                condition=(
                    Q(category="business_support", company_leader_gender__isnull=False)
                    | (~Q(category="business_support") & Q(company_leader_gender__isnull=True))
                ),
                name="commitment_gender_only_for_business_support",
            ),
        ]
        indexes = [
            models.Index(fields=["grant", "category"]),
            # The dashboard's open commitments of a year, newest first (no sort); with the
            # amount, its sums by grant and decision year read from the index alone.
            models.Index(
                fields=["grant", "committed_on", "id"],
                include=["amount"],
                name="commitment_grant_newest",
            ),
            # The commitments list of every year, newest first: read in this order up to
            # the page, not every commitment joined and sorted (at 48 000, 160 -> 11 ms).
            models.Index(fields=["committed_on", "id"], name="commitment_newest"),
        ]
        triggers = commitment_totals_triggers()

    def __str__(self):
        label = self.case.dnr if self.case_id else (self.description or self.get_category_display())
        return f"{self.grant.year} {label}: {self.amount}"

    def get_absolute_url(self):
        return object_url("financing:commitment_detail", self.pk)


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("Förskott")
    ARREARS = "arrears", _("Utbetalning mot rekvisition")
    FINAL = "final", _("Slututbetalning")
    CORRECTION = "correction", _("Rättelse")


class Payment(models.Model):
    """An utbetalning against a commitment (the payment year's share of a decision).

    Rows are never changed or deleted (a database trigger refuses it): a mistaken payment
    is reversed by a correcting entry, a row of kind ``correction`` with the negated
    amount that points at it, so every sum of ``amount`` is the net paid.
    """

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("åtagande"), on_delete=models.PROTECT, related_name="payments"
    )
    kind = models.CharField(
        _("typ"), max_length=12, choices=PaymentKind.choices, default=PaymentKind.ARREARS
    )
    paid_on = models.DateField(_("utbetald"))
    amount = models.DecimalField(
        _("belopp"),
        max_digits=14,
        decimal_places=2,
        help_text=_("En rättelse har det rättade beloppet med minustecken."),
    )
    period_start = models.DateField(_("period från"), null=True, blank=True)
    period_end = models.DateField(_("period till"), null=True, blank=True)
    requisition = models.ForeignKey(
        "Requisition",
        verbose_name=_("rekvisition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    requisition_reference = models.CharField(_("rekvisition"), max_length=100, blank=True)
    reason = models.TextField(_("motivering"), blank=True)
    corrects = models.OneToOneField(
        "self",
        verbose_name=_("rättar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
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
        verbose_name = _("utbetalning")
        verbose_name_plural = _("utbetalningar")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="correction", amount__lt=0, corrects__isnull=False)
                    | (~Q(kind="correction") & Q(amount__gt=0, corrects__isnull=True))
                ),
                name="payment_amount_sign_by_kind",
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="payment_period_start_before_end",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="payment_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            ),
            *child_totals_triggers("payment", "paid"),
        ]

    def __str__(self):
        return f"{self.paid_on} {self.amount}"

    @property
    def case(self):
        return self.commitment.case


class Release(models.Model):
    """Återföring: the unused remainder of a commitment given back to the year's anslag."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("åtagande"), on_delete=models.PROTECT, related_name="releases"
    )
    released_on = models.DateField(_("återförd"))
    amount = money_field(_("belopp"))
    reason = models.CharField(_("anledning"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("återföring")
        verbose_name_plural = _("återföringar")
        ordering = ["released_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="release_amount_positive"),
        ]
        triggers = child_totals_triggers("release", "released")

    def __str__(self):
        return f"{self.released_on} {self.amount}"


class GrantTerms(models.Model):
    """How a decision's grant is stated when it is not a fixed sum: a share of the
    reported costs (two decimals) up to the granted amount, the ceiling in kronor."""

    case = models.OneToOneField(
        "projects.Case",
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        related_name="grant_terms",
    )
    cost_share_percent = models.DecimalField(
        _("andel av redovisade kostnader (%)"), max_digits=5, decimal_places=2
    )
    ceiling = money_field(_("högst (kr)"))
    reference = models.CharField(_("beslutsreferens"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beviljat som andel av kostnaderna")
        verbose_name_plural = _("beviljat som andel av kostnaderna")
        constraints = [
            models.CheckConstraint(
                condition=Q(cost_share_percent__gt=0) & Q(cost_share_percent__lte=100),
                name="grant_terms_share_is_percentage",
            ),
        ]

    def __str__(self):
        return f"{self.cost_share_percent} %, {self.ceiling}"


class GrantCondition(models.Model):
    """A suspensive condition (villkor) of a grant decision: no payment until it is met."""

    case = models.ForeignKey(
        "projects.Case",
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        related_name="grant_conditions",
    )
    text = models.TextField(_("villkor"))
    reference = models.CharField(_("beslutsreferens"), max_length=200, blank=True)
    set_on = models.DateField(_("beslutat"))
    met_on = models.DateField(_("uppfyllt"), null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppfyllt enligt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence = models.ForeignKey(
        "projects.Document",
        verbose_name=_("underlag"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    met_note = models.TextField(_("anteckning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("villkor för utbetalning")
        verbose_name_plural = _("villkor för utbetalning")
        ordering = ["set_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(met_on__isnull=True, met_by__isnull=True, evidence__isnull=True)
                | Q(met_on__isnull=False, met_by__isnull=False, evidence__isnull=False),
                name="condition_met_with_who_when_evidence",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def is_met(self) -> bool:
        return self.met_on is not None


class Requisition(models.Model):
    """A rekvisition: the project owner's claim for a period, with the costs reported."""

    case = models.ForeignKey(
        "projects.Case",
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        related_name="requisitions",
    )
    reference = models.CharField(_("rekvisitionens beteckning"), max_length=100, blank=True)
    received_on = models.DateField(_("inkommen"))
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    costs_reported = money_field(_("redovisade kostnader"))
    amount_requested = money_field(_("begärt belopp"))
    is_final = models.BooleanField(
        _("slutrekvisition"),
        default=False,
        help_text=_("Betalas först när slutrapporten är godkänd."),
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
        verbose_name = _("rekvisition")
        verbose_name_plural = _("rekvisitioner")
        ordering = ["period_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")),
                name="requisition_period_start_before_end",
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0) & Q(costs_reported__gte=0),
                name="requisition_amounts",
            ),
        ]

    def __str__(self):
        return self.reference or f"{self.period_start} – {self.period_end}"


class FinalReportApproval(models.Model):
    """The case officer's approval of the project's final report (slutrapport)."""

    case = models.OneToOneField(
        "projects.Case",
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        related_name="final_report_approval",
    )
    approved_on = models.DateField(_("godkänd"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkänd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    report = models.ForeignKey(
        "projects.Document",
        verbose_name=_("slutrapport"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("anteckning"), blank=True)
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("godkänd slutrapport")
        verbose_name_plural = _("godkända slutrapporter")

    def __str__(self):
        return f"{self.case} {self.approved_on}"


class Recovery(models.Model):
    """Återkrav: paid money the project owner must pay back, by a due date."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("åtagande"), on_delete=models.PROTECT, related_name="recoveries"
    )
    decided_on = models.DateField(_("beslutat"))
    amount = money_field(_("belopp"))
    reason = models.TextField(_("skäl"))
    due_date = models.DateField(_("förfallodatum"))
    reference = models.CharField(_("beslutsreferens"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("återkrav")
        verbose_name_plural = _("återkrav")
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_amount_positive"),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("decided_on")),
                name="recovery_due_after_decision",
            ),
        ]
        triggers = child_totals_triggers("recovery", "recovered")

    def __str__(self):
        return f"{self.decided_on} {self.amount}"


class CommitmentTotal(models.Model):
    """What the commitments of one grant, decision year (the year of ``committed_on``),
    category and priority sum to: committed, and their net paid, released and recovered.

    Kept exact by PostgreSQL triggers on the four tables (``financing.triggers``), so the
    dashboard's figures read these few rows instead of every commitment of every year.
    Derived data: no history, no editing (not in the admin); on SQLite (no triggers) it
    stays empty and the selectors compute the same rows from the raw tables.
    """

    grant = models.ForeignKey(
        Grant, verbose_name=_("anslag"), on_delete=models.CASCADE, related_name="+"
    )
    decision_year = models.PositiveSmallIntegerField(_("beslutsår"))
    category = models.CharField(_("kategori"), max_length=20, choices=GrantCategory.choices)
    priority = models.CharField(_("prioritering"), max_length=20, choices=ReportPriority.choices)
    # Sums of many rows: more digits than one row's amount.
    committed = money_field(_("åtaget"), max_digits=18, default=Decimal("0"))
    paid = money_field(_("utbetalt"), max_digits=18, default=Decimal("0"))
    released = money_field(_("återfört"), max_digits=18, default=Decimal("0"))
    recovered = money_field(_("återkrävt"), max_digits=18, default=Decimal("0"))

    class Meta:
        verbose_name = _("summa av åtaganden")
        verbose_name_plural = _("summor av åtaganden")
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "decision_year", "category", "priority"],
                name="commitment_total_key",
            ),
        ]

    def __str__(self):
        return f"{self.grant_id} {self.decision_year} {self.category} {self.priority}"


class GrantAdjustment(models.Model):
    """A later decision (through its §) that reduces or increases a case's grant."""

    case = models.ForeignKey(
        "projects.Case",
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        related_name="grant_adjustments",
    )
    paragraph = models.ForeignKey(
        "decisions.Paragraph",
        verbose_name=_("paragraf"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reference = models.CharField(_("beslutsreferens"), max_length=200)
    decided_on = models.DateField(_("beslutsdatum"))
    previous_amount = money_field(_("tidigare beviljat"))
    new_amount = money_field(_("nytt beviljat belopp"))
    year = models.PositiveSmallIntegerField(_("år som ändras"))
    reason = models.TextField(_("motivering"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ändrat beslut om stöd")
        verbose_name_plural = _("ändrade beslut om stöd")
        ordering = ["decided_on", "pk"]

    def __str__(self):
        return f"{self.reference}: {self.previous_amount} -> {self.new_amount}"

    @property
    def change(self) -> Decimal:
        return self.new_amount - self.previous_amount


class AllocationDecision(models.Model):
    """The committee's split of a year's anslag into categories, with its §. A later
    decision amends it; the latest is in force and every earlier one is kept."""

    grant = models.ForeignKey(
        Grant,
        verbose_name=_("anslag"),
        on_delete=models.PROTECT,
        related_name="allocation_decisions",
    )
    decided_on = models.DateField(_("beslutsdatum"))
    paragraph = models.ForeignKey(
        "decisions.Paragraph",
        verbose_name=_("paragraf"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reference = models.CharField(
        _("beslutsreferens"), max_length=200, help_text=_("T.ex. RUN 2022-02-15 § 8.")
    )
    total = money_field(_("fördelat belopp"))
    note = models.TextField(_("anteckning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fördelningsbeslut")
        verbose_name_plural = _("fördelningsbeslut")
        ordering = ["grant", "decided_on", "pk"]

    def __str__(self):
        return f"{self.grant.year} {self.reference}"


class AllocationShare(models.Model):
    """One category's share of an allocation decision; a region's own category has a
    name and no built-in key."""

    decision = models.ForeignKey(
        AllocationDecision,
        verbose_name=_("beslut"),
        on_delete=models.CASCADE,
        related_name="shares",
    )
    category = models.CharField(
        _("kategori"), max_length=20, choices=GrantCategory.choices, blank=True
    )
    label = models.CharField(_("benämning"), max_length=100)
    amount = money_field(_("belopp"))
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("andel")
        verbose_name_plural = _("andelar")
        ordering = ["decision", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "label"], name="allocation_share_unique_label"
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.amount}"


# --- Business support decided in the state's system (NYPS 2020) ---------------------------


class SupportDecision(models.TextChoices):
    GRANTED = "granted", _("Beviljad")
    REJECTED = "rejected", _("Avslagen")


BUSINESS_SUPPORT_CATEGORIES = (GrantCategory.BUSINESS_SUPPORT, GrantCategory.COMMERCIAL_SERVICE)


def business_support_upload_to(instance: "BusinessSupportImport", filename: str) -> str:
    """Stored as business-support/<year>/<sha256>.<ext>; never reachable by a public URL."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"business-support/{instance.year}/{instance.sha256}.{extension}"


class BusinessSupportImport(models.Model):
    """One export file from NYPS 2020 that was imported: kept as received, with its SHA-256.

    Small on purpose: when the document registry (diarium) lands, an import should be
    registered there as an incoming document (``business_support_import`` in
    ``financing.services.business_support`` is the one place that creates these rows).
    """

    year = models.PositiveSmallIntegerField(_("år"))
    file = models.FileField(_("fil"), upload_to=business_support_upload_to, max_length=300)
    filename = models.CharField(_("filnamn"), max_length=200)
    size = models.PositiveBigIntegerField(_("storlek"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows_created = models.PositiveIntegerField(_("nya rader"), default=0)
    rows_updated = models.PositiveIntegerField(_("uppdaterade rader"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("oförändrade rader"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("importerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("import av företagsstöd")
        verbose_name_plural = _("importer av företagsstöd")
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return f"{self.year} {self.filename}"


class BusinessSupport(Versioned):
    """One application for business support decided in NYPS 2020 (keyed on its id there).

    The annual report's business-support figures (applications received, granted,
    rejected; companies by leadership; decisions co-financed by EU framework projects)
    are counted from these rows, not from the commitments of the anslag.
    """

    application_id = models.CharField(
        _("ärende-id i NYPS"),
        max_length=30,
        unique=True,
        help_text=_("Ansökans id i Tillväxtverkets system NYPS 2020, t.ex. 20221234."),
    )
    category = models.CharField(
        _("stödområde"),
        max_length=20,
        choices=[(c.value, c.label) for c in BUSINESS_SUPPORT_CATEGORIES],
        default=GrantCategory.BUSINESS_SUPPORT,
    )
    support_type = models.CharField(
        _("stödtyp"), max_length=120, blank=True, help_text=_("T.ex. Regionalt investeringsstöd.")
    )
    received_on = models.DateField(_("inkom"))
    decided_on = models.DateField(_("beslutad"), null=True, blank=True)
    decision = models.CharField(
        _("beslut"), max_length=10, choices=SupportDecision.choices, blank=True
    )
    amount = money_field(_("beviljat belopp"), null=True, blank=True)
    company_name = models.CharField(_("företag"), max_length=200)
    org_number = models.CharField(_("organisationsnummer"), max_length=11)
    leader_gender = models.CharField(
        _("företagets ledning"), max_length=10, choices=LeaderGender.choices, blank=True
    )
    industry = models.CharField(_("bransch"), max_length=120, blank=True)
    eu_framework = models.CharField(
        _("EU-ramprojekt"),
        max_length=200,
        blank=True,
        help_text=_("Ramprojektet som medfinansierar stödet med EU-medel, t.ex. REACT-EU."),
    )
    eu_share = models.DecimalField(
        _("andel EU-medel (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.ForeignKey(
        BusinessSupportImport,
        verbose_name=_("senaste import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rows",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senast ändrad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("företagsstöd (NYPS)")
        verbose_name_plural = _("företagsstöd (NYPS)")
        ordering = ["-received_on", "application_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="", decided_on__isnull=True)
                | (~Q(decision="") & Q(decided_on__isnull=False)),
                name="business_support_decision_has_date",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="business_support_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(decision="granted") | Q(amount__isnull=True),
                name="business_support_amount_only_when_granted",
            ),
            models.CheckConstraint(
                condition=(Q(eu_framework="") & Q(eu_share__isnull=True))
                | (~Q(eu_framework="") & Q(eu_share__gt=0) & Q(eu_share__lte=100)),
                name="business_support_eu_share_with_framework",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "received_on"]),
            models.Index(fields=["category", "decided_on"]),
        ]

    def __str__(self):
        return f"{self.application_id} {self.company_name}"

    def get_absolute_url(self):
        return object_url("financing:business_support_edit", self.pk)
