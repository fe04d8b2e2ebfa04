"""Organisations, projects and the case registry (ärenden with their Dnr)."""

import uuid

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin
from simple_history.models import HistoricalRecords

from core.collation import SWEDISH, Folded
from core.concurrency import Versioned
from core.expressions import NullsPlacedIndex
from core.fsm import ThreadSafeRefreshMixin
from core.lazy import LazyColumns
from core.links import object_url
from core.workdays import working_days_between
from projects.dnr import format_dnr
from projects.documents import sanitise_filename
from projects.triggers import (
    case_count_triggers,
    case_sort_key_triggers,
    officer_sort_key_triggers,
    organisation_sort_key_triggers,
    project_sort_key_triggers,
)

nyps_validator = RegexValidator(r"^\d{5,12}$", _("NYPS-id består av siffror, t.ex. 20204867."))
org_number_validator = RegexValidator(
    r"^\d{6}-\d{4}$", _("Organisationsnummer skrivs NNNNNN-NNNN, t.ex. 202100-2841.")
)
money_validators = [MinValueValidator(0)]


def money_field(verbose_name, **kwargs):
    """Amounts in SEK: exact decimals, never negative."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    kwargs.setdefault("validators", money_validators)
    return models.DecimalField(verbose_name, **kwargs)


class Organisation(Versioned):
    """An applicant, project owner, partner or financier."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("Universitet/högskola")
        MUNICIPALITY = "municipality", _("Kommun")
        REGION = "region", _("Region")
        COMPANY = "company", _("Företag")
        MUNICIPAL_COMPANY = "municipal_company", _("Kommunalt bolag")
        EU_FUND = "eu_fund", _("EU-fond/program")
        GOVERNMENT_AGENCY = "agency", _("Statlig myndighet")
        ASSOCIATION = "association", _("Förening/ideell organisation")
        OTHER = "other", _("Annan")

    name = models.CharField(_("namn"), max_length=200, db_collation=SWEDISH)
    org_number = models.CharField(
        _("organisationsnummer"),
        max_length=11,
        blank=True,
        null=True,
        unique=True,
        validators=[org_number_validator],
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    email = models.EmailField(_("e-post"), blank=True)
    city = models.CharField(_("ort"), max_length=100, blank=True)
    # the name in lower case without accents, for finding it typed so ("lulea")
    name_folded = models.GeneratedField(
        expression=Folded("name"), output_field=models.TextField(), db_persist=True
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["name_folded"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]
        # a new name onto the cases' sort keys (``Case.sort_applicant``)
        triggers = organisation_sort_key_triggers()
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"),
                condition=Q(org_number__isnull=True),
                name="organisation_unique_name_without_org_number",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("projects:organisation_detail", self.pk)


class OrganisationAlias(models.Model):
    """Another name of an organisation: an abbreviation (LTU) or a former name.

    A managed list (admin, organisation page); the search indexes each case's parties
    under these names too."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    name = models.CharField(_("förkortning eller annat namn"), max_length=200, db_collation=SWEDISH)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annat namn på organisation")
        verbose_name_plural = _("andra namn på organisationer")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organisation", models.functions.Lower("name"), name="organisation_alias_unique"
            ),
        ]

    def __str__(self):
        return self.name


class SavedCaseFilter(models.Model):
    """A user's named filter of the case list (its query string)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        related_name="saved_case_filters",
    )
    name = models.CharField(_("namn"), max_length=100, db_collation=SWEDISH)
    query = models.CharField(_("filter"), max_length=1000)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("sparat filter")
        verbose_name_plural = _("sparade filter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_case_filter_unique"),
        ]

    def __str__(self):
        return self.name


class ManagedArea(Versioned):
    """A managed list entry (RUS area, smart-specialisation area)."""

    name = models.CharField(_("namn"), max_length=200, unique=True, db_collation=SWEDISH)
    active = models.BooleanField(_("aktiv"), default=True)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ReportPriority(models.TextChoices):
    """The priorities of the national strategy that the annual report follows (seed 004)."""

    ATTRACTIVE_ENVIRONMENTS = "attractive", _("Attraktiva livsmiljöer och tillgänglighet")
    INNOVATION = "innovation", _("Innovation samt entreprenörskap och företagande")
    INTERNATIONAL = "international", _("Internationellt samarbete")
    SKILLS = "skills", _("Kompetensförsörjning och kompetensutveckling")
    OTHER = "other", _("Övriga prioriterade områden")


class RusArea(ManagedArea):
    """Insatsområde of the regional development strategy (RUS Norrbotten 2030)."""

    report_priority = models.CharField(
        _("prioritering i återrapporteringen"),
        max_length=20,
        choices=ReportPriority.choices,
        default=ReportPriority.OTHER,
    )

    class Meta(ManagedArea.Meta):
        verbose_name = _("RUS-insatsområde")
        verbose_name_plural = _("RUS-insatsområden")


class SmartSpecialisationArea(ManagedArea):
    """Fokusområde of the smart-specialisation strategy."""

    class Meta(ManagedArea.Meta):
        verbose_name = _("fokusområde för smart specialisering")
        verbose_name_plural = _("fokusområden för smart specialisering")


class ReportedAim(models.TextChoices):
    """The main aims the government's annual report counts (seed 004, 2.2)."""

    EQUALITY = "equality", _("Jämställdhet")
    DIVERSITY = "diversity", _("Mångfald och integration")
    ENVIRONMENT = "environment", _("Miljö och klimat")


class ProjectAim(ManagedArea):
    """A main aim a project can have (managed list); ``reported_as`` says which of the
    annual report's counts it belongs to (empty: the region's own, not counted)."""

    reported_as = models.CharField(
        _("räknas i återrapporteringen som"),
        max_length=20,
        choices=ReportedAim.choices,
        blank=True,
        help_text=_("Vilket av återrapporteringens huvudsyften projekten räknas till."),
    )

    class Meta(ManagedArea.Meta):
        verbose_name = _("huvudsyfte")
        verbose_name_plural = _("huvudsyften")


class Project(Versioned):
    """What a case is about: the project with its parties, period and texts."""

    class Origin(models.TextChoices):
        INTERNAL = "internal", _("Intern")
        EXTERNAL = "external", _("Extern")
        EIC = "eic", _("Extern via EIC")

    class Recommendation(models.TextChoices):
        FURTHER_DEVELOPMENT = "further_development", _("Vidareutveckling")
        WIDE_IMPLEMENTATION = "wide_implementation", _("Breddinförande")
        MAINTENANCE = "maintenance", _("Förvaltning")
        TERMINATION = "termination", _("Avslut")

    title = models.CharField(_("projektnamn"), max_length=300, db_collation=SWEDISH)
    applicant = models.ForeignKey(
        Organisation,
        verbose_name=_("stödsökande"),
        on_delete=models.PROTECT,
        related_name="applied_projects",
        null=True,
        blank=True,
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("projektägare"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
        null=True,
        blank=True,
    )
    partners = models.ManyToManyField(
        Organisation,
        verbose_name=_("samverkansparter"),
        related_name="partner_projects",
        blank=True,
    )
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontaktpersonens e-post"), blank=True)
    contact_phone = models.CharField(_("kontaktpersonens telefon"), max_length=40, blank=True)
    start_date = models.DateField(_("projektstart"), null=True, blank=True)
    end_date = models.DateField(_("projektslut"), null=True, blank=True)
    origin = models.CharField(
        _("ursprung"), max_length=20, choices=Origin.choices, default=Origin.EXTERNAL
    )
    rus_areas = models.ManyToManyField(
        RusArea, verbose_name=_("RUS-insatsområden"), related_name="projects", blank=True
    )
    smart_areas = models.ManyToManyField(
        SmartSpecialisationArea,
        verbose_name=_("fokusområden för smart specialisering"),
        related_name="projects",
        blank=True,
    )
    requested_amount = money_field(_("sökt belopp"), null=True, blank=True)
    total_budget = money_field(_("total projektbudget"), null=True, blank=True)
    approved_financing = models.JSONField(
        _("godkänd finansiering"),
        default=list,
        blank=True,
        encoder=DjangoJSONEncoder,
        help_text=_(
            "Finansieringsplanens rader som en controller godkänt: {financier, funding_type, "
            "amount, share}. Sätts av ekonomin när planen godkänns, töms när den öppnas igen."
        ),
    )
    approved_financing_on = models.DateField(_("finansiering godkänd"), null=True, blank=True)

    # The text sections of the decision proposal (seed 001/002: "Ärendet").
    summary = models.TextField(_("sammanfattning"), blank=True)
    background = models.TextField(_("bakgrund"), blank=True)
    purpose = models.TextField(_("syfte"), blank=True)
    implementation = models.TextField(_("genomförande"), blank=True)
    expected_results = models.TextField(_("förväntade resultat"), blank=True)
    social_sustainability = models.TextField(_("social hållbarhet"), blank=True)
    economic_sustainability = models.TextField(_("ekonomisk hållbarhet"), blank=True)
    environmental_sustainability = models.TextField(_("miljömässig hållbarhet"), blank=True)

    # Counted by the annual report (section 2.2) through ``ProjectAim.reported_as``.
    main_aims = models.ManyToManyField(
        ProjectAim, verbose_name=_("huvudsyften"), related_name="projects", blank=True
    )
    involves_healthcare = models.BooleanField(
        _("berör hälso- och sjukvården"),
        default=False,
        help_text=_("Kräver förankring i utvecklingsrådet innan medfinansiering."),
    )

    # After approval (seed 000: "Hantering av godkända projekt").
    started_on = models.DateField(_("faktisk start"), null=True, blank=True)
    reporting_routine = models.TextField(_("rapporteringsrutin"), blank=True)

    # At closure (seed 000: "Avsluta projekt").
    result_summary = models.TextField(_("resultatsammanfattning"), blank=True)
    recommendation = models.CharField(
        _("rekommendation"), max_length=30, choices=Recommendation.choices, blank=True
    )
    follow_up_case = models.ForeignKey(
        "Case",
        verbose_name=_("uppföljande idé"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_up_projects",
    )
    closed_on = models.DateField(_("avslutad"), null=True, blank=True)

    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=[partners, rus_areas, smart_areas, main_aims]
    )

    class Meta:
        verbose_name = _("projekt")
        verbose_name_plural = _("projekt")
        ordering = ["title"]
        # the project list and the financing plans list, in title order: read in the
        # index's order up to the page, not every project sorted (at 200 000, 120 ms)
        indexes = [models.Index(fields=["title"], name="project_title")]
        # a new applicant or requested amount onto the cases' sort keys
        triggers = project_sort_key_triggers()
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=models.F("end_date")),
                name="project_period_start_before_end",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("projects:project_detail", self.pk)

    def clean(self):
        if self.start_date and self.end_date and self.start_date > self.end_date:
            raise ValidationError(
                {"end_date": _("Projektslutet kan inte ligga före projektstarten.")},
                code="period",
            )


class ProjectMember(Versioned):
    """A person in the project group or the steering group of an approved project."""

    class Group(models.TextChoices):
        PROJECT_GROUP = "project", _("Projektgrupp")
        STEERING_GROUP = "steering", _("Styrgrupp")

    class MemberRole(models.TextChoices):
        COORDINATOR = "coordinator", _("Projektkoordinator/projektledare")
        SUBPROJECT_LEADER = "subproject_leader", _("Delprojektledare")
        PARTICIPANT = "participant", _("Deltagare")
        SUPPORT = "support", _("Administrativt/ekonomiskt stöd")
        CHAIR = "chair", _("Ordförande")
        MEMBER = "member", _("Ledamot")

    project = models.ForeignKey(
        Project, verbose_name=_("projekt"), on_delete=models.CASCADE, related_name="members"
    )
    group = models.CharField(_("grupp"), max_length=10, choices=Group.choices)
    role = models.CharField(_("roll"), max_length=20, choices=MemberRole.choices)
    name = models.CharField(_("namn"), max_length=200, db_collation=SWEDISH)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("e-post"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("projektmedlem")
        verbose_name_plural = _("projektmedlemmar")
        ordering = ["group", "role", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    def clean(self):
        allowed = MEMBER_ROLES_BY_GROUP.get(self.group, ())
        if self.group and self.role and self.role not in allowed:
            raise ValidationError(
                {
                    "role": _("Rollen passar inte gruppen. Välj en roll för %(group)s.")
                    % {"group": self.get_group_display().lower()}
                },
                code="role_group",
            )


MEMBER_ROLES_BY_GROUP = {
    ProjectMember.Group.PROJECT_GROUP: (
        ProjectMember.MemberRole.COORDINATOR,
        ProjectMember.MemberRole.SUBPROJECT_LEADER,
        ProjectMember.MemberRole.PARTICIPANT,
        ProjectMember.MemberRole.SUPPORT,
    ),
    ProjectMember.Group.STEERING_GROUP: (
        ProjectMember.MemberRole.CHAIR,
        ProjectMember.MemberRole.MEMBER,
    ),
}


class DiaryCounter(models.Model):
    """The last diary number given out per year; locked row by row when registering."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("diarieräknare")
        verbose_name_plural = _("diarieräknare")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class CaseKind(models.TextChoices):
    PROJECT_IDEA = "projektide", _("Projektidé")
    CO_FINANCING = "medfinansiering", _("Medfinansiering")


class CaseState(models.TextChoices):
    """Every state of both decision routes. The decisions app owns the transitions."""

    # common
    REGISTERED = "registered", _("Registrerat")
    WITHDRAWN = "withdrawn", _("Återkallat")
    CLOSED = "closed", _("Avslutat")
    # projektidé (seed 000)
    AU_PREPARATION = "au_preparation", _("Under beredning i AU")
    AU_ASSESSED = "au_assessed", _("Bedömd av AU")
    AT_FORUM = "at_forum", _("Hos utvecklingsforum")
    AT_COUNCIL = "at_council", _("Hos utvecklingsrådet")
    AT_MANAGEMENT_GROUP = "at_management_group", _("Hos ledningsgruppen")
    AT_BOARD = "at_board", _("Hos regionstyrelsen")
    APPROVED = "approved", _("Godkänt")
    REJECTED = "rejected", _("Avslaget")
    APPLICATION_WRITING = "application_writing", _("Ansökan skrivs")
    APPLICATION_SENT = "application_sent", _("Ansökan inskickad")
    FUNDED = "funded", _("Beviljad extern finansiering")
    NOT_FUNDED = "not_funded", _("Ej beviljad extern finansiering")
    # medfinansiering (seeds 001, 002)
    PREPARATION = "preparation", _("Under beredning")
    READY_FOR_RUN = "ready_for_run", _("Klar för RUN")
    GRANTED = "granted", _("Beviljat")
    # after funding / grant
    RUNNING = "running", _("Projektet pågår")
    FINAL_REPORT = "final_report", _("Slutrapport inlämnad")


CLOSED_STATES = frozenset(
    {
        CaseState.WITHDRAWN,
        CaseState.CLOSED,
        CaseState.REJECTED,
        CaseState.NOT_FUNDED,
    }
)


class Case(LazyColumns, ThreadSafeRefreshMixin, ConcurrentTransitionMixin, Versioned):
    """An ärende in the registry, identified by its diary number (Dnr) ``00052-2020``.

    ``state`` is protected: only the decisions app's workflow services move it.
    """

    year = models.PositiveSmallIntegerField(_("år"), editable=False)
    number = models.PositiveIntegerField(_("löpnummer"), editable=False)
    nyps_id = models.CharField(
        _("NYPS-id"), max_length=12, blank=True, null=True, unique=True, validators=[nyps_validator]
    )
    kind = models.CharField(_("ärendetyp"), max_length=20, choices=CaseKind.choices)
    title = models.CharField(_("ärendemening"), max_length=300, db_collation=SWEDISH)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handläggare"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    received_on = models.DateField(_("inkom"))
    registered_on = models.DateField(_("registrerad"))
    project = models.ForeignKey(
        Project, verbose_name=_("projekt"), on_delete=models.PROTECT, related_name="cases"
    )
    state = FSMField(
        _("status"),
        max_length=30,
        choices=CaseState.choices,
        default=CaseState.REGISTERED,
        protected=True,
    )
    # When the case entered its state (set by every transition): "waiting since".
    state_since = models.DateTimeField(_("i status sedan"), default=timezone.now)
    granted_amount = money_field(_("beviljat belopp"), null=True, blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    # Swedish full-text document, kept up to date by services.case_refresh_search
    # (PostgreSQL; GIN-indexed by migration 0003). SQLite falls back to icontains.
    search_vector = SearchVectorField(null=True, editable=False)
    # The plain text the search document is built from (labelled parts), for the
    # highlighted snippets of the search page and the SQLite fallback.
    search_text = models.TextField(blank=True, default="", editable=False)
    # The same with the case's marked material (OSL), only for a case that has some: searched
    # for the users allowed to see it (``projects.selectors.case_search``). GIN-indexed by
    # migration 0019.
    secret_search_vector = SearchVectorField(null=True, editable=False)
    secret_search_text = models.TextField(blank=True, default="", editable=False)
    # What a match is ranked by (``projects.selectors.case_search``): the vectors above
    # without the documents' words (weight D), so ranking reads the case's own parts, a few
    # hundred bytes, not a vector of up to 1 MB a match (a common word matches thousands).
    rank_vector = SearchVectorField(null=True, editable=False)
    secret_rank_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    # The search columns: a case's whole text (and its documents'); pages that only show the
    # case leave them out (``.defer(*Case.SEARCH_FIELDS)``).
    SEARCH_FIELDS = (
        "search_vector",
        "search_text",
        "secret_search_vector",
        "secret_search_text",
        "rank_vector",
        "secret_rank_vector",
    )
    # Read only by a query that names them (core.lazy): megabytes a case
    LAZY_FIELDS = SEARCH_FIELDS
    # The case list's sort keys: copies of what a row shows from the project, its applicant
    # and the officer, kept by PostgreSQL triggers (``projects.triggers``), so a sort by
    # them reads an index (``projects.filters.KEYED_SORTS``). Empty on SQLite (no
    # triggers), where the list sorts by the joined columns themselves.
    # NULL (no applicant) sorts last both ways; "" would sort first
    sort_applicant = models.CharField(  # noqa: DJ001
        max_length=300, null=True, editable=False, db_collation=SWEDISH
    )
    sort_officer = models.CharField(
        max_length=300, default="", editable=False, db_collation=SWEDISH
    )
    sort_requested = models.DecimalField(max_digits=14, decimal_places=2, null=True, editable=False)
    SORT_KEY_FIELDS = ("sort_applicant", "sort_officer", "sort_requested")
    history = HistoricalRecords(
        bases=[FSMModelMixin, models.Model],
        excluded_fields=["updated_at", *SEARCH_FIELDS, *SORT_KEY_FIELDS],
    )

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["-year", "-number"]
        # the counts per kind and state (``CaseStateCount``), kept exact on PostgreSQL,
        # and the sort keys
        triggers = [*case_count_triggers(), *case_sort_key_triggers()]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="case_unique_dnr"),
            models.CheckConstraint(condition=Q(number__gte=1), name="case_number_positive"),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                name="case_granted_amount_non_negative",
            ),
        ]
        indexes = [
            # a workflow step's cases, those waiting longest first (a secretary's tasks read
            # the first 101 of each step: at 200 000 cases, 8 000 sorted for one step)
            models.Index(fields=["kind", "state", "state_since", "id"], name="case_step_waiting"),
            models.Index(fields=["officer", "state"]),
            # the case list sorted by kind, state or title (``filters._order``),
            # newest Dnr first within; read backwards for the reverse order
            models.Index(fields=["kind", "-year", "-number"], name="case_kind_dnr"),
            models.Index(fields=["state", "-year", "-number"], name="case_state_dnr"),
            models.Index(fields=["title", "-year", "-number"], name="case_title_dnr"),
            models.Index(fields=["sort_officer", "-year", "-number"], name="case_officer_dnr"),
            # the nullable ones twice, so empty ones come last both ways (the "_rev" index
            # read backwards gives the descending order)
            *(
                NullsPlacedIndex(
                    F(column).asc(nulls_first=True) if reverse else F(column).asc(nulls_last=True),
                    F("year").desc(),
                    F("number").desc(),
                    name=f"case_{short}_dnr{'_rev' if reverse else ''}",
                )
                for column, short in (
                    ("sort_applicant", "applicant"),
                    ("sort_requested", "requested"),
                    ("granted_amount", "granted"),
                )
                for reverse in (False, True)
            ),
            # a year's received and decided cases (the dashboard, the annual report)
            # a Dnr's running number typed alone in a search (any year)
            models.Index(fields=["number"], name="case_number"),
            models.Index(fields=["registered_on"], name="case_registered_on"),
            models.Index(fields=["decided_on"], name="case_decided_on"),
            # the case list's kind and year filters together (with a search: a bitmap of
            # the year's cases of the kind, not of every case of the kind)
            models.Index(fields=["kind", "year"], name="case_kind_year"),
            # the dashboard's co-financing counts of a year read from the index alone
            models.Index(fields=["kind", "registered_on"], name="case_kind_registered_on"),
            # co-financing applications received in a year (the annual report)
            models.Index(fields=["kind", "received_on"], name="case_kind_received_on"),
            models.Index(
                fields=["kind", "decided_on"],
                include=["state", "granted_amount"],
                name="case_kind_decided_on",
            ),
        ]

    def __str__(self):
        return f"{self.dnr} {self.title}"

    def get_absolute_url(self):
        return object_url("projects:case_detail", self.pk)

    @property
    def dnr(self) -> str:
        return format_dnr(self.number, self.year)

    # Django's generated get_FOO_display() builds a dict of every choice, hashing (and so
    # translating) each lazy label, on each call: 20 translations per row for the state.
    # These look up the one label.
    def get_state_display(self) -> str:
        return choice_label(CaseState, self.state)

    def get_kind_display(self) -> str:
        return choice_label(CaseKind, self.kind)

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES

    @property
    def state_tone(self) -> str:
        """Colour of the state badge: green (positive), red (negative), grey, amber."""
        return STATE_TONES.get(self.state, "amber")


STATE_TONES = {
    CaseState.REGISTERED: "",
    CaseState.APPROVED: "green",
    CaseState.GRANTED: "green",
    CaseState.FUNDED: "green",
    CaseState.RUNNING: "green",
    CaseState.FINAL_REPORT: "green",
    CaseState.REJECTED: "red",
    CaseState.NOT_FUNDED: "red",
    CaseState.WITHDRAWN: "grey",
    CaseState.CLOSED: "grey",
}


def choice_label(choices: type[models.Choices], value) -> str:
    """The translated label of ``value`` in ``choices``; the value itself if unknown."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def document_upload_to(instance: "Document", filename: str) -> str:
    """Stored as cases/<year>/<dnr>/<uuid>-<sanitised name>; never the user's path."""
    case = instance.case
    return f"cases/{case.year}/{case.dnr}/{uuid.uuid4().hex}-{sanitise_filename(filename)}"


class Direction(models.TextChoices):
    INCOMING = "inkommande", _("Inkommande")
    DRAWN_UP = "upprattad", _("Upprättad")
    OUTGOING = "utgaende", _("Utgående")


class PartyKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Enskild person")


def next_registry_number(case_id: int) -> int:
    """The next document number of a case, under the case's row lock (call in a transaction):
    two registrations at the same moment queue on the lock and never share a number."""
    Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True).get()
    top = Document.objects.filter(case_id=case_id).aggregate(m=models.Max("registry_number"))
    return (top["m"] or 0) + 1


class Document(LazyColumns, models.Model):
    """A registered document of a case (beslutsunderlag, bilaga, ...), versioned by title.

    Every row is an entry in the case's registry with its own number (``00052-2020-4``).
    """

    Direction = Direction
    PartyKind = PartyKind

    class Kind(models.TextChoices):
        DECISION_BASIS = "beslutsunderlag", _("Beslutsunderlag")
        APPENDIX = "bilaga", _("Bilaga")
        APPLICATION = "ansokan", _("Ansökan")
        REPORT = "rapport", _("Rapport")
        CORRESPONDENCE = "korrespondens", _("Korrespondens")
        # a decision the region drew up (on delegation): kept (no retention class weeds it)
        DECISION = "beslut", _("Beslut")
        OTHER = "ovrigt", _("Övrigt")

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("titel"), max_length=200, db_collation=SWEDISH)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.APPENDIX)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    file = models.FileField(_("fil"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(_("filtyp"), max_length=100)
    size = models.PositiveBigIntegerField(_("storlek"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    confidential = models.BooleanField(
        _("sekretess"), default=False, help_text=_("Dold för rollen läsare.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)
    # Text read from the file by projects.tasks.document_extract_text (PDF, DOCX, TXT)
    # for the search; empty for images and until the task has run.
    text = models.TextField(_("text"), blank=True, default="", editable=False)
    # up to 500 000 characters: read only by a query that names it (core.lazy)
    LAZY_FIELDS = ("text",)
    text_extracted_at = models.DateTimeField(
        _("text utläst"), null=True, blank=True, editable=False
    )
    # The registry (OSL 5 kap.): a running number within the case, given on the first save.
    registry_number = models.PositiveIntegerField(_("löpnummer"), blank=True, editable=False)
    direction = models.CharField(
        _("riktning"), max_length=12, choices=Direction.choices, default=Direction.INCOMING
    )
    document_date = models.DateField(
        _("dokumentdatum"),
        default=timezone.localdate,
        help_text=_("Dagen handlingen kom in eller upprättades."),
    )
    party_kind = models.CharField(
        _("avsändare/mottagare är"), max_length=12, choices=PartyKind.choices, blank=True
    )
    party_name = models.CharField(_("avsändare/mottagare"), max_length=200, blank=True)
    description = models.CharField(_("kort beskrivning"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    registered_at = models.DateTimeField(_("registrerad"), default=timezone.now)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("bilaga till"),
        on_delete=models.PROTECT,
        related_name="attachments",
        null=True,
        blank=True,
    )
    # What the app generated it from (e.g. "meetings.generated:12"), so it is registered once.
    source_key = models.CharField(_("källa"), max_length=100, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["text", "text_extracted_at"])

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokument")
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "title", "version"], name="document_unique_version"
            ),
            models.UniqueConstraint(
                fields=["case", "registry_number"], name="document_unique_registry_number"
            ),
            models.UniqueConstraint(
                fields=["case", "source_key"],
                condition=~Q(source_key=""),
                name="document_registered_once_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        if self.registry_number is None:
            with transaction.atomic():
                self.registry_number = next_registry_number(self.case_id)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return object_url("projects:document_download", self.pk)

    @property
    def registry_label(self) -> str:
        """``00052-2020-4``: the case's Dnr and the document's number within it."""
        return f"{self.case.dnr}-{self.registry_number}"


class Obligation(Versioned):
    """A condition the project must meet, e.g. a special condition of a grant decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("Öppet")
        FULFILLED = "fulfilled", _("Uppfyllt")

    project = models.ForeignKey(
        Project, verbose_name=_("projekt"), on_delete=models.CASCADE, related_name="obligations"
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("beslut i ärende"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="obligations",
    )
    text = models.TextField(_("villkor"))
    due_date = models.DateField(_("förfallodatum"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    fulfilled_on = models.DateField(_("uppfylld"), null=True, blank=True)
    fulfilment_note = models.TextField(_("kommentar"), blank=True)
    source = models.CharField(
        _("källa"), max_length=200, blank=True, help_text=_("T.ex. RUN 2020-03-24 § 38 punkt 4a.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("särskilt villkor")
        verbose_name_plural = _("särskilda villkor")
        ordering = ["status", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(fulfilled_on__isnull=False),
                name="obligation_fulfilled_has_date",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )


class CaseNote(models.Model):
    """A tjänsteanteckning: what an officer noted on a case (a call, a meeting, advice
    given), dated and signed by its author. Append-only: a correction is a new note
    (PostgreSQL refuses UPDATE and DELETE)."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.PROTECT, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skriven av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("anteckning"), max_length=5000)
    created_at = models.DateTimeField(_("skriven"), auto_now_add=True)

    class Meta:
        verbose_name = _("tjänsteanteckning")
        verbose_name_plural = _("tjänsteanteckningar")
        ordering = ["-created_at", "-pk"]
        triggers = [
            pgtrigger.Protect(
                name="case_note_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self):
        return f"{self.case.dnr} {self.created_at:%Y-%m-%d}"


# --- Secrecy (offentlighets- och sekretesslagen) ---------------------------------------


class SecrecyProvision(models.Model):
    """A managed list of the OSL provisions a secrecy marking may rest on."""

    name = models.CharField(_("bestämmelse"), max_length=100, unique=True, db_collation=SWEDISH)
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sekretessbestämmelse")
        verbose_name_plural = _("sekretessbestämmelser")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class SecrecyMarking(models.Model):
    """A secrecy marking on a case, a document of it, or one field of the case.

    The object is the case, plus ``document`` for a document, or ``field`` (a key of
    ``projects.secrecy.MARKABLE_FIELDS``, e.g. ``project.summary``) for a field. A marking
    is a warning, not a lock: it masks the material for everyone the settings do not
    allow (``SECRECY_ALLOWED_ROLES``, the case's officer), and it is lifted with a reason,
    never deleted.
    """

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="secrecy_markings"
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("dokument"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="secrecy_markings",
    )
    field = models.CharField(_("uppgift"), max_length=60, blank=True)
    provision = models.ForeignKey(
        SecrecyProvision,
        verbose_name=_("bestämmelse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Tom: bestämmelsen är inte angiven (markering från före sekretesslistan)."),
    )
    note = models.TextField(_("anteckning"), blank=True)
    marked_on = models.DateField(_("markerad"), default=timezone.localdate)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("markerad av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    lifted_at = models.DateTimeField(_("hävd"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("hävd av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    lift_reason = models.TextField(_("skäl för hävning"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sekretessmarkering")
        verbose_name_plural = _("sekretessmarkeringar")
        ordering = ["-marked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=True) | Q(field=""),
                name="secrecymarking_document_or_field",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | ~Q(lift_reason=""),
                name="secrecymarking_lifted_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["case", "lifted_at"])]

    def __str__(self):
        return f"{self.case.dnr}: {self.provision or _('bestämmelse ej angiven')}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class SecrecyAccessLog(models.Model):
    """Who opened secret material, when, and what (kept; never changed)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Visade")
        DOWNLOAD = "download", _("Laddade ner")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    action = models.CharField(_("åtgärd"), max_length=10, choices=Action.choices)
    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("dokument"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    what = models.CharField(_("vad"), max_length=300)
    path = models.CharField(_("adress"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("åtkomst till sekretessmarkerat")
        verbose_name_plural = _("åtkomstlogg för sekretessmarkerat")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user}: {self.what}"


# --- Requests for public documents (tryckfrihetsförordningen 2 kap.) -------------------


class DocumentRequest(models.Model):
    """A request for public documents of a case (begäran om allmän handling) and its
    decision: released, released with masking (a masked copy registered as outgoing), or
    refused (a decision with the provision and how to appeal, registered as outgoing)."""

    class Decision(models.TextChoices):
        RELEASED = "released", _("Lämnas ut")
        MASKED = "masked", _("Lämnas ut med maskering")
        REFUSED = "refused", _("Avslag")

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.PROTECT, related_name="document_requests"
    )
    requester = models.CharField(
        _("sökande"), max_length=200, help_text=_("Får vara anonym; ange då t.ex. ”Anonym”.")
    )
    received_on = models.DateField(_("inkom"), default=timezone.localdate)
    subject = models.TextField(_("vad som begärs"))
    documents = models.ManyToManyField(
        Document, verbose_name=_("handlingar"), related_name="requests", blank=True
    )
    decision = models.CharField(_("beslut"), max_length=10, choices=Decision.choices, blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beslutat av"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    provision = models.ForeignKey(
        SecrecyProvision,
        verbose_name=_("bestämmelse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    masked_phrases = models.TextField(_("maskerade ord och fraser"), blank=True)
    reasoning = models.TextField(_("motivering"), blank=True)
    outputs = models.ManyToManyField(
        Document,
        verbose_name=_("expedierade handlingar"),
        related_name="request_outputs",
        blank=True,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registrerad"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[documents])

    class Meta:
        verbose_name = _("begäran om allmän handling")
        verbose_name_plural = _("begäranden om allmän handling")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.case.dnr}: {self.requester} ({self.received_on:%Y-%m-%d})"

    def get_absolute_url(self):
        return object_url("projects:request_detail", self.pk)

    def days_taken(self, today=None) -> int:
        """Working days from receipt to the decision (or to today): weekends, public
        holidays and midsommar-, jul- and nyårsafton are not counted (core.workdays)."""
        end = self.decided_on or today or timezone.localdate()
        return working_days_between(self.received_on, end)

    def is_late(self, today=None) -> bool:
        return self.days_taken(today) > settings.PUBLIC_ACCESS_TARGET_DAYS


class CaseOfficer(User):
    """The user model seen as the officer of cases: carries the trigger that writes a
    changed name onto the cases' sort keys (``Case.sort_officer``; a proxy, so the trigger
    lives in this app's migrations)."""

    class Meta:
        proxy = True
        verbose_name = _("handläggare")
        verbose_name_plural = _("handläggare")
        triggers = officer_sort_key_triggers()


class CaseStateCount(models.Model):
    """How many cases there are of one kind in one state.

    Kept exact by PostgreSQL triggers on the cases (``projects.triggers``), so the work
    queues' counts read these few rows instead of every case in a queue. Derived data: no
    history, no editing (not in the admin); on SQLite (no triggers) it stays empty and the
    queues count the cases themselves."""

    kind = models.CharField(_("ärendetyp"), max_length=20, choices=CaseKind.choices)
    state = models.CharField(_("status"), max_length=30, choices=CaseState.choices)
    count = models.BigIntegerField(_("antal"), default=0)

    class Meta:
        verbose_name = _("antal ärenden per status")
        verbose_name_plural = _("antal ärenden per status")
        constraints = [
            models.UniqueConstraint(fields=["kind", "state"], name="case_state_count_key"),
        ]

    def __str__(self):
        return f"{self.kind} {self.state}: {self.count}"


# Retention (gallring) lives in its own package; imported here so Django registers it.
from projects.retention.models import (  # noqa: E402,F401
    DestructionLog,
    KindRetention,
    RetentionClass,
    RetentionDecision,
    RetentionItem,
    RetentionRun,
)
