"""Filters for the directory pages (Parties, reporting status, organisations), shared by HTML views and any API.

Every parameter is validated by a form: a bad value becomes an error message on that filter while the
other filters still apply, so no input gives a server error.
"""

import django_filters
from django import forms
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, SortFilter, YearFilter
from core.translation import any_language, localized
from measures.models import (
    ElectoralGroup,
    Instrument,
    Organisation,
    OrganisationKind,
    Party,
    PartyKind,
    ReportingCycle,
    ShownReportStatus,
)
from measures.models.parties import name_rank

#: `instrument=none`: the Parties whose source gives the date of deposit but not the type of instrument.
INSTRUMENT_NOT_RECORDED = "none"

#: `status=overdue`: recorded as expected (or started as a draft) and not submitted by the cycle's deadline.
OVERDUE = "overdue"


def blank_last(field):
    """Sort key putting empty text after every value, whatever the direction of the sort on `field`."""
    return Case(When(**{field: ""}, then=Value(1)), default=Value(0), output_field=IntegerField())


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
    return queryset.filter(Q(**{f"{prefix}iso3__iexact": value}) | any_language(f"{prefix}name", "icontains", value))


class PartyFilter(FilterSet):
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


class ReportStatusFilter(FilterSet):
    """The reporting status of every Party for one cycle (`cycle`, default: the current one).

    The queryset passed in is ignored: the rows are built for the chosen cycle by `ReportingCycle.parties_with_status`.
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
        self.default_cycle = ReportingCycle.current(self.cycles, self.today)
        super().__init__(data, queryset, **kwargs)
        self.filters["cycle"].extra["choices"] = [(cycle.year, str(cycle.year)) for cycle in self.cycles]

    def default_values(self):
        # Without a `cycle` the current one is shown, and the form says so.
        return {"cycle": str(self.default_cycle.year)} if self.default_cycle is not None else {}

    @property
    def selected_cycle(self):
        """The chosen cycle, or the current one when an unknown one is asked for."""
        year = self.cleaned.get("cycle")
        chosen = [cycle for cycle in self.cycles if cycle.year == year]
        return chosen[0] if chosen else self.default_cycle

    @cached_property
    def status_base(self):
        """The Parties of the chosen cycle under every valid filter but `status`, unsorted; None without a cycle."""
        cycle = self.selected_cycle
        if cycle is None:
            return None
        return self.queryset_without("status", queryset=cycle.parties_with_status(self.today))

    def filter_queryset(self, queryset):
        if self.status_base is None:
            return Party.objects.none()
        queryset = self.filters["status"].filter(self.status_base, self.cleaned.get("status"))
        return self.filters["sort"].filter(queryset, self.cleaned.get("sort"))

    def filter_nothing(self, queryset, name, value: int):
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
        if self.status_base is None:
            return {}
        counts = {status: Count("pk", filter=Q(report_status=status)) for status in ShownReportStatus.values}
        return self.status_base.order_by().aggregate(
            total=Count("pk"), **counts, **{OVERDUE: Count("pk", filter=Q(is_overdue=True))}
        )


ORGANISATION_SORTS = {
    "name": (_("Name"), lambda: [localized("name")]),
    "kind": (_("Kind"), lambda: ["kind", Ascending(localized("name"))]),
    "country": (_("Country"), lambda: [name_rank("country__"), Ascending(localized("name"))]),
    "measures": (_("Published measures"), lambda: ["measure_count", Ascending(localized("name"))]),
}


class PartySlugChoiceField(forms.ModelChoiceField):
    """A Party by its ISO3 code or `eu`, in any case."""

    def to_python(self, value):
        return super().to_python(value.strip().lower() if isinstance(value, str) else value)

    def label_from_instance(self, obj):
        return obj.name


class PartySlugFilter(django_filters.ModelChoiceFilter):
    field_class = PartySlugChoiceField


def organisation_countries(request=None):
    return Party.objects.with_organisations()


class OrganisationFilter(FilterSet):
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
        return queryset.filter(
            any_language("name", "icontains", value)
            | any_language("acronym", "iexact", value)
            | any_language("description", "icontains", value)
        )
