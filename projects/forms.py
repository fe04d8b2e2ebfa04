"""Forms of the registry, in Swedish. Forms validate input; services do the writing.

Reusable pieces other apps import:

- ``AmountField``: money typed as ``1245497``, ``1 245 497``, ``1 245 497 kr`` or
  ``2 000 tkr``; shows stored values as ``1 245 497 kr``; ``cleaned_data`` is a
  ``Decimal`` with two decimals (or ``None`` when empty and not required).
- ``DateInput``: ``<input type="date">`` in ISO format (``2020-03-24``).
- ``OrganisationField`` / ``OrganisationMultipleField``: the organisation picker
  (see ``projects.widgets``).
- ``EditTokenMixin``: a hidden ``edit_token`` for optimistic locking (409 on stale edits).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.collation import swedish_key
from core.concurrency import edit_token
from core.money import AmountError, format_amount, parse_amount
from core.text import is_number
from projects import permissions, selectors
from projects.dnr import parse_dnr
from projects.documents import ACCEPT_ATTRIBUTE
from projects.models import (
    Case,
    CaseKind,
    Document,
    Obligation,
    Organisation,
    Project,
    ProjectAim,
    ProjectMember,
    RusArea,
    SecrecyProvision,
    SmartSpecialisationArea,
)
from projects.widgets import (
    ListModelChoiceIterator,
    OrganisationMultiPickerWidget,
    OrganisationPickerWidget,
    ProjectPickerWidget,
)

# --- Reusable fields --------------------------------------------------------------


class AmountInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"inputmode": "decimal", "autocomplete": "off", "class": "input-amount"}
        super().__init__({**defaults, **(attrs or {})})


class AmountField(forms.CharField):
    """An amount in SEK, parsed with ``core.money.parse_amount``."""

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Skriv beloppet som 1245497, 1 245 497, 1 245 497 kr eller 2 000 tkr."),
        "min_value": _("Beloppet måste vara minst %(limit_value)s."),
        "max_value": _("Beloppet får vara högst %(limit_value)s."),
    }

    def __init__(self, *, min_value=None, max_value=None, **kwargs):
        kwargs.setdefault("strip", True)
        kwargs.setdefault("help_text", _("T.ex. 1 245 497 kr eller 2 000 tkr (tusen kronor)."))
        super().__init__(**kwargs)
        self.min_value = None if min_value is None else Decimal(min_value)
        self.max_value = None if max_value is None else Decimal(max_value)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_amount(value)
        return value

    def to_python(self, value):
        if isinstance(value, Decimal):
            return value
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except AmountError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit_value": format_amount(self.min_value)},
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit_value": format_amount(self.max_value)},
            )

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (
                None if initial in (None, "") else parse_amount(initial)
            )
        except ValidationError:
            return True

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    widget = DateInput
    default_error_messages = {"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2020-03-24.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)


def _suggestions(text: str) -> str:
    words = [w for w in text.split() if len(w) >= 3]
    query = Q(name__icontains=text)
    for word in words:
        query |= Q(name__icontains=word)
    names = list(Organisation.objects.filter(query).values_list("name", flat=True)[:5])
    return ", ".join(names)


def resolve_organisation_name(text: str, *, can_create: bool = True) -> Organisation:
    """The organisation with exactly this name (case-insensitive), or a clear error (which
    points to "Ny organisation" where the form can create one, not in a filter)."""
    matches = list(Organisation.objects.filter(name__iexact=text.strip())[:2])
    if len(matches) == 1:
        return matches[0]
    values = {"name": text.strip(), "suggestions": _suggestions(text.strip())}
    if values["suggestions"] and can_create:
        message = gettext(
            "Det finns ingen organisation som heter ”%(name)s”. Menade du: %(suggestions)s? "
            "Välj i listan eller skapa organisationen med ”Ny organisation”."
        )
    elif values["suggestions"]:
        message = gettext(
            "Det finns ingen organisation som heter ”%(name)s”. Menade du: %(suggestions)s? "
            "Välj i listan."
        )
    elif can_create:
        message = gettext(
            "Det finns ingen organisation som heter ”%(name)s”. Skapa den med ”Ny organisation”."
        )
    else:
        message = gettext("Det finns ingen organisation som heter ”%(name)s”.")
    raise ValidationError(message % values, code="unknown_organisation")


class _PickedField(forms.ModelChoiceField):
    """A row chosen with a picker widget (hidden id + the text shown, ``{"pk", "text"}``):
    the id when the text still names that row, else the row the text names
    (``_typed``: typed without JavaScript, or changed after a pick)."""

    def _label(self, obj) -> str:
        raise NotImplementedError

    def _typed(self, text: str):
        raise NotImplementedError

    def to_python(self, value):
        if isinstance(value, self.queryset.model):
            return value
        if isinstance(value, dict):
            pk, text = str(value.get("pk") or "").strip(), (value.get("text") or "").strip()
        else:
            pk, text = str(value or "").strip(), ""
        if pk:
            obj = self.queryset.filter(pk=pk).first() if is_number(pk) else None
            if obj and (not text or text.casefold() == self._label(obj).casefold()):
                return obj
            if not text:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        if not text:
            return None
        return self._typed(text)

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        initial_pk = initial.pk if isinstance(initial, self.queryset.model) else initial
        return str(initial_pk or "") != str(new.pk if new else "")


class OrganisationField(_PickedField):
    """An organisation chosen with the picker (or typed by its exact name)."""

    widget = OrganisationPickerWidget

    def __init__(self, *, allow_create: bool = True, **kwargs):
        kwargs.setdefault("queryset", Organisation.objects.all())
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)
        self.widget.allow_create = allow_create

    def _label(self, obj) -> str:
        return obj.name

    def _typed(self, text: str) -> Organisation:
        return resolve_organisation_name(text, can_create=self.widget.allow_create)


class ProjectField(_PickedField):
    """A project chosen with the project picker (``ProjectPickerWidget``), or typed: its
    exact title (case-insensitive) or a Dnr or NYPS-id of one of its cases."""

    widget = ProjectPickerWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Project.objects.all())
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)

    def _label(self, obj) -> str:
        return obj.title

    def _typed(self, text: str) -> Project:
        """The project a typed text names without doubt, or a clear error."""
        matches = selectors.project_search(text, limit=6)
        exact = [p for p in matches if p.title.casefold() == text.casefold()]
        by_case = parse_dnr(text) or selectors.NYPS_PATTERN.match(text)
        if len(exact) == 1:
            return exact[0]
        if by_case and len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(
                gettext("Inget projekt matchar ”%(text)s”. Sök på en del av namnet eller ett Dnr.")
                % {"text": text},
                code="unknown_project",
            )
        names = ", ".join(f"”{p.title}”" for p in matches[:5])
        raise ValidationError(
            gettext("Flera projekt matchar ”%(text)s”: %(names)s. Välj ett i listan.")
            % {"text": text, "names": names},
            code="ambiguous_project",
        )

    def has_changed(self, initial, data):
        try:
            new = self.to_python(data)
        except ValidationError:
            return True
        initial_pk = initial.pk if isinstance(initial, Project) else initial
        return str(initial_pk or "") != str(new.pk if new else "")


class OrganisationMultipleField(forms.ModelMultipleChoiceField):
    """Several organisations chosen with the picker; names typed are added (";" between)."""

    widget = OrganisationMultiPickerWidget

    def __init__(self, *, allow_create: bool = True, **kwargs):
        kwargs.setdefault("queryset", Organisation.objects.all())
        super().__init__(**kwargs)
        self.widget.allow_create = allow_create

    def prepare_value(self, value):
        if isinstance(value, dict):  # bound: what the user sent, rendered by the widget
            return value
        return super().prepare_value(value)

    def clean(self, value):
        if isinstance(value, dict):
            pks = [str(pk) for pk in value.get("pks", []) if str(pk).strip()]
            text = (value.get("text") or "").strip()
        else:
            pks, text = [str(pk) for pk in (value or [])], ""
        bad = [pk for pk in pks if not is_number(pk)]
        if bad:
            raise ValidationError(self.error_messages["invalid_pk_value"] % {"pk": bad[0]})
        chosen = list(self.queryset.filter(pk__in=pks)) if pks else []
        if len(chosen) != len(set(pks)):
            raise ValidationError(
                gettext("En av de valda organisationerna finns inte längre."),
                code="invalid_choice",
            )
        errors = []
        for name in filter(None, (part.strip() for part in text.split(";"))):
            try:
                organisation = resolve_organisation_name(name)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            if organisation not in chosen:
                chosen.append(organisation)
        if errors:
            raise ValidationError(errors)
        if self.required and not chosen:
            raise ValidationError(self.error_messages["required"], code="required")
        chosen.sort(key=lambda org: swedish_key(org.name))
        return chosen

    def has_changed(self, initial, data):
        try:
            new = {org.pk for org in self.clean(data)}
        except ValidationError:
            return True
        old = {getattr(item, "pk", item) for item in (initial or [])}
        return {str(pk) for pk in old} != {str(pk) for pk in new}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class EditTokenMixin(forms.Form):
    """Carries the row's fingerprint so a stale save is refused (``Conflict``)."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, token_source=None, **kwargs):
        super().__init__(*args, **kwargs)
        source = token_source if token_source is not None else getattr(self, "instance", None)
        if source is not None and getattr(source, "pk", None):
            self.fields["edit_token"].initial = edit_token(source)


def _area_field(model, label, instance_pks=()):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=model.objects.filter(Q(active=True) | Q(pk__in=list(instance_pks))),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# --- Organisations ----------------------------------------------------------------


class OrganisationForm(EditTokenMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "org_number", "email", "city"]
        help_texts = {"org_number": _("Skrivs NNNNNN-NNNN, t.ex. 202100-2841. Valfritt.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.setdefault("autocomplete", "organization")

    def validate_unique(self):
        """Uniqueness is checked by the service, with clearer messages."""

    def _post_clean(self):
        # Model validation without the constraints (the service explains duplicates).
        opts = self._meta
        try:
            self.instance = forms.models.construct_instance(self, self.instance, opts.fields)
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            self._update_errors(exc)


class OrganisationQuickForm(OrganisationForm):
    """The small create-inline form of the picker."""

    class Meta(OrganisationForm.Meta):
        fields = ["name", "kind", "org_number", "city"]


# --- Projects --------------------------------------------------------------------


class ProjectForm(EditTokenMixin, forms.ModelForm):
    applicant = OrganisationField(label=_("Stödsökande"), required=False)
    owner = OrganisationField(label=_("Projektägare"), required=False)
    partners = OrganisationMultipleField(label=_("Samverkansparter"), required=False)
    start_date = DateField(label=_("Projektstart"), required=False)
    end_date = DateField(label=_("Projektslut"), required=False)
    requested_amount = AmountField(label=_("Sökt belopp"), required=False)
    total_budget = AmountField(label=_("Total projektbudget"), required=False)

    class Meta:
        model = Project
        fields = [
            "title",
            "applicant",
            "owner",
            "partners",
            "contact_name",
            "contact_email",
            "contact_phone",
            "start_date",
            "end_date",
            "origin",
            "rus_areas",
            "smart_areas",
            "requested_amount",
            "total_budget",
            "summary",
            "background",
            "purpose",
            "implementation",
            "expected_results",
            "social_sustainability",
            "economic_sustainability",
            "environmental_sustainability",
            "main_aims",
            "involves_healthcare",
        ]
        widgets = {
            "origin": forms.RadioSelect,
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in (
                    "summary",
                    "background",
                    "purpose",
                    "implementation",
                    "expected_results",
                    "social_sustainability",
                    "economic_sustainability",
                    "environmental_sustainability",
                )
            },
        }

    # (legend, field names, layout class, anchor id)
    FIELDSETS = (
        (_("Projekt"), ("title", "origin", "start_date", "end_date"), "grid", "projekt"),
        (
            _("Parter"),
            ("applicant", "owner", "partners", "contact_name", "contact_email", "contact_phone"),
            "grid grid--pickers",
            "parter",
        ),
        (_("Belopp"), ("requested_amount", "total_budget"), "grid", "belopp"),
        (_("Inriktning"), ("rus_areas", "smart_areas"), "grid", "inriktning"),
        (
            _("Huvudsyfte och förankring"),
            (
                "main_aims",
                "involves_healthcare",
            ),
            "stack",
            "huvudsyfte",
        ),
        (
            _("Ärendet"),
            (
                "summary",
                "background",
                "purpose",
                "implementation",
                "expected_results",
                "social_sustainability",
                "economic_sustainability",
                "environmental_sustainability",
            ),
            "stack",
            "texter",
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        rus_pks = smart_pks = aim_pks = ()
        if instance.pk:
            aim_pks = instance.main_aims.values_list("pk", flat=True)
            rus_pks = instance.rus_areas.values_list("pk", flat=True)
            smart_pks = instance.smart_areas.values_list("pk", flat=True)
            self.initial.setdefault("partners", list(instance.partners.all()))
        self.fields["rus_areas"] = _area_field(RusArea, _("RUS-insatsområden"), rus_pks)
        self.fields["smart_areas"] = _area_field(
            SmartSpecialisationArea, _("Fokusområden för smart specialisering"), smart_pks
        )
        self.fields["main_aims"] = _area_field(ProjectAim, _("Huvudsyften"), aim_pks)
        self.fields["main_aims"].help_text = _(
            "Det eller de syften projektet i huvudsak har; återrapporteringen räknar årets "
            "beviljade projekt per huvudsyfte."
        )
        self.fields["contact_email"].widget.attrs.setdefault("autocomplete", "email")

    def fieldsets(self):
        for legend, names, layout, anchor in self.FIELDSETS:
            yield {
                "legend": legend,
                "fields": [self[name] for name in names],
                "layout": layout,
                "anchor": anchor,
            }

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


# --- Cases ----------------------------------------------------------------------


def _officer_field(**kwargs):
    return UserChoiceField(queryset=selectors.officers(), label=_("Handläggare"), **kwargs)


class CaseRegisterForm(forms.Form):
    """Register a case: for an existing project or for a new one in the same step."""

    PROJECT_EXISTING = "existing"
    PROJECT_NEW = "new"

    kind = forms.ChoiceField(
        label=_("Ärendetyp"), choices=CaseKind.choices, widget=forms.RadioSelect
    )
    project_mode = forms.ChoiceField(
        label=_("Projekt"),
        choices=[(PROJECT_NEW, _("Nytt projekt")), (PROJECT_EXISTING, _("Befintligt projekt"))],
        initial=PROJECT_NEW,
        widget=forms.RadioSelect,
    )
    project = ProjectField(label=_("Befintligt projekt"), required=False)
    project_title = forms.CharField(label=_("Projektnamn"), max_length=300, required=False)
    applicant = OrganisationField(label=_("Stödsökande"), required=False)
    requested_amount = AmountField(label=_("Sökt belopp"), required=False)
    start_date = DateField(label=_("Projektstart"), required=False)
    end_date = DateField(label=_("Projektslut"), required=False)
    title = forms.CharField(
        label=_("Ärendemening"),
        max_length=300,
        required=False,
        help_text=_("Lämnas tom: ”Medfinansiering av projektet …” eller ”Projektidé: …”."),
    )
    officer = _officer_field()
    received_on = DateField(label=_("Inkom"))
    nyps_id = forms.CharField(
        label=_("NYPS-id"),
        max_length=12,
        required=False,
        help_text=_("Ärendets id i Tillväxtverkets NYPS, bara siffror, t.ex. 20204867."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["officer"].queryset = selectors.officers()
        if user is not None and selectors.officers().filter(pk=user.pk).exists():
            self.fields["officer"].initial = user.pk
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["nyps_id"].widget.attrs.update({"inputmode": "numeric", "pattern": r"\d*"})

    def clean_nyps_id(self):
        value = self.cleaned_data["nyps_id"].strip()
        if value and Case.objects.filter(nyps_id=value).exists():
            raise ValidationError(_("Ett annat ärende har redan detta NYPS-id."))
        return value

    def clean(self):
        data = super().clean()
        mode = data.get("project_mode")
        if mode == self.PROJECT_EXISTING and not data.get("project"):
            self.add_error("project", _("Välj ett befintligt projekt."))
        elif mode == self.PROJECT_EXISTING and self.user is not None:
            # The service refuses it too (403); here the reason shows on the field.
            access = permissions.can_register_case_on(self.user, data["project"])
            if not access:
                self.add_error("project", access.reason)
        if mode == self.PROJECT_NEW:
            if not (data.get("project_title") or "").strip():
                self.add_error("project_title", _("Ange projektets namn."))
            start, end = data.get("start_date"), data.get("end_date")
            if start and end and start > end:
                self.add_error("end_date", _("Projektslutet kan inte ligga före projektstarten."))
        received = data.get("received_on")
        if received and received > timezone.localdate():
            self.add_error("received_on", _("Inkomstdatum kan inte ligga i framtiden."))
        return data

    def default_title(self) -> str:
        data = self.cleaned_data
        if data.get("title", "").strip():
            return data["title"].strip()
        if data.get("project_mode") == self.PROJECT_EXISTING:
            project_title = data["project"].title
        else:
            project_title = data["project_title"].strip()
        if data.get("kind") == CaseKind.PROJECT_IDEA:
            return gettext("Projektidé: %(title)s") % {"title": project_title}
        return gettext("Medfinansiering av projektet %(title)s") % {"title": project_title}

    def case_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "title": self.default_title(),
            "officer": data["officer"],
            "received_on": data["received_on"],
            "nyps_id": data["nyps_id"] or None,
        }

    def project_fields(self) -> dict:
        data = self.cleaned_data
        applicant = data.get("applicant")
        return {
            "title": data["project_title"].strip(),
            "applicant": applicant,
            "owner": applicant,
            "requested_amount": data.get("requested_amount"),
            "start_date": data.get("start_date"),
            "end_date": data.get("end_date"),
            "origin": Project.Origin.EXTERNAL
            if data["kind"] == CaseKind.CO_FINANCING
            else Project.Origin.INTERNAL,
        }


class CaseEditForm(EditTokenMixin, forms.ModelForm):
    officer = _officer_field()
    received_on = DateField(label=_("Inkom"))
    project = ProjectField(label=_("Projekt"))

    class Meta:
        model = Case
        fields = ["title", "nyps_id", "officer", "received_on", "project"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = selectors.officers(include=self.instance.officer_id)
        self.fields["nyps_id"].widget.attrs.update({"inputmode": "numeric", "pattern": r"\d*"})

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["nyps_id"] = data["nyps_id"] or None
        return data


# --- After approval ---------------------------------------------------------------


class ProjectStartForm(EditTokenMixin, forms.Form):
    started_on = DateField(label=_("Faktisk start"), required=False)
    reporting_routine = forms.CharField(
        label=_("Rapporteringsrutin"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "T.ex. lägesrapport till styrgruppen varje kvartal, projektmöte varannan vecka."
        ),
    )


class ProjectClosureForm(EditTokenMixin, forms.Form):
    result_summary = forms.CharField(
        label=_("Resultatsammanfattning"), widget=forms.Textarea(attrs={"rows": 6})
    )
    recommendation = forms.ChoiceField(
        label=_("Rekommendation"), choices=Project.Recommendation.choices, widget=forms.RadioSelect
    )
    follow_up_case = forms.ModelChoiceField(
        label=_("Uppföljande idé"),
        queryset=Case.objects.none(),
        required=False,
        empty_label=_("– ingen –"),
        help_text=_("Behövs ett internt uppföljningsprojekt registreras det som en ny projektidé."),
    )
    closed_on = DateField(label=_("Avslutad"))

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        ideas = Case.objects.filter(kind=CaseKind.PROJECT_IDEA).order_by("-year", "-number")
        if project is not None:
            ideas = ideas.exclude(project=project)
        self.fields["follow_up_case"].queryset = ideas
        self.fields["follow_up_case"].label_from_instance = lambda case: f"{case.dnr} {case.title}"
        self.fields["closed_on"].initial = timezone.localdate()


class ProjectMemberForm(EditTokenMixin, forms.ModelForm):
    organisation = OrganisationField(label=_("Organisation"), required=False)

    class Meta:
        model = ProjectMember
        fields = ["group", "role", "name", "organisation", "email"]
        widgets = {"group": forms.RadioSelect}

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ObligationForm(EditTokenMixin, forms.ModelForm):
    due_date = DateField(label=_("Förfallodatum"), required=False)

    class Meta:
        model = Obligation
        fields = ["text", "due_date", "source", "case"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        project = project or getattr(self.instance, "project", None)
        self.fields["case"].queryset = (
            project.cases.order_by("-year", "-number") if project else Case.objects.none()
        )
        self.fields["case"].required = False
        self.fields["case"].empty_label = _("– inget –")
        self.fields["case"].label_from_instance = lambda case: f"{case.dnr} {case.title}"


class ObligationFulfilForm(forms.Form):
    fulfilled_on = DateField(label=_("Uppfyllt den"))
    note = forms.CharField(
        label=_("Kommentar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fulfilled_on"].initial = timezone.localdate()


# --- Documents --------------------------------------------------------------------


def active_provisions():
    return SecrecyProvision.objects.filter(active=True)


class ProvisionField(forms.ModelChoiceField):
    """The OSL provisions, read in one plain query, or as the page read them (``core.batch``)."""

    iterator = ListModelChoiceIterator


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=200,
        help_text=_("Samma titel som ett befintligt dokument sparas som en ny version."),
    )
    kind = forms.ChoiceField(label=_("Typ"), choices=Document.Kind.choices, widget=forms.Select)
    confidential = forms.BooleanField(label=_("Sekretessmarkera"), required=False)
    provision = ProvisionField(
        label=_("Sekretessbestämmelse"),
        queryset=SecrecyProvision.objects.filter(active=True),
        required=False,
        help_text=_("Bestämmelsen som markeringen grundas på; krävs när handlingen markeras."),
    )
    direction = forms.ChoiceField(
        label=_("Riktning"),
        choices=Document.Direction.choices,
        widget=forms.Select,
        required=False,
        help_text=_("Tomt betyder inkommande."),
    )
    document_date = forms.DateField(
        label=_("Dokumentdatum"),
        required=False,
        help_text=_("Dagen handlingen kom in eller upprättades; tomt betyder i dag."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    party_kind = forms.ChoiceField(
        label=_("Avsändare/mottagare är"),
        choices=[("", "—"), *Document.PartyKind.choices],
        required=False,
    )
    party_name = forms.CharField(
        label=_("Avsändare/mottagare"),
        max_length=200,
        required=False,
        help_text=_("Vem en inkommande handling kom från, eller vem en utgående skickades till."),
    )
    description = forms.CharField(
        label=_("Kort beskrivning"),
        max_length=300,
        required=False,
        help_text=_("Vad handlingen gäller; tomt betyder titeln."),
    )
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("PDF, DOCX, XLSX, ODT, PNG, JPEG eller TXT."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, titles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.titles = list(titles)
        if self.titles:
            self.fields["title"].widget.attrs["list"] = "document-titles"
        self.fields["kind"].initial = Document.Kind.APPENDIX
        self.fields["direction"].initial = Document.Direction.INCOMING

    def clean(self):
        data = super().clean()
        require_provision(self, data, marking=bool(data.get("confidential")))
        direction = data.get("direction") or Document.Direction.INCOMING
        if direction != Document.Direction.DRAWN_UP and not (data.get("party_name") or "").strip():
            self.add_error("party_name", missing_party_message(direction))
        return data


def require_provision(form, data, *, marking: bool) -> None:
    """A secrecy marking names the provision it rests on (OSL; DOMAIN "Secrecy")."""
    if marking and not data.get("provision"):
        form.add_error("provision", _("Ange bestämmelsen som sekretessmarkeringen grundas på."))


def missing_party_message(direction: str) -> str:
    """OSL 5 kap. 2 §: a registered document says whom it came from or was sent to."""
    if direction == Document.Direction.OUTGOING:
        return _("Ange vem handlingen skickades till (offentlighets- och sekretesslagen 5:2).")
    return _("Ange vem handlingen kom från (offentlighets- och sekretesslagen 5:2).")


class EmailRegisterForm(forms.Form):
    file = forms.FileField(
        label=_("E-postmeddelande (.eml)"),
        help_text=_("Meddelandet och dess bilagor registreras som inkomna handlingar."),
        widget=forms.ClearableFileInput(attrs={"accept": ".eml,message/rfc822"}),
    )
    title = forms.CharField(
        label=_("Titel"), max_length=200, required=False, help_text=_("Tomt betyder ämnesraden.")
    )


class DocumentEditForm(forms.Form):
    kind = forms.ChoiceField(label=_("Typ"), choices=Document.Kind.choices)
    confidential = forms.BooleanField(label=_("Sekretessmarkera"), required=False)
    provision = forms.ModelChoiceField(
        label=_("Sekretessbestämmelse"),
        queryset=SecrecyProvision.objects.filter(active=True),
        required=False,
        help_text=_("Bestämmelsen som markeringen grundas på; krävs när handlingen markeras."),
    )

    def clean(self):
        data = super().clean()
        # a new marking (one already made keeps its provision)
        newly = bool(data.get("confidential")) and not self.initial.get("confidential")
        require_provision(self, data, marking=newly)
        return data


# --- Secrecy -----------------------------------------------------------------------


class SecrecyMarkForm(forms.Form):
    target = forms.ChoiceField(label=_("Vad markeras"))
    provision = forms.ModelChoiceField(
        label=_("Bestämmelse"), queryset=SecrecyProvision.objects.filter(active=True)
    )
    note = forms.CharField(
        label=_("Anteckning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Varför uppgiften kan omfattas av sekretess (en varning, inte ett beslut)."),
    )

    def __init__(self, *args, case, **kwargs):
        from projects.secrecy import MARKABLE_FIELDS

        super().__init__(*args, **kwargs)
        self.case = case
        self.documents = {str(d.pk): d for d in case.documents.order_by("registry_number")}
        choices = [("case", _("Hela ärendet (texter och alla handlingar)"))]
        choices += [
            (f"field:{key}", _("Uppgift: %(label)s") % {"label": label})
            for key, label in MARKABLE_FIELDS.items()
        ]
        choices += [
            (
                f"document:{pk}",
                _("Handling nr %(number)s: %(title)s")
                % {"number": d.registry_number, "title": d.title},
            )
            for pk, d in self.documents.items()
        ]
        self.fields["target"].choices = choices

    def clean(self):
        data = super().clean()
        target = data.get("target") or ""
        data["document"] = None
        data["field"] = ""
        if target.startswith("document:"):
            data["document"] = self.documents.get(target.split(":", 1)[1])
        elif target.startswith("field:"):
            data["field"] = target.split(":", 1)[1]
        return data


class SecrecyLiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skälet sparas med markeringens historik."),
    )


# --- Requests for public documents ---------------------------------------------------


class DocumentRequestForm(forms.Form):
    requester = forms.CharField(
        label=_("Sökande"), max_length=200, help_text=_("Får vara anonym, t.ex. ”Anonym”.")
    )
    received_on = forms.DateField(label=_("Inkom"), widget=forms.DateInput(attrs={"type": "date"}))
    subject = forms.CharField(label=_("Vad som begärs"), widget=forms.Textarea(attrs={"rows": 3}))
    documents = forms.ModelMultipleChoiceField(
        label=_("Handlingar som begäran gäller"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = case.documents.order_by("registry_number")
        self.fields["documents"].label_from_instance = lambda d: (
            f"{case.dnr}-{d.registry_number} {d.title}"
        )
        self.fields["received_on"].initial = timezone.localdate()


class DocumentRequestDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Beslut"), widget=forms.RadioSelect)
    provision = forms.ModelChoiceField(
        label=_("Bestämmelse (vid maskering eller avslag)"),
        queryset=SecrecyProvision.objects.filter(active=True),
        required=False,
    )
    phrases = forms.CharField(
        label=_("Ord och fraser som maskeras"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En per rad. De svärtas överallt i de valda PDF-handlingarna."),
    )
    reasoning = forms.CharField(
        label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        from projects.models import DocumentRequest

        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = DocumentRequest.Decision.choices


# --- Managed lists -----------------------------------------------------------------


class RusAreaForm(forms.ModelForm):
    class Meta:
        model = RusArea
        fields = ["name", "report_priority", "position", "active"]

    def validate_unique(self):
        """The service checks names case-insensitively."""


class SmartAreaForm(forms.ModelForm):
    class Meta:
        model = SmartSpecialisationArea
        fields = ["name", "position", "active"]

    def validate_unique(self):
        """The service checks names case-insensitively."""


class ProjectAimForm(forms.ModelForm):
    class Meta:
        model = ProjectAim
        fields = ["name", "reported_as", "position", "active"]

    def validate_unique(self):
        """The service checks names case-insensitively."""


AREA_FORMS = {"rus": RusAreaForm, "smart": SmartAreaForm, "aims": ProjectAimForm}


class CaseNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Ny tjänsteanteckning"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
