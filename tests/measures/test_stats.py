"""Statistics (/stats/): figures equal to hand-counted ones, accessible SVG charts, the measure filters apply."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from measures.charts import bar_chart, column_chart
from measures.models import AreaOfMonitoring, Measure, Party
from measures.stats_views import measures_by_period_year
from tests.factories import make_goal, make_measure, make_organisation, make_party

pytestmark = pytest.mark.django_db

PUBLISHED = Measure.Status.PUBLISHED
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def fixture():
    """Four published measures and a draft, on three Parties, counted by hand in the tests below."""
    goals = {number: make_goal(number) for number in range(1, 5)}
    area_one = AreaOfMonitoring.objects.create(slug="area-one", name_en="Area one", goal=goals[1], position=1)
    area_two = AreaOfMonitoring.objects.create(slug="area-two", name_en="Area two", goal=goals[2], position=2)
    AreaOfMonitoring.objects.create(slug="area-three", name_en="Area three", goal=goals[4], position=3)
    first = make_party(
        name_en="Alphaland",
        iso3="AAA",
        electoral_group="I",
        instrument=Party.Instrument.RATIFICATION,
        deposit_date=datetime.date(2006, 3, 1),
    )
    second = make_party(
        name_en="Betaland",
        iso3="BBB",
        electoral_group="Va",
        instrument=Party.Instrument.ACCESSION,
        deposit_date=datetime.date(2006, 9, 1),
    )
    third = make_party(name_en="Gammaland", iso3="CCC", electoral_group="", deposit_date=datetime.date(2008, 1, 5))
    one = make_measure(party=first, period_start=2018, period_end=2020, status=PUBLISHED)
    one.areas.set([area_one])
    two = make_measure(
        party=second,
        reported_by=Measure.ReportedBy.CIVIL_SOCIETY,
        organisation=make_organisation(),
        period_start=2019,
        period_end=None,
        status=PUBLISHED,
    )
    two.areas.set([area_one, area_two])
    three = make_measure(party=first, status=PUBLISHED)
    three.goals_ticked.set([goals[4]])
    four = make_measure(party=third, period_start=2020, period_end=2020, status=PUBLISHED)
    four.areas.set([area_two])
    draft = make_measure(party=first, period_start=2000, period_end=2001, status=Measure.Status.DRAFT)
    draft.areas.set([area_one])


def stats(client, **params):
    response = client.get(reverse("measures:stats"), params)
    assert response.status_code == 200
    charts = {chart["id"]: chart for chart in [*response.context["measure_charts"], *response.context["party_charts"]]}
    return response, charts


def figures(chart):
    return {str(row["label"]): row["cells"][0] for row in chart["rows"]}


class TestFigures:
    def test_measures_by_goal_area_group_and_reporter(self, client, fixture):
        response, charts = stats(client)
        assert response.context["total"] == 4
        assert figures(charts["chart-goal"]) == {"1. Goal 1": 2, "2. Goal 2": 2, "3. Goal 3": 0, "4. Goal 4": 1}
        assert figures(charts["chart-area"]) == {"Area one": 2, "Area two": 2, "Area three": 0}
        assert figures(charts["chart-group"]) == {
            "Group I (Western Europe and North America)": 2,
            "Group II (Eastern Europe)": 0,
            "Group III (Latin America and the Caribbean)": 0,
            "Group IV (Asia and the Pacific)": 0,
            "Group V(a) (Africa)": 1,
            "Group V(b) (Arab States)": 0,
            "Not recorded in the sources": 1,
        }
        assert figures(charts["chart-reported-by"]) == {"Party": 3, "Civil society": 1}

    def test_measures_by_period_year_count_every_year_and_ongoing_ones_to_this_year(self, client, fixture):
        _response, charts = stats(client)
        expected = {"2018": 1, "2019": 2, "2020": 3} | {str(year): 1 for year in range(2021, THIS_YEAR + 1)}
        assert figures(charts["chart-period"]) == expected
        assert "Measures without a period are not counted: 1." in str(charts["chart-period"]["note"])

    def test_parties_by_instrument_and_cumulative_by_deposit_year(self, client, fixture):
        make_party(name_en="Deltaland", iso3="DDD", instrument=Party.Instrument.ACCEPTANCE)  # no date of deposit
        response, charts = stats(client)
        # Only the known instruments are bars; the Parties whose instrument is not recorded are a note.
        assert figures(charts["chart-instrument"]) == {
            "Ratification": 1,
            "Acceptance": 1,
            "Approval": 0,
            "Accession": 1,
            "Ratification, acceptance or approval (unspecified)": 0,
        }
        assert charts["chart-instrument"]["note"] == (
            "The instrument of 1 Party is not recorded in the sources; it is not in this chart."
        )
        assert charts["chart-instrument"]["note_link"]["url"] == "/parties/?instrument=none"
        # The Party without a date of deposit is not in the deposit chart, and the note says so.
        rows = [(row["label"], *row["cells"]) for row in charts["chart-deposits"]["rows"]]
        assert rows == [(2006, 2, 2), (2007, 2, 0), (2008, 3, 1)]
        assert charts["chart-deposits"]["note"] == (
            "1 Party whose date of deposit is not documented is not in this chart."
        )
        assert response.context["party_total"] == 4
        assert "4 Parties recorded here." in response.content.decode()

    def test_measure_filters_apply(self, client, fixture):
        response, charts = stats(client, region="I")
        assert response.context["total"] == 2
        assert figures(charts["chart-goal"]) == {"1. Goal 1": 1, "2. Goal 2": 0, "3. Goal 3": 0, "4. Goal 4": 1}
        assert figures(charts["chart-period"]) == {"2018": 1, "2019": 1, "2020": 1}
        # The Parties charts do not follow the measure filters: two known instruments, one not recorded.
        assert sum(figures(charts["chart-instrument"]).values()) == 2
        assert "The instrument of 1 Party is not recorded" in charts["chart-instrument"]["note"]
        assert response.context["party_total"] == 3

    def test_filters_combine(self, client, fixture):
        response, charts = stats(client, goal="1", reported_by="civil_society")
        assert response.context["total"] == 1
        assert figures(charts["chart-area"]) == {"Area one": 1, "Area two": 1, "Area three": 0}
        assert figures(charts["chart-reported-by"]) == {"Party": 0, "Civil society": 1}
        html = response.content.decode()
        assert "Reported by: Civil society" in html
        assert "Goal: 1. Goal 1" in html

    def test_rows_link_to_the_matching_records(self, client, fixture):
        html = stats(client, region="I")[0].content.decode()
        assert 'href="/measures/?region=I&amp;goal=4"' in html
        assert 'href="/measures/?region=I&amp;year_from=2019&amp;year_to=2019"' in html
        assert 'href="/parties/?instrument=none"' in html
        assert 'href="/parties/?deposited_to=2007"' in html
        assert 'href="/measures/?region=I"' in html

    def test_bad_filter_values_are_reported_and_left_out(self, client, fixture):
        response, _charts = stats(client, goal="abc", region="I")
        assert response.context["total"] == 2
        html = response.content.decode()
        assert "These filters could not be read" in html
        assert "Goals are numbered 1 to 4" in html

    def test_query_count_is_bounded(self, client, fixture, django_assert_max_num_queries):
        for year in range(1990, 2020):
            make_measure(period_start=year, period_end=year + 3, status=PUBLISHED)
        # Ten queries at most (reading the filters' choices, then one per chart), the reporting cycles and the
        # sources' count of Parties, the map's Parties and their measures, plus the request's savepoints.
        with django_assert_max_num_queries(16):
            response, charts = stats(client, region=["I", "Va"], goal="1", party="aaa")
        assert response.context["total"] == 1
        assert len(charts["chart-period"]["rows"]) == 3

    def test_empty_database(self, client, db):
        response, charts = stats(client)
        assert response.context["total"] == 0
        assert charts["chart-period"]["rows"] == []
        assert "Nothing to count yet." in response.content.decode()


class TestCharts:
    def test_each_chart_is_an_svg_image_with_a_title_and_a_table(self, client, fixture):
        html = stats(client)[0].content.decode()
        svgs = re.findall(r'<svg class="dir-chart__svg"[^>]*>.*?</svg>', html, flags=re.S)
        assert len(svgs) == 7
        for svg in svgs:
            assert 'role="img"' in svg
            assert re.search(r'<title id="chart-[a-z-]+-title">[^<]+</title>', svg)
        assert html.count("<table") == 7
        assert html.count("<caption>Figures: ") == 7
        assert '<th scope="col">Goal</th>' in html
        assert '<th scope="row"><a href=' in html
        assert "<script" not in html
        assert "http://www.w3.org/2000/svg" in html and "https://" not in re.sub(r'href="https?://[^"]*"', "", html)

    def test_french_numbers_do_not_break_the_svg(self, client, fixture):
        html = client.get("/fr/stats/").content.decode()
        assert '<html lang="fr">' in html
        svg = "".join(re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.S))
        numbers = re.findall(r'\s(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
        assert len(numbers) > 50
        for number in numbers:
            assert re.fullmatch(r"-?\d+(\.\d+)?", number), number

    def test_bar_lengths_follow_the_figures(self):
        chart = bar_chart([("a", 10), ("b", 5), ("c", 0)])
        widths = [bar["width"] for bar in chart["bars"]]
        assert widths[0] == 2 * widths[1] and widths[2] == 0
        assert chart["height"] > 0

    def test_column_heights_follow_the_figures(self):
        chart = column_chart([(2000, 4), (2001, 2), (2002, 0)])
        heights = [column["height"] for column in chart["columns"]]
        assert heights[0] == 2 * heights[1] and heights[2] == 0
        assert [tick["value"] for tick in chart["ticks"]] == [0, 2, 4]

    def test_charts_without_any_value_do_not_divide_by_zero(self):
        assert bar_chart([("a", 0)])["bars"][0]["width"] == 0
        assert column_chart([])["columns"] == []


class TestPeriodYears:
    def test_spreads_periods_with_a_bounded_number_of_queries(self, db, django_assert_num_queries):
        make_measure(period_start=1950, period_end=None, status=PUBLISHED)
        make_measure(period_start=None, period_end=2001, status=PUBLISHED)
        make_measure(period_start=3000, period_end=None, status=PUBLISHED)
        with django_assert_num_queries(1):
            years, undated = measures_by_period_year(Measure.objects.published(), THIS_YEAR)
        assert years[1950] == 1 and years[THIS_YEAR] == 1
        assert years[2001] == 2
        assert undated == 1  # starts after the last year the portal counts
        assert len(years) == THIS_YEAR - 1950 + 1
