"""Public pages about who takes part: Parties, their periodic reports, organisations; the Parties list and the
reporting-status table as CSV and XLSX downloads."""

from urllib.parse import urlencode

from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView
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
from measures.models import (
    Measure,
    Organisation,
    Party,
    PartyCount,
    PeriodicReport,
    RecordLanguage,
    ReportEvidence,
    ReportingCycle,
    ShownReportStatus,
)

LATEST_MEASURES = 5


def measure_list_url(**params):
    """The /measures/ list filtered by `params`."""
    return f"{reverse('measures:measure-list')}?{urlencode(params, doseq=True)}"


def party_code(party):
    """The value the /measures/ `party` filter takes for this Party: its ISO3 code, or `eu`."""
    return party.iso3 or party.slug


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
        return super().get_context_data(
            party_total=Party.objects.count(), party_count=PartyCount.objects.latest_known(), **kwargs
        )


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

    def reporting_cycles(self, today, measures):
        """One row per cycle the Party took part in, with what is recorded of its report (ReportingCycle.
        status_without_report where nothing is), overdue where it is; no row is created.

        Each row also counts the Party's published measures whose report year is the cycle's year.
        """
        party = self.object
        reports = {report.cycle_id: report for report in party.reports.all()}
        by_report_year = dict(
            measures.order_by().values("report_year").annotate(number=Count("pk")).values_list("report_year", "number")
        )
        rows = []
        for cycle in ReportingCycle.objects.order_by("-year"):
            report = reports.get(cycle.pk)
            if report is None:
                if not cycle.includes(party):
                    continue
                report = PeriodicReport(party=party, cycle=cycle, status=cycle.status_without_report)
            else:
                report.cycle = cycle
            rows.append(
                {
                    "cycle": cycle,
                    "report": report,
                    "status_label": ShownReportStatus(report.status).label,
                    "is_overdue": report.is_overdue(today),
                    "measure_count": by_report_year.get(cycle.year, 0),
                    "measures_url": measure_list_url(party=party_code(party), report_year=cycle.year),
                }
            )
        return rows

    def get_context_data(self, **kwargs):
        party = self.object
        measures = Measure.objects.published().filter(party=party)
        return super().get_context_data(
            reporting_cycles=self.reporting_cycles(timezone.localdate(), measures),
            measure_count=measures.count(),
            measures=measures.select_related("organisation").order_by("-published_at", "-pk")[:LATEST_MEASURES],
            measures_url=measure_list_url(party=party_code(party)),
            organisations=party.organisations.order_by(localized("name")),
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
