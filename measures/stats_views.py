"""Public statistics on published measures and Parties: charts drawn on the server as inline SVG.

The /measures/ filter parameters apply to the charts about measures. Each chart comes with its figures
in a table; the SVG itself is an image with a title for assistive technologies.
"""

from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from core.filters import FIRST_YEAR, LAST_YEAR
from measures import charts
from measures.context_processors import synthetic_measure_count
from measures.directory.filters import INSTRUMENT_NOT_RECORDED, OVERDUE, ReportStatusFilter
from measures.facets import MeasureFacets
from measures.filters import MeasureFilter
from measures.models import (
    ElectoralGroup,
    Instrument,
    Measure,
    Party,
    PartyCount,
    ShownReportStatus,
)
from measures.world_map import FILTERED, build_world_map, map_url

#: The facets of MeasureFacets that the charts about measures draw (the others are not counted).
CHARTED_FACETS = ("goal", "area", "region", "reported_by")
NOT_RECORDED = _("Not recorded in the sources")


def measures_by_period_year(measures, this_year):
    """{year: published measures whose period includes it}; ongoing measures run to this year.

    One query grouping the measures by (start, end); the years are then spread in Python, so the number
    of queries does not depend on how many years there are.
    """
    deltas, undated = Counter(), 0
    periods = (
        measures.order_by()
        .values("period_start", "period_end")
        .annotate(number=Count("pk"))
        .values_list("period_start", "period_end", "number")
    )
    for start, end, number in periods:
        if start is None and end is None:
            undated += number
            continue
        start = start if start is not None else end
        end = end if end is not None else max(start, this_year)
        start, end = max(start, FIRST_YEAR), min(end, LAST_YEAR)
        if start > end:
            undated += number
            continue
        deltas[start] += number
        deltas[end + 1] -= number
    years, running = {}, 0
    if deltas:
        for year in range(min(deltas), max(deltas)):
            running += deltas[year]
            years[year] = running
    return years, undated


def grouped_counts(queryset, field):
    """{value of `field`: number of rows}, in one query."""
    grouped = queryset.order_by().values(field).annotate(number=Count("pk")).values_list(field, "number")
    return dict(grouped)


class StatsView(TemplateView):
    template_name = "measures/stats.html"

    def get_context_data(self, **kwargs):
        self.filterset = MeasureFilter(self.request.GET, request=self.request)
        self.measures = self.filterset.queryset_without()
        # While synthetic examples exist, the same query also counts the real records, shown beside the total.
        self.facets = MeasureFacets(self.filterset, count_real=bool(synthetic_measure_count()))
        self.counts = self.facets.counts(CHARTED_FACETS)
        self.list_url = reverse("measures:measure-list")
        self.parties_url = reverse("measures:party-list")
        measure_charts = [
            self.by_goal(),
            self.by_area(),
            self.by_electoral_group(),
            self.by_period_year(),
            self.by_reported_by(),
        ]
        party_charts = self.party_charts()
        # Every measure is reported by exactly one kind of reporter, so this chart's sum is the total.
        total = sum(row["cells"][0] for row in measure_charts[-1]["rows"])
        real = self.facets.real_count(self.counts) if self.facets.count_real else None
        return super().get_context_data(
            total=total,
            total_split={"real": real, "synthetic": total - real} if real is not None else None,
            errors=self.filterset.errors,
            chips=self.filter_chips(),
            measures_url=self.measure_link(),
            measure_charts=measure_charts,
            party_charts=party_charts,
            party_total=self.party_total,
            party_count=PartyCount.objects.latest_known(),
            world_map=build_world_map(FILTERED, filterset=self.filterset),
            world_map_url=map_url(FILTERED, self.filterset.query(without=["sort"])),
            **kwargs,
        )

    def filter_chips(self):
        """The filters applied, each with a link to this page without it."""
        # A link to "" would come back to this very page, filters and all.
        return [{**chip, "url": chip["url"] or "?"} for chip in self.filterset.described_filters()]

    def measure_link(self, **values):
        """The list of the measures under this page's filters (its sort order aside), `values` set."""
        return self.list_url + (self.filterset.query(without=["sort"], **values) or "?")

    def by_goal(self):
        goals = self.goals = self.filterset.goals
        counts = self.counts["goal"]
        return charts.chart(
            "goal",
            _("Published measures by goal"),
            _("Goal"),
            [(str(goal), counts.get(str(goal.number), 0)) for goal in goals],
            [self.measure_link(goal=goal.number) for goal in goals],
        )

    def by_area(self):
        areas = self.filterset.areas
        counts = self.counts["area"]
        return charts.chart(
            "area",
            _("Published measures by area of monitoring"),
            _("Area of monitoring"),
            [(area.name, counts.get(area.slug, 0)) for area in areas],
            [self.measure_link(area=area.slug) for area in areas],
        )

    def by_electoral_group(self):
        counts = self.counts["region"]
        values = [(label, counts.get(group, 0)) for group, label in ElectoralGroup.choices]
        links = [self.measure_link(region=group) for group in ElectoralGroup.values]
        if counts.get(""):
            values.append((NOT_RECORDED, counts[""]))
            links.append("")
        return charts.chart("group", _("Published measures by electoral group"), _("Electoral group"), values, links)

    def by_period_year(self):
        years, undated = measures_by_period_year(self.measures, timezone.localdate().year)
        chart = charts.chart(
            "period",
            _("Published measures by year of their period"),
            _("Year"),
            list(years.items()),
            [self.measure_link(year_from=year, year_to=year) for year in years],
            kind="columns",
        )
        chart["note"] = _(
            "A measure counts in every year of its period; an ongoing measure counts up to this year. "
            "Measures without a period are not counted: %(undated)s."
        ) % {"undated": formats.localize(undated)}
        return chart

    def by_reported_by(self):
        counts = self.counts["reported_by"]
        return charts.chart(
            "reported-by",
            _("Published measures by who reported them"),
            _("Reported by"),
            [(label, counts.get(value, 0)) for value, label in Measure.ReportedBy.choices],
            [self.measure_link(reported_by=value) for value in Measure.ReportedBy.values],
        )

    def party_charts(self):
        charts = [self.parties_by_instrument(), self.parties_by_deposit_year()]
        reporting = self.parties_by_report_status()
        return [*charts, reporting] if reporting else charts

    def parties_by_instrument(self):
        """The known instruments only: "not recorded" is no kind of instrument, so it is a note, not a bar."""
        counts = grouped_counts(Party.objects.all(), "instrument")
        # Every Party has one instrument value, blank included: their sum is the number of Parties recorded.
        self.party_total = sum(counts.values())
        unknown = counts.get("", 0)
        note, note_link = "", None
        if unknown:
            note = ngettext(
                "The instrument of %(count)s Party is not recorded in the sources; it is not in this chart.",
                "The instrument of %(count)s Parties is not recorded in the sources; they are not in this chart.",
                unknown,
            ) % {"count": formats.localize(unknown)}
            note_link = {
                "text": _("List the Parties whose instrument is not recorded"),
                "url": f"{self.parties_url}?{urlencode({'instrument': INSTRUMENT_NOT_RECORDED})}",
            }
        return charts.chart(
            "instrument",
            _("Parties by instrument"),
            _("Instrument"),
            [(label, counts.get(value, 0)) for value, label in Instrument.choices],
            [f"{self.parties_url}?{urlencode({'instrument': value})}" for value in Instrument.values],
            headers=[_("Parties")],
            note=note,
            note_link=note_link,
        )

    def parties_by_deposit_year(self):
        deposits = grouped_counts(
            Party.objects.filter(deposit_date__isnull=False).annotate(year=ExtractYear("deposit_date")), "year"
        )
        undated = self.party_total - sum(deposits.values())
        note = ""
        if undated:
            note = ngettext(
                "%(count)s Party whose date of deposit is not documented is not in this chart.",
                "%(count)s Parties whose date of deposit is not documented are not in this chart.",
                undated,
            ) % {"count": formats.localize(undated)}
        years = range(min(deposits), max(deposits) + 1) if deposits else []
        cumulative, running = [], 0
        for year in years:
            running += deposits.get(year, 0)
            cumulative.append((year, running))
        return charts.chart(
            "deposits",
            _("Parties over time (cumulative, by year of deposit)"),
            _("Year"),
            cumulative,
            [f"{self.parties_url}?{urlencode({'deposited_to': year})}" for year in years],
            kind="columns",
            headers=[_("Parties at the end of the year"), _("Instruments deposited that year")],
            extra_cells=[[deposits.get(year, 0)] for year in years],
            note=note,
        )

    def parties_by_report_status(self):
        """Parties per reporting status in the current cycle, as /reports/ counts them; None without a cycle."""
        statuses = ReportStatusFilter(data={})
        cycle = statuses.selected_cycle
        if cycle is None:
            return None
        counts = statuses.status_counts()
        reports_url = reverse("measures:report-list")
        overdue = counts.get(OVERDUE, 0)
        return charts.chart(
            "report-status",
            _("Reporting status, %(year)s cycle") % {"year": cycle.year},
            _("Status"),
            [(label, counts.get(value, 0)) for value, label in ShownReportStatus.choices],
            [f"{reports_url}?{urlencode({'status': value})}" for value in ShownReportStatus.values],
            headers=[_("Parties")],
            note=ngettext(
                "%(total)s Party is counted in this cycle. Overdue: %(overdue)s. “Not recorded” means that the "
                "portal holds no information, not that no report was submitted.",
                "%(total)s Parties are counted in this cycle. Overdue: %(overdue)s. “Not recorded” means that the "
                "portal holds no information, not that no report was submitted.",
                counts.get("total", 0),
            )
            % {"total": formats.localize(counts.get("total", 0)), "overdue": formats.localize(overdue)},
            note_link={"text": _("List the overdue reports"), "url": f"{reports_url}?{urlencode({'status': OVERDUE})}"}
            if overdue
            else None,
        )
