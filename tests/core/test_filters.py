"""The filtering base every FilterSet of the portal derives from (core.filters)."""

import django_filters
import pytest
from django import forms
from django.http import QueryDict

from core.filters import FIRST_YEAR, LAST_YEAR, ActiveFilter, FilterSet, SortFilter, YearFilter, as_list
from experts.filters import MeetingFilter
from measures.directory.filters import OrganisationFilter, PartyFilter, ReportStatusFilter
from measures.filters import MeasureFilter
from measures.models import Party

pytestmark = pytest.mark.django_db


class PartyNames(FilterSet):
    q = django_filters.CharFilter(label="Name", field_name="name_en", lookup_expr="icontains")
    region = django_filters.MultipleChoiceFilter(
        label="Region", field_name="electoral_group", choices=[("I", "I"), ("II", "II")]
    )
    deposited = YearFilter(field_name="deposit_date", lookup_expr="year")
    sort = SortFilter({"name": ("Name", lambda: ["name_en"])})

    class Meta:
        model = Party
        fields = []


def make_party(code, name, group):
    return Party.objects.create(iso3=code, slug=code.lower(), name_en=name, electoral_group=group)


@pytest.fixture
def parties(db):
    return [make_party("CAN", "Canada", "I"), make_party("FRA", "France", "I"), make_party("POL", "Poland", "II")]


def names(queryset):
    return sorted(queryset.values_list("name_en", flat=True))


def test_every_filterset_of_the_portal_derives_from_the_base():
    for filterset_class in (MeasureFilter, PartyFilter, ReportStatusFilter, OrganisationFilter, MeetingFilter):
        assert issubclass(filterset_class, FilterSet)


def test_without_parameters_it_is_bound_and_filters_nothing(parties):
    for data in (None, {}, QueryDict()):
        filterset = PartyNames(data)
        assert filterset.is_bound
        assert filterset.is_valid()
        assert filterset.cleaned == {"q": "", "region": [], "deposited": None, "sort": ""}
        assert filterset.active == {}
        assert names(filterset.qs) == ["Canada", "France", "Poland"]


def test_a_bad_value_leaves_out_that_filter_only(parties):
    filterset = PartyNames(QueryDict("region=IX&q=c"))
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"region"}
    assert "region" not in filterset.cleaned
    assert names(filterset.qs) == ["Canada", "France"]


def test_the_form_is_validated_once(parties, monkeypatch):
    filterset = PartyNames(QueryDict("q=an&region=I"))
    calls = []
    form_class = type(filterset.form)
    original = form_class.full_clean

    def counting_full_clean(form):
        calls.append(form)
        original(form)

    monkeypatch.setattr(form_class, "full_clean", counting_full_clean)
    filterset.cleaned, filterset.qs, filterset.active, filterset.errors, filterset.query()  # noqa: B018
    filterset.queryset_without("q"), filterset.active_filters(), filterset.is_valid()  # noqa: B018
    assert len(calls) == 1


def test_queryset_without_leaves_out_the_named_filters_and_the_order(parties):
    filterset = PartyNames(QueryDict("q=c&region=II&sort=-name"))
    assert names(filterset.qs) == []
    assert names(filterset.queryset_without("region")) == ["Canada", "France"]
    assert names(filterset.queryset_without("region", "q")) == ["Canada", "France", "Poland"]
    assert not filterset.queryset_without("region").query.order_by
    assert names(filterset.queryset_without("q", queryset=Party.objects.filter(iso3="POL"))) == ["Poland"]


def test_the_sort_filter_orders_both_ways(parties):
    assert list(PartyNames(QueryDict("sort=-name")).qs.values_list("iso3", flat=True)) == ["POL", "FRA", "CAN"]
    assert list(PartyNames(QueryDict("sort=name")).qs.values_list("iso3", flat=True)) == ["CAN", "FRA", "POL"]
    assert PartyNames(QueryDict("sort=name")).sort == "name"
    bad = PartyNames(QueryDict("sort=size"))
    assert bad.sort == ""
    assert "sort" in bad.errors


def test_the_active_filters_each_with_the_link_without_it(parties):
    filterset = PartyNames(QueryDict("region=I&region=II&q=C%20&sort=name&page=2"))
    assert filterset.active == {"region": ["I", "II"], "q": "C"}
    assert filterset.active_filters() == [
        ActiveFilter("q", "Name", "C", "?region=I&region=II&sort=name"),
        ActiveFilter("region", "Region", "I", "?region=II&q=C+&sort=name"),
        ActiveFilter("region", "Region", "II", "?region=I&q=C+&sort=name"),
    ]


def test_the_query_string_for_links(parties):
    filterset = PartyNames(QueryDict("q=an&region=I&region=XX&deposited=1800&page=3&utm=x&sort=name"))
    # The bad values (a region, a year out of range), the page and what is no filter are left out.
    assert filterset.query() == "?q=an&sort=name"
    assert filterset.query(without=["sort"]) == "?q=an"
    assert filterset.query(without=["sort", "q"]) == ""
    assert filterset.query(remove=("q", "AN")) == "?sort=name"
    assert filterset.query(without=["sort"], region="II", deposited=2005) == "?q=an&region=II&deposited=2005"
    assert filterset.query(q=["a", "b"]) == "?q=a&q=b&sort=name"
    assert filterset.requested == ["q", "region", "deposited"]


def test_default_values_show_on_the_form_but_not_in_links(parties):
    class WithDefault(PartyNames):
        def default_values(self):
            return {"region": "II"}

    filterset = WithDefault(QueryDict("q=o"))
    assert names(filterset.qs) == ["Poland"]
    assert filterset.form["region"].value() == ["II"]
    assert filterset.query() == "?q=o"
    assert filterset.requested == ["q"]
    assert names(WithDefault(QueryDict("region=I")).qs) == ["Canada", "France"]


@pytest.mark.parametrize(
    ("value", "valid"),
    [(str(FIRST_YEAR), True), (str(LAST_YEAR), True), (str(FIRST_YEAR - 1), False), ("2101", False), ("x", False)],
)
def test_the_year_filter_takes_years_within_its_bounds(value, valid):
    assert PartyNames(QueryDict(f"deposited={value}")).is_valid() is valid


def test_the_year_filter_bounds_are_parameters():
    class Meetings(FilterSet):
        year = YearFilter(field_name="deposit_date", lookup_expr="year", min_value=1945)

        class Meta:
            model = Party
            fields = []

    assert not Meetings(QueryDict("year=1944")).is_valid()
    assert Meetings(QueryDict("year=1945")).is_valid()
    assert isinstance(Meetings.base_filters["year"].field.widget, forms.NumberInput)


def test_as_list():
    assert as_list(None) == as_list("") == []
    assert as_list("a") == ["a"]
    assert as_list(["a", "b"]) == as_list(("a", "b")) == ["a", "b"]
