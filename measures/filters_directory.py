"""Filters for the directory pages (Parties, reporting status, organisations), shared by HTML views and any API.

Every parameter is validated by a form: a bad value becomes an error message on that filter while the
other filters still apply, so no input gives a server error.
"""

import datetime
import unicodedata

import django_filters
from django import forms
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from measures.models import (
    ElectoralGroup,
    Instrument,
    Measure,
    Organisation,
    OrganisationKind,
    Party,
    PartyKind,
    PeriodicReport,
    ReportingCycle,
    ShownReportStatus,
)

TRANSLATED_NAME_LANGUAGES = ("fr", "es")
FIRST_YEAR, LAST_YEAR = 1900, 2100

#: `instrument=none`: the Parties whose source gives the date of deposit but not the type of instrument.
INSTRUMENT_NOT_RECORDED = "none"

#: `status=overdue`: recorded as expected (or started as a draft) and not submitted by the cycle's deadline.
OVERDUE = "overdue"


def folded(text):
    """`text` lower-cased and without accents: the key people expect names to be sorted by."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def name_sort_key(prefix=""):
    """The rank of each Party's name in the active language, accents and case ignored ("Égypte" among
    the E), whatever the database's collation (SQLite and PostgreSQL's C collation compare code points).

    One query reads the names, which Python sorts; the rank is then a CASE on the primary key. There are
    only as many Parties as States, so the expression stays small.
    """
    language = (get_language() or "en")[:2]
    column = f"name_{language}" if language in TRANSLATED_NAME_LANGUAGES else "name_en"
    names = Party.objects.order_by().values_list("pk", "name_en", column)
    ranked = sorted(names, key=lambda row: (folded(row[2] or row[1]), row[0]))
    if not ranked:
        # No Party at all: a CASE without branches would be the constant 0, a column number to PostgreSQL.
        return F(f"{prefix}pk")
    return Case(
        *[When(**{f"{prefix}pk": pk}, then=Value(rank)) for rank, (pk, _english, _name) in enumerate(ranked)],
        default=Value(len(ranked)),
        output_field=IntegerField(),
    )


def blank_last(field):
    """Sort key putting empty text after every value, whatever the direction of the sort on `field`."""
    return Case(When(**{field: ""}, then=Value(1)), default=Value(0), output_field=IntegerField())


def published_measure_count(key="party", **filters):
    """Subquery: how many published measures have the outer row as `key` (0 when none)."""
    counts = (
        Measure.objects.published()
        .filter(**{key: OuterRef("pk")}, **filters)
        .order_by()
        .values(key)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def parties_with_measure_counts():
    """Parties with `sort_name` (their name in the active language, to sort by) and `measure_count`, in one query."""
    return Party.objects.annotate(sort_name=name_sort_key(), measure_count=published_measure_count()).order_by(
        "sort_name", "pk"
    )


def current_cycle(cycles, today=None):
    """The latest cycle whose year is not after this year; the earliest one if they are all to come."""
    year = (today or timezone.localdate()).year
    past = [cycle for cycle in cycles if cycle.year <= year]
    if past:
        return max(past, key=lambda cycle: cycle.year)
    return min(cycles, key=lambda cycle: cycle.year, default=None)


def party_by(cycle):
    """The last day a State or organisation could become a Party and still be expected to report in `cycle`."""
    return cycle.deadline or datetime.date(cycle.year, 12, 31)


def party_in_cycle(cycle):
    """Q: Parties in force by the cycle's deadline (or the end of its year), Parties whose date is not
    documented, and any Party with a report recorded for the cycle."""
    return Q(report_id__isnull=False) | Q(entry_into_force__isnull=True) | Q(entry_into_force__lte=party_by(cycle))


def parties_reporting_status(cycle, today=None):
    """Every Party of `cycle`, annotated with what is recorded of its report for that cycle.

    A Party without a PeriodicReport row for the cycle is *not recorded*, or *expected* where the cycle says
    every Party is (ReportingCycle.status_without_report); nothing else is inferred from a missing row.
    Only an expected report (or a draft) whose deadline has passed is overdue. One LEFT JOIN, no row created.
    """
    today = today or timezone.localdate()
    deadline_passed = cycle.deadline is not None and cycle.deadline < today
    overdue = (
        ExpressionWrapper(Q(report_status__in=PeriodicReport.NOT_YET_SUBMITTED), output_field=BooleanField())
        if deadline_passed
        else Value(False, output_field=BooleanField())
    )
    return (
        Party.objects.annotate(cycle_report=FilteredRelation("reports", condition=Q(reports__cycle=cycle)))
        .annotate(
            sort_name=name_sort_key(),
            report_id=F("cycle_report__id"),
            report_status=Coalesce(F("cycle_report__status"), Value(cycle.status_without_report.value)),
            report_submission_date=F("cycle_report__submission_date"),
            report_submission_year=F("cycle_report__submission_year"),
            report_evidence=F("cycle_report__evidence"),
            report_language=F("cycle_report__language"),
            report_source_url=F("cycle_report__source_url"),
            cycle_measure_count=published_measure_count(report_year=cycle.year),
        )
        .annotate(is_overdue=overdue)
        .filter(party_in_cycle(cycle))
        .order_by("sort_name", "pk")
    )


class DirectoryFilterForm(forms.Form):
    """Points each control with an error at its message, so screen readers announce it."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
                self.fields[name].widget.attrs["aria-invalid"] = "true"


class PartyFilterForm(DirectoryFilterForm):
    def clean(self):
        cleaned_data = super().clean()
        first, last = cleaned_data.get("deposited_from"), cleaned_data.get("deposited_to")
        if first is not None and last is not None and first > last:
            self.add_error("deposited_to", _("The last year must not be before the first."))
        return cleaned_data


class DirectoryFilterSet(django_filters.FilterSet):
    """Always bound (no parameters = no filter), so `form.cleaned_data` is there for the page to read."""

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data if data is not None else {}, queryset, **kwargs)

    @property
    def sort(self):
        """The valid `sort` value asked for, or an empty string."""
        self.errors  # noqa: B018 -- validates the form
        return self.form.cleaned_data.get("sort") or ""


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)


class SortFilter(django_filters.ChoiceFilter):
    """`sort=key` or `sort=-key`; each key names a function returning the expressions to order by.

    The functions run at filter time, so orderings that depend on the active language (names) follow it.
    An invalid value is a form error and the queryset keeps its default order.
    """

    def __init__(self, orderings, *args, **kwargs):
        self.orderings = orderings
        choices = []
        for key, (label, _ordering) in orderings.items():
            choices += [(key, label), (f"-{key}", label)]
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, choices=choices, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        descending = value.startswith("-")
        _label, ordering = self.orderings[value.lstrip("-")]
        expressions = []
        for expression in ordering():
            expression = F(expression) if isinstance(expression, str) else expression
            expressions.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        return qs.order_by(*expressions, "pk")


class Ascending:
    """An ordering term that does not flip with the direction of the sort (tie-breakers, blanks last)."""

    def __init__(self, expression):
        self.expression = F(expression) if isinstance(expression, str) else expression

    def asc(self, **kwargs):
        return self.expression.asc(**kwargs)

    def desc(self, **kwargs):
        return self.expression.asc(**kwargs)


def blank_last_then(field):
    return [Ascending(blank_last(field)), field]


def by_name():
    return Ascending("sort_name")


PARTY_SORTS = {
    "name": (_("Name"), lambda: ["sort_name"]),
    "group": (_("Electoral group"), lambda: [*blank_last_then("electoral_group"), by_name()]),
    "instrument": (_("Instrument"), lambda: [*blank_last_then("instrument"), by_name()]),
    "deposit": (_("Date of deposit"), lambda: ["deposit_date", by_name()]),
    "entry": (_("Entry into force"), lambda: ["entry_into_force", by_name()]),
    "measures": (_("Published measures"), lambda: ["measure_count", by_name()]),
}


def name_or_code_matches(queryset, value, prefix=""):
    terms = Q(**{f"{prefix}iso3__iexact": value})
    for column in ("name_en", "name_fr", "name_es"):
        terms |= Q(**{f"{prefix}{column}__icontains": value})
    return queryset.filter(terms)


class PartyFilter(DirectoryFilterSet):
    q = django_filters.CharFilter(label=_("Name or ISO code"), method="filter_q", max_length=200)
    region = django_filters.MultipleChoiceFilter(
        label=_("Electoral group"),
        field_name="electoral_group",
        choices=ElectoralGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    instrument = django_filters.MultipleChoiceFilter(
        label=_("Instrument"),
        method="filter_instrument",
        choices=[*Instrument.choices, (INSTRUMENT_NOT_RECORDED, _("Not recorded in the sources"))],
        widget=forms.CheckboxSelectMultiple,
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=PartyKind.choices, empty_label=_("Any kind"))
    deposited_from = YearFilter(label=_("Deposited from (year)"), field_name="deposit_date", lookup_expr="year__gte")
    deposited_to = YearFilter(label=_("Deposited up to (year)"), field_name="deposit_date", lookup_expr="year__lte")
    sort = SortFilter(PARTY_SORTS)

    class Meta:
        model = Party
        fields = []
        form = PartyFilterForm

    def filter_q(self, queryset, name, value):
        return name_or_code_matches(queryset, value.strip()) if value.strip() else queryset

    def filter_instrument(self, queryset, name, values):
        if not values:
            return queryset
        wanted = [value for value in values if value != INSTRUMENT_NOT_RECORDED]
        terms = Q(instrument__in=wanted)
        if INSTRUMENT_NOT_RECORDED in values:
            terms |= Q(instrument="")
        return queryset.filter(terms)


REPORT_STATUS_CHOICES = [*ShownReportStatus.choices, (OVERDUE, _("Overdue"))]


def status_rank():
    """Report statuses in the order a report goes through them, rather than alphabetically."""
    return Case(
        *[When(report_status=status, then=Value(rank)) for rank, status in enumerate(ShownReportStatus.values)],
        default=Value(len(ShownReportStatus.values)),
        output_field=IntegerField(),
    )


REPORT_SORTS = {
    "name": (_("Party"), lambda: ["sort_name"]),
    "group": (_("Electoral group"), lambda: [*blank_last_then("electoral_group"), by_name()]),
    "status": (_("Status"), lambda: [status_rank(), by_name()]),
    "submitted": (
        _("Submitted"),
        lambda: (
            [
                Coalesce(ExtractYear("report_submission_date"), "report_submission_year", output_field=IntegerField()),
                "report_submission_date",
            ]
            + [by_name()]
        ),
    ),
    "measures": (_("Published measures"), lambda: ["cycle_measure_count", by_name()]),
}


class ReportStatusFilter(DirectoryFilterSet):
    """The reporting status of every Party for one cycle (`cycle`, default: the current one).

    The queryset passed in is ignored: the rows are built for the chosen cycle by `parties_reporting_status`.
    """

    cycle = django_filters.TypedChoiceFilter(label=_("Reporting cycle"), method="filter_nothing", coerce=int)
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), method="filter_status", choices=REPORT_STATUS_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    region = django_filters.MultipleChoiceFilter(
        label=_("Electoral group"),
        field_name="electoral_group",
        choices=ElectoralGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sort = SortFilter(REPORT_SORTS)

    class Meta:
        model = Party
        fields = []
        form = DirectoryFilterForm

    def __init__(self, data=None, queryset=None, *, today=None, **kwargs):
        self.today = today or timezone.localdate()
        self.cycles = list(ReportingCycle.objects.order_by("-year"))
        self.default_cycle = current_cycle(self.cycles, self.today)
        # Without a `cycle` the current one is shown, and the form says so.
        data = data.copy() if data is not None else {}
        if not data.get("cycle") and self.default_cycle is not None:
            data["cycle"] = str(self.default_cycle.year)
        super().__init__(data, queryset, **kwargs)
        self.filters["cycle"].extra["choices"] = [(cycle.year, str(cycle.year)) for cycle in self.cycles]
        self.status_base = None

    @property
    def selected_cycle(self):
        """The chosen cycle, or the current one when an unknown one is asked for."""
        self.form.errors  # noqa: B018 -- validates the form
        year = self.form.cleaned_data.get("cycle")
        chosen = [cycle for cycle in self.cycles if cycle.year == year]
        return chosen[0] if chosen else self.default_cycle

    def filter_queryset(self, queryset):
        cycle = self.selected_cycle
        if cycle is None:
            return Party.objects.none()
        queryset = parties_reporting_status(cycle, self.today)
        for name, value in self.form.cleaned_data.items():
            if name != "status":
                queryset = self.filters[name].filter(queryset, value)
        self.status_base = queryset
        return self.filters["status"].filter(queryset, self.form.cleaned_data.get("status"))

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_status(self, queryset, name, values):
        if not values:
            return queryset
        terms = Q(report_status__in=[value for value in values if value != OVERDUE])
        if OVERDUE in values:
            terms |= Q(is_overdue=True)
        return queryset.filter(terms)

    def status_counts(self):
        """How many Parties have each status (and are overdue) under the other filters: one query."""
        self.qs  # noqa: B018 -- builds status_base
        if self.status_base is None:
            return {}
        counts = {status: Count("pk", filter=Q(report_status=status)) for status in ShownReportStatus.values}
        return self.status_base.order_by().aggregate(
            total=Count("pk"), **counts, **{OVERDUE: Count("pk", filter=Q(is_overdue=True))}
        )


ORGANISATION_SORTS = {
    "name": (_("Name"), lambda: ["name"]),
    "kind": (_("Kind"), lambda: ["kind", Ascending("name")]),
    "country": (_("Country"), lambda: [name_sort_key("country__"), Ascending("name")]),
    "measures": (_("Published measures"), lambda: ["measure_count", Ascending("name")]),
}


class PartySlugChoiceField(forms.ModelChoiceField):
    """A Party by its ISO3 code or `eu`, in any case."""

    def to_python(self, value):
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)

    def label_from_instance(self, obj):
        return obj.name


class PartySlugFilter(django_filters.ModelChoiceFilter):
    field_class = PartySlugChoiceField


def organisations_with_measure_counts():
    return (
        Organisation.objects.select_related("country")
        .annotate(measure_count=published_measure_count(key="organisation"))
        .order_by("name", "pk")
    )


def organisation_countries(request=None):
    return Party.objects.filter(Exists(Organisation.objects.filter(country=OuterRef("pk")))).order_by(name_sort_key())


class OrganisationFilter(DirectoryFilterSet):
    q = django_filters.CharFilter(label=_("Name or acronym"), method="filter_q", max_length=200)
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"), choices=OrganisationKind.choices, widget=forms.CheckboxSelectMultiple
    )
    country = PartySlugFilter(
        label=_("Country"),
        queryset=organisation_countries,
        to_field_name="slug",
        empty_label=_("Any country"),
    )
    sort = SortFilter(ORGANISATION_SORTS)

    class Meta:
        model = Organisation
        fields = []
        form = DirectoryFilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(acronym__iexact=value) | Q(description__icontains=value))
