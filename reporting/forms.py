"""Forms of the reporting pages; they validate input, the services do the writing."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import AnswerKind, ReportYear


class VersionForm(forms.Form):
    """Carries the version the user started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReportYearCreateForm(forms.Form):
    year = forms.IntegerField(
        label=_("År"),
        min_value=2000,
        max_value=2100,
        help_text=_(
            "Rapporten byggs från årets mallfil om en sådan finns, annars från föregående års "
            "återrapportering."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = ReportYear.objects.order_by("-year").values_list("year", flat=True).first()
        self.fields["year"].initial = (latest + 1) if latest else timezone.localdate().year - 1


class ReportYearEditForm(VersionForm):
    government_reference = forms.CharField(
        label=_("Regeringskansliets diarienummer"),
        max_length=200,
        required=False,
        help_text=_("T.ex. N2021/03079, N2021/03001 (delvis)."),
    )
    agency_reference = forms.CharField(
        label=_("Tillväxtverkets diarienummer"),
        max_length=200,
        required=False,
        help_text=_("T.ex. Ä 2022–4019."),
    )
    region_reference = forms.CharField(
        label=_("Regionens diarienummer"),
        max_length=200,
        required=False,
        help_text=_("T.ex. RUN 00060-2022."),
    )
    recipients = forms.CharField(
        label=_("Skickas till"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("En e-postadress per rad."),
    )


YES_NO_CHOICES = (("", _("Inte valt")), ("yes", _("Ja")), ("no", _("Nej")))


class AnswerForm(VersionForm):
    yes_no = forms.ChoiceField(
        label=_("Svar"), choices=YES_NO_CHOICES, required=False, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("Svar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true", "lang": "sv"}),
        help_text=_(
            "Tom rad mellan stycken. Rader som börjar med ”- ” blir en punktlista. "
            "Skriv **fetstil** med dubbla asterisker."
        ),
    )

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        if section.answer_kind != AnswerKind.YES_NO:
            del self.fields["yes_no"]
        else:
            self.fields["text"].label = _("Beskrivning")
        if section.has_insatser:
            self.fields["text"].label = _("Text före tabellen (valfri)")
            self.fields["text"].widget.attrs["rows"] = 4

    def cleaned_yes_no(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("yes_no") or "")

    @staticmethod
    def yes_no_initial(value: bool | None) -> str:
        return {True: "yes", False: "no"}.get(value, "")


class InsatsForm(VersionForm):
    name = forms.CharField(
        label=_("Namn på insats och kort beskrivning"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Första raden är insatsens namn."),
        max_length=4000,
    )
    goal = forms.CharField(
        label=_("Mål"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("RUS-område och område för smart specialisering."),
        max_length=4000,
    )
    outputs = forms.CharField(
        label=_("Resultat i form av prestationer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    effects = forms.CharField(
        label=_("Resultat i form av effekter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )


class InsatsAddForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Projekt"),
        queryset=None,
        required=False,
        empty_label=_("Egen insats utan projekt"),
        help_text=_(
            "Årets projekt. Raden fylls i från projektet och kan sedan ändras här utan att "
            "projektet ändras."
        ),
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects


class FigureCheckForm(forms.Form):
    note = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("T.ex. vad som stämts av mot ekonomisystemet."),
    )


class ParagraphChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} – {obj.title}"


class ApprovalForm(VersionForm):
    paragraph = ParagraphChoiceField(
        label=_("Paragraf"),
        queryset=None,
        required=False,
        empty_label=_("Välj paragraf"),
        help_text=_("Paragrafen i protokollet där rapporten godkändes."),
    )
    reference = forms.CharField(
        label=_("Eller: godkänd i"),
        max_length=200,
        required=False,
        help_text=_(
            "Om paragrafen inte finns i systemet: organ och paragraf, t.ex. "
            "Regionutvecklingsutskottet 2018-04-12 § 29."
        ),
    )
    approved_on = forms.DateField(
        label=_("Datum"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Sammanträdets datum (behövs bara när paragrafen skrivs in)."),
    )

    def __init__(self, *args, paragraphs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = paragraphs

    def clean(self):
        data = super().clean()
        if data.get("paragraph") and (data.get("reference") or data.get("approved_on")):
            raise ValidationError(_("Välj en paragraf eller skriv in godkännandet, inte båda."))
        return data


class RevokeApprovalForm(VersionForm):
    """The committee's new paragraph that revokes the approval (never one officer's click)."""

    paragraph = ParagraphChoiceField(
        label=_("Paragraf"),
        queryset=None,
        empty_label=_("Välj paragraf"),
        help_text=_("Paragrafen i protokollet där nämnden upphävde godkännandet."),
    )

    def __init__(self, *args, paragraphs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = paragraphs


class SectionTextForm(forms.Form):
    """This year's wording of a heading or question (earlier years keep theirs)."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64)
    title = forms.CharField(label=_("Rubrik"), required=False, max_length=300)
    intro = forms.CharField(
        label=_("Inledning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    question = forms.CharField(
        label=_("Frågetext"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    yes_prompt = forms.CharField(
        label=_("Fråga vid ja"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    no_prompt = forms.CharField(
        label=_("Fråga vid nej"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, section, **kwargs):
        super().__init__(*args, **kwargs)
        if not section.is_question:
            for name in ("question", "yes_prompt", "no_prompt"):
                del self.fields[name]
        elif section.answer_kind != AnswerKind.YES_NO:
            del self.fields["yes_prompt"]
            del self.fields["no_prompt"]

    def texts(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "fingerprint"}


class WordTemplateForm(forms.Form):
    file = forms.FileField(
        label=_("Word-mall (.docx)"),
        help_text=_(
            "Utgå från den nuvarande mallen och ändra formatmallarna i Word. Mallen måste "
            "ha alla formatmallar som rapporten använder."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )


class AnswerAssignForm(forms.Form):
    """Who writes the answer: an active officer, or nobody."""

    assigned_to = forms.ModelChoiceField(
        label=_("Ansvarig"), queryset=None, required=False, empty_label=_("Ingen")
    )

    def __init__(self, *args, include=None, **kwargs):
        from projects.selectors import officers

        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = officers(include=include)
