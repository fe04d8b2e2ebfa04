"""Forms of the decision workflow: one form class per transition, plus anchoring and the
decision proposal.

The same form class validates the data of a transition whether it comes from the HTML
modal, the plain fallback page, the JSON API or another app's service
(``decisions.workflow.services.case_transition`` binds it). Fields therefore accept both
what a browser posts and what a JSON client sends: lists for decision points, lists of
``{"text", "due_date"}`` for special conditions, ``{year: amount}`` for the year split.
"""

import datetime
import re
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import AmountError, format_amount, parse_amount
from core.text import possessive
from decisions.workflow.models import (
    Assessment,
    ForumRecommendation,
    decision_proposal_of,
    latest_assessment,
)
from projects.documents import ACCEPT_ATTRIBUTE
from projects.forms import AmountField

MAX_ROWS = 50
_NUMBERING = re.compile(r"^\s*\d{1,2}\s*[.)]\s+")


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _today():
    return timezone.localdate()


# --- Fields --------------------------------------------------------------------------


class LinesField(forms.Field):
    """An ordered list of texts: a JSON list, or one item per line in a textarea.

    Leading numbering typed by the user ("1. ", "2) ") is removed; the list is numbered
    when shown.
    """

    widget = forms.Textarea

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            items = value.splitlines()
        elif isinstance(value, list | tuple):
            items = value
        else:
            raise ValidationError(_("Ange en punkt per rad."), code="invalid")
        out = []
        for item in items:
            if not isinstance(item, str):
                raise ValidationError(_("Varje punkt ska vara en text."), code="invalid")
            if "\x00" in item:
                raise ValidationError(_("Texten innehåller ett otillåtet tecken."), code="null")
            text = _NUMBERING.sub("", item).strip()
            if text:
                out.append(text)
        return out


class ConditionRowForm(forms.Form):
    """One special condition as the page shows it: a text and a follow-up date."""

    text = forms.CharField(label=gettext_lazy("Villkor"), required=False, max_length=2000)
    due_date = forms.DateField(
        label=gettext_lazy("Följs upp senast"), required=False, widget=_date_widget()
    )


class YearRowForm(forms.Form):
    """One year of a grant's split: the year and its amount."""

    year = forms.IntegerField(
        label=gettext_lazy("År"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    amount = forms.CharField(label=gettext_lazy("Belopp"), required=False, max_length=40)


ConditionFormSet = forms.formset_factory(
    ConditionRowForm, extra=3, max_num=MAX_ROWS, validate_max=True
)
YearFormSet = forms.formset_factory(YearRowForm, extra=2, max_num=MAX_ROWS, validate_max=True)


class FormSetWidget(forms.Widget):
    """Rows of a list field as a Django formset (``<name>-0-<column>`` and the management
    form); blank rows to add more without JavaScript.

    The formset only collects the rows: the field (``SpecialConditionsField``,
    ``YearSplitField``) parses them, as it parses the list a JSON client sends under the
    field's own name, so both ways in meet one set of rules.
    """

    template_name = "decisions/workflow/widgets/formset.html"
    formset_class: type[forms.BaseFormSet]
    css_class = ""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.bound_formset = None

    def _management(self, data, name) -> dict:
        """The posted data, with a management form counted from the rows when a hand-made
        POST left it out."""
        total_key = f"{name}-TOTAL_FORMS"
        if total_key in data:
            return data
        indexes = [
            int(match.group(1))
            for key in data
            if (match := re.match(rf"^{re.escape(name)}-(\d+)-", key))
        ]
        rows = min(max(indexes) + 1, MAX_ROWS) if indexes else 0
        return {**{key: data.get(key) for key in data}, total_key: rows, f"{name}-INITIAL_FORMS": 0}

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)  # a JSON client's list (or dict)
        if not any(key.startswith(f"{name}-") for key in data):
            return None
        formset = self.formset_class(self._management(data, name), prefix=name)
        self.bound_formset = formset
        if not formset.is_valid():
            return InvalidRows(formset)
        return [
            {key: value for key, value in form.cleaned_data.items()}
            for form in formset.forms
            if form.has_changed() and any(v not in (None, "") for v in form.cleaned_data.values())
        ]

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(key.startswith(f"{name}-") for key in data)

    def id_for_label(self, id_):
        first = next(iter(self.formset_class.form.base_fields))
        return f"{id_}-0-{first}" if id_ else id_

    def initial_rows(self, value) -> list[dict]:
        return value if isinstance(value, list) else []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        formset = self.bound_formset
        if formset is None:
            formset = self.formset_class(initial=self.initial_rows(value), prefix=name)
        context["formset"] = formset
        context["css_class"] = self.css_class
        return context

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        return render_to_string(self.template_name, context)


class InvalidRows(list):
    """What a formset with errors gives its field: the field refuses it with the rows'
    messages (shown under the field; the rows keep what was typed)."""

    def __init__(self, formset):
        super().__init__()
        self.messages = [
            f"{number}: {message}"
            for number, errors in enumerate(formset.errors, start=1)
            for field_errors in errors.values()
            for message in field_errors
        ] + list(formset.non_form_errors())


class ConditionRowsWidget(FormSetWidget):
    formset_class = ConditionFormSet
    css_class = "rows-input--conditions"

    def initial_rows(self, value):
        rows = []
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict):
                rows.append({"text": item.get("text", ""), "due_date": item.get("due_date")})
        return rows


class YearRowsWidget(FormSetWidget):
    formset_class = YearFormSet
    css_class = "rows-input--years"

    def initial_rows(self, value):
        if isinstance(value, dict):
            value = [{"year": year, "amount": amount} for year, amount in value.items()]
        rows = []
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict):
                amount = item.get("amount", "")
                if isinstance(amount, Decimal | int):
                    amount = format_amount(amount, unit="").strip()
                rows.append({"year": item.get("year", ""), "amount": amount})
        return rows


def _parse_date(value, message):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationError(message) from exc


class SpecialConditionsField(forms.Field):
    """Special conditions: ``[{"text": str, "due_date": date | None}, ...]``."""

    widget = ConditionRowsWidget

    def to_python(self, value):
        if isinstance(value, InvalidRows):
            raise ValidationError(value.messages)
        if value is None:
            return None  # not sent at all: the form decides the default
        if value == "":
            return []
        if not isinstance(value, list):
            raise ValidationError(
                _('Särskilda villkor anges som en lista med {"text", "due_date"}.'),
                code="invalid",
            )
        out = []
        for number, item in enumerate(value, start=1):
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict):
                raise ValidationError(_("Villkor %(n)s är inte giltigt.") % {"n": number})
            text = str(item.get("text") or "").strip()
            if "\x00" in text:
                raise ValidationError(_("Texten innehåller ett otillåtet tecken."), code="null")
            due = _parse_date(
                item.get("due_date"),
                _("Villkor %(n)s: skriv datumet som ÅÅÅÅ-MM-DD.") % {"n": number},
            )
            if not text:
                if due:
                    raise ValidationError(
                        _("Villkor %(n)s har ett datum men ingen text.") % {"n": len(out) + 1}
                    )
                continue
            out.append({"text": text, "due_date": due})
        return out

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class YearSplitField(forms.Field):
    """How a granted amount is split per year: ``{year: amount}``."""

    widget = YearRowsWidget

    def to_python(self, value):
        if isinstance(value, InvalidRows):
            raise ValidationError(value.messages)
        if value in (None, "", [], {}):
            return {}
        if isinstance(value, dict):
            value = [{"year": year, "amount": amount} for year, amount in value.items()]
        if not isinstance(value, list):
            raise ValidationError(_("Fördelningen per år anges som {år: belopp}."))
        split: dict[int, Decimal] = {}
        for item in value:
            if not isinstance(item, dict):
                raise ValidationError(_("Fördelningen per år anges som {år: belopp}."))
            year, amount = item.get("year"), item.get("amount")
            if year in (None, "") and amount in (None, ""):
                continue
            try:
                year_text = str(year).strip()
                if not year_text.isascii():
                    raise ValueError(year_text)
                year = int(year_text)
            except (TypeError, ValueError) as exc:
                raise ValidationError(_("Ange året med fyra siffror, t.ex. 2021.")) from exc
            if not 2000 <= year <= 2100:
                raise ValidationError(_("Ange året med fyra siffror, t.ex. 2021."))
            if amount in (None, ""):
                raise ValidationError(_("Belopp saknas för år %(year)s.") % {"year": year})
            try:
                amount = parse_amount(str(amount) if isinstance(amount, float) else amount)
            except AmountError as exc:
                raise ValidationError(
                    _("År %(year)s: %(error)s") % {"year": year, "error": exc}
                ) from exc
            if year in split:
                raise ValidationError(_("År %(year)s finns med två gånger.") % {"year": year})
            split[year] = amount
        return split


# --- Transition forms ----------------------------------------------------------------


class TransitionForm(forms.Form):
    """Base: the motivation (why), plus what the transition records."""

    motivation_required = False
    motivation_label = gettext_lazy("Motivering")
    motivation_help = gettext_lazy("Visas i ärendets händelselogg.")

    motivation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case, user=None, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)
        motivation = self.fields.pop("motivation")
        motivation.required = self.motivation_required
        motivation.label = self.motivation_label
        motivation.help_text = self.motivation_help
        self.fields["motivation"] = motivation  # always last

    def transition_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "motivation"}

    def check_date(self, value, *, allow_future=False):
        if value is None:
            return value
        if not allow_future and value > _today():
            raise ValidationError(_("Datumet kan inte vara i framtiden."))
        if value < self.case.received_on:
            raise ValidationError(
                _("Datumet kan inte vara före ärendets inkomstdatum %(date)s.")
                % {"date": self.case.received_on.isoformat()}
            )
        return value


class PlainTransitionForm(TransitionForm):
    """No data beyond an optional motivation."""


class MotivatedTransitionForm(TransitionForm):
    """A motivation is required (withdrawal, return for more preparation)."""

    motivation_required = True
    motivation_help = gettext_lazy("Ange varför. Visas i ärendets händelselogg.")


class WithdrawForm(MotivatedTransitionForm):
    motivation_label = gettext_lazy("Motivering till återkallelsen")


class ReturnToPreparationForm(MotivatedTransitionForm):
    motivation_label = gettext_lazy("Vad behöver beredas vidare?")


class AssessmentForm(TransitionForm):
    assessment = forms.CharField(
        label=gettext_lazy("Bedömning"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "AU:s bedömning utifrån regionens prioriterade utvecklingsområden, "
            "interna strategier och planer."
        ),
    )
    proposed_route = forms.ChoiceField(
        label=gettext_lazy("Föreslagen beslutsväg"),
        choices=Assessment.Route.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Delegation gäller ärenden av mindre karaktär: förstudier, projekt inom "
            "regiondirektörens stab, projekt som berör enskilda verksamheter, lärande projekt."
        ),
    )
    direction_proposal = forms.CharField(
        label=gettext_lazy("Förslag till inriktningsbeslut"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DelegationDecisionForm(TransitionForm):
    approve = True

    decided_on = forms.DateField(label=gettext_lazy("Beslutsdatum"), widget=_date_widget())
    decision_text = forms.CharField(
        label=gettext_lazy("Beslut"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = _today()
        assessment = latest_assessment(self.case)
        if self.approve:
            text = _(
                "Utvecklingsdirektören beslutar på delegation att godkänna projektidén %(title)s."
            ) % {"title": self.case.project.title}
            if assessment:
                text += " " + assessment.direction_proposal
        else:
            text = _(
                "Utvecklingsdirektören beslutar på delegation att avslå projektidén %(title)s."
            ) % {"title": self.case.project.title}
        self.fields["decision_text"].initial = text

    def clean_decided_on(self):
        return self.check_date(self.cleaned_data["decided_on"])


class DelegationRejectForm(DelegationDecisionForm):
    approve = False


class ForumRecommendationForm(TransitionForm):
    recommendation = forms.ChoiceField(
        label=gettext_lazy("Forumets rekommendation"),
        choices=ForumRecommendation.Recommendation.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Motivering till rekommendationen"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    recommended_on = forms.DateField(
        label=gettext_lazy("Datum för forumets möte"), widget=_date_widget()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recommended_on"].initial = _today()
        # One "Motivering": the recommendation's own is also the event log's motivation.
        del self.fields["motivation"]

    def clean(self):
        data = super().clean()
        data["motivation"] = data.get("text", "")
        return data

    def clean_recommended_on(self):
        return self.check_date(self.cleaned_data["recommended_on"])


class BodyDecisionForm(TransitionForm):
    """A body's decision recorded by the secretary (utvecklingsrådet, regionstyrelsen)."""

    decided_on = forms.DateField(label=gettext_lazy("Beslutsdatum"), widget=_date_widget())
    reference = forms.CharField(
        label=gettext_lazy("Referens"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("T.ex. Utvecklingsrådet 2021-05-12 § 4."),
    )
    decision_text = forms.CharField(
        label=gettext_lazy("Beslutstext"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = _today()

    def clean_decided_on(self):
        return self.check_date(self.cleaned_data["decided_on"])


class BodyReturnForm(BodyDecisionForm):
    """Återremiss: the body sends the case back to AU with a reason."""

    motivation_required = True
    motivation_label = gettext_lazy("Skäl för återremissen")
    motivation_help = gettext_lazy("Vad ska AU bereda vidare?")


class ManagementGroupForm(TransitionForm):
    """Ledningsgruppen's handling: forward to the board or return to AU."""

    decided_on = forms.DateField(label=gettext_lazy("Ledningsgruppens möte"), widget=_date_widget())
    reference = forms.CharField(label=gettext_lazy("Referens"), required=False, max_length=200)
    decision_text = forms.CharField(
        label=gettext_lazy("Ställningstagande"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = _today()

    def clean_decided_on(self):
        return self.check_date(self.cleaned_data["decided_on"])


class ManagementGroupReturnForm(ManagementGroupForm):
    motivation_required = True
    motivation_label = gettext_lazy("Skäl för återremissen")


class SendApplicationForm(TransitionForm):
    funder = forms.CharField(
        label=gettext_lazy("Extern finansiär/program"),
        max_length=200,
        help_text=gettext_lazy("T.ex. Vinnova, ERUF, Horisont Europa."),
    )
    sent_on = forms.DateField(label=gettext_lazy("Inskickad"), widget=_date_widget())
    applied_amount = AmountField(label=gettext_lazy("Sökt belopp"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = _today()

    def clean_sent_on(self):
        return self.check_date(self.cleaned_data["sent_on"])


class FundingOutcomeForm(TransitionForm):
    decided_on = forms.DateField(
        label=gettext_lazy("Finansiärens beslutsdatum"), widget=_date_widget()
    )
    funder_reference = forms.CharField(
        label=gettext_lazy("Finansiärens diarienummer"), required=False, max_length=100
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = _today()

    def clean_decided_on(self):
        return self.check_date(self.cleaned_data["decided_on"])


class FundedForm(FundingOutcomeForm):
    amount = AmountField(label=gettext_lazy("Beviljat belopp från finansiären"), required=False)


class StartProjectForm(TransitionForm):
    started_on = forms.DateField(label=gettext_lazy("Projektstart"), widget=_date_widget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = self.case.project.start_date or _today()

    def clean_started_on(self):
        return self.check_date(self.cleaned_data["started_on"], allow_future=True)


class FinalReportForm(TransitionForm):
    submitted_on = forms.DateField(
        label=gettext_lazy("Slutrapporten inlämnad"), widget=_date_widget()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submitted_on"].initial = _today()

    def clean_submitted_on(self):
        return self.check_date(self.cleaned_data["submitted_on"])


def default_decision_points(case, amount) -> list[str]:
    return [
        _("Projektet %(title)s beviljas medfinansiering med %(amount)s.")
        % {"title": case.project.title, "amount": format_amount(amount)},
        _("Medlen anvisas ur det statliga anslaget 1:1."),
        _("%(regions)s villkor för regionala projektstöd ska följas.")
        % {"regions": possessive(settings.REGION_NAME)},
    ]


class GrantForm(TransitionForm):
    """RUN grants co-financing from anslag 1:1 (seeds 001 § 35-41, 002)."""

    amount = AmountField(
        label=gettext_lazy("Beviljat belopp"),
        help_text=gettext_lazy("Kan vara lägre än det sökta beloppet, aldrig högre."),
    )
    decided_on = forms.DateField(label=gettext_lazy("Beslutsdatum"), widget=_date_widget())
    reference = forms.CharField(
        label=gettext_lazy("Referens"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("T.ex. RUN 2020-03-24 § 35."),
    )
    decision_points = LinesField(
        label=gettext_lazy("Beslutspunkter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("En punkt per rad; numreras i beslutet. Tomt: beslutsförslagets."),
    )
    special_conditions = SpecialConditionsField(
        label=gettext_lazy("Särskilda villkor"),
        required=False,
        help_text=gettext_lazy("Varje villkor följs upp i ärendet."),
    )
    year_split = YearSplitField(
        label=gettext_lazy("Fördelning per år"),
        required=False,
        help_text=gettext_lazy("Valfritt. Summan ska vara det beviljade beloppet."),
    )
    suspensive_conditions = LinesField(
        label=gettext_lazy("Villkor för utbetalning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Ett villkor per rad, t.ex. att EU-programmet beviljar projektet. Inget betalas "
            "ut förrän villkoren är uppfyllda."
        ),
    )
    cost_share_percent = forms.DecimalField(
        label=gettext_lazy("Andel av redovisade kostnader (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        help_text=gettext_lazy(
            "Om stödet beviljas som en andel av kostnaderna; beviljat belopp är taket i kronor."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        proposal = decision_proposal_of(self.case)
        amount = (proposal and proposal.proposed_amount) or self.case.project.requested_amount
        self.fields["amount"].initial = amount
        self.fields["decided_on"].initial = _today()
        self.fields["decision_points"].initial = (
            proposal.decision_points
            if proposal and proposal.decision_points
            else default_decision_points(self.case, amount)
        )
        self.fields["special_conditions"].initial = proposal.special_conditions if proposal else []

    def clean_decided_on(self):
        return self.check_date(self.cleaned_data["decided_on"])


class RejectForm(TransitionForm):
    """RUN rejects the application (seed 001 § 34)."""

    reason = forms.CharField(
        label=gettext_lazy("Skäl för avslag"), widget=forms.Textarea(attrs={"rows": 4})
    )
    decided_on = forms.DateField(label=gettext_lazy("Beslutsdatum"), widget=_date_widget())
    reference = forms.CharField(
        label=gettext_lazy("Referens"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("T.ex. RUN 2020-03-24 § 34."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = _today()
        proposal = decision_proposal_of(self.case)
        if proposal and proposal.rejection_reason:
            self.fields["reason"].initial = proposal.rejection_reason

    def clean_decided_on(self):
        return self.check_date(self.cleaned_data["decided_on"])


class ReferToBodyForm(TransitionForm):
    """The delegate hands a case the ordinance lets them decide over to the body."""

    motivation_required = True
    motivation_label = gettext_lazy("Varför ska nämnden besluta?")


class DelegationGrantForm(GrantForm):
    """The delegate grants co-financing under a rule of the delegationsordning."""

    decision_text = forms.CharField(
        label=gettext_lazy("Beslut"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Förs in i registret över delegationsbeslut."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].help_text = gettext_lazy("T.ex. delegationsbeslutets nummer.")
        self.fields["decision_text"].initial = _(
            "Beslut på delegation: projektet %(title)s beviljas medfinansiering med %(amount)s."
        ) % {
            "title": self.case.project.title,
            "amount": format_amount(self.fields["amount"].initial or 0),
        }


class DelegationApplicationRejectForm(RejectForm):
    """The delegate rejects a co-financing application under a rule of the ordinance."""

    decision_text = forms.CharField(
        label=gettext_lazy("Beslut"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Förs in i registret över delegationsbeslut."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].help_text = gettext_lazy("T.ex. delegationsbeslutets nummer.")
        self.fields["decision_text"].initial = _(
            "Beslut på delegation: ansökan om medfinansiering av projektet %(title)s avslås."
        ) % {"title": self.case.project.title}


TRANSITION_FORMS: dict[str, type[TransitionForm]] = {
    "start_au_preparation": PlainTransitionForm,
    "record_au_assessment": AssessmentForm,
    "delegation_approve": DelegationDecisionForm,
    "delegation_reject": DelegationRejectForm,
    "send_to_forum": PlainTransitionForm,
    "forum_recommend": ForumRecommendationForm,
    "council_approve": BodyDecisionForm,
    "council_reject": BodyDecisionForm,
    "council_return": BodyReturnForm,
    "council_refer": BodyDecisionForm,
    "management_group_forward": ManagementGroupForm,
    "management_group_return": ManagementGroupReturnForm,
    "board_approve": BodyDecisionForm,
    "board_reject": BodyDecisionForm,
    "board_return": BodyReturnForm,
    "start_application": PlainTransitionForm,
    "send_application": SendApplicationForm,
    "record_funded": FundedForm,
    "record_not_funded": FundingOutcomeForm,
    "start_preparation": PlainTransitionForm,
    "mark_ready_for_run": PlainTransitionForm,
    "return_to_preparation": ReturnToPreparationForm,
    "grant": GrantForm,
    "reject": RejectForm,
    "delegation_grant": DelegationGrantForm,
    "delegation_reject_application": DelegationApplicationRejectForm,
    "refer_to_body": ReferToBodyForm,
    "start_project": StartProjectForm,
    "submit_final_report": FinalReportForm,
    "close": PlainTransitionForm,
    "withdraw": WithdrawForm,
}


# --- Other workflow forms -------------------------------------------------------------


class AnchoringContactForm(forms.Form):
    unit = forms.CharField(
        label=gettext_lazy("Verksamhet/enhet"),
        max_length=200,
        help_text=gettext_lazy("T.ex. Hälso- och sjukvårdsavdelningen, Division Närsjukvård."),
    )
    person = forms.CharField(label=gettext_lazy("Kontaktperson"), max_length=200)
    contacted_on = forms.DateField(label=gettext_lazy("Datum"), widget=_date_widget())
    outcome = forms.CharField(
        label=gettext_lazy("Resultat av kontakten"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = _today()

    def clean_contacted_on(self):
        value = self.cleaned_data["contacted_on"]
        if value > _today():
            raise ValidationError(_("Datumet kan inte vara i framtiden."))
        return value


class DecisionProposalForm(forms.Form):
    decision_points = LinesField(
        label=gettext_lazy("Förslag till beslut"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("En beslutspunkt per rad; punkterna numreras i beslutet."),
    )
    proposed_amount = AmountField(
        label=gettext_lazy("Föreslaget belopp"),
        required=False,
        help_text=gettext_lazy("Ur anslag 1:1. Krävs om förslaget inte är avslag."),
    )
    proposes_rejection = forms.BooleanField(
        label=gettext_lazy("Förslaget är avslag"), required=False
    )
    rejection_reason = forms.CharField(
        label=gettext_lazy("Skäl för avslag"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    statement = forms.CharField(
        label=gettext_lazy("Yttrande till beslutsförslaget"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    summary = forms.CharField(
        label=gettext_lazy("Sammanfattning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    special_conditions = SpecialConditionsField(
        label=gettext_lazy("Särskilda villkor"),
        required=False,
        help_text=gettext_lazy("Följs upp i ärendet med sina datum när RUN beviljar."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("special_conditions") is None:
            cleaned["special_conditions"] = []
        return cleaned


class DelegationFilterForm(forms.Form):
    REPORTED_CHOICES = [
        ("", gettext_lazy("Alla")),
        ("no", gettext_lazy("Ej anmälda")),
        ("yes", gettext_lazy("Anmälda")),
    ]
    reported = forms.ChoiceField(
        label=gettext_lazy("Anmälan"), choices=REPORTED_CHOICES, required=False
    )


# --- Delayed cases (förvaltningslagen 11-12 §§, decisions.workflow.delays) -----------


class DelayNoticeForm(forms.Form):
    # one per form shown: the same form sent twice makes one letter (``delays.notify_delay``)
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    recipient = forms.CharField(label=gettext_lazy("Mottagare"), max_length=200)
    reason = forms.CharField(
        label=gettext_lazy("Anledning till förseningen"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Står i brevet till parten (11 § förvaltningslagen)."),
    )
    expected_on = forms.DateField(
        label=gettext_lazy("Beräknat beslut senast"),
        required=False,
        widget=_date_widget(),
        help_text=gettext_lazy("Valfritt: när ärendet väntas bli avgjort."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = uuid.uuid4()

    def clean_expected_on(self):
        value = self.cleaned_data["expected_on"]
        if value is not None and value < _today():
            raise ValidationError(_("Datumet kan inte ligga i det förflutna."))
        return value


def _document_label(hidden_label):
    """Registry number, title (or the mask of a document secret to the user) and date."""
    hidden_label = hidden_label or (lambda document: "")
    return lambda d: (
        f"{d.registry_number}. {hidden_label(d) or d.title} ({d.document_date:%Y-%m-%d})"
    )


class IncomingLetterForm(forms.Form):
    """A letter that came in (its fields ``received_on``, ``document`` and ``file`` declared
    by the subclass): one already registered in the case or a file uploaded, one of them."""

    one_of_message = ""

    def __init__(self, *args, documents, hidden_label=None, **kwargs):
        """``hidden_label(document)``: the mask shown instead of the title of a document
        secret to the user, or "" (``projects.secrecy``)."""
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = _document_label(hidden_label)
        self.fields["received_on"].initial = _today()
        self.fields["file"].widget.attrs["accept"] = ACCEPT_ATTRIBUTE

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > _today():
            raise ValidationError(_("Datumet kan inte ligga i framtiden."))
        return value

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("document") is None) == (data.get("file") is None):
            raise ValidationError(str(self.one_of_message))
        return data


class DecisionDemandForm(IncomingLetterForm):
    party = forms.CharField(label=gettext_lazy("Part som begär avgörande"), max_length=200)
    received_on = forms.DateField(label=gettext_lazy("Inkom"), widget=_date_widget())
    document = forms.ModelChoiceField(
        label=gettext_lazy("Skrivelsen, om den redan är registrerad"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— ladda upp den i stället —"),
    )
    file = forms.FileField(
        label=gettext_lazy("eller skrivelsen som fil"),
        required=False,
        help_text=gettext_lazy("Registreras som inkommen handling i ärendet."),
    )

    one_of_message = gettext_lazy(
        "Begäran ska vara skriftlig: välj den registrerade skrivelsen eller ladda upp den "
        "(en av dem)."
    )


class DemandRefusalForm(forms.Form):
    reasoning = forms.CharField(
        label=gettext_lazy("Skäl för avslaget"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Varför ärendet inte kan avgöras nu (32 § förvaltningslagen). Står i beslutet, "
            "som registreras och skickas till parten."
        ),
    )


class CommunicationForm(forms.Form):
    # one per form shown: the same form sent twice makes one letter
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    recipient = forms.CharField(label=gettext_lazy("Mottagare"), max_length=200)
    documents = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Underlag att kommunicera"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Det som har betydelse för beslutet och som parten inte redan känner till, "
            "t.ex. yttranden och utredningar från andra."
        ),
    )
    message = forms.CharField(
        label=gettext_lazy("Meddelande till parten"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Valfritt: vad parten särskilt ombeds yttra sig över."),
    )
    reply_by = forms.DateField(
        label=gettext_lazy("Svar senast"),
        widget=_date_widget(),
        help_text=gettext_lazy(
            "Ett beslut mot parten fattas tidigast dagen efter, om parten inte svarar förr."
        ),
    )

    def __init__(self, *args, documents, hidden_label=None, reply_by=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = uuid.uuid4()
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = _document_label(hidden_label)
        if not documents.exists():
            self.fields["documents"].help_text = _(
                "Ärendet har inga registrerade handlingar ännu: registrera underlaget under "
                "Dokument först."
            )
        self.fields["reply_by"].initial = reply_by

    def clean_reply_by(self):
        value = self.cleaned_data["reply_by"]
        if value <= _today():
            raise ValidationError(_("Svarstiden ska sluta efter i dag."))
        return value


class CommunicationReplyForm(IncomingLetterForm):
    received_on = forms.DateField(label=gettext_lazy("Svaret inkom"), widget=_date_widget())
    document = forms.ModelChoiceField(
        label=gettext_lazy("Svaret, om det redan är registrerat"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("— ladda upp det i stället —"),
    )
    file = forms.FileField(
        label=gettext_lazy("eller svaret som fil"),
        required=False,
        help_text=gettext_lazy("Registreras som inkommen handling i ärendet."),
    )

    one_of_message = gettext_lazy("Välj det registrerade svaret eller ladda upp det (en av dem).")
