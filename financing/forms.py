"""Forms of the financing app. They parse and validate input; services do the writing."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.collation import swedish
from core.roles import Role
from decisions.meetings.models import Paragraph
from decisions.workflow.models import DelegationRule
from financing import selectors
from financing.models import (
    AllocationDimension,
    Commitment,
    FinancingPolicy,
    FundingType,
    Grant,
    GrantCategory,
    LeaderGender,
    PaymentKind,
    PlanStatus,
    Requisition,
)
from financing.services import ALLOCATION_KEYS, allocation_field
from projects.dnr import format_dnr, parse_dnr
from projects.forms import AmountField, OrganisationField
from projects.models import Case, Document, ReportPriority

DATE_WIDGET = {"type": "date"}


class MoneyField(AmountField):
    """The registry's AmountField (1245497, 1 245 497, 1 245 497 kr, 2 000 tkr), without
    the generic help text (the financing pages explain the format once per form)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", "")
        super().__init__(*args, **kwargs)


class AmountOrPercentField(MoneyField):
    """An allocation: an amount, or a share of the anslag written ``61 %``."""

    def to_python(self, value):
        text = value.strip() if isinstance(value, str) else ""
        if text.endswith("%"):
            number = text[:-1].strip().replace(",", ".").replace(" ", "")
            try:
                percent = Decimal(number)
            except ArithmeticError as exc:
                raise ValidationError(_("Skriv andelen som t.ex. 61 %."), code="invalid") from exc
            if not Decimal(0) <= percent <= Decimal(100):
                raise ValidationError(_("Andelen ska vara mellan 0 och 100 %."), code="invalid")
            return ("percent", percent)
        return super().to_python(value)


def _date_field(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )


class GrantForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)
    amount = MoneyField(
        label=_("Anslag enligt villkorsbeslutet"),
        help_text=_("Det belopp regionen förfogar över under året, t.ex. 171 100 000 kr."),
    )
    decision_reference = forms.CharField(
        label=_("Beslutsreferens"),
        required=False,
        max_length=200,
        help_text=_("T.ex. regeringens diarienummer för villkorsbeslutet."),
    )
    code = forms.CharField(
        label=_("Anslagspost"),
        required=False,
        max_length=20,
        help_text=_("T.ex. 1:1. Tomt = 1:1."),
    )
    name = forms.CharField(
        label=_("Anslagets namn"),
        required=False,
        max_length=100,
        help_text=_("Namnet enligt årets regleringsbrev, t.ex. Regionala tillväxtåtgärder."),
    )
    commitment_authority = MoneyField(
        label=_("Bemyndiganderam"),
        required=False,
        help_text=_(
            "Högsta belopp som årets beslut får binda för kommande år. Tomt = ingen kontroll."
        ),
    )
    note = forms.CharField(label=_("Anteckning"), required=False, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, grant: Grant | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grant = grant
        if grant is not None:
            self.fields["year"].disabled = True
            self.fields["year"].initial = grant.year
            self.fields["amount"].initial = grant.amount
            self.fields["decision_reference"].initial = grant.decision_reference
            self.fields["code"].initial = grant.code
            self.fields["name"].initial = grant.name
            self.fields["commitment_authority"].initial = grant.commitment_authority
            self.fields["note"].initial = grant.note
            self.fields["version"].initial = grant.version
            current = {(a.dimension, a.key): a.amount for a in grant.allocations.all()}
        else:
            current = {}
        help_text = _("Belopp eller andel av anslaget, t.ex. 61 %. Tomt = ingen fördelning.")
        for dimension, key in ALLOCATION_KEYS:
            choices = GrantCategory if dimension == AllocationDimension.CATEGORY else ReportPriority
            self.fields[allocation_field(dimension, key)] = AmountOrPercentField(
                label=choices(key).label,
                required=False,
                initial=current.get((dimension, key)),
                help_text=help_text,
            )

    def allocation_bound_fields(self, dimension):
        return [
            self[allocation_field(dimension, key)] for d, key in ALLOCATION_KEYS if d == dimension
        ]

    @property
    def category_fields(self):
        return self.allocation_bound_fields(AllocationDimension.CATEGORY)

    @property
    def priority_fields(self):
        return self.allocation_bound_fields(AllocationDimension.PRIORITY)

    def clean(self):
        data = super().clean()
        amount = data.get("amount")
        allocations = {}
        for dimension, key in ALLOCATION_KEYS:
            name = allocation_field(dimension, key)
            value = data.get(name)
            if isinstance(value, tuple):
                if amount is None:
                    continue
                value = (amount * value[1] / 100).quantize(Decimal("1"), ROUND_HALF_UP)
            allocations[dimension, key] = value
        data["allocations"] = allocations
        return data


class PlanForm(forms.Form):
    stated_total = MoneyField(
        label=_("Total projektbudget"),
        help_text=_("Den totala budget sökanden anger. Raderna ska summera till den."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RowForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    financier = OrganisationField(label=_("Finansiär"))
    funding_type = forms.ChoiceField(label=_("Typ"), choices=())
    amount_applied = MoneyField(label=_("Sökt belopp"))
    amount_granted = MoneyField(label=_("Beviljat belopp"), required=False)
    year = forms.TypedChoiceField(label=_("År"), required=False, coerce=int, empty_value=None)
    in_kind = forms.BooleanField(label=_("Annat än pengar"), required=False)

    def __init__(self, *args, years=None, funding_types=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.initial.get("funding_type")
        self.fields["funding_type"].choices = [
            ("", _("– välj typ –")),
            *funding_type_choices(funding_types, keep=current),
        ]
        years = list(years or [])
        initial_year = self.initial.get("year")
        if initial_year and initial_year not in years:
            years = sorted([*years, initial_year])
        if years:
            self.fields["year"].choices = [("", _("Hela perioden"))] + [(y, y) for y in years]
        else:
            self.fields["year"] = forms.IntegerField(
                label=_("År"), required=False, min_value=2000, max_value=2100
            )


def funding_type_choices(types=None, *, keep: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of the active funding types, plus ``keep`` (a row's retired type)."""
    types = selectors.funding_types() if types is None else types
    return [(t.code, t.name) for t in types if t.active or t.code == keep]


# A plan's rows at most; also the most forms a posted formset may make (``absolute_max``:
# Django's default, 1 000 more than ``max_num``, let one hostile request build and render
# 1 200 rows).
MAX_ROWS = 200


class BaseRowFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_funding_types"):
            self._funding_types = selectors.funding_types()
        kwargs["funding_types"] = self._funding_types
        return kwargs

    def clean(self):
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and (form.has_changed() or form.cleaned_data.get("id"))
        ]
        if not kept:
            raise ValidationError(_("Lägg till minst en finansieringsrad."))

    def rows(self) -> list[dict]:
        """The rows to keep, as dicts for ``financing_plan_save``."""
        out = []
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue
            if self._should_delete_form(form) or not form.cleaned_data:
                continue
            data = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            out.append(data)
        return out


def _row_formset(extra: int):
    return forms.formset_factory(
        RowForm,
        formset=BaseRowFormSet,
        extra=extra,
        can_delete=True,
        max_num=MAX_ROWS,
        validate_max=True,
        absolute_max=MAX_ROWS,
    )


RowFormSet = _row_formset(extra=0)
NewRowFormSet = _row_formset(extra=3)  # a new plan starts with a few empty rows
ROWS_PREFIX = "rows"


class ReviewForm(forms.Form):
    DECISIONS = [("approve", _("Godkänn")), ("return", _("Återsänd för komplettering"))]

    decision = forms.ChoiceField(
        label=_("Beslut"), choices=DECISIONS, widget=forms.RadioSelect, initial="approve"
    )
    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Krävs vid återsändning och när en kontroll visar avvikelse. Syns för handläggaren."
        ),
    )


class ReopenForm(forms.Form):
    comment = forms.CharField(
        label=_("Varför öppnas planen igen?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class GrantedAmountsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = plan.version
        self.rows = rows
        for row in rows:
            self.fields[f"row_{row.pk}"] = MoneyField(
                label=f"{row.financier} ({row.get_funding_type_display()})",
                required=False,
                initial=row.amount_granted,
            )

    def row_fields(self):
        return [(row, self[f"row_{row.pk}"]) for row in self.rows]

    def granted(self) -> dict:
        return {row.pk: self.cleaned_data.get(f"row_{row.pk}") for row in self.rows}


class CommitmentForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Anslagsår"), coerce=int)
    category = forms.ChoiceField(label=_("Kategori"), choices=GrantCategory.choices)
    priority = forms.ChoiceField(
        label=_("RUS-prioritering"),
        required=False,
        choices=[("", _("– enligt kategori eller ärende –")), *ReportPriority.choices],
        help_text=_(
            "Tomt: företagsstöd räknas till innovation, kommersiell service till attraktiva "
            "livsmiljöer, projekt till ärendets första RUS-område."
        ),
    )
    amount = MoneyField(label=_("Belopp"))
    committed_on = _date_field(_("Beslutsdatum"))
    company_leader_gender = forms.ChoiceField(
        label=_("Företagets ledning"),
        required=False,
        choices=[("", _("– gäller företagsstöd –")), *LeaderGender.choices],
        help_text=_("Krävs för regionala företagsstöd (återrapporteringens könsfördelning)."),
    )
    recipient = OrganisationField(label=_("Mottagare"), required=False)
    case_dnr = forms.CharField(
        label=_("Ärende (Dnr)"),
        required=False,
        max_length=30,
        help_text=lazy(
            lambda: (
                gettext("För projektbeslut: ärendets diarienummer, t.ex. %(example)s.")
                % {"example": format_dnr(35, 2020)}
            ),
            str,
        )(),
    )
    description = forms.CharField(label=_("Beskrivning"), required=False, max_length=300)
    reference = forms.CharField(
        label=_("Beslutsreferens"),
        required=False,
        max_length=200,
        help_text=_("T.ex. delegationsbeslut 2022-05-12 nr 14."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = list(Grant.objects.order_by("-year").values_list("year", flat=True))
        self.fields["year"].choices = [(y, y) for y in years]

    def clean_case_dnr(self):
        text = (self.cleaned_data.get("case_dnr") or "").strip()
        if not text:
            return None
        number, year = parse_dnr(text) or (None, None)
        try:
            return Case.objects.select_related("project").get(number=number, year=year)
        except Case.DoesNotExist as exc:
            raise ValidationError(
                _("Hittar inget ärende med diarienummer %(dnr)s.") % {"dnr": text}
            ) from exc


class PaymentForm(forms.Form):
    paid_on = _date_field(_("Utbetalningsdatum"))
    amount = MoneyField(label=_("Belopp"))
    period_start = _date_field(_("Rekvirerad period från"))
    period_end = _date_field(_("Rekvirerad period till"))
    requisition_reference = forms.CharField(
        label=_("Rekvisition"), required=False, max_length=100, help_text=_("T.ex. rekvisition 2.")
    )


class ReleaseForm(forms.Form):
    released_on = _date_field(_("Datum för återföring"))
    amount = MoneyField(
        label=_("Belopp"), required=False, help_text=_("Tomt = hela återstående belopp.")
    )
    reason = forms.CharField(label=_("Anledning"), max_length=300)


# --- Filters ---------------------------------------------------------------------------


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("År"), coerce=int, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]


class PlanFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alla")), *PlanStatus.choices]
    )
    year = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2100)
    funding_type = forms.ChoiceField(label=_("Finansieringstyp"), required=False, choices=())
    # chosen with the organisation picker: a select of every financier grew with the
    # register (534 options, 40 ms of the page at 20 000 cases)
    financier = OrganisationField(label=_("Finansiär"), required=False, allow_create=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_type"].choices = [
            ("", _("Alla")),
            *((t.code, t.name) for t in selectors.funding_types()),
        ]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "status": data.get("status") or "",
            "year": data.get("year"),
            "funding_type": data.get("funding_type") or "",
            "financier": data["financier"].pk if data.get("financier") else None,
        }


class CommitmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    year = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2100)
    category = forms.ChoiceField(
        label=_("Kategori"), required=False, choices=[("", _("Alla")), *GrantCategory.choices]
    )
    priority = forms.ChoiceField(
        label=_("Prioritering"), required=False, choices=[("", _("Alla")), *ReportPriority.choices]
    )
    open = forms.BooleanField(label=_("Endast öppna saldon"), required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "year": data.get("year"),
            "category": data.get("category") or None,
            "priority": data.get("priority") or None,
            "open_only": bool(data.get("open")),
        }


# --- The region's rules ---------------------------------------------------------------------


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FundingTypeForm(forms.ModelForm):
    class Meta:
        model = FundingType
        fields = [
            "code",
            "name",
            "is_public",
            "counts_as_1_1",
            "charged_to_grant",
            "this_region",
            "eu_fund",
            "own_funds",
            "in_kind",
            "active",
            "position",
        ]


class FinancingPolicyForm(forms.ModelForm):
    class Meta:
        model = FinancingPolicy
        fields = [
            "region_name",
            "valid_from",
            "max_1_1_share",
            "max_region_share",
            "long_project_years",
            "flag_start_before_application",
            "max_advance_share",
            "max_advance_amount",
            "advance_requires_reason",
            "final_payment_requires_approved_report",
            "note",
        ]
        widgets = {"valid_from": _date_input(), "note": forms.Textarea(attrs={"rows": 3})}


class DelegationRuleForm(forms.ModelForm):
    amount_limit = MoneyField(
        label=_("Beloppsgräns"),
        required=False,
        help_text=_(
            "Delegaten beslutar belopp under gränsen, eller upp till och med den när gränsen "
            "ingår. Tomt = ingen gräns."
        ),
    )
    yearly_ceiling = MoneyField(
        label=_("Tak per kalenderår"),
        required=False,
        help_text=_("Högsta summa som delegaten får bevilja enligt regeln under ett år."),
    )

    class Meta:
        model = DelegationRule
        fields = [
            "name",
            "reference",
            "case_kind",
            "delegate_title",
            "delegate",
            "amount_limit",
            "limit_included",
            "eu_co_financing_to_body",
            "yearly_ceiling",
            "valid_from",
            "valid_to",
            "active",
            "position",
        ]
        widgets = {"valid_from": _date_input(), "valid_to": _date_input()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        delegate = self.fields["delegate"]
        delegate.queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name=Role.DECISION_MAKER)
            .order_by(swedish("first_name"), swedish("last_name"), "pk")
        )
        delegate.label_from_instance = lambda user: user.get_full_name() or user.username


# --- Paying out a grant (the case's payments page) ------------------------------------------


class CaseDocumentField(forms.ModelChoiceField):
    """A document of the case (evidence of a condition, the final report)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Document.objects.none())
        kwargs.setdefault("empty_label", _("– välj dokument –"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.title} (v{obj.version}, {obj.original_name})"


class ConditionForm(forms.Form):
    text = forms.CharField(
        label=_("Villkor"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("T.ex. Att EU-programmet beviljar projektet."),
    )
    set_on = _date_field(_("Beslutat"))
    reference = forms.CharField(
        label=_("Beslutsreferens"),
        required=False,
        max_length=200,
        help_text=_("T.ex. RUN 2020-03-24 § 35."),
    )


class ConditionMetForm(forms.Form):
    met_on = _date_field(_("Uppfyllt"))
    evidence = CaseDocumentField(
        label=_("Underlag"), help_text=_("Ladda upp underlaget bland ärendets dokument först.")
    )
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = Document.objects.filter(case=case).order_by(
            "title", "-version"
        )


class RequisitionForm(forms.Form):
    reference = forms.CharField(
        label=_("Beteckning"), required=False, max_length=100, help_text=_("T.ex. rekvisition 2.")
    )
    received_on = _date_field(_("Inkommen"))
    period_start = _date_field(_("Period från"))
    period_end = _date_field(_("Period till"))
    costs_reported = MoneyField(label=_("Redovisade kostnader"))
    amount_requested = MoneyField(label=_("Begärt belopp"))
    is_final = forms.BooleanField(
        label=_("Slutrekvisition"),
        required=False,
        help_text=_("Betalas med slututbetalningen när slutrapporten är godkänd."),
    )


class CasePaymentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Typ av utbetalning"),
        choices=[c for c in PaymentKind.choices if c[0] != PaymentKind.CORRECTION],
        widget=forms.RadioSelect,
    )
    paid_on = _date_field(_("Utbetalningsdatum"))
    amount = MoneyField(label=_("Belopp"))
    requisition = forms.ModelChoiceField(
        label=_("Rekvisition"),
        required=False,
        queryset=Requisition.objects.none(),
        empty_label=_("– ingen (förskott) –"),
    )
    reason = forms.CharField(
        label=_("Motivering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Krävs för förskott: varför betalas pengarna ut i förväg?"),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requisition"].queryset = Requisition.objects.filter(case=case).order_by(
            "period_start", "pk"
        )
        self.fields["requisition"].label_from_instance = lambda r: (
            f"{r.reference or _('Rekvisition')} {r.period_start:%Y-%m-%d} – {r.period_end:%Y-%m-%d}"
        )


class PaymentCorrectionForm(forms.Form):
    corrected_on = _date_field(_("Rättelsedatum"))
    reason = forms.CharField(label=_("Vad var fel?"), widget=forms.Textarea(attrs={"rows": 2}))


class RecoveryForm(forms.Form):
    commitment = forms.ModelChoiceField(
        label=_("Anslagsår"), queryset=Commitment.objects.none(), empty_label=None
    )
    decided_on = _date_field(_("Beslutat"))
    amount = MoneyField(label=_("Belopp att återkräva"))
    reason = forms.CharField(label=_("Skäl"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = _date_field(_("Förfallodatum"))
    reference = forms.CharField(label=_("Beslutsreferens"), required=False, max_length=200)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = (
            Commitment.objects.filter(case=case).select_related("grant").order_by("grant__year")
        )
        self.fields["commitment"].label_from_instance = lambda c: str(c.grant.year)


class FinalReportApprovalForm(forms.Form):
    approved_on = _date_field(_("Godkänd"))
    report = CaseDocumentField(label=_("Slutrapport"))
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = Document.objects.filter(case=case).order_by(
            "title", "-version"
        )


class GrantAdjustmentForm(forms.Form):
    new_amount = MoneyField(label=_("Nytt beviljat belopp"))
    decided_on = _date_field(_("Beslutsdatum"))
    paragraph = forms.ModelChoiceField(
        label=_("Paragraf"),
        required=False,
        queryset=Paragraph.objects.none(),
        empty_label=_("– ange referens i stället –"),
    )
    reference = forms.CharField(
        label=_("Beslutsreferens"),
        required=False,
        max_length=200,
        help_text=_("T.ex. RUN 2021-05-18 § 44. Tomt om paragrafen är vald."),
    )
    year = forms.IntegerField(
        label=_("Anslagsår som ändras"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Tomt = beslutsåret."),
    )
    reason = forms.CharField(
        label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = (
            Paragraph.objects.filter(case=case).select_related("body", "meeting").order_by("pk")
        )
        self.fields["paragraph"].label_from_instance = lambda p: (
            f"{p.body.code.upper()} {p.meeting.date:%Y-%m-%d} § {p.number}"
        )


class GrantTermsForm(forms.Form):
    cost_share_percent = forms.DecimalField(
        label=_("Andel av redovisade kostnader (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        help_text=_("Två decimaler. Taket är det beviljade beloppet."),
    )
    reference = forms.CharField(label=_("Beslutsreferens"), required=False, max_length=200)


class AllocationDecisionForm(forms.Form):
    decided_on = _date_field(_("Beslutsdatum"))
    reference = forms.CharField(
        label=_("Beslutsreferens"), max_length=200, help_text=_("T.ex. RUN 2022-02-15 § 8.")
    )
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    own_categories = forms.CharField(
        label=_("Regionens egna kategorier"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En per rad: benämning; belopp. T.ex. Strategiska satsningar; 2 500 000"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in GrantCategory.choices:
            self.fields[f"share_{key}"] = MoneyField(label=label, required=False)

    def shares(self) -> list[dict]:
        shares = [
            {"category": key, "amount": self.cleaned_data[f"share_{key}"]}
            for key in GrantCategory.values
            if self.cleaned_data.get(f"share_{key}") is not None
        ]
        for line in (self.cleaned_data.get("own_categories") or "").splitlines():
            if not line.strip():
                continue
            label, _sep, amount = line.rpartition(";")
            shares.append({"label": label.strip(), "amount": amount.strip()})
        return shares


# --- Business support decided in NYPS 2020 -------------------------------------------------


class BusinessSupportImportForm(forms.Form):
    year = forms.IntegerField(
        label=_("År"),
        min_value=2000,
        max_value=2100,
        help_text=_("Ansökningar som kom in eller beslutades under året."),
    )
    file = forms.FileField(
        label=_("Exportfil från NYPS 2020"),
        help_text=_(
            "CSV (semikolon eller komma) eller XLSX med rubrikrad: Ärende-id, Inkom, "
            "Beslutsdatum, Beslut, Beviljat belopp, Företag, Organisationsnummer, Ledning, "
            "Bransch, Stödområde, Stödtyp, EU-ramprojekt, Andel EU (%)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class BusinessSupportConfirmForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, widget=forms.HiddenInput)
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    filename = forms.CharField(max_length=200, widget=forms.HiddenInput)


class BusinessSupportForm(forms.Form):
    """One application by hand; the service parses and checks the values like an import."""

    application_id = forms.CharField(label=_("Ärende-id i NYPS"), max_length=30)
    category = forms.ChoiceField(
        label=_("Stödområde"),
        choices=[
            (GrantCategory.BUSINESS_SUPPORT, _("Företagsstöd")),
            (GrantCategory.COMMERCIAL_SERVICE, _("Kommersiell service")),
        ],
    )
    support_type = forms.CharField(label=_("Stödtyp"), max_length=120, required=False)
    received_on = _date_field(_("Inkom"))
    decision = forms.ChoiceField(
        label=_("Beslut"),
        required=False,
        choices=[
            ("", _("– inte beslutad –")),
            ("beviljad", _("Beviljad")),
            ("avslag", _("Avslag")),
        ],
    )
    decided_on = _date_field(_("Beslutsdatum"), required=False)
    amount = MoneyField(label=_("Beviljat belopp"), required=False)
    company_name = forms.CharField(label=_("Företag"), max_length=200)
    org_number = forms.CharField(label=_("Organisationsnummer"), max_length=13)
    leader_gender = forms.ChoiceField(
        label=_("Företagets ledning"),
        required=False,
        choices=[("", _("– uppgift saknas –")), *LeaderGender.choices],
    )
    industry = forms.CharField(label=_("Bransch"), max_length=120, required=False)
    eu_framework = forms.CharField(
        label=_("EU-ramprojekt"),
        max_length=200,
        required=False,
        help_text=_("Ramprojektet som medfinansierar stödet med EU-medel, t.ex. REACT-EU."),
    )
    eu_share = forms.DecimalField(
        label=_("Andel EU-medel (%)"), required=False, min_value=0, max_value=100
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, row) -> dict:
        return {
            "application_id": row.application_id,
            "category": row.category,
            "support_type": row.support_type,
            "received_on": row.received_on,
            "decision": {"granted": "beviljad", "rejected": "avslag"}.get(row.decision, ""),
            "decided_on": row.decided_on,
            "amount": row.amount,
            "company_name": row.company_name,
            "org_number": row.org_number,
            "leader_gender": row.leader_gender,
            "industry": row.industry,
            "eu_framework": row.eu_framework,
            "eu_share": row.eu_share,
            "version": row.version,
        }

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data
