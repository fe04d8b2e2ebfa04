"""Meeting models: bodies, members, meetings, agenda, paragraphs, signatures, documents.

A body (BodyCode) holds meetings. Before a meeting the secretary builds the agenda
(``AgendaItem``); at the meeting each item that is handled becomes a ``Paragraph``
numbered per body and calendar year (``ParagraphCounter``, locked row by row). Motions,
the propositionsordning, votes, reservations and declared conflicts of interest (jäv)
belong to the paragraph. The chair and the elected adjuster sign (``Signature``); after
both have signed the meeting is ``signed`` and every write is refused (services check).
Generated PDFs (kallelse, protocol, extracts) are stored with their SHA-256.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.collation import SWEDISH
from core.jobs import JobBase
from core.links import object_url
from core.triggers import (
    AGENDA_ITEM_SIGNED,
    MEETING_SIGNED,
    MOTION_SIGNED,
    PARAGRAPH_SIGNED,
    RESERVATION_SIGNED,
    frozen_record,
    set_once,
)
from decisions.meetings.notice_dates import MOST_SIGNING_DAYS, signing_deadline
from decisions.workflow.constants import BodyCode

__all__ = [
    "AgendaItem",
    "Attendance",
    "Body",
    "BodyMember",
    "ConflictOfInterest",
    "DocumentJob",
    "ExtractDispatch",
    "ExtractRecipient",
    "GeneratedDocument",
    "Meeting",
    "Motion",
    "OtherAttendee",
    "Paragraph",
    "ParagraphCounter",
    "Reservation",
    "Signature",
    "Vote",
]


class Body(models.Model):
    """A decision-making body (nämnd, utskott, råd, forum) with its members and secretary."""

    code = models.CharField(_("kod"), max_length=20, choices=BodyCode.choices, unique=True)
    name = models.CharField(_("namn"), max_length=200, db_collation=SWEDISH)
    genitive = models.CharField(
        _("namn i genitiv"),
        max_length=200,
        help_text=_("Används i rubriken, t.ex. ”Regionala utvecklingsnämndens beslut”."),
    )
    decision_intro = models.CharField(
        _("inledning till beslutspunkter"),
        max_length=300,
        help_text=_("T.ex. ”Regionala utvecklingsnämnden beslutar att:”"),
    )
    short_name = models.CharField(
        _("förkortning"), max_length=20, blank=True, help_text=_("T.ex. RUN, i beslutsreferenser.")
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sekreterare"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    default_place = models.CharField(_("sammanträdesplats"), max_length=200, blank=True)
    signing_days = models.PositiveSmallIntegerField(
        _("dagar till justering"),
        null=True,
        blank=True,
        default=MOST_SIGNING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MOST_SIGNING_DAYS)],
        help_text=_(
            "Protokollet ska justeras senast så många dagar efter sammanträdet (kommunallagen "
            "6 kap. 35 §: 14 dagar). Tomt: ingen frist, för ett organ utan den regeln."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organ")
        ordering = ["name"]
        constraints = [
            # kommunallagen 6 kap. 35 §: at the latest 14 days after the meeting, for every
            # path (form, API, admin, shell): a longer limit would let a protocol be signed
            # too late without any warning.
            models.CheckConstraint(
                condition=Q(signing_days__isnull=True)
                | Q(signing_days__gte=1, signing_days__lte=MOST_SIGNING_DAYS),
                name="body_signing_days_at_most_14",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("decisions:body_detail", self.pk)

    @property
    def name_in_sentence(self) -> str:
        """``regionala utvecklingsnämnden`` for "... finner att regionala utvecklingsnämnden"."""
        return self.name[:1].lower() + self.name[1:]

    @property
    def reference_name(self) -> str:
        return self.short_name or self.name


class BodyMember(models.Model):
    """A member or substitute of a body; linked to a user account to sign protocols."""

    class MemberRole(models.TextChoices):
        CHAIR = "chair", _("Ordförande")
        VICE_CHAIR = "vice_chair", _("Vice ordförande")
        MEMBER = "member", _("Ledamot")
        SUBSTITUTE = "substitute", _("Ersättare")

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("namn"), max_length=200, db_collation=SWEDISH)
    party = models.CharField(_("parti"), max_length=10, blank=True, help_text=_("T.ex. S, C, V."))
    role = models.CharField(_("roll"), max_length=20, choices=MemberRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användarkonto"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="body_memberships",
        help_text=_("Behövs för att ordförande och justerare ska kunna justera i appen."),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ledamot")
        verbose_name_plural = _("ledamöter och ersättare")
        ordering = ["body", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="bodymember_unique_name"),
            models.UniqueConstraint(
                fields=["body"],
                condition=Q(role="chair", active=True),
                name="bodymember_one_active_chair",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """``Jan Anders Perdal (V)``, as the protocol names people."""
        return f"{self.name} ({self.party})" if self.party else self.name

    @property
    def is_substitute(self) -> bool:
        return self.role == self.MemberRole.SUBSTITUTE


class ParagraphCounter(models.Model):
    """The last paragraph number used by a body in a calendar year; locked when numbering.

    The secretary may set where a year starts (RUN 2020: the 2020-03-24 meeting
    begins at § 22, so ``last_number`` is 21 before it).
    """

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.CASCADE, related_name="counters"
    )
    year = models.PositiveSmallIntegerField(_("år"))
    last_number = models.PositiveIntegerField(_("senast använda §"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paragrafräknare")
        verbose_name_plural = _("paragrafräknare")
        ordering = ["body", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year"], name="paragraphcounter_unique_year"),
        ]

    def __str__(self):
        return f"{self.body} {self.year}: § {self.last_number}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planerat")
    HELD = "held", _("Genomfört")
    SIGNING = "signing", _("Under justering")
    SIGNED = "signed", _("Justerat")


class Meeting(models.Model):
    """A sammanträde of a body. Status: planned -> held -> signing -> signed (frozen)."""

    Status = MeetingStatus

    body = models.ForeignKey(
        Body, verbose_name=_("organ"), on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("tid"))
    end_time = models.TimeField(_("sluttid"), null=True, blank=True)
    place = models.CharField(_("plats"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    adjuster = models.ForeignKey(
        BodyMember,
        verbose_name=_("justerare"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chair = models.ForeignKey(
        BodyMember,
        verbose_name=_("ordförande vid sammanträdet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tom: organets ordförande."),
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sekreterare"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    adjustment_place = models.CharField(_("justeringens plats och tid"), max_length=200, blank=True)
    signing_round = models.PositiveSmallIntegerField(_("justeringsomgång"), default=0)
    signing_comment = models.TextField(_("kommentar från justerare"), blank=True)
    signed_at = models.DateTimeField(_("justerat"), null=True, blank=True)
    notice_posted_on = models.DateField(_("anslaget"), null=True, blank=True)
    notice_posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("anslaget av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paper_protocol = models.FileField(
        _("protokoll justerat på papper (inskannat)"),
        upload_to="protocols/paper/%Y/",
        max_length=300,
        blank=True,
    )
    paper_protocol_sha256 = models.CharField(
        _("SHA-256 för det inskannade"), max_length=64, blank=True
    )
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        triggers = [
            frozen_record(
                name="meeting_frozen_when_signed",
                frozen_when="OLD.status = 'signed'",
                allowed=("notice_posted_on", "notice_posted_by_id", "updated_at"),
            ),
            set_once(
                name="meeting_notice_posted_once",
                columns=("notice_posted_on", "notice_posted_by_id"),
            ),
        ]
        verbose_name = _("sammanträde")
        verbose_name_plural = _("sammanträden")
        ordering = ["-date", "-start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "date", "start_time"], name="meeting_unique_body_date_time"
            ),
            models.CheckConstraint(
                condition=Q(status="signed") | Q(notice_posted_on__isnull=True),
                name="meeting_notice_only_when_signed",
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_at__isnull=False),
                name="meeting_signed_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.body} {self.date:%Y-%m-%d}"

    def get_absolute_url(self):
        return object_url("decisions:meeting_detail", self.pk)

    @property
    def is_frozen(self) -> bool:
        return self.status == MeetingStatus.SIGNED

    @property
    def signing_deadline(self) -> datetime.date | None:
        """The last day to sign the protocol (the body's ``signing_days`` after the meeting,
        moved past non-working days: ``notice_dates.signing_deadline``); None when the body
        has no such rule."""
        days = self.body.signing_days
        return signing_deadline(self.date, days) if days else None

    def signing_overdue(self, today: datetime.date) -> bool:
        """Held or out for signing, and past its last day to be signed."""
        deadline = self.signing_deadline
        return (
            deadline is not None
            and self.status in (MeetingStatus.HELD, MeetingStatus.SIGNING)
            and today > deadline
        )


class AgendaItem(models.Model):
    """A point of the föredragningslista; handled items become paragraphs."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Sammanträdets öppnande")
        ADJUSTER = "adjuster", _("Val av protokolljusterare")
        AGENDA = "agenda", _("Fastställande av föredragningslista")
        INFORMATION = "information", _("Information")
        DELEGATION = "delegation", _("Anmälan av delegationsbeslut")
        CASE = "case", _("Ärende")
        OTHER = "other", _("Övrigt ärende")
        OTHER_BUSINESS = "other_business", _("Övriga frågor")

    # Items that are recorded without a § number (the opening).
    UNNUMBERED = frozenset({Kind.OPENING})

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("sammanträde"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("ordning"))
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=300)
    case = models.ForeignKey(
        "projects.Case",
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    dnr = models.CharField(
        _("Dnr"), max_length=20, blank=True, help_text=_("För punkter utan ärende i registret.")
    )
    presenter = models.CharField(_("föredragande"), max_length=200, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    delegation_decisions = models.ManyToManyField(
        "decisions.DelegationDecision",
        verbose_name=_("delegationsbeslut"),
        blank=True,
        related_name="agenda_items",
        help_text=_("Delegationsbeslut som anmäls under punkten."),
    )
    history = HistoricalRecords(m2m_fields=[delegation_decisions])

    class Meta:
        # the agenda of a signed meeting is part of its record (the delegation decisions
        # reported under an item are printed in the protocol)
        triggers = [
            frozen_record(
                name="agendaitem_frozen_when_signed", frozen_when=MEETING_SIGNED, inserts=True
            )
        ]
        verbose_name = _("punkt på föredragningslistan")
        verbose_name_plural = _("föredragningslista")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"], name="agendaitem_unique_position"
            ),
            models.UniqueConstraint(
                fields=["meeting", "case"],
                condition=Q(case__isnull=False),
                name="agendaitem_case_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(kind="case") | Q(case__isnull=False), name="agendaitem_case_has_case"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_numbered(self) -> bool:
        return self.kind not in self.UNNUMBERED

    @property
    def dnr_display(self) -> str:
        return self.case.dnr if self.case_id else self.dnr


class Paragraph(models.Model):
    """A § of the protocol: the record of one handled item, numbered per body and year."""

    Kind = AgendaItem.Kind

    class Outcome(models.TextChoices):
        NONE = "", _("Inget beslut registrerat")
        GRANTED = "granted", _("Beviljat")
        REJECTED = "rejected", _("Avslaget")
        DECIDED = "decided", _("Beslutat")

    body = models.ForeignKey(Body, verbose_name=_("organ"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("år"))
    number = models.PositiveIntegerField(_("§"))
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("sammanträde"), on_delete=models.PROTECT, related_name="paragraphs"
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        verbose_name=_("punkt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="paragraph",
    )
    kind = models.CharField(_("typ"), max_length=20, choices=AgendaItem.Kind.choices)
    title = models.CharField(_("rubrik"), max_length=300)
    case = models.ForeignKey(
        "projects.Case",
        verbose_name=_("ärende"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paragraphs",
    )
    dnr = models.CharField(_("Dnr"), max_length=20, blank=True)
    nyps_id = models.CharField(_("NYPS-id"), max_length=12, blank=True)

    # The decision: a single sentence, or an intro followed by numbered points.
    decision_intro = models.CharField(_("inledning"), max_length=300, blank=True)
    decision_text = models.TextField(
        _("beslut (löpande text)"),
        blank=True,
        help_text=_(
            "T.ex. ”Regionala utvecklingsnämnden beslutar att fastställa föredragningslistan.”"
        ),
    )
    decision_points = models.JSONField(
        _("beslutspunkter"),
        default=list,
        blank=True,
        help_text=_("Lista med {text, sub: [...]} i ordning."),
    )
    proposal = models.JSONField(
        _("liggande förslag"),
        default=dict,
        blank=True,
        help_text=_(
            "Förslaget till beslut som paragrafen utgick från: {text, points}. Beslutet "
            "följer det när det bifalls; ett bifallet yrkande ersätter eller kompletterar det."
        ),
    )
    outcome = models.CharField(
        _("utfall"), max_length=10, choices=Outcome.choices, default="", blank=True
    )
    transition = models.CharField(_("övergång i ärendet"), max_length=50, blank=True)
    granted_amount = models.DecimalField(
        _("beviljat belopp"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    special_conditions = models.JSONField(
        _("särskilda villkor"), default=list, blank=True, help_text=_("Lista med {text, due_date}.")
    )
    decision_recorded_at = models.DateTimeField(_("beslut registrerat"), null=True, blank=True)
    adjusted_at = models.DateTimeField(
        _("omedelbart justerad"),
        null=True,
        blank=True,
        help_text=_("Paragrafen justerades omedelbart vid sammanträdet (egen justering)."),
    )
    notice_posted_on = models.DateField(_("anslaget (omedelbar justering)"), null=True, blank=True)
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    # Proceedings at the meeting.
    proposition_put = models.BooleanField(
        _("ordföranden ställde förslagen mot varandra"), default=False
    )
    carried_motion = models.ForeignKey(
        "Motion",
        verbose_name=_("bifallet yrkande"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Tomt: det liggande förslaget bifölls."),
    )
    vote_held = models.BooleanField(_("omröstning"), default=False)
    vote_no_motion = models.ForeignKey(
        "Motion",
        verbose_name=_("nej-röst för yrkandet"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Ja-röst är för det liggande förslaget."),
    )
    proceedings_override = models.TextField(
        _("Ärendets behandling (egen text)"),
        blank=True,
        help_text=_("Lämna tomt för att använda texten som skapas från yrkanden och beslut."),
    )
    protocol_notes = models.TextField(_("protokollsanteckningar"), blank=True)

    # Texts of the protocol (seed 001 headings).
    statement = models.TextField(_("Yttrande till beslutsförslaget"), blank=True)
    summary = models.TextField(_("Sammanfattning"), blank=True)
    matter = models.JSONField(
        _("Ärendet"), default=list, blank=True, help_text=_("Lista med {heading, text}.")
    )
    financing_rows = models.JSONField(
        _("Finansiering"),
        default=list,
        blank=True,
        help_text=_("Lista med {financier, amount}; andelarna räknas fram."),
    )
    financing_heading = models.CharField(
        _("beloppskolumnens rubrik"), max_length=100, blank=True, default="Sökt belopp"
    )
    decision_basis = models.TextField(_("Beslutsunderlag"), blank=True)
    basis_documents = models.ManyToManyField(
        "projects.Document",
        verbose_name=_("beslutsunderlag i ärendet"),
        blank=True,
        related_name="paragraphs",
    )
    appendices = models.TextField(_("Bilagor"), blank=True)

    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[basis_documents])

    class Meta:
        triggers = [
            frozen_record(
                name="paragraph_frozen_when_signed",
                frozen_when=MEETING_SIGNED + " OR OLD.adjusted_at IS NOT NULL",
                allowed=("notice_posted_on", "updated_at"),
                inserts=True,
            ),
            set_once(name="paragraph_notice_posted_once", columns=("notice_posted_on",)),
        ]
        verbose_name = _("paragraf")
        verbose_name_plural = _("paragrafer")
        ordering = ["body", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "number"], name="paragraph_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="paragraph_number_positive"),
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                name="paragraph_granted_non_negative",
            ),
        ]

    def __str__(self):
        return f"§ {self.number} {self.title}"

    def get_absolute_url(self):
        return object_url("decisions:paragraph_detail", self.pk)

    @property
    def reference(self) -> str:
        """``RUN 2020-03-24 § 35``: how a decision refers to its paragraph."""
        return f"{self.body.reference_name} {self.meeting.date:%Y-%m-%d} § {self.number}"

    @property
    def has_decision(self) -> bool:
        return bool(self.decision_text.strip() or self.decision_points)

    @property
    def financing_total(self):
        total = Decimal(0)
        for row in self.financing_rows:
            try:
                total += Decimal(str(row.get("amount") or 0))
            except ArithmeticError:  # pragma: no cover - validated on save
                continue
        return total


class Attendance(models.Model):
    """Whether a member or substitute took part, and for whom a substitute served."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("sammanträde"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(
        BodyMember, verbose_name=_("ledamot/ersättare"), on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("närvarande"), default=True)
    serving_for = models.ForeignKey(
        BodyMember,
        verbose_name=_("tjänstgör för"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        triggers = [
            frozen_record(
                name="attendance_frozen_when_signed", frozen_when=MEETING_SIGNED, inserts=True
            )
        ]
        verbose_name = _("närvaro")
        verbose_name_plural = _("närvaro")
        ordering = ["meeting", "member__position", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique_member"),
            models.UniqueConstraint(
                fields=["meeting", "serving_for"],
                condition=Q(serving_for__isnull=False),
                name="attendance_one_substitute_per_member",
            ),
        ]

    def __str__(self):
        return str(self.member)

    @property
    def is_voting(self) -> bool:
        """Present ordinary members, and substitutes serving for an absent member."""
        if not self.present:
            return False
        return not self.member.is_substitute or self.serving_for_id is not None


class OtherAttendee(models.Model):
    """Övriga närvarande: officials and others present (not members)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("sammanträde"), on_delete=models.CASCADE, related_name="others"
    )
    name = models.CharField(_("namn"), max_length=200)
    function = models.CharField(_("funktion"), max_length=200, blank=True)
    paragraphs = models.CharField(
        _("närvarande under §"), max_length=100, blank=True, help_text=_("T.ex. 24 eller 34-41.")
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        triggers = [
            frozen_record(
                name="otherattendee_frozen_when_signed", frozen_when=MEETING_SIGNED, inserts=True
            )
        ]
        verbose_name = _("övrig närvarande")
        verbose_name_plural = _("övriga närvarande")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.name


class ConflictOfInterest(models.Model):
    """Jäv: the member takes no part in this paragraph and does not vote on it."""

    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraf"), on_delete=models.CASCADE, related_name="conflicts"
    )
    member = models.ForeignKey(
        BodyMember, verbose_name=_("ledamot"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("skäl"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        triggers = [
            frozen_record(
                name="conflict_frozen_when_signed", frozen_when=PARAGRAPH_SIGNED, inserts=True
            )
        ]
        verbose_name = _("jäv")
        verbose_name_plural = _("jäv")
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "member"], name="conflict_unique_member"),
        ]

    def __str__(self):
        return str(self.member)


class Motion(models.Model):
    """A yrkande: who moved what (bifall, avslag, ändring, tillägg)."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Bifall")
        REJECTION = "rejection", _("Avslag")
        AMENDMENT = "amendment", _("Ändringsyrkande")
        ADDITION = "addition", _("Tilläggsyrkande")

    class Outcome(models.TextChoices):
        PENDING = "", _("Ej avgjort")
        CARRIED = "carried", _("Bifallet")
        LOST = "lost", _("Avslaget")

    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraf"), on_delete=models.CASCADE, related_name="motions"
    )
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    movers = models.ManyToManyField(BodyMember, verbose_name=_("yrkande av"), related_name="+")
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    text = models.TextField(
        _("yrkande"),
        blank=True,
        help_text=_("T.ex. ”avslag till projektansökan”; tomt för bifall till förslaget."),
    )
    outcome = models.CharField(
        _("utfall"), max_length=10, choices=Outcome.choices, default="", blank=True
    )
    history = HistoricalRecords(m2m_fields=[movers])

    class Meta:
        triggers = [
            frozen_record(
                name="motion_frozen_when_signed", frozen_when=PARAGRAPH_SIGNED, inserts=True
            )
        ]
        verbose_name = _("yrkande")
        verbose_name_plural = _("yrkanden")
        ordering = ["paragraph", "position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"


class Vote(models.Model):
    """One member's vote in a paragraph's omröstning."""

    class Choice(models.TextChoices):
        YES = "yes", _("Ja")
        NO = "no", _("Nej")
        ABSTAIN = "abstain", _("Avstår")

    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraf"), on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(
        BodyMember, verbose_name=_("ledamot"), on_delete=models.PROTECT, related_name="+"
    )
    choice = models.CharField(_("röst"), max_length=10, choices=Choice.choices)
    history = HistoricalRecords()

    class Meta:
        triggers = [
            frozen_record(
                name="vote_frozen_when_signed", frozen_when=PARAGRAPH_SIGNED, inserts=True
            )
        ]
        verbose_name = _("röst")
        verbose_name_plural = _("röster")
        ordering = ["paragraph", "member__position", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "member"], name="vote_unique_member"),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_choice_display()}"


class Reservation(models.Model):
    """A reservation against the decision, in favour of a motion (usually the member's own)."""

    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraf"), on_delete=models.CASCADE, related_name="reservations"
    )
    members = models.ManyToManyField(BodyMember, verbose_name=_("reservanter"), related_name="+")
    in_favour_of = models.ForeignKey(
        Motion,
        verbose_name=_("till förmån för"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reservations",
    )
    text = models.TextField(_("egen formulering"), blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        triggers = [
            frozen_record(
                name="reservation_frozen_when_signed", frozen_when=PARAGRAPH_SIGNED, inserts=True
            )
        ]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservationer")
        ordering = ["paragraph", "pk"]

    def __str__(self):
        return ", ".join(str(m) for m in self.members.all())


class ExtractRecipient(models.Model):
    """Protokollsutdrag skickas till: an internal function or an organisation, with e-mail."""

    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraf"), on_delete=models.CASCADE, related_name="recipients"
    )
    name = models.CharField(_("mottagare"), max_length=200)
    email = models.EmailField(_("e-post"))
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    history = HistoricalRecords()

    class Meta:
        triggers = [
            frozen_record(
                name="recipient_frozen_when_signed", frozen_when=PARAGRAPH_SIGNED, inserts=True
            )
        ]
        verbose_name = _("mottagare av protokollsutdrag")
        verbose_name_plural = _("mottagare av protokollsutdrag")
        ordering = ["paragraph", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["paragraph", "name"], name="recipient_unique_name"),
        ]

    def __str__(self):
        return self.name


class Signature(models.Model):
    """The chair's or the adjuster's justering (or refusal with a comment), per round."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Ordförande")
        ADJUSTER = "adjuster", _("Justerare")

    class Decision(models.TextChoices):
        SIGNED = "signed", _("Justerat")
        REJECTED = "rejected", _("Återsänt med kommentar")

    class Method(models.TextChoices):
        PASSWORD = "password", _("Lösenord angivet på nytt")
        OIDC = "oidc", _("Ny inloggning hos identitetsleverantören")
        PAPER = "paper", _("På papper")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("sammanträde"), on_delete=models.CASCADE, related_name="signatures"
    )
    round = models.PositiveSmallIntegerField(_("omgång"))
    role = models.CharField(_("roll"), max_length=10, choices=Role.choices)
    member = models.ForeignKey(
        BodyMember, verbose_name=_("ledamot"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("beslut"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    at = models.DateTimeField(_("tidpunkt"))
    member_name = models.CharField(
        _("namn som justerade"),
        max_length=250,
        blank=True,
        help_text=_("Ledamotens namn och parti som det var vid justeringen."),
    )
    method = models.CharField(_("sätt"), max_length=10, choices=Method.choices, blank=True)
    paragraph = models.ForeignKey(
        "Paragraph",
        verbose_name=_("paragraf (omedelbar justering)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    history = HistoricalRecords()

    class Meta:
        triggers = [
            frozen_record(
                name="signature_frozen_when_signed",
                frozen_when=MEETING_SIGNED
                + " OR (OLD.paragraph_id IS NOT NULL AND "
                + PARAGRAPH_SIGNED
                + ")",
                inserts=True,
            )
        ]
        verbose_name = _("justering")
        verbose_name_plural = _("justeringar")
        ordering = ["meeting", "round", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "round", "role"],
                condition=Q(paragraph__isnull=True),
                name="signature_unique_role_per_round",
            ),
            models.UniqueConstraint(
                fields=["paragraph", "round", "role"],
                condition=Q(paragraph__isnull=False),
                name="signature_unique_role_per_paragraph_round",
            ),
            models.CheckConstraint(
                condition=Q(decision="signed") | ~Q(comment=""),
                name="signature_rejection_has_comment",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.member} ({self.get_decision_display()})"


class GeneratedDocument(models.Model):
    """A generated PDF (kallelse, protocol, extract) stored with its SHA-256."""

    class Kind(models.TextChoices):
        KALLELSE = "kallelse", _("Kallelse och föredragningslista")
        PROTOCOL = "protocol", _("Protokoll")
        EXTRACT = "extract", _("Protokollsutdrag")

    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("sammanträde"), on_delete=models.PROTECT, related_name="documents"
    )
    paragraph = models.ForeignKey(
        Paragraph,
        verbose_name=_("paragraf"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    file = models.FileField(_("fil"), upload_to="protocols/%Y/", max_length=300)
    filename = models.CharField(_("filnamn"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("storlek"))
    pages = models.PositiveSmallIntegerField(_("sidor"), default=0)
    final = models.BooleanField(
        _("justerad version"), default=False, help_text=_("Skapad efter justeringen.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        triggers = [frozen_record(name="document_frozen_when_final", frozen_when="OLD.final")]
        verbose_name = _("genererat dokument")
        verbose_name_plural = _("genererade dokument")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "meeting"],
                condition=Q(final=True, paragraph__isnull=True),
                name="generateddocument_one_final_protocol",
            ),
            models.UniqueConstraint(
                fields=["kind", "paragraph"],
                condition=Q(final=True, paragraph__isnull=False),
                name="generateddocument_one_final_extract",
            ),
        ]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return object_url("decisions:document_download", self.pk)


class DocumentJob(JobBase):
    """A request to generate a document in the background; the meeting page polls it."""

    Kind = GeneratedDocument.Kind

    kind = models.CharField(_("typ"), max_length=10, choices=GeneratedDocument.Kind.choices)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("sammanträde"), on_delete=models.CASCADE, related_name="jobs"
    )
    paragraph = models.ForeignKey(
        Paragraph,
        verbose_name=_("paragraf"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
    )
    send = models.BooleanField(_("skicka till mottagarna"), default=False)
    document = models.ForeignKey(
        GeneratedDocument,
        verbose_name=_("dokument"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(JobBase.Meta):
        verbose_name = _("dokumentjobb")
        verbose_name_plural = _("dokumentjobb")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()


class ExtractDispatch(models.Model):
    """One extract sent to one recipient: the dispatch log."""

    class Status(models.TextChoices):
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    document = models.ForeignKey(
        GeneratedDocument,
        verbose_name=_("dokument"),
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    recipient = models.ForeignKey(
        ExtractRecipient,
        verbose_name=_("mottagare"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatches",
    )
    name = models.CharField(_("mottagare"), max_length=200)
    email = models.EmailField(_("e-post"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.TextField(_("fel"), blank=True)
    sent_at = models.DateTimeField(_("skickat"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skickat av"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("utskick av protokollsutdrag")
        verbose_name_plural = _("utskick av protokollsutdrag")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class ProtocolRecord(models.Model):
    """What a signed protocol (or an immediately adjusted §) prints, taken at the final
    signature: the final protocol and every extract are made from this and nothing else,
    so a later change of a member's name, a party or a text never reaches them."""

    meeting = models.OneToOneField(
        Meeting,
        verbose_name=_("sammanträde"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record",
    )
    paragraph = models.OneToOneField(
        Paragraph,
        verbose_name=_("paragraf (omedelbar justering)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="record",
    )
    protocol_html = models.TextField(_("protokollet"))
    extracts = models.JSONField(_("utdragen"), default=dict, help_text=_("{paragraf-id: html}"))
    signers = models.JSONField(
        _("justerat av"),
        default=list,
        help_text=_("[{role, name, at, method}] som de var vid justeringen."),
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("tagen"), auto_now_add=True)

    class Meta:
        triggers = [frozen_record(name="protocolrecord_never_changes", frozen_when="TRUE")]
        verbose_name = _("justerat protokoll (underlag)")
        verbose_name_plural = _("justerade protokoll (underlag)")
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | Q(paragraph__isnull=False),
                name="protocolrecord_of_meeting_or_paragraph",
            ),
        ]

    def __str__(self):
        return str(self.meeting or self.paragraph)


class Appeal(models.Model):
    """Laglighetsprövning: an appeal against a § received by the förvaltningsrätt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Under prövning")
        DISMISSED = "dismissed", _("Avslaget eller avvisat")
        ANNULLED = "annulled", _("Beslutet upphävt")
        WITHDRAWN = "withdrawn", _("Återkallat")

    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraf"), on_delete=models.PROTECT, related_name="appeals"
    )
    received_on = models.DateField(_("inkom"))
    appellant = models.CharField(_("klagande"), max_length=200)
    court_reference = models.CharField(_("målnummer"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_on = models.DateField(_("avgjort"), null=True, blank=True)
    final_on = models.DateField(
        _("domen vann laga kraft"),
        null=True,
        blank=True,
        help_text=_(
            "Förvaltningsrättens avgörande kan själv överklagas: beslutet vinner laga kraft "
            "först när avgörandet har gjort det."
        ),
    )
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("överklagande")
        verbose_name_plural = _("överklaganden")
        ordering = ["paragraph", "received_on", "pk"]

    def __str__(self):
        return f"{self.appellant} ({self.received_on:%Y-%m-%d})"


class NoticeDispatch(models.Model):
    """One sending of the kallelse to the body's members and substitutes (e-mail with a
    link to the members' page and an .ics invitation). ``agenda`` keeps the agenda and
    the meeting's time and place as sent, so later changes can be marked."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("sammanträde"),
        on_delete=models.CASCADE,
        related_name="notice_dispatches",
    )
    sequence = models.PositiveSmallIntegerField(_("utskick nr"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skickat av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("skickat"), auto_now_add=True)
    agenda = models.JSONField(_("föredragningslista vid utskicket"), default=dict)

    class Meta:
        verbose_name = _("utskick av kallelse")
        verbose_name_plural = _("utskick av kallelser")
        ordering = ["meeting", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "sequence"], name="noticedispatch_unique_sequence"
            ),
        ]

    def __str__(self):
        return f"{self.meeting} #{self.sequence}"


class NoticeRecipient(models.Model):
    """Who a kallelse was sent to, and the e-mail that carried it."""

    dispatch = models.ForeignKey(
        NoticeDispatch,
        verbose_name=_("utskick"),
        on_delete=models.CASCADE,
        related_name="recipients",
    )
    member = models.ForeignKey(
        BodyMember, verbose_name=_("ledamot"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("namn"), max_length=200, db_collation=SWEDISH)
    role = models.CharField(_("roll"), max_length=20, choices=BodyMember.MemberRole.choices)
    email = models.EmailField(_("e-post"))
    outgoing = models.ForeignKey(
        "core.OutgoingEmail",
        verbose_name=_("e-post"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mottagare av kallelse")
        verbose_name_plural = _("mottagare av kallelser")
        ordering = ["dispatch", "name"]

    def __str__(self):
        return f"{self.name} <{self.email}>"


# The many-to-many tables of a signed record (who moved, who reserved, which documents the
# decision rests on) are frozen like their rows (installed after migrate).
frozen_record(name="motion_movers_frozen", frozen_when=MOTION_SIGNED, inserts=True).register(
    Motion.movers.through
)
frozen_record(
    name="reservation_members_frozen", frozen_when=RESERVATION_SIGNED, inserts=True
).register(Reservation.members.through)
frozen_record(
    name="agendaitem_delegations_frozen", frozen_when=AGENDA_ITEM_SIGNED, inserts=True
).register(AgendaItem.delegation_decisions.through)
frozen_record(name="paragraph_basis_frozen", frozen_when=PARAGRAPH_SIGNED, inserts=True).register(
    Paragraph.basis_documents.through
)
