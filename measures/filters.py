"""The measures filters: one definition for the list, the CSV export, the feed, the statistics and the API.

Every filter is a GET parameter. A repeated parameter means OR within that filter; filters combine with AND.
A value that does not validate (``goal=abc``, ``year_from=x``, ``party=ZZZ``) leaves that one filter out and
is reported in ``errors``, keyed by parameter, so a page can show the message next to the filter.

Typical use::

    filterset = MeasureFilter(request.GET)  # published measures only, unless another queryset is given
    measures, errors = filterset.qs, filterset.errors
    # or: measures, errors = filter_measures(request.GET)

``qs`` is sorted by the ``sort`` parameter; call ``.order_by()`` on it before ``values(...).annotate(...)``
grouping, as an explicit ordering would otherwise become part of the GROUP BY. The facets of these filters
are counted in measures.facets.
"""

import django_filters
from django import forms
from django.db.models import F, Q, TextChoices
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.choices import RecordLanguage
from core.fields import BitSetField
from core.filters import FIRST_YEAR, LAST_YEAR, FilterSet, YearFilter
from core.translation import localized
from measures import search
from measures.models import (
    AreaOfMonitoring,
    CulturalDomain,
    ElectoralGroup,
    Goal,
    Measure,
    Party,
)

TRUE = "true"
#: The longest `q` taken: a longer one is an error shown next to the search box (the filter is left out), so that
#: no search reads thousands of words. The box itself takes no more (its maxlength).
SEARCH_MAX_LENGTH = 200


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
    min_value, max_value = FIRST_YEAR, LAST_YEAR
    default_error_messages = {
        "invalid": _("Enter years as four digits, for example 2020."),
    }

    def to_python(self, value):
        if not value:
            return []
        years = []
        for item in value:
            item = str(item).strip()
            if not (item.isascii() and item.isdigit() and self.min_value <= int(item) <= self.max_value):
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


#: The messages of the year filters, which say what a year looks like.
YEAR_ERRORS = {
    "invalid": _("Enter a year as four digits, for example 2020."),
    "min_value": _("Enter a year from %(limit_value)s on."),
    "max_value": _("Enter a year up to %(limit_value)s."),
}


def choice_error(message):
    return {"invalid_choice": message}


class MeasureFilterForm(forms.Form):
    def clean(self):
        cleaned_data = super().clean()
        year_from, year_to = cleaned_data.get("year_from"), cleaned_data.get("year_to")
        if year_from is not None and year_to is not None and year_from > year_to:
            self.add_error("year_to", _("The end of the range must not be before its start."))
        return cleaned_data


class MeasureFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _("Search is too long. Use at most %(limit_value)d characters (this one has %(show_value)d).")
        },
        help_text=f"full-text search over title, main features, results, partners and organisation name, at most "
        f'{SEARCH_MAX_LENGTH} characters (a longer one is an error). On PostgreSQL: "a phrase", -word and `or` work',
    )
    party = MultipleValueFilter(
        label=_("Party"),
        method="filter_party",
        error_messages=choice_error(_("Unknown Party code: %(value)s. Use the ISO 3166 three-letter code.")),
        help_text="ISO 3166-1 alpha-3 code, case-insensitive; EU for the European Union",
    )
    region = MultipleValueFilter(
        label=_("Electoral group"),
        field_name="party__electoral_group",
        choices=ElectoralGroup.choices,
        error_messages=choice_error(_("Unknown electoral group: %(value)s.")),
        help_text="UNESCO electoral group",
    )
    goal = MultipleValueFilter(
        label=_("Goal"),
        method="filter_goal",
        choices=[(str(number), str(number)) for number in range(1, 5)],
        error_messages=choice_error(_("Unknown goal: %(value)s. Goals are numbered 1 to 4.")),
        help_text="goal number, 1 to 4",
    )
    area = MultipleValueFilter(
        label=_("Area of monitoring"),
        method="filter_area",
        error_messages=choice_error(_("Unknown area of monitoring: %(value)s.")),
        help_text="area of monitoring slug (see /api/v1/areas/)",
    )
    domain = MultipleValueFilter(
        label=_("Cultural domain"),
        method="filter_domain",
        error_messages=choice_error(_("Unknown cultural domain: %(value)s.")),
        help_text="cultural domain slug (see /api/v1/domains/)",
    )
    reported_by = ChoiceValueFilter(
        label=_("Reported by"),
        choices=Measure.ReportedBy.choices,
        error_messages=choice_error(_("Unknown value: %(value)s.")),
        help_text="party or civil_society",
    )
    year_from = YearFilter(
        label=_("From year"),
        method="filter_year_from",
        error_messages=YEAR_ERRORS,
        help_text="measures whose period runs in or after this year (ongoing measures run to today)",
    )
    year_to = YearFilter(
        label=_("To year"),
        method="filter_year_to",
        error_messages=YEAR_ERRORS,
        help_text="measures whose period starts in or before this year",
    )
    report_year = YearListFilter(
        label=_("Report year"), field_name="report_year", help_text="year of the periodic report"
    )
    language = MultipleValueFilter(
        label=_("Language of the record"),
        field_name="language",
        choices=RecordLanguage.choices,
        error_messages=choice_error(_("Unknown language: %(value)s. Use en, fr, es, ar, zh, pt, ru or other.")),
        help_text="the language the measure is written in (records are not translated): en, fr, es, ar, zh, pt, "
        "ru or other",
    )
    youth = ChoiceValueFilter(
        label=_("Youth"),
        field_name="is_youth",
        method="filter_flag",
        choices=[(TRUE, _("Youth"))],
        error_messages=choice_error(_("Use youth=true or leave it out.")),
        help_text="true: measures for youth only",
    )
    preferential = ChoiceValueFilter(
        label=_("Preferential treatment"),
        field_name="is_preferential_treatment",
        method="filter_flag",
        choices=[(TRUE, _("Preferential treatment"))],
        error_messages=choice_error(_("Use preferential=true or leave it out.")),
        help_text="true: measures on preferential treatment only",
    )
    innovative = ChoiceValueFilter(
        label=_("Innovative practice"),
        field_name="is_innovative",
        method="filter_flag",
        choices=[(TRUE, _("Innovative practice"))],
        error_messages=choice_error(_("Use innovative=true or leave it out.")),
        help_text="true: innovative practices only",
    )
    synthetic = ChoiceValueFilter(
        label=_("Synthetic examples"),
        method="filter_synthetic",
        choices=Synthetic.choices,
        error_messages=choice_error(_("Use synthetic=exclude or synthetic=only, or leave it out.")),
        help_text="exclude: leave out the synthetic examples that generate_demo_data invents for demonstration "
        "(is_synthetic); only: nothing but them",
    )
    sort = ChoiceValueFilter(
        label=_("Sort"),
        method="filter_nothing",
        choices=SortOrder.choices,
        error_messages=choice_error(_("Unknown sort order: %(value)s.")),
        help_text="relevance (default with q), -year (default), year, title or party",
    )

    class Meta:
        model = Measure
        fields = []
        form = MeasureFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Measure.objects.published()
        super().__init__(data, queryset=queryset, **kwargs)
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

    def filter_party(self, queryset, name, value: list[str]):
        return queryset.filter(party__slug__in=[code.lower() for code in value])

    def filter_goal(self, queryset, name, value):
        return queryset.filter(goal_bits__intersects=BitSetField.bits(int(number) for number in value))

    def filter_area(self, queryset, name, value: list[str]):
        return queryset.filter(
            area_bits__intersects=BitSetField.bits(area.bit for area in self.areas if area.slug in value)
        )

    def filter_domain(self, queryset, name, value: list[str]):
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

    def filter_flag(self, queryset, name, value: str):
        return queryset.filter(**{name: True}) if value == TRUE else queryset

    def filter_synthetic(self, queryset, name, value):
        if value == Synthetic.EXCLUDE:
            return queryset.filter(is_synthetic=False)
        if value == Synthetic.ONLY:
            return queryset.filter(is_synthetic=True)
        return queryset

    def filter_nothing(self, queryset, name, value):
        return queryset

    # The filters in words (the statistics page's chips, the e-mail alerts).

    def describe(self, name, value):
        """One value of a filter in words: the Party's name rather than its code, the goal's title…"""
        if name == "q":
            return f"“{value}”"
        if name == "party":
            party = self.parties.get(str(value).upper())
            return party.name if party else value
        if name == "goal":
            return next((str(goal) for goal in self.goals if str(goal.number) == str(value)), value)
        if name in ("area", "domain"):
            items = self.areas if name == "area" else self.domains
            return next((item.name for item in items if item.slug == value), value)
        if name == "region":
            return ElectoralGroup(value).label
        if name == "reported_by":
            return Measure.ReportedBy(value).label
        if name == "language":
            return RecordLanguage(value).label
        if name in ("youth", "preferential", "innovative"):
            return _("yes")
        if name == "synthetic":
            return Synthetic(value).label
        return str(value)

    # Results.

    def filter_queryset(self, queryset):
        return self.sort_queryset(self.queryset_without(queryset=queryset))

    @property
    def sort_order(self):
        sort = self.sort
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
            return queryset.order_by(localized("party__name"), *NEWEST_ORDER)
        return queryset.order_by(*NEWEST_ORDER)


NEWEST_ORDER = (F("report_year").desc(nulls_last=True), F("period_start").desc(nulls_last=True), "title", "pk")


def filter_measures(data, queryset=None, *, ordered=True):
    """(filtered measures, errors by parameter) for GET parameters; published measures unless told otherwise."""
    filterset = MeasureFilter(data, queryset=queryset)
    measures = filterset.qs if ordered else filterset.queryset_without()
    return measures, filterset.errors
