"""The annual government report: Återrapportering av villkorsbeslut ÅÅÅÅ (seed 004).

A ``ReportYear`` is created from a template (data, see ``reporting.template``): its
section tree with every question text is copied into ``Section`` rows, each answerable
section gets an ``Answer`` written by officers, insatser tables hold ``Insats`` rows.
Figures are never stored: ``reporting.figures`` computes them from the recorded cases
and money. Each generation request is a ``ReportJob``; every file it produced is kept
as a ``GeneratedReport``.
"""

import uuid

import pgtrigger
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.concurrency import Versioned
from core.jobs import JobBase
from core.links import object_url
from core.triggers import FROZEN_ERRCODE

# SQL: the report (of the row's section) is approved by the committee.
REPORT_APPROVED = "(r.approved_on IS NOT NULL OR r.approved_paragraph_id IS NOT NULL)"


def _frozen_when_approved(name: str, report_of_old: str):
    """A row of an approved report: PostgreSQL refuses to change or delete it."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Update | pgtrigger.Delete,
        func=f"""
            IF EXISTS (SELECT 1 FROM reporting_reportyear r WHERE r.id = ({report_of_old})
                       AND {REPORT_APPROVED}) THEN
                RAISE EXCEPTION 'Norrbotten Cases: row % of % belongs to an approved report '
                    'and cannot be changed; the approval is revoked by a new paragraph.',
                    OLD.id, TG_TABLE_NAME USING ERRCODE = '{FROZEN_ERRCODE}';
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        """,
    )


# The report row itself: once approved, nothing but the approval and its revocation
# changes, and the approval is only cleared together with the revoking paragraph.
APPROVAL_COLUMNS = (
    "approval_reference",
    "approved_on",
    "approved_paragraph_id",
    "approved_by_user_id",
    "approved_recorded_at",
    "approved_figures",
    "revoked_paragraph_id",
    "revoked_on",
    "revoked_by_user_id",
    "revoked_recorded_at",
    "version",
    "updated_at",
)
_MINUS = "".join(f" - '{column}'" for column in APPROVAL_COLUMNS)
REPORT_YEAR_APPROVED_TRIGGER = pgtrigger.Trigger(
    name="reportyear_frozen_when_approved",
    when=pgtrigger.Before,
    operation=pgtrigger.Update | pgtrigger.Delete,
    func=f"""
        IF (OLD.approved_on IS NOT NULL OR OLD.approved_paragraph_id IS NOT NULL) THEN
            IF TG_OP = 'DELETE' OR (to_jsonb(NEW){_MINUS}) IS DISTINCT FROM (to_jsonb(OLD){_MINUS})
            THEN
                RAISE EXCEPTION 'Norrbotten Cases: report % is approved and cannot be changed.',
                    OLD.year USING ERRCODE = '{FROZEN_ERRCODE}';
            END IF;
            IF (NEW.approved_on IS NOT NULL OR NEW.approved_paragraph_id IS NOT NULL)
                AND NEW.approved_figures IS DISTINCT FROM OLD.approved_figures THEN
                RAISE EXCEPTION 'Norrbotten Cases: the figures of approved report % are kept '
                    'as approved.', OLD.year USING ERRCODE = '{FROZEN_ERRCODE}';
            END IF;
            IF NEW.approved_on IS NULL AND NEW.approved_paragraph_id IS NULL AND (
                NEW.revoked_paragraph_id IS NULL
                OR NEW.revoked_paragraph_id IS NOT DISTINCT FROM OLD.revoked_paragraph_id
                OR NEW.revoked_paragraph_id IS NOT DISTINCT FROM OLD.approved_paragraph_id
            ) THEN
                RAISE EXCEPTION 'Norrbotten Cases: the approval of report % is revoked only '
                    'by a new paragraph.', OLD.year USING ERRCODE = '{FROZEN_ERRCODE}';
            END IF;
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    """,
)

# the title of a report whose template names none ({year} and {region} filled in)
TITLE_PATTERN = "Återrapportering av villkorsbeslut {year} – {region}"


class ReportYear(Versioned):
    """One year's report: title page facts, the template it was built from, its approval."""

    year = models.PositiveSmallIntegerField(
        _("år"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    title = models.CharField(_("titel"), max_length=300)
    government_reference = models.CharField(
        _("Regeringskansliets diarienummer"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. N2021/03079, N2021/03001 (delvis)."),
    )
    agency_reference = models.CharField(
        _("Tillväxtverkets diarienummer"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Ä 2022–4019."),
    )
    region_reference = models.CharField(
        _("regionens diarienummer"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. RUN 00060-2022."),
    )
    recipients = models.TextField(
        _("skickas till"),
        blank=True,
        help_text=_("En e-postadress per rad; rapporten skickas i Wordformat."),
    )
    template = models.JSONField(
        _("mall"),
        default=dict,
        editable=False,
        help_text=_("Mallen rapporten skapades från; nästa år utgår från den."),
    )
    template_source = models.CharField(_("mallens ursprung"), max_length=200, editable=False)
    approval_reference = models.CharField(
        _("godkänd i"),
        max_length=200,
        blank=True,
        help_text=_("Paragrafen som godkände rapporten, t.ex. Regionutvecklingsutskottet § 29."),
    )
    approved_on = models.DateField(_("godkänd den"), null=True, blank=True)
    approved_paragraph = models.ForeignKey(
        "decisions.Paragraph",
        verbose_name=_("godkänd i paragraf"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Protokollsparagrafen som godkände rapporten (seed 003: § 29)."),
    )
    approved_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("godkännande registrerat av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_recorded_at = models.DateTimeField(_("godkännande registrerat"), null=True, blank=True)
    approved_figures = models.JSONField(
        _("nyckeltal vid godkännandet"),
        null=True,
        blank=True,
        editable=False,
        encoder=DjangoJSONEncoder,
        help_text=_(
            "Nyckeltalen som de var när rapporten godkändes: den godkända rapporten visar och "
            "skapas från dem, inte från dagens uppgifter."
        ),
    )
    revoked_paragraph = models.ForeignKey(
        "decisions.Paragraph",
        verbose_name=_("godkännandet upphävt i paragraf"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Paragrafen där nämnden upphävde det senaste godkännandet."),
    )
    revoked_on = models.DateField(_("godkännandet upphävt den"), null=True, blank=True)
    revoked_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("upphävande registrerat av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_recorded_at = models.DateTimeField(_("upphävande registrerat"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "template"])

    class Meta:
        verbose_name = _("återrapportering")
        verbose_name_plural = _("återrapporteringar")
        ordering = ["-year"]
        triggers = [REPORT_YEAR_APPROVED_TRIGGER]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("reporting:report_detail", self.year)

    @property
    def is_approved(self) -> bool:
        return self.approved_on is not None or self.approved_paragraph_id is not None

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class SectionKind(models.TextChoices):
    HEADING = "heading", _("Rubrik")
    QUESTION = "question", _("Fråga")


class AnswerKind(models.TextChoices):
    TEXT = "text", _("Text")
    YES_NO = "yes_no", _("Ja/nej med text")


class Section(models.Model):
    """A node of the report's section tree, copied from the template.

    Headings group; questions are answered (``Answer``) and may carry an insatser table
    (``insatser_max`` > 0) and computed figure blocks (``figures``).
    """

    report = models.ForeignKey(
        ReportYear, verbose_name=_("rapport"), on_delete=models.CASCADE, related_name="sections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("överordnat avsnitt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    key = models.SlugField(_("nyckel"), max_length=80)
    number = models.CharField(_("nummer"), max_length=20)
    kind = models.CharField(_("typ"), max_length=10, choices=SectionKind.choices)
    title = models.CharField(_("rubrik"), max_length=300, blank=True)
    numbered = models.BooleanField(_("numrerad rubrik"), default=True)
    intro = models.TextField(_("inledning"), blank=True)
    question = models.TextField(_("frågetext"), blank=True)
    answer_kind = models.CharField(
        _("svarstyp"), max_length=10, choices=AnswerKind.choices, blank=True
    )
    yes_prompt = models.TextField(_("fråga vid ja"), blank=True)
    no_prompt = models.TextField(_("fråga vid nej"), blank=True)
    insatser_max = models.PositiveSmallIntegerField(_("högsta antal insatser"), default=0)
    figures = models.JSONField(_("nyckeltal"), default=list, blank=True)
    depth = models.PositiveSmallIntegerField(_("nivå"))
    position = models.PositiveIntegerField(_("ordning"))

    class Meta:
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")
        ordering = ["report", "position"]
        triggers = [_frozen_when_approved("section_frozen_when_approved", "OLD.report_id")]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="section_unique_key"),
            models.UniqueConstraint(fields=["report", "number"], name="section_unique_number"),
            models.UniqueConstraint(fields=["report", "position"], name="section_unique_position"),
            models.CheckConstraint(
                condition=Q(kind="heading", answer_kind="", insatser_max=0)
                | Q(kind="question") & ~Q(answer_kind=""),
                name="section_only_questions_are_answered",
            ),
        ]

    def __str__(self):
        return self.heading or self.number

    def get_absolute_url(self):
        return reverse("reporting:section_detail", args=[self.report.year, self.number])

    @property
    def heading(self) -> str:
        """The heading as printed: ``1.2.1 Likvärdiga ...`` or the chapter title as is."""
        if not self.title:
            return ""
        return f"{self.number} {self.title}" if self.numbered else self.title

    @property
    def is_question(self) -> bool:
        return self.kind == SectionKind.QUESTION

    @property
    def has_insatser(self) -> bool:
        return self.insatser_max > 0


class Answer(Versioned):
    """The narrative answer to one question of one year's report."""

    section = models.OneToOneField(
        Section, verbose_name=_("avsnitt"), on_delete=models.CASCADE, related_name="answer"
    )
    text = models.TextField(
        _("svar"),
        blank=True,
        help_text=_(
            "Tom rad mellan stycken. Rader som börjar med ”- ” blir punktlista. "
            "**fetstil** med dubbla asterisker."
        ),
    )
    yes_no = models.BooleanField(_("ja/nej"), null=True, blank=True)
    done = models.BooleanField(_("klar"), default=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("markerad klar av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("markerad klar"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senast ändrad av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("senast ändrad"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Handläggaren som skriver svaret; avsnittet står i hens uppgifter."),
    )
    carried_from_year = models.PositiveSmallIntegerField(
        _("fört över från år"),
        null=True,
        blank=True,
        help_text=_(
            "Svaret är förra årets text, förd över när rapporten skapades: ett utkast att "
            "revidera tills någon sparar svaret."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        ordering = ["section__position"]
        triggers = [
            _frozen_when_approved(
                "answer_frozen_when_approved",
                "SELECT s.report_id FROM reporting_section s WHERE s.id = OLD.section_id",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(done=False) | Q(done_at__isnull=False),
                name="answer_done_has_time",
            ),
        ]

    def __str__(self):
        return str(self.section)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and self.yes_no is None

    @property
    def needs_revision(self) -> bool:
        """Last year's answer carried forward and not yet edited this year."""
        return self.carried_from_year is not None


class Insats(Versioned):
    """One row of an insatser table (at most ``section.insatser_max`` per section).

    Prefilled from a project of the year; edited here without changing the project.
    """

    section = models.ForeignKey(
        Section, verbose_name=_("avsnitt"), on_delete=models.CASCADE, related_name="insatser"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("projekt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.TextField(
        _("namn på insats och kort beskrivning"),
        help_text=_("Första raden är insatsens namn."),
    )
    goal = models.TextField(
        _("mål"), blank=True, help_text=_("RUS-område och smart specialisering.")
    )
    outputs = models.TextField(_("resultat i form av prestationer"), blank=True)
    effects = models.TextField(_("resultat i form av effekter"), blank=True)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tillagd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tillagd"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["section", "position", "pk"]
        triggers = [
            _frozen_when_approved(
                "insats_frozen_when_approved",
                "SELECT s.report_id FROM reporting_section s WHERE s.id = OLD.section_id",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return self.name.strip().splitlines()[0] if self.name.strip() else ""


class FigureCheck(models.Model):
    """A controller's record that the year's figures were checked, with what they were."""

    report = models.ForeignKey(
        ReportYear, verbose_name=_("rapport"), on_delete=models.CASCADE, related_name="checks"
    )
    figures = models.JSONField(_("nyckeltal vid kontrollen"))
    note = models.TextField(_("kommentar"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kontrollerad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("kontrollerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("kontroll av nyckeltal")
        verbose_name_plural = _("kontroller av nyckeltal")
        ordering = ["-checked_at", "-pk"]

    def __str__(self):
        return f"{self.report.year} {self.checked_at:%Y-%m-%d}"


class ReportJob(JobBase):
    """One request to generate the year's report as DOCX and PDF."""

    report = models.ForeignKey(
        ReportYear, verbose_name=_("rapport"), on_delete=models.CASCADE, related_name="jobs"
    )

    class Meta(JobBase.Meta):
        verbose_name = _("rapportjobb")
        verbose_name_plural = _("rapportjobb")

    def __str__(self):
        return f"{self.report.year} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.report.get_absolute_url()


class ReportFormat(models.TextChoices):
    DOCX = "docx", _("Word (DOCX)")
    PDF = "pdf", _("PDF")


CONTENT_TYPES = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.PDF: "application/pdf",
}


def generated_upload_to(instance: "GeneratedReport", filename: str) -> str:
    """Stored as reports/<year>/<uuid>.<format>; never reachable by a public URL."""
    return f"reports/{instance.report.year}/{uuid.uuid4().hex}.{instance.format}"


class GeneratedReport(models.Model):
    """A file a job produced: kept with who asked, when, and its SHA-256."""

    report = models.ForeignKey(
        ReportYear, verbose_name=_("rapport"), on_delete=models.PROTECT, related_name="files"
    )
    job = models.ForeignKey(
        ReportJob, verbose_name=_("jobb"), on_delete=models.PROTECT, related_name="files"
    )
    format = models.CharField(_("format"), max_length=4, choices=ReportFormat.choices)
    file = models.FileField(_("fil"), upload_to=generated_upload_to, max_length=300)
    filename = models.CharField(_("filnamn"), max_length=200)
    size = models.PositiveBigIntegerField(_("storlek"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    final = models.BooleanField(
        _("slutlig"),
        default=False,
        help_text=_("Skapad efter nämndens godkännande: lagras en gång och ändras aldrig."),
    )
    approved_recorded_at = models.DateTimeField(
        _("godkännandet filen hör till"), null=True, blank=True, editable=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("beställd av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("genererad rapport")
        verbose_name_plural = _("genererade rapporter")
        ordering = ["-created_at", "format"]
        constraints = [
            models.UniqueConstraint(fields=["job", "format"], name="generated_unique_format"),
            # One final file per format and approval (a revoked approval's files remain).
            models.UniqueConstraint(
                fields=["report", "format", "approved_recorded_at"],
                condition=Q(final=True),
                name="generated_one_final_per_approval",
            ),
            models.CheckConstraint(
                condition=Q(final=False) | Q(approved_recorded_at__isnull=False),
                name="generated_final_has_approval",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="generated_report_final_never_changes",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=f"""
                    IF OLD.final THEN
                        RAISE EXCEPTION 'Norrbotten Cases: the final report file % cannot be '
                            'changed or deleted.', OLD.id USING ERRCODE = '{FROZEN_ERRCODE}';
                    END IF;
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;
                """,
            )
        ]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return object_url("reporting:file_download", self.pk)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def word_template_upload_to(instance: "WordTemplate", filename: str) -> str:
    return f"reports/word-templates/{uuid.uuid4().hex}.docx"


class WordTemplate(models.Model):
    """A Word template an administrator uploaded to replace the shipped one.

    The newest row is the template in use; with none, the report is built on
    ``reporting/templates_docx/report-template.docx``. Rows are kept (who, when,
    SHA-256), so it is known which template a report was built on.
    """

    file = models.FileField(_("fil"), upload_to=word_template_upload_to, max_length=300)
    filename = models.CharField(_("filnamn"), max_length=200)
    size = models.PositiveBigIntegerField(_("storlek"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    in_use = models.BooleanField(_("används"), default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        verbose_name = _("Word-mall")
        verbose_name_plural = _("Word-mallar")
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["in_use"], condition=Q(in_use=True), name="word_template_one_in_use"
            )
        ]

    def __str__(self):
        return self.filename


# The archive export job lives in its own package; imported here so Django registers it.
from reporting.archive.models import ArchiveExport  # noqa: E402,F401
