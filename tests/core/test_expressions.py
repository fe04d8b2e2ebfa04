"""core.expressions.AnyOf: the rows of ``__in=<subquery>``, written for index use."""

import pytest
from django.db import connection
from django.db.models import Q

from core.expressions import AnyOf
from projects.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations():
    return [
        Organisation.objects.create(name=name, city=city)
        for name, city in [
            ("Luleå kommun", "Luleå"),
            ("Piteå kommun", "Piteå"),
            ("Luleå tekniska universitet", "Luleå"),
            ("Norrbottens handelskammare", "Luleå"),
        ]
    ]


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_any_of_selects_the_rows_in_the_subquery(organisations):
    in_lulea = Organisation.objects.filter(city="Luleå").values("pk")
    assert names(Organisation.objects.filter(AnyOf("pk", in_lulea))) == names(
        Organisation.objects.filter(pk__in=in_lulea)
    )
    assert len(names(Organisation.objects.filter(AnyOf("pk", in_lulea)))) == 3


def test_any_of_combines_with_q_objects(organisations):
    in_pitea = Organisation.objects.filter(city="Piteå").values("pk")
    either = Organisation.objects.filter(Q(name__icontains="universitet") | AnyOf("pk", in_pitea))
    assert names(either) == ["Luleå tekniska universitet", "Piteå kommun"]
    both = Organisation.objects.filter(Q(name__icontains="kommun"), AnyOf("pk", in_pitea))
    assert names(both) == ["Piteå kommun"]
    assert names(Organisation.objects.exclude(AnyOf("pk", in_pitea))) == [
        "Luleå kommun",
        "Luleå tekniska universitet",
        "Norrbottens handelskammare",
    ]


def test_an_empty_subquery_matches_nothing(organisations):
    none = Organisation.objects.filter(city="Kiruna").values("pk")
    assert not Organisation.objects.filter(AnyOf("pk", none)).exists()
    assert names(Organisation.objects.filter(Q(name="Luleå kommun") | AnyOf("pk", none))) == [
        "Luleå kommun"
    ]


def test_on_postgresql_the_subquery_is_an_array_looked_up_by_the_index(organisations):
    in_lulea = Organisation.objects.filter(city="Luleå").values("pk")
    sql, _params = Organisation.objects.filter(AnyOf("pk", in_lulea)).query.sql_with_params()
    assert connection.vendor == "postgresql"
    assert '"projects_organisation"."id" = ANY(ARRAY(SELECT' in sql
