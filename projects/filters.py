"""The case list's filters and sorting (django-filter), shared with higher apps' queues.

``CaseFilter(request.GET, queryset=case_list_queryset(), request=request)`` filters by
kind, state (or all open / all closed), year, officer, RUS area, applicant, "mina
ärenden" and a free-text search (``q``: Swedish full text, Dnr, NYPS-id), then sorts
by ``sort`` (``dnr``, ``-dnr``, ``title``, ``requested``, ...). ``sort_columns(request)``
gives the header links of ``templates/projects/partials/case_table.html``.
"""

import django_filters
import django_filters.fields
from django import forms
from django.conf import settings
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.collation import swedish
from projects import selectors
from projects.forms import OrganisationField
from projects.models import CLOSED_STATES, Case, CaseKind, CaseState, Organisation, RusArea
from projects.widgets import ListModelChoiceIterator

OPEN = "open"
# not "closed": a state of its own (Avslutat), which the group of every closed state hid
CLOSED = "all_closed"

# sort key -> (column label, order_by expressions for ascending)
SORTS = {
    "dnr": (_("Dnr"), ("year", "number")),
    "title": (_("Ärendemening"), ("title",)),
    "kind": (_("Typ"), ("kind",)),
    "state": (_("Status"), ("state",)),
    "applicant": (_("Sökande"), ("project__applicant__name",)),
    "officer": (_("Handläggare"), ("officer__first_name", "officer__last_name")),
    "requested": (_("Sökt"), ("project__requested_amount",)),
    "granted": (_("Beviljat"), ("granted_amount",)),
}
DEFAULT_SORT = "-dnr"


# Sorted by a column of the case, then newest Dnr first, and the other way exactly
# reversed, so one index serves both directions (``case_kind_dnr``, ...): at 200 000
# cases a page reads 25 index entries instead of sorting every case (110-230 ms). What a
# row shows from the project, the applicant and the officer is sorted by the case's sort
# keys (copies kept by triggers, ``projects.triggers``) on PostgreSQL, and by the joined
# columns themselves on SQLite (no triggers).
SORT_KEYS = {
    "officer": "sort_officer",
    "applicant": "sort_applicant",
    "requested": "sort_requested",
}
# Columns that may be empty: empty last in both directions (descending read from a
# second index, ``case_*_dnr_rev``).
NULLABLE_SORTS = ("applicant", "requested", "granted")


def _order(key: str) -> list:
    descending = key.startswith("-")
    name = key.lstrip("-")
    newest_first = [F("year").desc(), F("number").desc()]
    oldest_first = [F("year").asc(), F("number").asc()]
    if name == "dnr":
        return newest_first if descending else oldest_first
    if name in SORT_KEYS and settings.USING_POSTGRES:
        fields: tuple[str, ...] = (SORT_KEYS[name],)
    else:
        fields = SORTS[name][1]
    empty_last = {"nulls_last": True} if name in NULLABLE_SORTS else {}
    # the user's names (auth_user's columns) in the Swedish order, as the sort key is
    columns = [swedish(field) if field.startswith("officer__") else F(field) for field in fields]
    if descending:
        return [*(column.desc(**empty_last) for column in columns), *oldest_first]
    return [*(column.asc(**empty_last) for column in columns), *newest_first]


class OrganisationFilter(django_filters.ModelChoiceFilter):
    """Filter on one organisation chosen with the organisation picker."""

    field_class = OrganisationField


class _ListModelChoiceIterator(django_filters.fields.ModelChoiceIterator, ListModelChoiceIterator):
    """django-filter's null-choice handling over one plain query."""


class _ListModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _ListModelChoiceIterator


class ListModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice filter for short lists: its choices are read in one plain query."""

    field_class = _ListModelChoiceField


def _state_choices():
    return [
        (OPEN, _("Alla öppna")),
        (CLOSED, _("Alla avslutade")),
        (_("Status"), list(CaseState.choices)),
    ]


def _year_choices():
    return [(str(year), str(year)) for year in selectors.case_years()]


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Sök"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Dnr, NYPS-id, titel, sökande, text …"),
                "autocomplete": "off",
            }
        ),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Typ"), choices=CaseKind.choices, empty_label=_("Alla typer"), widget=forms.Select
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=_state_choices,
        empty_label=_("Alla"),
        method="filter_state",
        widget=forms.Select,
    )
    # Choices set per instance in __init__ (read once, used to validate and to render).
    year = django_filters.ChoiceFilter(
        label=_("År"), choices=_year_choices, empty_label=_("Alla år"), widget=forms.Select
    )
    officer = ListModelChoiceFilter(
        label=_("Handläggare"),
        queryset=lambda request: selectors.officers(),
        empty_label=_("Alla handläggare"),
        widget=forms.Select,
    )
    rus_area = ListModelChoiceFilter(
        label=_("RUS-insatsområde"),
        field_name="project__rus_areas",
        queryset=RusArea.objects.all(),
        empty_label=_("Alla insatsområden"),
        distinct=True,
        widget=forms.Select,
    )
    # A search-as-you-type picker, not a select: there are hundreds of applicants.
    applicant = OrganisationFilter(
        label=_("Sökande"),
        field_name="project__applicant",
        queryset=Organisation.objects.all(),
        allow_create=False,
    )
    mine = django_filters.BooleanFilter(
        label=_("Mina öppna ärenden"), method="filter_mine", widget=forms.HiddenInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sortering"),
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")],
        method="filter_sort",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Case
        fields = ["q", "kind", "state", "year", "officer", "rus_area", "applicant", "mine", "sort"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A callable would be called again on each use (validating, rendering).
        self.filters["year"].extra["choices"] = _year_choices()
        self.form.fields["officer"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def choice_querysets(self) -> dict:
        """The select lists' querysets (officers, RUS areas), for the page to read with
        its rows (``core.batch``): the form then renders them without a query of its own."""
        return {name: self.form.fields[name].queryset for name in ("officer", "rus_area")}

    def filter_search(self, queryset, name, value):
        return selectors.case_search(queryset, value, getattr(self.request, "user", None))

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.exclude(state__in=CLOSED_STATES)
        if value == CLOSED:
            return queryset.filter(state__in=CLOSED_STATES)
        return queryset.filter(state=value)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(officer=user).exclude(state__in=CLOSED_STATES)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*_order(value))  # the Dnr makes the order total

    @property
    def searching(self) -> bool:
        """A free-text search is asked for (its matches are ranked)."""
        return bool(self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("q"))

    @property
    def current_sort(self) -> str:
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("sort"):
            return self.form.cleaned_data["sort"]
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("q"):
            return ""  # best match first
        return DEFAULT_SORT

    @property
    def active_filter_count(self) -> int:
        if not (self.is_bound and self.form.is_valid()):
            return 0
        return sum(
            1
            for key, value in self.form.cleaned_data.items()
            if key not in ("sort", "mine") and value not in (None, "", [])
        )


def sort_columns(request, current: str) -> dict[str, dict]:
    """Header links per column, keeping the other query parameters; toggles direction.

    ``{"dnr": {"label", "url", "direction": "asc"|"desc"|None, "aria_sort"}, ...}``
    """
    columns = {}
    for key, (label, _fields) in SORTS.items():
        direction = None
        if current == key:
            direction = "asc"
        elif current == f"-{key}":
            direction = "desc"
        target = f"-{key}" if direction == "asc" else key
        if direction is None and key in ("dnr", "requested", "granted"):
            target = f"-{key}"  # numbers: biggest/newest first on the first click
        query = request.GET.copy()
        query["sort"] = target
        query.pop("page", None)
        columns[key] = {
            "label": label,
            "url": f"?{query.urlencode()}",
            "direction": direction,
            "aria_sort": {"asc": "ascending", "desc": "descending"}.get(direction, "none"),
        }
    return columns
