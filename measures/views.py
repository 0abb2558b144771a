"""Public pages about measures: home, the filtered list, a measure (and its preview for the people who may
see it before it is published) with its citation in RIS and BibTeX, its CSV and XLSX downloads and Atom feed,
and /about/ (what the portal holds and how complete it is)."""

from collections import defaultdict

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from core import downloads, spreadsheets
from core.validators import strip_control_characters
from measures import citation, export, export_xlsx, workflow
from measures.completeness import data_completeness
from measures.context_processors import synthetic_measure_count
from measures.directory.report_pages import report_url_for
from measures.facets import WITHOUT, MeasureFacets
from measures.filters import MeasureFilter, SortOrder, Synthetic
from measures.models import AreaOfMonitoring, Measure, Party
from measures.pagination import MeasurePaginator
from measures.world_map import DEPOSIT, build_world_map


class HomeView(TemplateView):
    template_name = "measures/home.html"

    def get_context_data(self, **kwargs):
        published = Measure.objects.published()
        return super().get_context_data(
            party_count=Party.objects.count(),
            measure_count=published.count(),
            civil_society_count=published.filter(reported_by=Measure.ReportedBy.CIVIL_SOCIETY).count(),
            latest_measures=published.with_list_relations().order_by("-published_at", "-pk")[:5],
            world_map=build_world_map(DEPOSIT),
            **kwargs,
        )


class FilteredMeasuresMixin:
    """Reads the /measures/ filter parameters once per request."""

    @property
    def filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = MeasureFilter(self.request.GET, request=self.request)
        return self._filterset


FLAGS = ("youth", "preferential", "innovative")


def active_filter_chips(filterset, facets):
    """[{name, label, value, url}] for each value of each valid filter in use; url removes that value."""
    chips = []
    for active in filterset.active_filters():
        name, item, label = active.name, active.value, active.label
        if name == "synthetic":
            label, shown = str(Synthetic(item).label), ""  # "Hide synthetic examples" says it all
        elif name == "q":
            shown = f"“{item}”"
        elif name in FLAGS:
            shown = ""  # the filter's label says it all
        elif name in facets:
            options = {option.value: option.label for option in facets[name].options}
            shown = options.get(str(item), str(item))
        else:
            shown = str(item)
        chips.append({"name": name, "label": label, "value": shown, "url": active.url})
    return chips


def without_empty_parameters(data):
    """The query string ("?…", or "" without any) of `data` less its empty values, every other value kept as
    given and in its order; None when no value is empty. Unlike MeasureFilter.query(), it keeps the values that
    do not validate and the page number: an old link still shows its error messages and its page."""
    if all(value.strip() for _name, values in data.lists() for value in values):
        return None
    query = QueryDict(mutable=True)
    for name, values in data.lists():
        kept = [value for value in values if value.strip()]
        if kept:
            query.setlist(name, kept)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


class MeasureListView(FilteredMeasuresMixin, ListView):
    template_name = "measures/measure_list.html"
    context_object_name = "measures"
    paginate_by = 20
    paginator_class = MeasurePaginator

    def get(self, request, *args, **kwargs):
        # The form sends its empty fields too (`?q=&year_from=`): one address per choice of filters, so that
        # shared links, the page cache and the links built from the request (pagination, sort, downloads) carry
        # only the filters in use.
        query = without_empty_parameters(request.GET)
        if query is not None:
            return HttpResponseRedirect(request.path + query)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return self.filterset.qs.with_list_relations()

    @cached_property
    def synthetic_count(self):
        """Published synthetic examples in the whole portal (a cache read): while there are any, the facets
        also count the real records among the results, shown beside the total."""
        return synthetic_measure_count()

    @cached_property
    def facets(self):
        return MeasureFacets(self.filterset, count_real=bool(self.synthetic_count))

    @cached_property
    def facet_counts(self):
        return self.facets.cached_facet_counts()

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = self.facets.total(self.facet_counts)  # the facets have counted already
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        counts = self.facet_counts
        facets = self.facets.facets(counts)
        chips = active_filter_chips(filterset, facets)
        removals = []
        if not context["paginator"].count:
            for name in filterset.active:
                found = counts[WITHOUT].get(name, 0)
                if found:
                    removals.append(
                        {
                            "label": filterset.filters[name].label,
                            "count": found,
                            "url": filterset.query(without=[name]),
                        }
                    )
        sort = filterset.sort_order
        sort_options = [
            {"value": value, "label": label, "current": value == sort}
            for value, label in SortOrder.choices
            if value != SortOrder.RELEVANCE or filterset.active.get("q")
        ]
        total = context["paginator"].count
        if self.synthetic_count:
            real = self.facets.real_count(counts)
            context["result_split"] = {"real": real, "synthetic": total - real}
        chosen = filterset.active.get("synthetic", "")
        if self.synthetic_count or chosen or "synthetic" in filterset.errors:
            context["synthetic_options"] = [
                {"value": value, "label": label, "selected": value == chosen}
                for value, label in (("", SHOW_SYNTHETIC), *Synthetic.choices)
            ]
        flags = [facets[name] for name in FLAGS]

        def in_view(facet):
            return facet.errors or any(option.count or option.selected for option in facet.options)

        context.update(
            filter=filterset,
            facets=facets,
            # A flag without any result under the other filters goes behind "Show N more", as other options do.
            flag_facets=[facet for facet in flags if in_view(facet)],
            more_flag_facets=[facet for facet in flags if not in_view(facet)],
            chips=chips,
            removals=removals,
            errors=filterset.errors,
            search_query=filterset.active.get("q", ""),
            sort_options=sort_options,
            current_sort=sort,
        )
        return context


#: The `synthetic` filter's choice that leaves it out.
SHOW_SYNTHETIC = gettext_lazy("Show them with the real records")


class DemoDataView(TemplateView):
    """What the synthetic examples are, where they come from and how to remove them."""

    template_name = "measures/demo_data.html"


class MeasureDetailView(DetailView):
    template_name = "measures/measure_detail.html"
    context_object_name = "measure"

    def measures(self):
        """The measures this page may show: the public sees published ones only."""
        return Measure.objects.published()

    def get_queryset(self):
        return (
            self.measures()
            .with_list_relations()
            .select_related("periodic_report__cycle")
            # The areas with their goal in one query, leaving room for the report's address below.
            .prefetch_related(
                "partners", "goals", Prefetch("areas", AreaOfMonitoring.objects.select_related("goal")), "domains"
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(report_url=report_url_for(self.object), **kwargs)


class MeasurePreviewView(MeasureDetailView):
    """A measure's public page as it will look once published, in any status, with a banner saying it is a
    preview: for a signed-in user who may see the measure in the back office (`workflow.can_view`). Anyone
    else, anonymous visitors included, gets the very 404 of an unknown id, so the page never tells that the
    measure exists.

    Never cached: the URL is not wrapped in `cache_public_page`, and the response says `private, no-store`
    (which the page cache also refuses to store), besides `noindex, nofollow` for robots.
    """

    def measures(self):
        # The SQL twin of `workflow.can_view`: nothing at all (and no query) for an anonymous visitor.
        return Measure.objects.visible_to(self.request.user)

    def get_object(self, queryset=None):
        measure = super().get_object(queryset)
        if not workflow.can_view(self.request.user, measure):  # never, given `measures()`: a second lock
            raise Http404  # the portal's 404 page, as for an unknown id
        return measure

    def get_context_data(self, **kwargs):
        measure = self.object
        return super().get_context_data(
            preview={
                "published": measure.status == Measure.Status.PUBLISHED,
                "admin_url": reverse("admin:measures_measure_change", args=[measure.pk]),
            },
            # The citation gives the public address the page will have, not the preview's.
            citation_url=self.request.build_absolute_uri(measure.get_absolute_url()),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


bad_filters_response = downloads.bad_filters_response


class MeasureCsvExportView(FilteredMeasuresMixin, View):
    """The filtered list as CSV, streamed so memory stays flat however many rows there are."""

    def get(self, request):
        if self.filterset.errors:
            return bad_filters_response(self.filterset.errors)
        lines = export.csv_lines(self.filterset.qs, absolute_url=request.build_absolute_uri)
        response = StreamingHttpResponse(downloads.with_byte_order_mark(lines), content_type="text/csv; charset=utf-8")
        in_use = [(active.name, active.value) for active in self.filterset.active_filters()]
        return downloads.attachment(response, downloads.filename("measures", "csv", in_use))


class MeasureXlsxExportView(FilteredMeasuresMixin, View):
    """The filtered list as an XLSX workbook for people (measures/export_xlsx.py): the CSV's columns headed in the
    page's language, labels for codes, dates as dates, and an About sheet with the filters as the list's chips
    say them. Written to a temporary file row by row, so memory stays flat however many rows there are."""

    def get(self, request):
        filterset = self.filterset
        if filterset.errors:
            return bad_filters_response(filterset.errors)
        # The facets' labels only: nothing is counted.
        chips = active_filter_chips(filterset, MeasureFacets(filterset).facets(defaultdict(dict)))
        query = filterset.query()
        notes = []
        if synthetic_measure_count():
            notes.append(
                gettext(
                    "Rows whose column “Synthetic example” says Yes were invented to demonstrate the portal: "
                    "they are not real records. The filter “Hide synthetic examples” leaves them out."
                )
            )
        about = spreadsheets.About(
            title=gettext("Measures"),
            description=gettext(
                "The published policies and measures on the implementation of the 2005 Convention that match "
                "the filters below, one row per measure, in the order of the list on the portal."
            ),
            page_url=request.build_absolute_uri(reverse("measures:measure-list") + query),
            csv_url=request.build_absolute_uri(reverse("measures:measure-export-csv") + query),
            filters=[(chip["label"], chip["value"]) for chip in chips],
            notes=notes,
        )
        in_use = [(active.name, active.value) for active in filterset.active_filters()]
        name = downloads.filename("measures", "xlsx", in_use)
        return export_xlsx.workbook_response(filterset.qs, about, name, absolute_url=request.build_absolute_uri)


class MeasureFeed(Feed):
    """An Atom feed of the filtered list, newest published first. Per-request state lives on the
    filterset (the feed's `obj`), never on this instance, which every request shares."""

    feed_type = Atom1Feed
    limit = 50

    def __call__(self, request, *args, **kwargs):
        errors = self.get_object(request).errors
        if errors:
            return bad_filters_response(errors)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        if not hasattr(request, "measure_filterset"):
            request.measure_filterset = MeasureFilter(request.GET, request=request)
        return request.measure_filterset

    def title(self, obj):
        return gettext("Published measures — Convention Monitoring Portal")

    def subtitle(self, obj):
        return gettext("Policies and measures reported on the implementation of the 2005 Convention.")

    def link(self, obj):
        return reverse("measures:measure-list") + obj.query(without=["sort"])

    def feed_url(self, obj):
        return reverse("measures:measure-feed") + obj.query(without=["sort"])

    def items(self, obj):
        return (
            obj.queryset_without()
            .with_list_relations()
            .prefetch_related("areas")
            .order_by("-published_at", "-pk")[: self.limit]
        )

    def item_title(self, item):
        return strip_control_characters(item.title)

    def item_description(self, item):
        # Atom summaries are read as HTML: escape the record's plain text.
        return escape(Truncator(strip_control_characters(item.main_features)).words(80))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return strip_control_characters(item.organisation.name if item.organisation_id else item.party.name)

    def item_categories(self, item):
        return [strip_control_characters(name) for name in (item.party.name, *(area.name for area in item.areas.all()))]


class MeasureCitationView(View):
    """A published measure as a reference to download: RIS (`cite.ris`) or BibTeX (`cite.bib`). Anything not
    published answers the 404 of an unknown id, so a draft's existence never shows."""

    formats = {
        "ris": (citation.ris, "application/x-research-info-systems"),
        "bib": (citation.bibtex, "application/x-bibtex"),
    }
    format = None

    def get(self, request, pk):
        measure = get_object_or_404(Measure.objects.published().with_list_relations(), pk=pk)
        # The address without a language prefix: the one that stays the same whichever language cites it.
        with translation.override(settings.LANGUAGE_CODE):
            url = request.build_absolute_uri(measure.get_absolute_url())
        write, content_type = self.formats[self.format]
        response = HttpResponse(
            write(citation.reference_for(measure, url)), content_type=f"{content_type}; charset=utf-8"
        )
        return downloads.attachment(response, f"measure-{measure.pk}.{self.format}")


class AboutView(TemplateView):
    """What the portal holds, who enters and publishes it, where each kind of record comes from and how complete
    it is today (measures/completeness.py), how to cite it, the open data and the licence."""

    template_name = "measures/about.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            figures=data_completeness(), portal_url=self.request.build_absolute_uri(reverse("measures:home")), **kwargs
        )
