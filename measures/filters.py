"""The measures filters: one definition for the list, the CSV export, the feed, the statistics and the API.

Every filter is a GET parameter. A repeated parameter means OR within that filter; filters combine with AND.
A value that does not validate (``goal=abc``, ``year_from=x``, ``party=ZZZ``) leaves that one filter out and
is reported in ``errors``, keyed by parameter, so a page can show the message next to the filter.

Typical use::

    filterset = MeasureFilter(request.GET)  # published measures only, unless another queryset is given
    measures, errors = filterset.qs, filterset.errors
    # or: measures, errors = filter_measures(request.GET)

``qs`` is sorted by the ``sort`` parameter; call ``.order_by()`` on it before ``values(...).annotate(...)``
grouping, as an explicit ordering would otherwise become part of the GROUP BY.
"""

from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connections
from django.db.models import BigIntegerField, BooleanField, CharField, Count, F, IntegerField, Q, TextChoices, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from convention_portal import page_cache
from measures import search
from measures.fields import BitSetField
from measures.models import (
    FACET_GROUP_INDEXES,
    AreaOfMonitoring,
    CulturalDomain,
    ElectoralGroup,
    Goal,
    Measure,
    Party,
)

MIN_YEAR = 1900
MAX_YEAR = 2100
TRUE = "true"


class SortOrder(TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    NEWEST = "-year", _("Newest first")
    OLDEST = "year", _("Oldest first")
    TITLE = "title", _("Title")
    PARTY = "party", _("Party")


class Synthetic(TextChoices):
    """The `synthetic` filter: the examples generate_demo_data invents for demonstration, left out or alone."""

    EXCLUDE = "exclude", _("Hide synthetic examples")
    ONLY = "only", _("Only synthetic examples")


class CaseInsensitiveMultipleChoiceField(forms.MultipleChoiceField):
    """Several values from one repeated parameter, matched to the choices whatever their case."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = super().to_python(value)
        if not values:
            return values
        canonical = {str(key).lower(): str(key) for key, _label in self.choices}
        return list(dict.fromkeys(canonical.get(item.strip().lower(), item) for item in values))


class CaseInsensitiveChoiceField(forms.ChoiceField):
    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return value
        canonical = {str(key).lower(): str(key) for key, _label in self.choices}
        return canonical.get(value.lower(), value)


class YearListField(forms.Field):
    """Several years from one repeated parameter."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("Enter years as four digits, for example 2020."),
    }

    def to_python(self, value):
        if not value:
            return []
        years = []
        for item in value:
            item = str(item).strip()
            if not (item.isascii() and item.isdigit() and MIN_YEAR <= int(item) <= MAX_YEAR):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            years.append(int(item))
        return list(dict.fromkeys(years))


class MultipleValueFilter(django_filters.MultipleChoiceFilter):
    field_class = CaseInsensitiveMultipleChoiceField

    def __init__(self, *args, **kwargs):
        # No filter here follows a to-many relation, so no measure can come twice: no DISTINCT over the rows.
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class ChoiceValueFilter(django_filters.ChoiceFilter):
    field_class = CaseInsensitiveChoiceField


class YearListFilter(django_filters.Filter):
    field_class = YearListField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("Enter a year as four digits, for example 2020."),
                "min_value": _("Enter a year from %(limit_value)s on."),
                "max_value": _("Enter a year up to %(limit_value)s."),
            },
        )
        super().__init__(*args, **kwargs)


def choice_error(message):
    return {"invalid_choice": message}


class MeasureFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        year_from, year_to = cleaned_data.get("year_from"), cleaned_data.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error("year_to", _("The end of the range must not be before its start."))
        return cleaned_data


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_q", max_length=200, error_messages={"max_length": _("Search is too long.")}
    )
    party = MultipleValueFilter(
        label=_("Party"),
        method="filter_party",
        error_messages=choice_error(_("Unknown Party code: %(value)s. Use the ISO 3166 three-letter code.")),
    )
    region = MultipleValueFilter(
        label=_("Electoral group"),
        field_name="party__electoral_group",
        choices=ElectoralGroup.choices,
        error_messages=choice_error(_("Unknown electoral group: %(value)s.")),
    )
    goal = MultipleValueFilter(
        label=_("Goal"),
        method="filter_goal",
        choices=[(str(number), str(number)) for number in range(1, 5)],
        error_messages=choice_error(_("Unknown goal: %(value)s. Goals are numbered 1 to 4.")),
    )
    area = MultipleValueFilter(
        label=_("Area of monitoring"),
        method="filter_area",
        error_messages=choice_error(_("Unknown area of monitoring: %(value)s.")),
    )
    domain = MultipleValueFilter(
        label=_("Cultural domain"),
        method="filter_domain",
        error_messages=choice_error(_("Unknown cultural domain: %(value)s.")),
    )
    reported_by = ChoiceValueFilter(
        label=_("Reported by"),
        choices=Measure.ReportedBy.choices,
        error_messages=choice_error(_("Unknown value: %(value)s.")),
    )
    year_from = YearFilter(label=_("From year"), method="filter_year_from")
    year_to = YearFilter(label=_("To year"), method="filter_year_to")
    report_year = YearListFilter(label=_("Report year"), field_name="report_year")
    youth = ChoiceValueFilter(
        label=_("Youth"),
        field_name="is_youth",
        method="filter_flag",
        choices=[(TRUE, _("Youth"))],
        error_messages=choice_error(_("Use youth=true or leave it out.")),
    )
    preferential = ChoiceValueFilter(
        label=_("Preferential treatment"),
        field_name="is_preferential_treatment",
        method="filter_flag",
        choices=[(TRUE, _("Preferential treatment"))],
        error_messages=choice_error(_("Use preferential=true or leave it out.")),
    )
    innovative = ChoiceValueFilter(
        label=_("Innovative practice"),
        field_name="is_innovative",
        method="filter_flag",
        choices=[(TRUE, _("Innovative practice"))],
        error_messages=choice_error(_("Use innovative=true or leave it out.")),
    )
    synthetic = ChoiceValueFilter(
        label=_("Synthetic examples"),
        method="filter_synthetic",
        choices=Synthetic.choices,
        error_messages=choice_error(_("Use synthetic=exclude or synthetic=only, or leave it out.")),
        # Read by the API's schema (api.schema.filter_parameters).
        help_text="exclude: leave out the synthetic examples that generate_demo_data invents for demonstration "
        "(is_synthetic); only: nothing but them",
    )
    sort = ChoiceValueFilter(
        label=_("Sort"),
        method="filter_nothing",
        choices=SortOrder.choices,
        error_messages=choice_error(_("Unknown sort order: %(value)s.")),
    )

    #: Filters shown as facets: each option is counted under the other active filters.
    FACETS = (
        "party",
        "region",
        "goal",
        "area",
        "domain",
        "reported_by",
        "report_year",
        "youth",
        "preferential",
        "innovative",
    )

    #: Whether facet_counts() and counts() also count, in the same query, the real records among the results (not
    #: synthetic examples; real_count() reads it): pages set it while synthetic examples exist.
    count_real = False

    class Meta:
        model = Measure
        fields = []
        form = MeasureFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Measure.objects.published()
        super().__init__(data if data is not None else {}, queryset=queryset, **kwargs)
        # Choices read from the database once per filterset, shared by validation and facet labels.
        self.filters["party"].extra["choices"] = lambda: [(code, party) for code, party in self.parties.items()]
        self.filters["area"].extra["choices"] = lambda: [(area.slug, area) for area in self.areas]
        self.filters["domain"].extra["choices"] = lambda: [(domain.slug, domain) for domain in self.domains]

    # Reference data, one query each, only when needed.

    @cached_property
    def parties(self):
        """Parties keyed by their code as the filter takes it: the upper-case ISO3 (EU for the European Union)."""
        return {party.slug.upper(): party for party in Party.objects.all()}

    @cached_property
    def parties_by_id(self):
        return {party.pk: party for party in self.parties.values()}

    @cached_property
    def keys_by_bit(self):
        """{facet: {bit: option key}} for the facets counted from bits."""
        return {
            "goal": {goal.bit: str(goal.number) for goal in self.goals},
            "area": {area.bit: area.slug for area in self.areas},
            "domain": {domain.bit: domain.slug for domain in self.domains},
        }

    @cached_property
    def goals(self):
        return list(Goal.objects.all())

    @cached_property
    def areas(self):
        return list(AreaOfMonitoring.objects.all())

    @cached_property
    def domains(self):
        return list(CulturalDomain.objects.all())

    # Filters.

    def filter_q(self, queryset, name, value):
        return search.search_measures(queryset, value)

    def filter_party(self, queryset, name, value):
        return queryset.filter(party__slug__in=[code.lower() for code in value])

    def filter_goal(self, queryset, name, value):
        return queryset.filter(goal_bits__intersects=BitSetField.bits(int(number) for number in value))

    def filter_area(self, queryset, name, value):
        return queryset.filter(
            area_bits__intersects=BitSetField.bits(area.bit for area in self.areas if area.slug in value)
        )

    def filter_domain(self, queryset, name, value):
        return queryset.filter(
            domain_bits__intersects=BitSetField.bits(domain.bit for domain in self.domains if domain.slug in value)
        )

    def filter_year_from(self, queryset, name, value):
        # The period overlaps the range when it ends in or after its first year; an ongoing one runs to this year.
        overlaps = Q(period_end__gte=value)
        if value <= timezone.localdate().year:
            overlaps |= Q(period_end__isnull=True, period_start__isnull=False)
        return queryset.filter(overlaps)

    def filter_year_to(self, queryset, name, value):
        # ...and starts in or before its last year; a period with only an end year is that one year.
        return queryset.filter(Q(period_start__lte=value) | Q(period_start__isnull=True, period_end__lte=value))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{name: True}) if value == TRUE else queryset

    def filter_synthetic(self, queryset, name, value):
        if value == Synthetic.EXCLUDE:
            return queryset.filter(is_synthetic=False)
        if value == Synthetic.ONLY:
            return queryset.filter(is_synthetic=True)
        return queryset

    def filter_nothing(self, queryset, name, value):
        return queryset

    # Results.

    def filter_queryset(self, queryset):
        return self.sort_queryset(self.queryset_without(queryset=queryset))

    def queryset_without(self, *names, queryset=None):
        """The queryset under every valid filter except `names`, unsorted."""
        queryset = self.queryset.all() if queryset is None else queryset
        self.errors  # noqa: B018  (validates the form, so that cleaned_data exists)
        for name, value in self.form.cleaned_data.items():
            if name not in names and name != "sort":
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def active(self):
        """The valid filters in use, as {name: value}; a list for repeatable filters."""
        if not self.is_bound:
            return {}
        self.errors  # noqa: B018  (validates the form)
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name != "sort" and value not in (None, "", [], ())
        }

    @property
    def sort_order(self):
        self.errors  # noqa: B018
        sort = self.form.cleaned_data.get("sort") if self.is_bound else ""
        if sort == SortOrder.RELEVANCE and not self.active.get("q"):
            sort = ""
        return sort or (SortOrder.RELEVANCE if self.active.get("q") else SortOrder.NEWEST)

    def sort_queryset(self, queryset):
        sort = self.sort_order
        if sort == SortOrder.RELEVANCE:
            return search.order_by_relevance(queryset, *NEWEST_ORDER)
        if sort == SortOrder.OLDEST:
            return queryset.order_by(
                F("report_year").asc(nulls_last=True), F("period_start").asc(nulls_last=True), "title", "pk"
            )
        if sort == SortOrder.TITLE:
            return queryset.order_by(Lower("title"), "pk")
        if sort == SortOrder.PARTY:
            language = (get_language() or "en")[:2]
            name = f"party__name_{language}" if language in ("fr", "es") else "party__name_en"
            return queryset.order_by(Coalesce(NullIf(name, Value("")), "party__name_en"), *NEWEST_ORDER)
        return queryset.order_by(*NEWEST_ORDER)

    def facet_counts(self):
        """{facet: {option key (str): count}}, each option counted under every other active filter, and under
        WITHOUT, for each active filter, how many results there would be without it; one query.

        The facets of the filters not in use count the same measures: a few grouped scans of them (COLUMN_GROUPS)
        serve them all, added up here. Each active filter's facet counts the measures without that filter."""
        active = self.active
        return self.count(
            [name for name in self.FACETS if name not in active],
            [
                *(
                    (name, self.queryset_without(name), (FACET_COLUMNS[name],) if name in FACET_COLUMNS else ())
                    for name in active
                ),
                *self.real_branches(),
            ],
        )

    def counts(self):
        """{facet: {option key (str): count}} over the results themselves, every active filter applied (for
        charts, where facet_counts() would count each option under the other filters only); one query."""
        return self.count(self.FACETS, self.real_branches())

    def real_branches(self):
        """With count_real, the branch of count() that counts the real records among the results (under WITHOUT)."""
        if not self.count_real:
            return []
        return [(REAL, self.queryset_without().filter(is_synthetic=False), ())]

    def real_count(self, counts):
        """How many of the results are real records, not synthetic examples, from counts made with count_real."""
        return counts[WITHOUT].get(REAL, 0)

    def count(self, shared_names, branches=()):
        """Counts of the options of `shared_names` over the results, plus those of `branches`, (label,
        measures, columns) triples whose label is a facet (its options are counted) or any active filter (the
        number of measures is added up under WITHOUT)."""
        shared_columns = {FACET_COLUMNS[name] for name in shared_names}
        branches = [
            *(
                (SHARED, self.queryset_without(), group)
                for group in COLUMN_GROUPS
                if shared_columns.intersection(group)
            ),
            *branches,
        ]
        parts = [
            measures.order_by()
            .values(
                branch=Value(label),
                **{
                    f"by_{column}": F(column) if column in columns else TypedNull(output_field)
                    for column, output_field in COLUMN_TYPES.items()
                },
            )
            .annotate(n=Count("*"))
            for label, measures, columns in branches
        ]
        union = parts[0].union(*parts[1:], all=True)
        # Read as plain rows: a few thousand of them, which Django's per-value converters would slow down.
        with connections[union.db].cursor() as cursor:
            cursor.execute(*union.query.sql_with_params())
            rows = cursor.fetchall()

        counts = {name: {} for name in (*self.FACETS, WITHOUT)}
        position = {column: index for index, column in enumerate(COLUMN_TYPES, start=1)}
        shared = [(name, position[FACET_COLUMNS[name]]) for name in shared_names]
        keys = {}  # (facet, column value): its options, worked out once per value
        for row in rows:
            label, number = row[0], row[-1]
            if label == SHARED:
                names = shared
            else:
                names = [(label, position[FACET_COLUMNS[label]])] if label in FACET_COLUMNS else []
                counts[WITHOUT][label] = counts[WITHOUT].get(label, 0) + number
            for name, index in names:
                value = row[index]
                if value is None:
                    continue
                options = keys.get((name, value))
                if options is None:
                    options = keys[name, value] = self.facet_keys(name, value)
                tally = counts[name]
                for key in options:
                    tally[key] = tally.get(key, 0) + number
        return counts

    def facet_keys(self, name, value):
        """The options of facet `name` a measure has, from its value in the facet's column (FACET_COLUMNS)."""
        if name == "party":
            return [self.parties_by_id[value].slug.upper()]
        if name == "region":
            return [self.parties_by_id[value].electoral_group]
        if name in self.keys_by_bit:
            keys = self.keys_by_bit[name]
            return [keys[bit] for bit in BitSetField.numbers(value) if bit in keys]
        if name in ("reported_by", "report_year"):
            return [str(value)]
        return [TRUE] if value else []

    def cached_facet_counts(self):
        """facet_counts(), shared by every page, sort order and language of the same filters until the data
        changes: paging through results or switching language does not count them again."""
        self.errors  # noqa: B018
        filters = sorted((name, repr(value)) for name, value in self.active.items())
        parts = (str(self.queryset.query), filters, self.count_real)
        return page_cache.remember("measure-facets", parts, self.facet_counts)

    def total(self, counts):
        """The number of results, read from facet counts: every measure has exactly one `reported_by`, and
        that facet is counted under every other filter, so no separate COUNT query is needed."""
        by_reporter = counts["reported_by"]
        chosen = self.active.get("reported_by")
        return by_reporter.get(chosen, 0) if chosen else sum(by_reporter.values())

    def facets(self, counts=None):
        """{name: Facet} for every facet, in the page's language. Parties and report years without any
        measure under the other filters are left out unless selected."""
        counts = self.facet_counts() if counts is None else counts
        active = self.active
        errors = self.errors

        def facet(name, choices, keep_empty=True):
            selected = {str(value) for value in as_list(active.get(name))}
            options = [
                FacetOption(str(value), str(label), counts[name].get(str(value), 0), str(value) in selected)
                for value, label in choices
            ]
            options = [option for option in options if keep_empty or option.count or option.selected]
            return Facet(name, str(self.filters[name].label), options, list(errors.get(name, [])))

        parties = sorted(self.parties.items(), key=lambda item: search.normalise(item[1].name))
        years = {int(year) for year in counts["report_year"]} | set(as_list(active.get("report_year")))
        return {
            "party": facet("party", parties, keep_empty=False),
            "region": facet("region", ElectoralGroup.choices),
            "goal": facet("goal", [(goal.number, goal) for goal in self.goals]),
            "area": facet("area", [(area.slug, area.name) for area in self.areas]),
            "domain": facet("domain", [(domain.slug, domain.name) for domain in self.domains]),
            "reported_by": facet("reported_by", Measure.ReportedBy.choices),
            "report_year": facet("report_year", [(year, year) for year in sorted(years, reverse=True)]),
            **{
                name: facet(name, [(TRUE, self.filters[name].label)])
                for name in ("youth", "preferential", "innovative")
            },
        }


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    """One filter with its options, each counted under the other active filters."""

    name: str
    label: str
    options: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    @property
    def selected(self):
        return [option for option in self.options if option.selected]


NEWEST_ORDER = (F("report_year").desc(nulls_last=True), F("period_start").desc(nulls_last=True), "title", "pk")

#: The facet key under which facet_counts() gives the number of results without each active filter.
WITHOUT = "_without"


def as_list(value):
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


#: The measure column each facet counts by (the electoral group is read from the Party in Python).
FACET_COLUMNS = {
    "party": "party_id",
    "region": "party_id",
    "goal": "goal_bits",
    "area": "area_bits",
    "domain": "domain_bits",
    "reported_by": "reported_by",
    "report_year": "report_year",
    "youth": "is_youth",
    "preferential": "is_preferential_treatment",
    "innovative": "is_innovative",
}

#: Columns counted together, in one grouped scan, for the facets of the filters not in use: each group has few
#: enough distinct combinations (about 130, 16, 650 and 150 over 40,000 measures) that one scan costs little
#: more than a scan per column, and its rows are few to add up. They are the columns of the small indexes kept
#: for them, in their order.
COLUMN_GROUPS = tuple(
    tuple(Measure._meta.get_field(name).attname for name in fields) for fields in FACET_GROUP_INDEXES.values()
)

COLUMN_TYPES = {
    "party_id": IntegerField(),
    "reported_by": CharField(),
    "is_youth": BooleanField(),
    "is_preferential_treatment": BooleanField(),
    "is_innovative": BooleanField(),
    "goal_bits": BigIntegerField(),
    "area_bits": BigIntegerField(),
    "domain_bits": BigIntegerField(),
    "report_year": IntegerField(),
}


class TypedNull(Value):
    """NULL of a given type, left out of GROUP BY as any constant is (a bare NULL in a UNION would be taken
    for text)."""

    def __init__(self, output_field):
        super().__init__(None, output_field=output_field)

    def as_sql(self, compiler, connection):
        return f"CAST(NULL AS {self.output_field.cast_db_type(connection)})", []


#: The branch of facet_counts() that counts the measures under every active filter.
SHARED = "_shared"
#: The key under WITHOUT of the number of real records (not synthetic) among the results, with count_real.
REAL = "_real"


def filter_measures(data, queryset=None, *, ordered=True):
    """(filtered measures, errors by parameter) for GET parameters; published measures unless told otherwise."""
    filterset = MeasureFilter(data, queryset=queryset)
    measures = filterset.qs if ordered else filterset.queryset_without()
    return measures, filterset.errors
