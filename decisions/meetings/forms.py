"""Forms of the meetings part. They only parse input; the services validate and write."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.collation import swedish
from core.money import AmountError, format_amount, parse_amount
from core.roles import Role
from decisions.meetings import services as svc
from decisions.meetings.documents import motion_sentence
from decisions.meetings.models import AgendaItem, Body, BodyMember, Meeting, Motion, Vote
from decisions.meetings.notice_dates import MOST_SIGNING_DAYS
from decisions.workflow.forms import YearSplitField
from decisions.workflow.services import transition_info


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _time_widget():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AmountField(forms.CharField):
    """``1 754 698``, ``1 754 698 kr`` or ``2 000 tkr``."""

    def prepare_value(self, value):
        if value not in (None, "") and not isinstance(value, str):
            return format_amount(value, unit="").strip()
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return parse_amount(value)
        except AmountError as exc:
            raise forms.ValidationError(str(exc)) from exc


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class MembersField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.display_name


class BodyForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    genitive = forms.CharField(label=_("Namn i genitiv"), max_length=200)
    decision_intro = forms.CharField(label=_("Inledning till beslutspunkter"), max_length=300)
    short_name = forms.CharField(label=_("Förkortning"), max_length=20, required=False)
    default_place = forms.CharField(label=_("Sammanträdesplats"), max_length=200, required=False)
    signing_days = forms.IntegerField(
        label=_("Dagar till justering"),
        min_value=1,
        max_value=MOST_SIGNING_DAYS,
        required=False,
        help_text=_(
            "Protokollet ska justeras senast så många dagar efter sammanträdet (kommunallagen "
            "6 kap. 35 §: 14 dagar). Tomt: ingen frist, för ett organ utan den regeln."
        ),
    )
    secretary = forms.ModelChoiceField(
        label=_("Sekreterare"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = (
            get_user_model()
            .objects.filter(groups__name=Role.SECRETARY, is_active=True)
            .order_by(swedish("last_name"), swedish("first_name"), "pk")
        )


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    party = forms.CharField(label=_("Parti"), max_length=10, required=False)
    role = forms.ChoiceField(label=_("Roll"), choices=BodyMember.MemberRole.choices)
    user = forms.ModelChoiceField(
        label=_("Användarkonto"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Krävs för att ordförande och justerare ska kunna justera i appen."),
    )
    active = forms.BooleanField(label=_("Aktiv"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by(swedish("last_name"), swedish("first_name"), "pk")
        )


class CounterForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    first_number = forms.IntegerField(
        label=_("Nästa paragrafnummer"),
        min_value=1,
        max_value=9999,
        help_text=_("T.ex. 22 om årets nästa sammanträde börjar med § 22."),
    )


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Organ"), queryset=None)
    date = forms.DateField(label=_("Datum"), widget=_date_widget())
    start_time = forms.TimeField(label=_("Tid"), widget=_time_widget())
    end_time = forms.TimeField(label=_("Sluttid"), widget=_time_widget(), required=False)
    place = forms.CharField(label=_("Plats"), max_length=200, required=False)
    adjustment_place = forms.CharField(
        label=_("Justeringens plats och tid"), max_length=200, required=False
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.order_by("name")
        if editing:
            del self.fields["body"]
        else:
            del self.fields["adjustment_place"]


class AgendaItemForm(forms.Form):
    KINDS = [(k, label) for k, label in AgendaItem.Kind.choices if k not in ("case", "delegation")]
    kind = forms.ChoiceField(label=_("Typ"), choices=KINDS)
    title = forms.CharField(label=_("Rubrik"), max_length=300, required=False)
    dnr = forms.CharField(label=_("Dnr"), max_length=20, required=False)
    presenter = forms.CharField(label=_("Föredragande"), max_length=200, required=False)
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class QueueForm(forms.Form):
    cases = forms.ModelMultipleChoiceField(
        label=_("Ärenden klara för organet"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, queue=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = queue
        self.fields["cases"].label_from_instance = lambda c: f"{c.dnr} {c.title}"


class DelegationItemForm(forms.Form):
    decisions = forms.ModelMultipleChoiceField(
        label=_("Delegationsbeslut att anmäla"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    dnr = forms.CharField(label=_("Dnr"), max_length=20, required=False)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decisions"].queryset = queryset
        self.fields["decisions"].label_from_instance = lambda d: (
            f"{d.decided_on:%Y-%m-%d} {d.case.dnr} {d.get_outcome_display()}: {d.decision_text[:80]}"
        )


class AttendanceForm(forms.Form):
    """One row per member: present, and for a substitute whom they serve for."""

    adjuster = MemberChoiceField(label=_("Justerare"), queryset=None, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        members = list(meeting.body.members.filter(active=True).order_by("position", "name"))
        current = {a.member_id: a for a in meeting.attendance.all()}
        ordinary = [m for m in members if not m.is_substitute]
        self.fields["adjuster"].queryset = meeting.body.members.filter(
            active=True, role__in=["vice_chair", "member"]
        ).order_by("position", "name")
        self.fields["adjuster"].initial = meeting.adjuster_id
        self.rows = []
        for member in members:
            row = current.get(member.pk)
            present = f"present_{member.pk}"
            self.fields[present] = forms.BooleanField(
                label=member.display_name,
                required=False,
                initial=row.present if row else not member.is_substitute,
            )
            serving = None
            if member.is_substitute:
                serving = f"serving_{member.pk}"
                self.fields[serving] = MemberChoiceField(
                    label=_("Tjänstgör för"),
                    queryset=meeting.body.members.filter(pk__in=[m.pk for m in ordinary]),
                    required=False,
                )
                self.fields[serving].initial = row.serving_for_id if row else None
            self.rows.append({"member": member, "present": present, "serving": serving})

    def bound_rows(self):
        return [
            {
                "member": r["member"],
                "present": self[r["present"]],
                "serving": self[r["serving"]] if r["serving"] else None,
            }
            for r in self.rows
        ]

    def entries(self) -> list[dict]:
        return [
            {
                "member": r["member"],
                "present": self.cleaned_data.get(r["present"], False),
                "serving_for": self.cleaned_data.get(r["serving"]) if r["serving"] else None,
            }
            for r in self.rows
        ]


class OtherAttendeeForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    function = forms.CharField(label=_("Funktion"), max_length=200, required=False)
    paragraphs = forms.CharField(label=_("Närvarande under §"), max_length=100, required=False)


class ParagraphForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    dnr = forms.CharField(label=_("Dnr"), max_length=20, required=False)
    nyps_id = forms.CharField(label=_("NYPS-id"), max_length=12, required=False)
    decision_intro = forms.CharField(
        label=_("Inledning till beslutspunkterna"), max_length=300, required=False
    )
    decision_points = forms.CharField(
        label=_("Beslutspunkter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("En punkt per rad. Underpunkter börjar med ”a)”, ”b)”."),
    )
    decision_text = forms.CharField(
        label=_("Beslut som löpande text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("För beslut utan numrerade punkter."),
    )
    granted_amount = AmountField(label=_("Beviljat belopp"), required=False)
    statement = forms.CharField(
        label=_("Yttrande till beslutsförslaget"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    summary = forms.CharField(
        label=_("Sammanfattning"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    matter = forms.CharField(
        label=_("Ärendet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Rader som börjar med ## är underrubriker, t.ex. ”## Bakgrund”."),
    )
    financing_heading = forms.CharField(
        label=_("Rubrik för beloppskolumnen"), max_length=100, required=False
    )
    financing_rows = forms.CharField(
        label=_("Finansiering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("En finansiär per rad: ”Luleå kommun; 1 105 966”."),
    )
    decision_basis = forms.CharField(
        label=_("Beslutsunderlag"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ett dokument per rad."),
    )
    appendices = forms.CharField(
        label=_("Bilagor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En bilaga per rad."),
    )
    protocol_notes = forms.CharField(
        label=_("Protokollsanteckningar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proceedings_override = forms.CharField(
        label=_("Ärendets behandling under sammanträdet (egen text)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Lämna tomt för att använda texten som skapas från yrkanden och beslut."),
    )

    @classmethod
    def initial_for(cls, paragraph) -> dict:
        return {
            "title": paragraph.title,
            "dnr": paragraph.dnr,
            "nyps_id": paragraph.nyps_id,
            "decision_intro": paragraph.decision_intro,
            "decision_points": svc.points_to_text(paragraph.decision_points),
            "decision_text": paragraph.decision_text,
            "granted_amount": paragraph.granted_amount,
            "statement": paragraph.statement,
            "summary": paragraph.summary,
            "matter": svc.matter_to_text(paragraph.matter),
            "financing_heading": paragraph.financing_heading,
            "financing_rows": svc.financing_to_text(paragraph.financing_rows),
            "decision_basis": paragraph.decision_basis,
            "appendices": paragraph.appendices,
            "protocol_notes": paragraph.protocol_notes,
            "proceedings_override": paragraph.proceedings_override,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["decision_points"] = svc.points_from_text(data["decision_points"])
        data["matter"] = svc.matter_from_text(data["matter"])
        data["financing_rows"] = svc.financing_from_text(data["financing_rows"])
        return data


class ConflictForm(forms.Form):
    member = MemberChoiceField(label=_("Ledamot"), queryset=None)
    reason = forms.CharField(label=_("Skäl"), max_length=300, required=False)

    def __init__(self, *args, paragraph, **kwargs):
        super().__init__(*args, **kwargs)
        # Those taking part in the decision, without jäv declared already
        # (svc.paragraph_participants).
        self.fields["member"].queryset = svc.paragraph_participants(paragraph)


class MotionForm(forms.Form):
    movers = MembersField(label=_("Yrkande av"), queryset=None)
    kind = forms.ChoiceField(label=_("Typ"), choices=Motion.Kind.choices)
    text = forms.CharField(
        label=_("Yrkande"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Skrivs efter ”yrkar”, t.ex. ”avslag till projektansökan”. "
            "Tomt för bifall: ”yrkar på det liggande förslaget”."
        ),
    )

    def __init__(self, *args, paragraph, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["movers"].queryset = svc.paragraph_participants(paragraph)


class PropositionForm(forms.Form):
    put = forms.BooleanField(
        label=_("Ordföranden ställde förslagen mot varandra"), required=False, initial=True
    )
    carried = forms.ChoiceField(label=_("Bifallet förslag"))
    additions = forms.ModelMultipleChoiceField(
        label=_("Bifallna tilläggsyrkanden"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, paragraph, **kwargs):
        super().__init__(*args, **kwargs)
        motions = list(paragraph.motions.prefetch_related("movers"))
        self.motions = {str(m.pk): m for m in motions}
        self.fields["carried"].choices = [("", _("Det liggande förslaget"))] + [
            (str(m.pk), motion_sentence(m)) for m in motions if m.kind != Motion.Kind.ADDITION
        ]
        self.fields["carried"].required = False
        self.fields["carried"].initial = str(paragraph.carried_motion_id or "")
        self.fields["put"].initial = paragraph.proposition_put or True
        self.fields["additions"].queryset = paragraph.motions.filter(kind=Motion.Kind.ADDITION)
        self.fields["additions"].label_from_instance = motion_sentence
        self.fields["additions"].initial = [
            m.pk for m in motions if m.kind == Motion.Kind.ADDITION and m.outcome == "carried"
        ]

    def carried_motion(self):
        key = self.cleaned_data.get("carried") or ""
        return self.motions.get(key)


class VoteForm(forms.Form):
    no_motion = forms.ModelChoiceField(label=_("Nej-röst för yrkandet"), queryset=None)

    def __init__(self, *args, paragraph, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["no_motion"].queryset = paragraph.motions.exclude(kind=Motion.Kind.ADDITION)
        self.fields["no_motion"].label_from_instance = motion_sentence
        self.fields["no_motion"].initial = paragraph.vote_no_motion_id
        current = dict(paragraph.votes.values_list("member_id", "choice"))
        self.voters = svc.paragraph_voters(paragraph)
        for member in self.voters:
            self.fields[f"vote_{member.pk}"] = forms.ChoiceField(
                label=member.display_name,
                choices=[("", "–"), *Vote.Choice.choices],
                required=False,
                initial=current.get(member.pk, ""),
            )

    def votes(self) -> dict[int, str]:
        return {
            m.pk: self.cleaned_data[f"vote_{m.pk}"]
            for m in self.voters
            if self.cleaned_data.get(f"vote_{m.pk}")
        }


class ReservationForm(forms.Form):
    members = MembersField(label=_("Reservanter"), queryset=None)
    in_favour_of = forms.ModelChoiceField(
        label=_("Till förmån för"),
        queryset=None,
        required=False,
        empty_label=_("– mot beslutet –"),
    )
    text = forms.CharField(
        label=_("Egen formulering"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, paragraph, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = svc.paragraph_participants(paragraph)
        self.fields["in_favour_of"].queryset = paragraph.motions.all()
        self.fields["in_favour_of"].label_from_instance = motion_sentence


class RecipientForm(forms.Form):
    name = forms.CharField(label=_("Mottagare"), max_length=200)
    email = forms.EmailField(label=_("E-post"))


class DecisionForm(forms.Form):
    transition = forms.ChoiceField(label=_("Organets beslut i ärendet"), required=False)
    amount = AmountField(label=_("Beviljat belopp"), required=False)
    reason = forms.CharField(
        label=_("Skäl för avslag"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, paragraph, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Why a case § is recorded without moving the case (shown above the form).
        self.note = ""
        # Only what ``user`` may fire now and the § has the data for (the service's list).
        names = svc.paragraph_decision_transitions(user, paragraph)
        if not names:
            for name in ("transition", "amount", "reason"):
                del self.fields[name]
            if paragraph.case_id is not None:
                self.note = svc.paragraph_only_note(paragraph)
            return
        self.fields["transition"].choices = [("", "–")] + [
            (name, transition_info(name).label) for name in names
        ]
        self.fields["amount"].initial = paragraph.granted_amount
        if "grant" in names:
            self.fields["year_split"] = YearSplitField(
                label=_("Fördelning per år"),
                required=False,
                help_text=_(
                    "Valfritt, för ett beslut som betalas ut under flera år. Summan ska vara "
                    "det beviljade beloppet."
                ),
            )
            self.fields["suspensive_conditions"] = forms.CharField(
                label=_("Villkor för utbetalning"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Ett villkor per rad. Inget betalas ut förrän villkoren är uppfyllda."),
            )
            self.fields["cost_share_percent"] = forms.DecimalField(
                label=_("Andel av redovisade kostnader (%)"),
                required=False,
                max_digits=5,
                decimal_places=2,
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                help_text=_("Om stödet är en andel av kostnaderna; beviljat belopp är taket."),
            )
        else:
            del self.fields["amount"]
        if "forum_recommend" in names:
            self.fields["recommendation"] = forms.ChoiceField(
                label=_("Rekommendation"),
                choices=[
                    ("approve", _("Rekommenderar godkännande")),
                    ("reject", _("Rekommenderar avslag")),
                ],
            )

    def extra(self) -> dict:
        """What the case's transition needs beyond the outcome and the amount."""
        extra = {}
        if "recommendation" in self.cleaned_data:
            extra["recommendation"] = self.cleaned_data["recommendation"]
        conditions = [
            line.strip()
            for line in (self.cleaned_data.get("suspensive_conditions") or "").splitlines()
            if line.strip()
        ]
        if conditions:
            extra["suspensive_conditions"] = conditions
        if self.cleaned_data.get("cost_share_percent") is not None:
            extra["cost_share_percent"] = str(self.cleaned_data["cost_share_percent"])
        if self.cleaned_data.get("year_split"):
            extra["year_split"] = {
                str(year): str(amount) for year, amount in self.cleaned_data["year_split"].items()
            }
        return extra


class SignForm(forms.Form):
    password = forms.CharField(
        label=_("Ditt lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Du anger ditt lösenord igen för att visa att det är du som justerar."),
    )


class ReauthSignForm(forms.Form):
    """Signing after a new login at the identity provider: nothing to type here."""


class PaperSigningForm(forms.Form):
    signed_on = forms.DateField(
        label=_("Justerat på papper den"),
        widget=_date_widget(),
        help_text=_("Dagen då båda hade skrivit under."),
    )
    scan = forms.FileField(
        label=_("Det inskannade, underskrivna protokollet (PDF)"),
        help_text=_("Sparas bredvid det genererade protokollet."),
    )


class ParagraphNoticeForm(forms.Form):
    posted_on = forms.DateField(label=_("Anslås"), widget=_date_widget())


class AppealForm(forms.Form):
    received_on = forms.DateField(label=_("Överklagandet kom in"), widget=_date_widget())
    appellant = forms.CharField(label=_("Klagande"), max_length=200)
    court_reference = forms.CharField(label=_("Målnummer"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Utfall"),
        choices=[
            ("dismissed", _("Avslaget eller avvisat")),
            ("annulled", _("Beslutet upphävt")),
            ("withdrawn", _("Återkallat")),
        ],
    )
    decided_on = forms.DateField(label=_("Avgjort"), widget=_date_widget())
    final_on = forms.DateField(
        label=_("Avgörandet vann laga kraft"),
        required=False,
        widget=_date_widget(),
        help_text=_(
            "Om det är känt: tre veckor efter att parterna fick del av avgörandet, om ingen "
            "överklagade det. Kan registreras senare. Beslutet vinner laga kraft först då."
        ),
    )
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectSigningForm(forms.Form):
    comment = forms.CharField(
        label=_("Vad behöver rättas?"), widget=forms.Textarea(attrs={"rows": 4})
    )


class NoticeForm(forms.Form):
    posted_on = forms.DateField(label=_("Anslås"), widget=_date_widget())


class VerifyForm(forms.Form):
    checksum = forms.CharField(
        label=_("Kontrollsumma (SHA-256)"),
        max_length=64,
        required=False,
        help_text=_("64 tecken, som i utskickets e-post."),
    )
    file = forms.FileField(label=_("Eller ladda upp PDF-filen"), required=False)

    def clean_checksum(self):
        value = self.cleaned_data["checksum"].strip().lower()
        if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
            raise forms.ValidationError(_("En SHA-256-summa består av 64 tecken 0-9 och a-f."))
        return value

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("checksum") and not cleaned.get("file") and not self.errors:
            raise forms.ValidationError(_("Ange en kontrollsumma eller ladda upp en fil."))
        return cleaned
