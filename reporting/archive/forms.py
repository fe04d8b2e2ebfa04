from django import forms
from django.utils.translation import gettext_lazy as _

from projects.models import CLOSED_STATES, Case


class ArchiveExportForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("År (diarieår)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Alla avslutade ärenden med diarienummer från året."),
    )
    cases = forms.ModelMultipleChoiceField(
        label=_("Eller valda ärenden"),
        required=False,
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        closed = Case.objects.filter(state__in=CLOSED_STATES).order_by("-year", "-number")
        self.fields["cases"].queryset = closed
        self.fields["cases"].label_from_instance = lambda case: f"{case.dnr} {case.title}"
        years = sorted(set(closed.values_list("year", flat=True)), reverse=True)
        self.fields["year"].choices = [("", "–")] + [(year, str(year)) for year in years]

    def clean(self):
        data = super().clean()
        if data.get("year") is None and not data.get("cases"):
            raise forms.ValidationError(_("Välj ett år eller minst ett ärende."))
        if data.get("year") is not None and data.get("cases"):
            raise forms.ValidationError(_("Välj antingen ett år eller ärenden, inte båda."))
        return data
