from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects import dnr


class DiarySearchForm(forms.Form):
    """The e-diarium's search (GET): every field optional."""

    dnr = forms.CharField(
        label=_("Diarienummer"),
        max_length=30,
        required=False,
        help_text=lazy(lambda: gettext("T.ex. %(example)s") % {"example": dnr.example()}, str)(),
    )
    text = forms.CharField(label=_("Ärendemening eller handling"), max_length=100, required=False)
    party = forms.CharField(label=_("Part (organisation)"), max_length=100, required=False)
    date_from = forms.DateField(
        label=_("Registrerat från"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Registrerat till"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Slutdatumet kan inte vara före startdatumet."))
        return cleaned
