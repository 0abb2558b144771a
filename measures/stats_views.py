"""Public statistics on published measures and Parties: charts drawn on the server as inline SVG.

The /measures/ filter parameters apply to the charts about measures. Each chart comes with its figures
in a table; the SVG itself is an image with a title for assistive technologies.

Each row of a chart about measures links to the list under the page's filters with the row's value set: the
filters' query string is built once per chart and each row's value put in its place. When that query string is
longer than LINKED_QUERY_LIMIT (a long search, many values), the rows and the filter chips do not link at all, so
that the page does not repeat the query a hundred times: the one link to the list then carries the filters.
"""

from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from core.filters import FIRST_YEAR, LAST_YEAR, as_list
from measures import charts, search
from measures.context_processors import synthetic_measure_count
from measures.directory.filters import INSTRUMENT_NOT_RECORDED, OVERDUE, ReportStatusFilter
from measures.facets import MeasureFacets
from measures.filters import MeasureFilter
from measures.models import (
    ElectoralGroup,
    Instrument,
    Measure,
    PartyCount,
    ShownReportStatus,
)
from measures.world_map import FILTERED, build_world_map, map_url

#: The facets of MeasureFacets that the charts about measures draw (the others are not counted).
CHARTED_FACETS = ("goal", "area", "region", "reported_by")
NOT_RECORDED = _("Not recorded in the sources")
#: The longest query string (encoded) that every row's link repeats; beyond it, the rows do not link (see above).
#: About a hundred links, so the page grows by 30 KB at most for the filters in its links.
LINKED_QUERY_LIMIT = 300
#: Under filters too long to link, a value longer than this is cut short in the chips that list the filters.
CHIP_VALUE_LENGTH = 100


def measures_by_period_year(measures, this_year):
    """{year: published measures whose period includes it}; ongoing measures run to this year.

    One query grouping the measures by (start, end); the years are then spread in Python, so the number
    of queries does not depend on how many years there are.
    """
    deltas, undated = Counter(), 0
    periods = (
        measures.order_by()
        .values("period_start", "period_end")
        # COUNT(*): read from the index of the published measures' periods alone (migration 0018).
        .annotate(number=Count("*"))
        .values_list("period_start", "period_end", "number")
    )
    with search.matches_from_index(measures):
        periods = list(periods)
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
        filter_query = self.filterset.query(without=["sort"])
        # Whether each row links to its list with the filters: only while they are short enough to repeat.
        self.rows_linked = len(filter_query) <= LINKED_QUERY_LIMIT
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
            rows_linked=self.rows_linked,
            measures_url=self.list_url + (filter_query or "?"),
            measure_charts=measure_charts,
            party_charts=party_charts,
            party_total=self.party_total,
            party_count=PartyCount.objects.latest_known(),
            world_map=build_world_map(FILTERED, filterset=self.filterset),
            world_map_url=map_url(FILTERED, filter_query),
            **kwargs,
        )

    def filter_chips(self):
        """The filters applied, each with a link to this page without it while the filters are short enough to
        repeat (rows_linked); beyond, without links, each value once and cut short."""
        filterset = self.filterset
        if self.rows_linked:
            # A link to "" would come back to this very page, filters and all.
            chips = [{**chip, "url": chip["url"] or "?"} for chip in filterset.described_filters()]
        else:
            # Each value once (`party=fra&party=FRA` is one Party), without links.
            described = {
                (filterset.filters[name].label, str(filterset.describe(name, item))): None
                for name, value in filterset.active.items()
                for item in as_list(value)
            }
            # ... and a long value cut short (the search): the page does not repeat it in full either.
            chips = [
                {"label": label, "value": Truncator(value).chars(CHIP_VALUE_LENGTH), "url": ""}
                for label, value in described
            ]
        return chips

    def measure_links(self, names, rows):
        """For each of `rows`, {name: value} of the filters `names`, the list of the measures under this page's
        filters (its sort order aside) with those values instead; "" for every row when the filters are too long
        to repeat. The query string is built once, each row's values put in its place."""
        if not self.rows_linked:
            return ["" for _row in rows]
        # The query string once, a marker where each of `names` goes (where the request has it, else at the end).
        markers = {name: f"ROW-{name}" for name in names}
        link = self.list_url + self.filterset.query(without=["sort"], **markers)
        links = []
        for row in rows:
            # A value in a query string has its "=" encoded: "name=marker" is that parameter and nothing else.
            row_link = link
            for name, marker in markers.items():
                row_link = row_link.replace(f"{name}={marker}", urlencode({name: row[name]}), 1)
            links.append(row_link)
        return links

    def by_goal(self):
        goals = self.goals = self.filterset.goals
        counts = self.counts["goal"]
        return charts.chart(
            "goal",
            _("Published measures by goal"),
            _("Goal"),
            [(str(goal), counts.get(str(goal.number), 0)) for goal in goals],
            self.measure_links(["goal"], [{"goal": goal.number} for goal in goals]),
        )

    def by_area(self):
        areas = self.filterset.areas
        counts = self.counts["area"]
        return charts.chart(
            "area",
            _("Published measures by area of monitoring"),
            _("Area of monitoring"),
            [(area.name, counts.get(area.slug, 0)) for area in areas],
            self.measure_links(["area"], [{"area": area.slug} for area in areas]),
        )

    def by_electoral_group(self):
        counts = self.counts["region"]
        values = [(label, counts.get(group, 0)) for group, label in ElectoralGroup.choices]
        links = self.measure_links(["region"], [{"region": group} for group in ElectoralGroup.values])
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
            self.measure_links(["year_from", "year_to"], [{"year_from": year, "year_to": year} for year in years]),
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
            self.measure_links(["reported_by"], [{"reported_by": value} for value in Measure.ReportedBy.values]),
        )

    def party_charts(self):
        charts = [self.parties_by_instrument(), self.parties_by_deposit_year()]
        reporting = self.parties_by_report_status()
        return [*charts, reporting] if reporting else charts

    @cached_property
    def all_parties(self):
        """Every Party: those the measure filter has read to check the Party codes and name the electoral groups
        (no query of their own), counted in Python for the Party charts."""
        return list(self.filterset.parties.values())

    def parties_by_instrument(self):
        """The known instruments only: "not recorded" is no kind of instrument, so it is a note, not a bar."""
        counts = Counter(party.instrument for party in self.all_parties)
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
        deposits = Counter(party.deposit_date.year for party in self.all_parties if party.deposit_date is not None)
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
