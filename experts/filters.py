"""The filters of /meetings/ and /meetings/calendar.ics, all kept in the URL.

Validation needs no query: body slugs and country codes are checked for their shape only, and a
well-formed key that matches nothing simply gives no result. Invalid values are dropped with a message.
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, validate_slug
from django.db.models import Count, Exists, OuterRef, Q, TextChoices
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core.filters import FilterSet, YearFilter
from core.language import active_language
from core.translation import any_language, localized
from experts.models import MAX_YEAR, MIN_YEAR, Body, Meeting, MeetingKind, MeetingOrganiser, MeetingTopic
from measures.models import Party

MAX_BODIES = 20
SESSION_LABEL = re.compile(r"^(\d{1,4})\.([A-Za-z]{1,10})$")


class When(TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    PAST = "past", _("Past")


class SlugListField(forms.Field):
    """A repeatable URL parameter (?body=a&body=b) of slugs."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid_list": _("Enter a list of keys."),
        "too_many": _("Choose at most %(limit)s bodies."),
        "invalid_slug": _("“%(value)s” is not a valid key."),
    }

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return list(dict.fromkeys(str(item).strip() for item in value if str(item).strip()))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_BODIES:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"limit": MAX_BODIES})
        for item in value:
            try:
                validate_slug(item)
            except ValidationError:
                raise ValidationError(
                    self.error_messages["invalid_slug"], code="invalid_slug", params={"value": item[:80]}
                ) from None
            if len(item) > 80:
                raise ValidationError(self.error_messages["invalid_slug"], code="invalid_slug", params={"value": item})


class SlugInFilter(django_filters.Filter):
    field_class = SlugListField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class CountryCodeField(forms.CharField):
    default_validators = [
        RegexValidator(r"^[A-Za-z]{3}$", _("A country is given by its three-letter ISO code, e.g. CAN."))
    ]

    def to_python(self, value):
        return super().to_python(value).upper()


class CountryFilter(django_filters.CharFilter):
    field_class = CountryCodeField


class MeetingFilter(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    body = SlugInFilter(label=_("Body"), field_name="body__slug")
    kind = django_filters.ChoiceFilter(label=_("Kind of meeting"), choices=MeetingKind.choices)
    year = YearFilter(label=_("Year"), field_name="year", min_value=MIN_YEAR, max_value=MAX_YEAR)
    country = CountryFilter(label=_("Country"), field_name="country__iso3")
    when = django_filters.ChoiceFilter(label=_("When"), choices=When.choices, method="filter_when")

    class Meta:
        model = Meeting
        fields = ["q", "body", "kind", "year", "country", "when"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def search(self, queryset, name, value):
        terms = value.split()
        for term in terms[:10]:
            queryset = queryset.filter(self.term_condition(term))
        return queryset

    @staticmethod
    def term_condition(term):
        condition = (
            any_language("title", "icontains", term)
            | any_language("description", "icontains", term)
            | any_language("city", "icontains", term)
            | any_language("venue", "icontains", term)
            | any_language("body__name", "icontains", term)
            | any_language("body__short_name", "icontains", term)
            | any_language("body__aliases", "icontains", term)
            | any_language("country__name", "icontains", term)
            | Exists(MeetingTopic.objects.filter(any_language("title", "icontains", term), meeting=OuterRef("pk")))
            | Exists(
                MeetingOrganiser.objects.filter(meeting=OuterRef("pk")).filter(
                    any_language("organisation__name", "icontains", term)
                    | any_language("organisation__acronym", "iexact", term)
                    | any_language("party__name", "icontains", term)
                )
            )
        )
        session = SESSION_LABEL.match(term)
        if session:
            condition |= Q(session_number=int(session[1]), body__session_code__iexact=session[2])
        return condition

    def filter_when(self, queryset, name, value):
        if value == When.UPCOMING:
            return queryset.upcoming(self.today)
        if value == When.PAST:
            return queryset.past(self.today)
        return queryset

    # The filters in words, as MeasureFilter gives them (the e-mail alerts show them).

    @cached_property
    def described_bodies(self):
        """The bodies of the `body` filter by slug: one query, only when that filter is in use."""
        slugs = self.active.get("body") or []
        return {body.slug: body for body in Body.objects.filter(slug__in=slugs)} if slugs else {}

    @cached_property
    def described_country(self):
        code = self.active.get("country")
        return Party.objects.filter(iso3=code).first() if code else None

    def describe(self, name, value):
        """One value of a filter in words: the body's and country's names rather than their codes…"""
        if name == "q":
            return f"“{value}”"
        if name == "body":
            body = self.described_bodies.get(value)
            return (body.short_name or body.name) if body else value
        if name == "country":
            country = self.described_country
            return country.name if country else value
        if name == "kind":
            return MeetingKind(value).label
        if name == "when":
            return When(value).label
        return str(value)

    def error_messages(self):
        """One line per parameter that was not understood, with the label people see on the form."""
        return [
            f"{self.form.fields[name].label}: {' '.join(str(message) for message in messages)}"
            for name, messages in self.form.errors.items()
        ]

    def facets(self):
        """For each filter, its values with the number of meetings the other filters leave for each.

        One grouped query per filter; a chosen value that matches nothing is still listed, with 0.
        """
        data = self.cleaned
        language = active_language()
        bodies = (
            self.queryset_without("body")
            .annotate(short_name=localized("body__short_name"), name=localized("body__name"))
            .values_list("body__slug", "short_name", "name")
            .annotate(count=Count("pk"))
            .order_by("name")
        )
        kinds = dict(self.queryset_without("kind").values_list("kind").annotate(count=Count("pk")).order_by())
        years = self.queryset_without("year").values_list("year").annotate(count=Count("pk")).order_by("-year")
        countries = (
            self.queryset_without("country")
            .exclude(Q(country__isnull=True) | Q(country__iso3=""))
            .values_list("country__iso3", "country__name_en", f"country__name_{language}")
            .annotate(count=Count("pk"))
            .order_by()
        )
        when = self.queryset_without("when").aggregate(
            upcoming=Count("pk", filter=Q(span_end__gte=self.today)),
            past=Count("pk", filter=Q(span_end__lt=self.today)),
        )
        return {
            "body": counted_options(
                ((slug, short_name or name, count) for slug, short_name, name, count in bodies), data.get("body") or []
            ),
            "kind": counted_options(
                ((value, label, kinds[value]) for value, label in MeetingKind.choices if value in kinds),
                _chosen(data, "kind"),
            ),
            "year": counted_options(((year, year, count) for year, count in years), _chosen(data, "year")),
            "country": sorted(
                counted_options(
                    ((iso3, local or name_en, count) for iso3, name_en, local, count in countries),
                    _chosen(data, "country"),
                ),
                key=lambda option: str(option["label"]),
            ),
            "when": counted_options(
                ((value, label, when[value]) for value, label in When.choices), _chosen(data, "when"), keep_empty=True
            ),
        }


def _chosen(data, name):
    value = data.get(name)
    return [] if value in (None, "") else [value]


def counted_options(rows, chosen, keep_empty=False):
    """Options (value, label, count, selected) from (value, label, count) rows, chosen values always included."""
    options = [
        {"value": value, "label": label, "count": count, "selected": value in chosen}
        for value, label, count in rows
        if count or keep_empty or value in chosen
    ]
    listed = {option["value"] for option in options}
    options += [
        {"value": value, "label": value, "count": 0, "selected": True} for value in chosen if value not in listed
    ]
    return options
