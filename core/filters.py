"""The filtering base of every FilterSet of the portal, and the filters more than one of them uses.

Every filter is a GET parameter. A FilterSet here is always bound (no parameters = no filter) and validated
once, by `cleaned`: a value that does not validate leaves that one filter out and is reported in `errors`,
keyed by parameter, while the other filters still apply. On that base each FilterSet offers the queryset
without some of its filters (`queryset_without`, for facet counts), the filters in use (`active`,
`active_filters`), and the query string of its valid filters for links (`query`).
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import F
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

#: The years a year filter takes unless told otherwise.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def as_list(value):
    """A filter's value as a list: [] when empty, the items of a repeatable filter, or [value]."""
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def same_value(given, value):
    """Whether a parameter's value as given is `value` as the filter read it (spaces and case aside)."""
    return given.strip().lower() == str(value).lower()


@dataclass
class ActiveFilter:
    """One value of a filter in use, with the query string of the same filters without it."""

    name: str
    label: str
    value: object
    url: str


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet of the portal."""

    #: Filters that order the results rather than select them: not in queryset_without() nor in the active filters.
    ordering_filters = ("sort",)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__({} if data is None else data, queryset, request=request, prefix=prefix)

    def default_values(self):
        """{name: value} the form takes for a parameter that is not given (shown as chosen); links do not repeat
        them."""
        return {}

    @property
    def form(self):
        if not hasattr(self, "_form"):
            data = self.data
            defaults = {name: value for name, value in self.default_values().items() if not data.get(name)}
            if defaults:
                data = data.copy()
                for name, value in defaults.items():
                    data[name] = value
            self._form = self.get_form_class()(data, prefix=self.form_prefix)
        return self._form

    @cached_property
    def cleaned(self):
        """{name: value} of the filters whose value validated: the form is validated here, once."""
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def sort(self):
        """The valid `sort` value asked for, or an empty string."""
        return self.cleaned.get("sort") or ""

    def filter_queryset(self, queryset):
        for name, value in self.cleaned.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def queryset_without(self, *names, queryset=None):
        """The queryset (this FilterSet's unless given) under every valid filter except `names`, unsorted."""
        queryset = self.queryset.all() if queryset is None else queryset
        for name, value in self.cleaned.items():
            if name not in names and name not in self.ordering_filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @property
    def active(self):
        """{name: value} of the valid filters in use (ordering filters aside); a list for repeatable filters."""
        return {
            name: value
            for name, value in self.cleaned.items()
            if name not in self.ordering_filters and value not in (None, "", [], ())
        }

    def active_filters(self):
        """An ActiveFilter for each value of each valid filter in use, its link taking out that value only."""
        return [
            ActiveFilter(name, str(self.filters[name].label), item, self.query(remove=(name, item)))
            for name, value in self.active.items()
            for item in as_list(value)
        ]

    def describe(self, name, value):
        """One value of a filter in words, as people read it (a name rather than a code); FilterSets with codes to
        name override it."""
        return str(value)

    def described_filters(self):
        """{label, value in words, url: the query string without that value} for each value of each valid filter
        in use."""
        return [
            {"label": active.label, "value": self.describe(active.name, active.value), "url": active.url}
            for active in self.active_filters()
        ]

    @property
    def requested(self):
        """The names of the filters the request gives a value for, valid or not (ordering filters aside)."""
        return [name for name in self.filters if name not in self.ordering_filters and any(self.data_list(name))]

    def data_list(self, name):
        data = self.data
        return data.getlist(name) if hasattr(data, "getlist") else as_list(data.get(name))

    def query(self, *, without=(), remove=None, **values):
        """The query string ("?…", or "" without any) of this page's valid filters for a link, each parameter as
        the request gave it (in its order): without the filters named in `without`, without one value of one filter when
        `remove` is (name, value), and with the filters in `values` set to those values (a list for several).
        Parameters that are not filters (the page number) and values that did not validate are left out."""
        query = QueryDict(mutable=True)
        for name in dict.fromkeys(self.data):
            if name in self.filters and name in self.cleaned and name not in without:
                items = [str(item) for item in self.data_list(name) if str(item).strip()]
                if remove is not None and remove[0] == name:
                    items = [item for item in items if not same_value(item, remove[1])]
                if items:
                    query.setlist(name, items)
        for name, value in values.items():
            query.setlist(name, [str(item) for item in as_list(value)])
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else ""


class YearFilter(django_filters.NumberFilter):
    """A year, from `min_value` to `max_value` (FIRST_YEAR to LAST_YEAR unless told)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs):
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


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
