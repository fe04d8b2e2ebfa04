"""Names and titles are sorted as Swedish is (core.collation): on PostgreSQL by the ICU
collation ``swedish``, on SQLite and in Python by ``swedish_key``, in the same order."""

import random

import pytest
from django.apps import apps
from django.db import connection, models
from django.urls import reverse

from core.collation import SWEDISH, swedish_key, swedish_sorted
from core.roles import Role
from projects.filters import SORT_KEYS, SORTS
from projects.models import Case, Organisation
from tests.core.factories import user_with_role
from tests.projects.factories import OrganisationFactory, ProjectFactory, register_case

# In the order of PostgreSQL's ICU collation for Swedish (sv-SE): digits first, a-z, then
# å, ä, ö; æ as ä, ø as ö, ü as y, é as e; small letters before capitals of the same word.
SWEDISH_ORDER = [
    "4 Elements AB",
    "Abb",
    "ABB",
    "Arjeplog",
    "arvidsjaur",
    "Arvidsjaur",
    "Asa",
    "Ása",
    "Boden",
    "Ebbes Bageri",
    "Éclair Konsult",
    "eMaintenance 24 AB",
    "Gällivare",
    "Lulea Hamn",
    "Luleå kommun",
    "Luleå tekniska universitet",
    "Müller & Söner",
    "Norrbotten-Akademien",
    "Norrbottens Energikontor",
    "Norrbottens museum",
    "Nätverket Åsa",
    "Piteå kommun",
    "Vänersborgs kommun",
    "Wallenberg Stiftelse",
    "Yxans förlag",
    "Zenit AB",
    "Åre kommun",
    "Åsa",
    "Åsele",
    "Älvsbyns kommun",
    "Ängel AB",
    "Ærø Fisk",
    "Øresund Invest",
    "Örnsköldsvik",
    "Östersunds kommun",
    "Överkalix kommun",
    "Övertorneå kommun",
]

# Organisations' names are unique whatever their case: the same list without "ABB" and
# the second "Arvidsjaur".
DISTINCT_NAMES = [name for name in SWEDISH_ORDER if name not in ("ABB", "Arvidsjaur")]

# Text columns sorted by something other than the alphabet: identifiers in code point order.
IDENTIFIERS = {"reference", "dnr", "document_number", "key", "application_id"}


def _shuffled(names):
    names = list(names)
    random.Random(20).shuffle(names)
    return names


def test_the_key_sorts_in_the_swedish_alphabetical_order():
    assert sorted(_shuffled(SWEDISH_ORDER), key=swedish_key) == SWEDISH_ORDER
    assert swedish_sorted(_shuffled(SWEDISH_ORDER)) == SWEDISH_ORDER
    assert swedish_sorted([None, "b", "", "a"], key=lambda name: name) == [None, "", "a", "b"]


def _column(model, path: str):
    *joins, name = path.lstrip("-").split("__")
    for join in joins:
        model = model._meta.get_field(join).related_model
    return model._meta.get_field(name)


def _sorted_text_columns():
    """Every text column that a model's default order or the case list sorts by."""
    for config in apps.get_app_configs():
        if config.name not in ("core", "projects", "decisions", "financing", "reporting"):
            continue
        for model in config.get_models():
            for path in model._meta.ordering:
                if isinstance(path, str) and path.lstrip("-") != "pk":
                    yield f"{model.__name__}.{path}", _column(model, path)
    for key, (_label, paths) in SORTS.items():
        for path in (SORT_KEYS[key],) if key in SORT_KEYS else paths:
            if not path.startswith("officer__"):  # auth_user's: ordered with swedish()
                yield f"case list: {path}", _column(Case, path)


def test_every_name_and_title_that_lists_sort_by_is_collated_swedish():
    checked = []
    for label, field in _sorted_text_columns():
        text = isinstance(field, models.CharField | models.TextField)
        if text and not field.choices and field.name not in IDENTIFIERS:
            assert field.db_collation == SWEDISH, label
            checked.append(label)
    assert "Organisation.name" in checked and "case list: sort_applicant" in checked


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the ICU collation")
def test_postgresql_sorts_as_the_key_does():
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT x FROM unnest(%s::text[]) x ORDER BY x COLLATE {SWEDISH}",
            [_shuffled(SWEDISH_ORDER)],
        )
        assert [row[0] for row in cursor.fetchall()] == SWEDISH_ORDER
    for name in _shuffled(DISTINCT_NAMES):
        OrganisationFactory(name=name)
    names = Organisation.objects.filter(name__in=DISTINCT_NAMES).order_by("name")
    assert list(names.values_list("name", flat=True)) == DISTINCT_NAMES


@pytest.mark.django_db
@pytest.mark.parametrize("keys", [True, False], ids=["sort keys", "joined columns (SQLite)"])
def test_the_case_list_sorts_applicants_and_officers_in_the_swedish_order(
    keys, officer, client_for, settings
):
    settings.USING_POSTGRES = keys
    people = {
        "Örjan": user_with_role(Role.OFFICER, username="orjan", first_name="Örjan"),
        "Åsa": user_with_role(Role.OFFICER, username="asa", first_name="Åsa"),
        "emil": user_with_role(Role.OFFICER, username="emil", first_name="emil"),
        "Zoran": user_with_role(Role.OFFICER, username="zoran", first_name="Zoran"),
    }
    applicants = ["Älvsbyns kommun", "Åre kommun", "eMaintenance 24 AB", "Zenit AB"]
    dnr = {}
    for applicant, (person, user) in zip(applicants, people.items(), strict=True):
        case = register_case(
            officer=user, project=ProjectFactory(applicant=OrganisationFactory(name=applicant))
        )
        dnr[applicant] = dnr[person] = case.dnr
    client = client_for(officer)

    def rows(sort):
        return [
            case.dnr
            for case in client.get(reverse("projects:case_list"), {"sort": sort}).context["page"]
        ]

    in_order = ["eMaintenance 24 AB", "Zenit AB", "Åre kommun", "Älvsbyns kommun"]
    assert rows("applicant") == [dnr[name] for name in in_order]
    assert rows("-applicant") == [dnr[name] for name in reversed(in_order)]
    assert rows("officer") == [dnr[name] for name in ("emil", "Zoran", "Åsa", "Örjan")]
