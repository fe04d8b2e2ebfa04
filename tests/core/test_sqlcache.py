"""core.sqlcache: a query's compiled SQL kept by its shape, never served for another shape."""

import datetime

import pytest
from django.core.exceptions import EmptyResultSet
from django.db.models import DateTimeField, Value
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from core import batch, sqlcache
from core.collation import swedish_sorted
from core.expressions import in_year
from financing.models import BusinessSupport
from projects.models import Organisation, OrganisationAlias

pytestmark = pytest.mark.django_db

HistoricalOrganisation = Organisation.history.model


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    settings.SQL_CACHE = True
    settings.SQL_CACHE_VERIFY = False
    sqlcache.clear()
    yield
    sqlcache.clear()


@pytest.fixture
def organisations():
    made = []
    for name, aliases in [("Luleå kommun", ["LK"]), ("Piteå kommun", ["PK", "Piteå"])]:
        organisation = Organisation.objects.create(name=name, city=name.split()[0])
        for alias in aliases:
            OrganisationAlias.objects.create(organisation=organisation, name=alias)
        made.append(organisation)
    return made


def aliases_of(organisation):
    return OrganisationAlias.objects.filter(organisation=organisation).select_related(
        "organisation"
    )


def fresh(query):
    return sqlcache.fresh(query)


def key(queryset):
    return sqlcache.shape(queryset.query)[0]


def test_a_second_query_of_the_same_shape_is_not_compiled(organisations, monkeypatch):
    first, second = organisations
    sql, params, _ = sqlcache.compiled(aliases_of(first).query, "default")
    assert params == [first.pk]
    assert sqlcache.stats["misses"] == 1

    expected = fresh(aliases_of(second).query)

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(SQLCompiler, "as_sql", refuse)
    cached_sql, cached_params, compiler = sqlcache.compiled(aliases_of(second).query, "default")
    assert (cached_sql, cached_params) == expected
    assert sqlcache.stats["hits"] == 1
    assert compiler.klass_info["model"] is OrganisationAlias


def test_the_sentinels_never_touch_the_query_or_its_clones(organisations, monkeypatch):
    first, _ = organisations
    base = Organisation.objects.filter(pk=first.pk, name=first.name)
    clone = base.filter()  # shares base's lookups
    lookups = list(base.query.where.children)
    seen = []  # the shared lookups' values whenever anything is compiled
    original = SQLCompiler.as_sql

    def as_sql(compiler, *args, **kwargs):
        seen.append(sorted(str(lookup.rhs) for lookup in lookups))
        return original(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    sqlcache.compiled(base.query, "default")
    assert len(seen) == 2  # the query, then the copy with sentinels
    assert all(values == sorted([str(first.pk), first.name]) for values in seen)
    assert sqlcache._cache  # kept: the sentinels were compiled
    assert sorted(str(lookup.rhs) for lookup in lookups) == sorted([str(first.pk), first.name])
    assert sorted(map(str, fresh(clone.query)[1])) == sorted([str(first.pk), first.name])
    assert list(clone) == [first]


def test_pages_read_each_objects_own_rows_on_a_hit(organisations):
    names = {o.pk: swedish_sorted(o.aliases.values_list("name", flat=True)) for o in organisations}
    sqlcache.clear()
    for _ in range(2):  # the second round is served from the cache
        for organisation in organisations:
            aliases = aliases_of(organisation).order_by("name")
            same = Organisation.objects.filter(pk=organisation.pk)
            batch.fetch_together(aliases, same)
            assert [a.name for a in aliases] == names[organisation.pk]
            assert {a.organisation.name for a in aliases} == {organisation.name}
            assert list(same) == [organisation]
    assert sqlcache.stats["misses"] == 2  # the first organisation's, in the first round
    assert sqlcache.stats["hits"] == 6


def test_values_are_slots_but_none_booleans_and_list_shapes_are_the_key():
    objects = Organisation.objects
    assert key(objects.filter(pk=1)) == key(objects.filter(pk=2))
    assert key(objects.filter(name="a")) == key(objects.filter(name="b"))
    assert key(objects.filter(name="a")) != key(objects.filter(name=None))
    assert key(objects.filter(pk__in=[1, 2])) == key(objects.filter(pk__in=[3, 4]))
    # IN drops repeated values and NULL: they shape the SQL
    assert key(objects.filter(pk__in=[1, 2])) != key(objects.filter(pk__in=[1, 1]))
    assert key(objects.filter(pk__in=[1, 2])) != key(objects.filter(pk__in=[1, None]))
    assert key(objects.filter(pk__in=[1, 2])) != key(objects.filter(pk__in=[1, 2, 3]))
    member = Organisation.Kind.MUNICIPALITY  # equal to its value: IN keeps one of them
    assert key(objects.filter(kind__in=["municipality", member])) != key(
        objects.filter(kind__in=["other", member])
    )
    assert key(objects.annotate(x=Value(True))) != key(objects.annotate(x=Value(False)))
    # a different filter, order or join is a different shape
    assert key(objects.filter(pk=1)) != key(objects.filter(pk__gt=1))
    assert key(objects.filter(pk=1)) != key(objects.filter(pk=1).order_by("name"))
    assert key(OrganisationAlias.objects.all()) != key(
        OrganisationAlias.objects.select_related("organisation")
    )


def test_a_naive_datetime_is_another_shape_than_an_aware_one():
    aware = timezone.now()
    naive = datetime.datetime(2022, 1, 1, 12, 0)  # noqa: DTZ001 (naive on purpose)
    field = DateTimeField()
    objects = Organisation.objects
    assert key(objects.annotate(x=Value(aware, field))) == key(
        objects.annotate(x=Value(aware - datetime.timedelta(days=3), field))
    )
    # the compile makes a naive one aware: another parameter than the value
    assert key(objects.annotate(x=Value(aware, field))) != key(
        objects.annotate(x=Value(naive, field))
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: Organisation.objects.filter(name__contains="kommun"),  # the value is wrapped
        lambda: Organisation.objects.filter(name__icontains="kommun"),
        lambda: BusinessSupport.objects.filter(received_on__year=2022),  # two dates
    ],
)
def test_a_value_that_shapes_the_sql_is_compiled_every_time(make, monkeypatch):
    expected = fresh(make().query)
    compiles = []
    original = SQLCompiler.as_sql

    def as_sql(compiler, *args, **kwargs):
        compiles.append(1)
        return original(compiler, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    for _ in range(3):
        sql, params, _ = sqlcache.compiled(make().query, "default")
        assert (sql, params) == expected
    assert len(compiles) == 4  # each time, and once with the sentinels (the first time)
    assert not sqlcache._cache


def test_a_value_beyond_the_column_reads_no_rows_as_django_does(organisations):
    with pytest.raises(EmptyResultSet):  # Django leaves the query out: nothing cached
        sqlcache.compiled(Organisation.objects.filter(version=2**40).query, "default")
    assert not sqlcache._cache
    for version in (1, 2**40):  # cached with 1, then served for a value beyond integer
        first = Organisation.objects.filter(version=version).order_by("pk")
        second = Organisation.objects.filter(version=version).order_by("pk")
        batch.fetch_together(first, second)
        assert list(first) == list(second) == (organisations if version == 1 else [])
    assert sqlcache.stats["hits"] == 3  # all but the first


def test_choices_members_in_a_list_of_values_are_slots(organisations):
    kinds = [Organisation.Kind.MUNICIPALITY, Organisation.Kind.OTHER]
    Organisation.objects.filter(pk=organisations[0].pk).update(kind=kinds[0])
    for chosen in ([kinds[0], kinds[1]], [kinds[1], kinds[0]]):
        rows = Organisation.objects.filter(kind__in=chosen).order_by("pk")
        check = Organisation.objects.filter(kind__in=chosen).order_by("pk")
        batch.fetch_together(rows, check)
        assert list(rows) == list(check) == organisations
    assert sqlcache.stats["hits"] == 3


def test_the_active_time_zone_is_part_of_the_key(organisations):
    query = HistoricalOrganisation.objects.filter(history_date__date=datetime.date(2022, 1, 1))
    with timezone.override("Europe/Stockholm"):
        sqlcache.compiled(query.query, "default")
    with timezone.override("America/New_York"):
        same_shape = HistoricalOrganisation.objects.filter(
            history_date__date=datetime.date(2022, 1, 2)
        )
        sql, params, _ = sqlcache.compiled(same_shape.query, "default")
        assert (sql, params) == fresh(same_shape.query)
        assert "America/New_York" in params
    assert sqlcache.stats["hits"] == 0


def test_a_value_beyond_the_column_on_a_verified_hit_reads_no_rows(organisations, settings):
    settings.SQL_CACHE_VERIFY = True
    assert Organisation.objects.filter(pk=organisations[0].pk).get() == organisations[0]
    assert sqlcache._cache
    assert not Organisation.objects.filter(pk=10**30).exists()
    with pytest.raises(Organisation.DoesNotExist):
        Organisation.objects.get(pk=10**30)


def test_a_list_with_a_repeated_value_is_kept_and_read_right(organisations):
    first, second = organisations
    for ids in ([first.pk, second.pk, first.pk], [second.pk, first.pk, second.pk]):
        rows = Organisation.objects.filter(pk__in=ids).order_by("pk")
        check = Organisation.objects.filter(pk__in=ids).order_by("pk")
        batch.fetch_together(rows, check)
        assert list(rows) == list(check) == organisations
    assert len(sqlcache._cache) == 1  # one shape: three values, the first repeated last
    assert sqlcache.stats["hits"] == 3


def test_the_years_range_is_the_same_sql_as_year_and_is_kept(monkeypatch):
    by_year = BusinessSupport.objects.filter(received_on__year=2022)
    by_range = BusinessSupport.objects.filter(in_year("received_on", 2022))
    assert str(by_year.query) == str(by_range.query)
    sqlcache.clear()
    sqlcache.compiled(by_range.query, "default")
    other = BusinessSupport.objects.filter(in_year("received_on", 2023))
    sql, params, _ = sqlcache.compiled(other.query, "default")
    assert sqlcache.stats["hits"] == 1
    assert params == [datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)]


def test_bigint_parameters_are_wrapped_as_the_backend_wraps_them(organisations):
    first, second = organisations
    sqlcache.compiled(HistoricalOrganisation.objects.filter(id=first.pk).query, "default")
    query = HistoricalOrganisation.objects.filter(id=second.pk).query
    sql, params, _ = sqlcache.compiled(query, "default")
    assert sqlcache.stats["hits"] == 1
    fresh_sql, fresh_params = fresh(HistoricalOrganisation.objects.filter(id=second.pk).query)
    assert sql == fresh_sql
    assert [type(p) for p in params] == [type(p) for p in fresh_params]
    assert params == fresh_params == [second.pk]


def test_what_the_shape_cannot_read_is_compiled_every_time():
    class Opaque:
        pass

    query = Organisation.objects.annotate(x=RawSQL("%s", [Opaque()])).query
    with pytest.raises(sqlcache.Uncacheable):
        sqlcache.shape(query)
    with pytest.raises(sqlcache.Uncacheable):  # a model instance where a value would be
        sqlcache.shape(Organisation.objects.annotate(x=Value(Organisation(pk=1))).query)


def test_verification_fails_loudly_on_a_wrong_entry(organisations, settings):
    first, second = organisations
    sqlcache.compiled(aliases_of(first).query, "default")
    (cache_key, entry), *_ = sqlcache._cache.items()
    sqlcache._cache[cache_key] = sqlcache._Entry(
        sql=entry.sql.replace("=", "<>"), params=entry.params, state=entry.state
    )
    settings.SQL_CACHE_VERIFY = True
    with pytest.raises(AssertionError, match="differs from a fresh compile"):
        sqlcache.compiled(aliases_of(second).query, "default")
    sqlcache._cache[cache_key] = sqlcache._Entry(
        sql=entry.sql, params=(("const", first.pk, None),), state=entry.state
    )
    with pytest.raises(AssertionError, match="parameter 0"):
        sqlcache.compiled(aliases_of(second).query, "default")


def test_verification_compiles_the_first_hits_of_each_entry(organisations, settings, monkeypatch):
    first, second = organisations
    settings.SQL_CACHE_VERIFY = True
    monkeypatch.setattr(sqlcache, "VERIFY_HITS", 2)
    fresh_compiles = []
    original = sqlcache._verify
    monkeypatch.setattr(sqlcache, "_verify", lambda *a: fresh_compiles.append(1) or original(*a))
    for _ in range(5):
        for organisation in organisations:
            sqlcache.compiled(aliases_of(organisation).query, "default")
    assert sqlcache.stats["hits"] == 9
    assert len(fresh_compiles) == 2


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(sqlcache, "MAX_ENTRIES", 3)
    for size in range(1, 6):
        sqlcache.compiled(Organisation.objects.filter(pk__in=range(size)).query, "default")
    assert len(sqlcache._cache) == 3


def test_it_can_be_turned_off(organisations, settings):
    settings.SQL_CACHE = False
    for organisation in organisations:
        sqlcache.compiled(aliases_of(organisation).query, "default")
    assert not sqlcache._cache
    assert sqlcache.stats["hits"] == sqlcache.stats["misses"] == 0


@pytest.mark.django_db
def test_a_hit_converts_its_rows_with_the_entrys_converters(settings):
    """The converters of an entry's rows are worked out once and kept with the entry (per
    connection); the rows are the same as without the cache."""
    from django.db import connections

    from projects.models import Organisation

    settings.SQL_CACHE = True
    sqlcache.clear()
    Organisation.objects.create(name="Luleå kommun", org_number="212000-2723")

    def read():
        return list(
            Organisation.objects.filter(name="Luleå kommun").values_list("name", "created_at")
        )

    first = read()
    second = read()
    assert first == second and first[0][0] == "Luleå kommun"
    memos = [entry.state[sqlcache.CONVERTERS] for entry in sqlcache._cache.values()]
    assert any(key[0] == id(connections["default"]) for memo in memos for key in memo)
