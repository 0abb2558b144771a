"""The world map (/map/, /map/data.csv): each mode colours a known Party with the right class, every Party has a
shape or an entry in the list under the map, the table and the CSV give the map's figures, bad parameters are
messages or 400s, a fixed number of queries whatever the number of Parties."""

import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from measures import world_map
from measures.models import Measure, Party, PeriodicReport, ReportingCycle
from tests.factories import make_measure, make_organisation, make_party

pytestmark = pytest.mark.django_db

PUBLISHED = Measure.Status.PUBLISHED
SHAPE = re.compile(
    r'<path d="[^"]+" class="map-shape [^"]+"(?: fill="[^"]+")? data-party="(\w+)" data-class="([\w-]+)"'
)
ROW = re.compile(r'<tr data-party="(\w+)" data-class="([\w-]+)">')


@pytest.fixture
def measures(reference_data):
    """Canada: three published measures and a draft; Mexico: one published measure reported by civil society."""
    canada, mexico = Party.objects.get(iso3="CAN"), Party.objects.get(iso3="MEX")
    for _ in range(3):
        make_measure(party=canada, status=PUBLISHED)
    make_measure(party=canada, status=Measure.Status.DRAFT)
    make_measure(
        party=mexico, status=PUBLISHED, reported_by=Measure.ReportedBy.CIVIL_SOCIETY, organisation=make_organisation()
    )
    return canada, mexico


def shapes(html):
    return dict(SHAPE.findall(html))


def table(html):
    return dict(ROW.findall(html))


def get(client, url, **params):
    response = client.get(url, params)
    return response, response.content.decode()


class TestClasses:
    def test_deposit(self, client, measures):
        canada, _mexico = measures
        undocumented = Party.objects.get(iso3="BRA")
        Party.objects.filter(pk=undocumented.pk).update(deposit_date=None)
        Party.objects.filter(iso3="AUS").update(deposit_date=datetime.date(2021, 5, 1))
        response, html = get(client, "/map/", show="deposit")
        assert response.status_code == 200
        drawn = shapes(html)
        assert canada.deposit_date.year <= 2007 and drawn["can"] == "period-1"
        assert drawn["aus"] == "period-5"
        assert drawn["bra"] == world_map.NOT_DOCUMENTED
        assert 'fill="url(#world-map-hatch)" data-party="bra"' in html
        # Not a Party: drawn, never a link (Russia is not a Party).
        assert "/parties/rus/" not in html

    def test_measures(self, client, measures):
        _response, html = get(client, "/map/", show="measures")
        drawn = shapes(html)
        canada_count = Measure.objects.published().filter(party__iso3="CAN").count()  # the draft does not count
        classes = world_map.measure_classes()
        assert drawn["can"] == world_map.measure_class(classes, canada_count).key != world_map.NONE
        assert drawn["bra"] == world_map.NONE
        assert f"<title>Canada: {canada_count} published measures</title>" in html

    def test_filtered_honours_the_filters(self, client, measures):
        _response, html = get(client, "/map/", show="filtered", party="MEX", reported_by="civil_society")
        drawn = shapes(html)
        assert drawn["mex"] != world_map.NONE
        assert drawn["can"] == world_map.NONE
        # The links of the control keep the filters for the filtered mode.
        assert "?show=filtered&amp;party=MEX&amp;reported_by=civil_society" in html

    def test_reporting_keeps_not_recorded_apart(self, client, measures):
        canada, mexico = measures
        cycle = ReportingCycle.current(list(ReportingCycle.objects.all()))
        PeriodicReport.objects.update_or_create(
            party=canada, cycle=cycle, defaults={"status": PeriodicReport.Status.PUBLISHED}
        )
        PeriodicReport.objects.filter(party=mexico, cycle=cycle).delete()
        late = make_party(name_en="Latecomer", iso3="RUS", deposit_date=datetime.date.today())
        _response, html = get(client, "/map/", show="reporting")
        drawn = shapes(html)
        assert drawn["can"] == "published"
        expected_default = cycle.status_without_report.value
        assert drawn["mex"] == expected_default
        assert drawn[late.slug] == world_map.NOT_LISTED
        assert f"Reporting status, {cycle.year} cycle" in html


class TestCompleteness:
    def test_every_party_has_a_shape_or_is_listed(self, reference_data):
        the_map = world_map.build_world_map(world_map.DEPOSIT)
        drawn = {shape["row"].party.pk for shape in the_map.party_shapes if not shape["row"].small}
        listed = {row.party.pk for row in the_map.listed}
        assert drawn | listed == set(Party.objects.values_list("pk", flat=True))
        assert Party.objects.get(slug="eu").pk in listed
        assert sum(klass.count for klass in the_map.classes[:-1]) == Party.objects.count()

    def test_listed_parties_are_on_the_page_with_their_figure(self, client, measures):
        _response, html = get(client, "/map/", show="measures")
        section = html[html.index('id="map-listed-heading"') : html.index('id="map-table-heading"')]
        assert '<a href="/parties/eu/">European Union</a>: 0 published measures' in section

    def test_each_shape_is_drawn_once_and_names_are_escaped(self, client, measures):
        canada, _mexico = measures
        Party.objects.filter(pk=canada.pk).update(name_en='Canada <b>"&"</b>')
        _response, html = get(client, "/map/", show="measures")
        svg = html[html.index('<svg class="world-map__svg"') : html.index("</svg>")]
        non_parties = svg[svg.index('<g aria-hidden="true">') : svg.index("</g>", svg.index('<g aria-hidden="true">'))]
        the_map = world_map.build_world_map(world_map.MEASURES)
        drawn = the_map.party_shapes
        assert non_parties.count("<path ") == len(the_map.non_party_paths) > 0
        assert len(the_map.non_party_paths) + len(drawn) == len(world_map.world_shapes()["shapes"])
        assert "map-link" not in non_parties
        assert svg.count('<a href="/parties/') == len(drawn) == len(shapes(html))
        count = Measure.objects.published().filter(party=canada).count()
        title = f"<title>Canada &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt;: {count} published measures</title>"
        assert f'<a href="/parties/can/" class="map-link">{title}<path d="' in svg
        assert "<b>" not in svg

    def test_shapes_data_is_small_and_projected(self):
        data = world_map.world_shapes()
        assert world_map.DATA_PATH.stat().st_size < 300_000
        assert data["width"] == world_map.MAP_WIDTH and 0 < data["height"] < data["width"]
        assert {"CAN", "MEX", "FRA", "BRA"} <= {shape["iso3"] for shape in data["shapes"]}
        assert json.dumps(data).count("<") == 0


class TestTableAndCsv:
    @pytest.mark.parametrize("show", ["deposit", "measures", "filtered", "reporting"])
    def test_table_equals_map(self, client, measures, show):
        _response, html = get(client, "/map/", show=show)
        drawn, rows = shapes(html), table(html)
        assert len(rows) == Party.objects.count()
        assert drawn and all(rows[slug] == klass for slug, klass in drawn.items())

    def test_sorting_by_figure(self, client, measures):
        _response, html = get(client, "/map/", show="measures", order="-figure")
        counts = Measure.objects.published().values_list("party__slug", flat=True)
        most = max(set(counts), key=lambda slug: (list(counts).count(slug), slug))
        assert list(table(html))[0] in {slug for slug in counts if list(counts).count(slug) == list(counts).count(most)}
        assert 'aria-sort="descending"' in html
        response, html = get(client, "/map/", show="measures", order="height")
        assert response.status_code == 200 and "is not a way to sort this table" in html

    def test_csv_has_a_bom_and_the_same_rows(self, client, measures):
        response = client.get("/map/data.csv", {"show": "measures"})
        assert response.status_code == 200
        body = b"".join(response.streaming_content).decode("utf-8")
        assert body.startswith("\ufeff")
        rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
        assert list(rows[0]) == ["party", "party_iso3", "show", "value", "class", "class_label", "on_map", "url"]
        _response, html = get(client, "/map/", show="measures")
        assert {row["url"].rsplit("/", 2)[-2]: row["class"] for row in rows} == table(html)
        canada = next(row for row in rows if row["party_iso3"] == "CAN")
        canada_count = Measure.objects.published().filter(party__iso3="CAN").count()
        assert canada["value"] == str(canada_count) and canada["on_map"] == "yes"

    def test_csv_refuses_bad_parameters(self, client, reference_data):
        assert client.get("/map/data.csv", {"show": "nonsense"}).status_code == 400
        response = client.get("/map/data.csv", {"show": "filtered", "goal": "99"})
        assert response.status_code == 400 and b"goal" in response.content


class TestBadParameters:
    def test_unknown_show_is_a_400_with_a_message(self, client, reference_data):
        response, html = get(client, "/map/", show="<script>")
        assert response.status_code == 400
        assert "is not something the map can show" in html and "<script>" not in html

    def test_bad_filter_is_a_message(self, client, measures):
        response, html = get(client, "/map/", show="filtered", goal="99", party="MEX")
        assert response.status_code == 200
        assert "These filters could not be read" in html
        assert shapes(html)["can"] == world_map.NONE  # the valid filter still applies


class TestQueries:
    @pytest.mark.parametrize("show", ["deposit", "measures", "filtered", "reporting"])
    def test_queries_do_not_grow_with_parties(self, client, measures, show, django_assert_max_num_queries):
        with django_assert_max_num_queries(8):
            client.get("/map/", {"show": show, "reported_by": "party"})
        for index in range(20):
            make_measure(party=make_party(name_en=f"Extra {index}", iso3=f"X{index:02d}"), status=PUBLISHED)
        from django.core.cache import cache

        cache.clear()
        with django_assert_max_num_queries(8):
            client.get("/map/", {"show": show, "reported_by": "party"})


class TestLanguages:
    @pytest.mark.parametrize("language", ["fr", "es"])
    def test_labels_and_names_follow_the_page(self, client, measures, language):
        germany = Party.objects.get(iso3="DEU")
        _response, html = get(client, f"/{language}/map/", show="measures")
        with translation.override(language):
            for label in ("World map of the Parties", "What the map shows", "Not a Party", "The figures of the map"):
                assert gettext(label) in html
            assert f"<title>{gettext('%(party)s: %(figure)s') % {'party': germany.name, 'figure': ''}}" in html
        assert germany.name_en not in html.split("<tbody>")[1]


class TestOtherPages:
    def test_home_has_the_small_map(self, client, reference_data):
        _response, html = get(client, "/")
        assert "world-map--compact" in html and 'href="/map/"' in html

    def test_stats_map_follows_the_filters(self, client, measures):
        _response, html = get(client, "/stats/", party="MEX")
        drawn = shapes(html)
        assert drawn["mex"] != world_map.NONE and drawn["can"] == world_map.NONE
        assert "/map/?show=filtered&amp;party=MEX" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_the_counts_are_read_from_the_party_index_alone(measures):
    """Rows are counted, not their ids: PostgreSQL can then answer from the published measures' party index alone
    (an index-only scan), where counting ids took a scan of the whole table at 50,000 measures."""
    with CaptureQueriesContext(connection) as queries:
        counts = world_map.measure_counts(Measure.objects.published())
    published = list(Measure.objects.published().values_list("party_id", flat=True))
    assert counts == {party.pk: published.count(party.pk) for party in measures}
    assert counts[measures[1].pk] == 1
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # left to the planner: an index-only scan, if it can
        cursor.execute(f"EXPLAIN {queries[0]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "COUNT(*)" in queries[0]["sql"]  # not COUNT(id): the party index alone holds no id
    assert "Index Only Scan" in plan, plan
