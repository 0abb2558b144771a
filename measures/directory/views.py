"""Public pages about who takes part: Parties, their periodic reports, organisations; the Parties list and the
reporting-status table as CSV and XLSX downloads."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from core.spreadsheets import ListDownloadView
from core.translation import localized
from measures.directory import columns
from measures.directory.filters import (
    ORGANISATION_SORTS,
    PARTY_SORTS,
    REPORT_SORTS,
    REPORT_STATUS_CHOICES,
    OrganisationFilter,
    PartyFilter,
    ReportStatusFilter,
)
from measures.directory.profiles import (
    MOST_COMPARED,
    build_profiles,
    comparison_rows,
    parties_to_compare,
    party_code,
)
from measures.models import (
    ElectoralGroup,
    Instrument,
    Measure,
    Organisation,
    Party,
    PartyCount,
    RecordLanguage,
    ReportEvidence,
    ShownReportStatus,
)
from measures.world_map import locator, parties

LATEST_MEASURES = 5


def sort_columns(filterset, sorts, default="name"):
    """Column headers for a sortable table: label, aria-sort and the `sort` value their link asks for."""
    current = filterset.sort or default
    columns = {}
    for key, (label, _ordering) in sorts.items():
        if current == key:
            columns[key] = {"label": label, "aria_sort": "ascending", "next": f"-{key}"}
        elif current == f"-{key}":
            columns[key] = {"label": label, "aria_sort": "descending", "next": key}
        else:
            columns[key] = {"label": label, "aria_sort": "", "next": key}
    return columns


class DirectoryListView(FilterView):
    """A filtered, sorted, paginated table; bad parameters are reported on the form, never fatal."""

    strict = False
    paginate_by = 50
    sorts = {}

    def active_filters(self):
        """The filters asked for (valid or not), each with the address of this page without it (to suggest or
        remove it)."""
        filterset = self.filterset
        return [
            # A link to "" would come back to this very page, filters and all.
            {"name": name, "label": filterset.form.fields[name].label, "url": filterset.query(without=[name]) or "?"}
            for name in filterset.requested
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=sort_columns(self.filterset, self.sorts),
            active_filters=self.active_filters(),
            sort=self.filterset.sort,
            **kwargs,
        )


class PartyListView(DirectoryListView):
    filterset_class = PartyFilter
    template_name = "measures/party_list.html"
    context_object_name = "parties"
    sorts = PARTY_SORTS

    def get_queryset(self):
        return Party.objects.with_measure_counts()

    def get_context_data(self, **kwargs):
        # How complete the list is: every Party recorded (whatever the filters) against the sources' count.
        context = super().get_context_data(party_count=PartyCount.objects.latest_known(), **kwargs)
        # Without a filter the paginator has counted them all already.
        filtered = bool(self.filterset.active)
        context["party_total"] = Party.objects.count() if filtered else context["paginator"].count
        # The labels of the codes, each translated once per page (get_FOO_display rebuilds and hashes the whole list
        # of choices for every row, translating each label).
        groups, instruments = dict(ElectoralGroup.choices), dict(Instrument.choices)
        for party in context["parties"]:
            party.electoral_group_label = str(groups.get(party.electoral_group, party.electoral_group))
            party.instrument_label = str(instruments.get(party.instrument, party.instrument))
        return context


class PartyDetailView(DetailView):
    """A Party at `/parties/<iso3>/` in lower case (`eu` for the EU); an upper-case code redirects there."""

    model = Party
    template_name = "measures/party_detail.html"
    context_object_name = "party"

    def get(self, request, *args, **kwargs):
        slug = kwargs["slug"]
        if slug != slug.lower():
            return redirect("measures:party-detail", slug=slug.lower(), permanent=True)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        party = self.object
        (profile,) = build_profiles([party])
        measures = Measure.objects.published().filter(party=party)
        return super().get_context_data(
            profile=profile,
            locator=locator([party]),
            goal_chart=profile.goal_chart(),
            area_chart=profile.area_chart(),
            across_cycles=profile.across_cycles(),
            measures=measures.select_related("organisation").order_by("-published_at", "-pk")[:LATEST_MEASURES],
            organisations=party.organisations.order_by(localized("name")),
            compare_url=f"{reverse('measures:party-compare')}?{urlencode({'party': party_code(party)})}",
            **kwargs,
        )


class PartyCompareView(TemplateView):
    """Two to four Parties side by side at `/parties/compare/?party=CAN&party=FRA`: the facts of their profiles, one
    row per fact. A code that names no Party, or more than four, is a 400 with the form kept as typed."""

    template_name = "measures/party_compare.html"

    def get(self, request, *args, **kwargs):
        self.comparison = parties_to_compare(request.GET.getlist("party"))
        response = super().get(request, *args, **kwargs)
        if self.comparison.is_bad_request:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        comparison = self.comparison
        profiles = build_profiles(comparison.parties) if comparison.is_complete else []
        all_parties = parties()
        choosers = [*comparison.asked, *[""] * (MOST_COMPARED - len(comparison.asked))][:MOST_COMPARED]
        return super().get_context_data(
            comparison=comparison,
            profiles=profiles,
            rows=comparison_rows(profiles),
            locator=locator(comparison.parties) if profiles else None,
            choosers=choosers,
            all_parties=all_parties,
            known_codes={party.slug for party in all_parties},
            **kwargs,
        )


class ReportListView(DirectoryListView):
    """The reporting status of every Party for one cycle, like a treaty status table (not paginated)."""

    filterset_class = ReportStatusFilter
    template_name = "measures/report_list.html"
    context_object_name = "parties"
    paginate_by = None
    sorts = REPORT_SORTS

    def get_queryset(self):
        return Party.objects.none()

    def get_context_data(self, **kwargs):
        counts = self.filterset.status_counts()
        cycle = self.filterset.selected_cycle
        statuses, languages = dict(ShownReportStatus.choices), dict(RecordLanguage.choices)
        evidence = dict(ReportEvidence.choices)
        parties = list(self.object_list)
        for party in parties:
            party.report_status_label = statuses.get(party.report_status, party.report_status)
            party.report_language_label = languages.get(party.report_language, "")
            party.report_evidence_label = evidence.get(party.report_evidence, "")
        kwargs["object_list"] = parties
        return super().get_context_data(
            cycle=cycle,
            status_counts=[
                {"value": value, "label": label, "count": counts.get(value, 0)}
                for value, label in REPORT_STATUS_CHOICES
            ],
            total=counts.get("total", 0),
            not_recorded=counts.get(ShownReportStatus.NOT_RECORDED, 0),
            today=timezone.localdate(),
            deadline_passed=bool(cycle and cycle.deadline and cycle.deadline < timezone.localdate()),
            **kwargs,
        )


class OrganisationListView(DirectoryListView):
    filterset_class = OrganisationFilter
    template_name = "measures/organisation_list.html"
    context_object_name = "organisations"
    sorts = ORGANISATION_SORTS

    def get_queryset(self):
        return Organisation.objects.with_measure_counts()


class OrganisationDetailView(DetailView):
    template_name = "measures/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.select_related("country")

    def get_context_data(self, **kwargs):
        organisation = self.object
        measures = organisation.measures.published()
        return super().get_context_data(
            memberships=organisation.memberships.select_related("organisation").order_by(
                localized("organisation__name"), "pk"
            ),
            members=organisation.member_links.select_related("member").order_by(localized("member__name"), "pk"),
            measure_count=measures.count(),
            measures=measures.select_related("party").order_by("-published_at", "-pk")[:20],
            **kwargs,
        )


class PartyDownloadView(ListDownloadView):
    """/parties/export.csv and .xlsx: the Parties list with the page's filters and order (columns.PARTIES)."""

    stem = "parties"
    columns = columns.PARTIES
    page_url_name, csv_url_name = "measures:party-list", "measures:party-export-csv"
    title = gettext_lazy("Parties")
    description = gettext_lazy(
        "The Parties to the 2005 Convention that match the filters below, one row per Party, with their "
        "instrument, dates and number of published measures, in the order of the list on the portal."
    )
    notes = (
        gettext_lazy(
            "An empty date means that the sources do not document it; an empty instrument, that they give the "
            "date but not the type of instrument."
        ),
    )

    def get_filterset(self):
        return PartyFilter(self.request.GET, queryset=Party.objects.with_measure_counts(), request=self.request)


class ReportDownloadView(ListDownloadView):
    """/reports/export.csv and .xlsx: the reporting status of every Party for one cycle, with the table's filters
    and order (columns.REPORTS). Where the portal holds no report it says *not recorded*, as the table does
    (or *expected* where the cycle expects every Party): nothing is inferred from silence."""

    stem = "reports"
    columns = columns.REPORTS
    page_url_name, csv_url_name = "measures:report-list", "measures:report-export-csv"
    title = gettext_lazy("Reporting status")
    description = gettext_lazy(
        "What the portal records of each Party's quadrennial periodic report for the reporting cycle below, one "
        "row per Party of that cycle matching the filters, in the order of the table on the portal."
    )
    notes = (
        gettext_lazy(
            "Each status is a recorded fact, never an inference from silence. “Not recorded” means that the "
            "portal holds no information about the Party's report for this cycle: it does not mean that no report "
            "was submitted. “Expected” means that the Party owes a report in this cycle; only such a report (or a "
            "draft) is overdue, once the deadline has passed."
        ),
    )

    def get_filterset(self):
        return ReportStatusFilter(self.request.GET, queryset=Party.objects.none(), request=self.request)

    def get_rows(self, filterset):
        cycle = filterset.selected_cycle
        for party in filterset.qs:
            party.cycle_year = cycle.year
            yield party
