"""/stats/: the rows of the charts link to the lists they count without repeating a long query in every link.

The filters' query string is built once per chart and each row's value appended; beyond LINKED_QUERY_LIMIT the
rows do not link, and the one link to the list carries the filters: a long query (a 3 KB search, hundreds of
filter values) adds a few copies of itself to the page, not one per row.
"""

import html as html_module
import re
from urllib.parse import parse_qs, urlencode

import pytest
from django.urls import reverse

from measures.filters import MeasureFilter
from measures.models import AreaOfMonitoring, Measure
from measures.stats_views import LINKED_QUERY_LIMIT
from tests.factories import make_goal, make_measure, make_party

pytestmark = pytest.mark.django_db

PUBLISHED = Measure.Status.PUBLISHED
#: One word of a hundred letters: thirty of them make a 3 KB search that finds nothing, on SQLite as on PostgreSQL.
LONG_WORD = "zeta" + "x" * 96


@pytest.fixture
def measures():
    goals = {number: make_goal(number) for number in range(1, 5)}
    first_area = AreaOfMonitoring.objects.create(slug="area-one", name_en="Area one", goal=goals[1], position=1)
    second_area = AreaOfMonitoring.objects.create(slug="area-two", name_en="Area two", goal=goals[2], position=2)
    alpha = make_party(name_en="Alphaland", iso3="AAA", electoral_group="I")
    beta = make_party(name_en="Betaland", iso3="BBB", electoral_group="Va")
    for index, (party, areas, period) in enumerate(
        [
            (alpha, [first_area], (2018, 2020)),
            (alpha, [first_area, second_area], (2019, 2019)),
            (alpha, [second_area], (None, None)),
            (beta, [first_area], (2020, 2021)),
            (beta, [], (2017, 2018)),
        ]
    ):
        measure = make_measure(
            party=party,
            title=f"Alpha heritage {index}",
            period_start=period[0],
            period_end=period[1],
            status=PUBLISHED,
        )
        measure.areas.set(areas)
    make_measure(party=alpha, title="Alpha heritage draft", status=Measure.Status.DRAFT)


def stats_page(client, query):
    response = client.get(reverse("measures:stats") + query)
    assert response.status_code == 200
    return response


def chart_rows(response):
    """[(chart id, row)] of the charts about measures."""
    return [(chart["id"], row) for chart in response.context["measure_charts"] for row in chart["rows"]]


def listed(client, url):
    """How many measures the list at `url` shows."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["paginator"].count


def hrefs(page):
    return [html_module.unescape(href) for href in re.findall(r'href="([^"]*)"', page)]


class TestShortFilters:
    def test_each_row_lists_the_measures_it_counts(self, client, measures):
        # Filters no chart is about: each row's figure counts the measures under them with the row's value.
        response = stats_page(client, "?party=AAA&q=alpha")
        assert response.context["rows_linked"]
        rows = [(chart, row) for chart, row in chart_rows(response) if row["url"]]
        assert len(rows) > 15 and {chart for chart, _row in rows} == {
            "chart-goal",
            "chart-area",
            "chart-group",
            "chart-period",
            "chart-reported-by",
        }
        for chart, row in rows:
            path, _sep, query = row["url"].partition("?")
            params = parse_qs(query)
            assert path == "/measures/" and params["q"] == ["alpha"], row["url"]
            assert params["party"] == ["AAA"], row["url"]
            # Following the link gives the very measures the row counts.
            assert listed(client, row["url"]) == row["cells"][0], (chart, row)

    def test_the_rows_value_replaces_that_filter(self, client, measures):
        response = stats_page(client, "?goal=2&region=I&year_from=2019&year_to=2019")
        links = {chart: row["url"] for chart, row in chart_rows(response) if str(row["label"]) == "1. Goal 1"}
        # In its place in the query, as the page was asked for; a filter the page does not have comes last.
        assert links["chart-goal"] == "/measures/?goal=1&region=I&year_from=2019&year_to=2019"
        areas = [row["url"] for chart, row in chart_rows(response) if chart == "chart-area"]
        assert areas[0] == "/measures/?goal=2&region=I&year_from=2019&year_to=2019&area=area-one"
        periods = [row for chart, row in chart_rows(response) if chart == "chart-period"]
        assert [row["url"] for row in periods] == ["/measures/?goal=2&region=I&year_from=2019&year_to=2019"]
        assert listed(client, periods[0]["url"]) == periods[0]["cells"][0] == 1

    def test_filter_chips_remove_one_value(self, client, measures):
        page = stats_page(client, "?region=I&region=Va").content.decode()
        assert 'href="?region=Va">Remove' in page and 'href="?region=I">Remove' in page

    def test_every_value_is_escaped(self, client, measures):
        evil = '"><script>alert(1)</script>&amp;'
        response = stats_page(client, "?" + urlencode({"q": evil, "region": "I"}))
        page = response.content.decode()
        assert "<script>alert" not in page
        assert "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;" in page  # the chip, as text
        for href in hrefs(page):
            assert "<" not in href and '"' not in href
        links = [row["url"] for _chart, row in chart_rows(response) if row["url"]]
        prefix = "/measures/?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%26amp%3B&"
        assert links and all(link.startswith(prefix) for link in links)


class TestLongQuery:
    @pytest.fixture
    def no_search_cap(self, monkeypatch):
        """The search as long as one likes: this page does not count on the filter's cap on its length."""
        monkeypatch.setitem(MeasureFilter.base_filters["q"].extra, "max_length", None)

    def assert_small_growth(self, short, long, query):
        """The page with the long query is at most a few copies of the query larger than with the short one."""
        growth = len(long.content) - len(short.content)
        copies = sum(len(query) > 1000 and query[:200] in href for href in hrefs(long.content.decode()))
        # The canonical address, the language alternates and switcher (base.html), the list and the map: one each.
        assert copies <= 10, copies
        # Ten copies of the query as written in an attribute (`&amp;`), and the chips (each value once).
        assert growth <= 10 * len(html_module.escape(query)) + 4_000, (growth, len(query))
        assert len(long.content) < 1.6 * len(short.content)

    def test_a_3_kb_search_adds_a_few_copies_of_itself_not_one_per_row(self, client, measures, no_search_cap):
        short_query = "?" + urlencode({"q": LONG_WORD, "region": "I"})
        long_query = "?" + urlencode({"q": " ".join([LONG_WORD] * 30), "region": "I"})
        assert len(long_query) > 3000
        short, long = stats_page(client, short_query), stats_page(client, long_query)
        assert not long.context["errors"]
        assert short.context["rows_linked"] and not long.context["rows_linked"]
        assert short.context["total"] == long.context["total"] == 0
        self.assert_small_growth(short, long, long_query.lstrip("?"))
        page = long.content.decode()
        assert "These filters are too long to repeat in a link on every row" in page
        # The search is listed among the filters, cut short, with no link repeating the query to remove it.
        chip = re.search(r"<li>Search: ([^<]*)</li>", page)
        assert chip and len(chip.group(1)) < 120 and chip.group(1).endswith("…")

    def test_hundreds_of_filter_values(self, client, measures):
        short_query = "?" + urlencode([("q", "alpha"), ("party", "AAA"), ("area", "area-one")])
        values = [("q", "alpha")] + [("party", "AAA"), ("party", "aaa")] * 100 + [("area", "area-one")] * 100
        long_query = "?" + urlencode(values)
        assert len(long_query) > 3000
        short, long = stats_page(client, short_query), stats_page(client, long_query)
        assert not long.context["errors"]
        assert short.context["total"] == long.context["total"] == 2
        assert short.context["rows_linked"] and not long.context["rows_linked"]
        assert [row["cells"] for _chart, row in chart_rows(short)] == [row["cells"] for _chart, row in chart_rows(long)]
        assert all(not row["url"] for _chart, row in chart_rows(long))
        self.assert_small_growth(short, long, long_query.lstrip("?"))
        # The one link to the list carries the filters, and lists what the charts count.
        assert listed(client, long.context["measures_url"]) == 2

    def test_the_limit_is_on_the_filters_query(self, client, measures):
        at_limit = "a" * (LINKED_QUERY_LIMIT - len("q="))
        assert stats_page(client, "?" + urlencode({"q": at_limit[:150]})).context["rows_linked"]
        # Unknown parameters and the sort order are not repeated in links, so they do not count.
        response = stats_page(client, "?" + urlencode({"utm": "x" * 3000, "sort": "title", "region": "I"}))
        assert response.context["rows_linked"]
        assert all("utm" not in href for href in hrefs(response.content.decode()) if href.startswith("/measures/"))
