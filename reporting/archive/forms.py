import re
from functools import reduce
from operator import or_

from django import forms
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.dnr import format_dnr, parse_dnr
from projects.models import CLOSED_STATES, Case
from projects.selectors import case_years

SEPARATORS = re.compile(r"[,;\n]+")


def _dnr_tokens(text: str) -> list[str]:
    """The Dnrs typed, in order, once each: separated by commas, semicolons, lines or
    spaces; a Dnr whose format has spaces (``RUN 2020/52``) is the longest run of words
    that reads as one. A word that is no part of a Dnr is a token of its own (refused)."""
    tokens: list[str] = []
    for chunk in SEPARATORS.split(text):
        words = chunk.split()
        start = 0
        while start < len(words):
            end = next(
                (
                    end
                    for end in range(min(len(words), start + 4), start, -1)
                    if parse_dnr(" ".join(words[start:end])) is not None
                ),
                start + 1,
            )
            tokens.append(" ".join(words[start:end]))
            start = end
    return list(dict.fromkeys(tokens))


MOST_CASES = 1000


class CaseDnrsField(forms.CharField):
    """Closed cases named by their Dnr (``00052-2020``), separated by commas, semicolons,
    spaces or lines; the cases in the order typed, each once.

    Typed, not ticked in a list: the register's closed cases are tens of thousands (a
    checkbox each made the archive page 0.8 MB at 20 000 cases)."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})

    def clean(self, value) -> list[Case]:  # type: ignore[override]
        text = super().clean(value) or ""
        tokens = _dnr_tokens(text)
        if not tokens:
            return []
        if len(tokens) > MOST_CASES:
            raise forms.ValidationError(
                gettext("Högst %(most)s ärenden åt gången; exportera ett helt år i stället.")
                % {"most": MOST_CASES}
            )
        keys = {token: parse_dnr(token) for token in tokens}
        unreadable = [token for token, key in keys.items() if key is None]
        if unreadable:
            raise forms.ValidationError(
                gettext("Inte ett diarienummer: %(tokens)s. Skriv t.ex. %(example)s.")
                % {"tokens": ", ".join(unreadable), "example": format_dnr(52, 2020)}
            )
        wanted = reduce(or_, (Q(number=number, year=year) for number, year in keys.values()))
        found = {(case.number, case.year): case for case in Case.objects.filter(wanted)}
        missing = [token for token, key in keys.items() if key not in found]
        if missing:
            raise forms.ValidationError(
                gettext("Det finns inga ärenden med diarienummer %(dnrs)s.")
                % {"dnrs": ", ".join(missing)}
            )
        cases = [found[key] for key in dict.fromkeys(keys.values())]  # type: ignore[index]
        open_ = [case.dnr for case in cases if case.state not in CLOSED_STATES]
        if open_:
            raise forms.ValidationError(
                gettext("Bara avslutade ärenden kan arkiveras; inte avslutade: %(dnrs)s.")
                % {"dnrs": ", ".join(open_)}
            )
        return cases


class ArchiveExportForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("År (diarieår)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Alla avslutade ärenden med diarienummer från året."),
    )
    cases = CaseDnrsField(
        label=_("Eller valda ärenden"),
        required=False,
        help_text=lazy(
            lambda: (
                gettext(
                    "Avslutade ärendens diarienummer, t.ex. %(example)s, åtskilda med komma eller"
                    " radbrytning."
                )
                % {"example": format_dnr(52, 2020)}
            ),
            str,
        )(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the diary years (a skip scan of the Dnr index); a year without a closed case
        # is answered by the service ("inga avslutade ärenden att exportera")
        self.fields["year"].choices = [("", "–")] + [(year, str(year)) for year in case_years()]

    def clean(self):
        data = super().clean()
        if data.get("year") is None and not data.get("cases"):
            if not self.errors:
                raise forms.ValidationError(_("Välj ett år eller minst ett ärende."))
        if data.get("year") is not None and data.get("cases"):
            raise forms.ValidationError(_("Välj antingen ett år eller ärenden, inte båda."))
        return data
