"""A common search word as fast as a rare one: the first pages ranked from RUM candidates (measures.search,
RankedPageQuerySet), the facets under a search counted in one pass (measures.facets.searched_rows), and the cap
on the length of `q`.

Every test runs on SQLite and on PostgreSQL, with or without the RUM index: the order, the counts and the
messages must be the same whichever path answers.
"""

import random
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from measures import search, world_map
from measures.facets import MeasureFacets
from measures.filters import NEWEST_ORDER, SEARCH_MAX_LENGTH, MeasureFilter
from measures.models import Measure
from measures.stats_views import measures_by_period_year
from tests.factories import make_measure, make_party

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="ranking is PostgreSQL's")

WORDS = ["music", "festival", "dance", "heritage", "film", "book", "policy", "support", "youth", "digital"]
#: The queries compared with the reference ranking: one word, two words, a phrase, `or`, a negation, case.
QUERIES = ["music", "festival", "Music", "music festival", '"music festival"', "music or dance", "music -festival"]


def phrase(rng, size):
    return " ".join(rng.choice(WORDS) for _ in range(size))


@pytest.fixture
def many(db):
    """80 published measures whose texts mix a few words, so that ranks spread out; and ten more with the same
    text, one per year, so that the rank ties and the newest come first."""
    rng = random.Random(7)
    party = make_party(iso3="ZZA", name_en="Zedland")
    other = make_party(iso3="ZZB", name_en="Otherland")
    for number in range(80):
        make_measure(
            party=party if number % 3 else other,
            status=Measure.Status.PUBLISHED,
            title=f"{phrase(rng, 3)} {number}",
            main_features=phrase(rng, 12),
            results=phrase(rng, 20),
            report_year=2000 + number % 20,
            is_youth=bool(number % 2),
        )
    for year in range(2010, 2020):
        make_measure(
            party=party,
            status=Measure.Status.PUBLISHED,
            title="Music festival",
            main_features="music",
            report_year=year,
        )
    make_measure(party=party, status=Measure.Status.DRAFT, title="Music festival draft")
    return party


def reference(filterset):
    """The ranking of every match, as before: ts_rank (PostgreSQL), then newest first, from the plain queryset."""
    measures = filterset.queryset_without()
    if "search_rank" in measures.query.annotations:
        return measures.order_by(F("search_rank").desc(), *NEWEST_ORDER)
    return measures.order_by(*NEWEST_ORDER)


def page_ids(queryset, start, stop):
    return list(queryset.values_list("pk", flat=True)[start:stop])


@pytest.fixture
def few_candidates(monkeypatch):
    """Candidates far fewer than the matches, so that the small data set goes through the candidate path, its
    ties and its second look."""
    monkeypatch.setattr(search, "SINGLE_WORD_CANDIDATES", 3)


@pytest.fixture
def without_rank_index(monkeypatch):
    """As if the RUM index were not there (rank_index_exists() says no)."""
    monkeypatch.setitem(search._rank_index, connection.alias, False)


class TestSameOrderAsRankingEveryMatch:
    @pytest.mark.parametrize("text", QUERIES)
    def test_first_pages_are_the_reference_order(self, many, few_candidates, text):
        filterset = MeasureFilter({"q": text})
        expected = list(reference(filterset).values_list("pk", flat=True))
        assert expected, "the query finds something"
        for start, stop in [(0, 5), (0, 20), (5, 10), (20, 40)]:
            assert page_ids(filterset.qs, start, stop) == expected[start:stop]

    def test_ties_come_newest_first(self, many, few_candidates):
        years = list(
            MeasureFilter({"q": "music festival"})
            .qs.filter(title="Music festival")
            .values_list("report_year", flat=True)[:10]
        )
        assert years == sorted(years, reverse=True)
        ids = page_ids(MeasureFilter({"q": "music"}).qs, 0, 20)
        expected = list(reference(MeasureFilter({"q": "music"})).values_list("pk", flat=True)[:20])
        assert ids == expected

    @pytest.mark.parametrize("text", ["music", "music festival"])
    def test_with_other_filters(self, many, few_candidates, text):
        filterset = MeasureFilter(QueryDict(urlencode({"q": text, "party": "ZZA", "youth": "true"})))
        expected = list(reference(filterset).values_list("pk", flat=True))
        assert page_ids(filterset.qs, 0, 20) == expected[:20]

    def test_model_instances_and_their_relations_too(self, many, few_candidates):
        filterset = MeasureFilter({"q": "music"})
        measures = list(filterset.qs.with_list_relations()[:20])
        assert [measure.pk for measure in measures] == list(reference(filterset).values_list("pk", flat=True)[:20])
        assert all(measure.party.name_en in ("Zedland", "Otherland") for measure in measures)

    @postgresql_only
    def test_deeper_pages_of_one_word_come_from_candidates_in_the_same_order(
        self, many, few_candidates, django_assert_max_num_queries
    ):
        filterset = MeasureFilter({"q": "music"})
        expected = list(reference(filterset).values_list("pk", flat=True))
        assert len(expected) > 60
        for start in (40, 60):
            # The title matches, if they do not fill the slice every match, by RUM distance; then the slice.
            with django_assert_max_num_queries(3 if search.rank_index_exists() else 1):
                assert page_ids(filterset.qs, start, start + 20) == expected[start : start + 20]

    def test_deep_pages_and_whole_lists_rank_every_match(self, many, few_candidates, monkeypatch):
        monkeypatch.setattr(search, "RANKED_FROM_CANDIDATES", 10)
        filterset = MeasureFilter({"q": "music"})
        expected = list(reference(filterset).values_list("pk", flat=True))
        assert page_ids(filterset.qs, 20, 40) == expected[20:40]
        assert list(filterset.qs.values_list("pk", flat=True)) == expected

    def test_the_list_page_shows_the_reference_order(self, client, many, few_candidates):
        response = client.get("/measures/", {"q": "music"})
        assert response.status_code == 200
        shown = [measure.pk for measure in response.context["measures"]]
        assert shown == list(reference(MeasureFilter({"q": "music"})).values_list("pk", flat=True)[:20])


class TestWithoutTheRankIndex:
    @pytest.mark.parametrize("text", QUERIES)
    def test_same_order_when_the_index_is_missing(self, many, without_rank_index, text):
        filterset = MeasureFilter({"q": text})
        assert not isinstance(filterset.qs, search.RankedPageQuerySet)
        assert page_ids(filterset.qs, 0, 20) == list(reference(filterset).values_list("pk", flat=True)[:20])

    @postgresql_only
    def test_dropping_the_index_falls_back(self, many):
        """Whether or not this database has the RUM extension: without the index, search ranks every match."""
        with_index = page_ids(MeasureFilter({"q": "music"}).qs, 0, 20)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP INDEX IF EXISTS {search.RANK_INDEX}")  # rolled back with the test
            search.forget_rank_index()
            assert not search.rank_index_exists()
            filterset = MeasureFilter({"q": "music"})
            assert not isinstance(filterset.qs, search.RankedPageQuerySet)
            assert page_ids(filterset.qs, 0, 20) == with_index
        finally:
            search.forget_rank_index()

    @postgresql_only
    def test_the_check_is_made_once(self, many, django_assert_num_queries):
        search.forget_rank_index()
        search.rank_index_exists()
        with django_assert_num_queries(0):
            search.rank_index_exists()

    @postgresql_only
    def test_the_migration_adds_it_where_the_extension_is_available(self, many):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
            available = cursor.fetchone() is not None
        search.forget_rank_index()
        assert search.rank_index_exists() == available
        assert isinstance(MeasureFilter({"q": "music"}).qs, search.RankedPageQuerySet) == available

    def test_sqlite_never_has_it(self, db):
        if connection.vendor == "sqlite":
            assert not search.rank_index_exists()

    @postgresql_only
    def test_a_bulk_insert_keeps_the_indexes_it_found(self, many):
        def indexes():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT indexname FROM pg_indexes WHERE indexname IN (%s, %s)",
                    [search.SEARCH_INDEX, search.RANK_INDEX],
                )
                return {row[0] for row in cursor.fetchall()}

        before = indexes()
        with search.index_built_afterwards():
            make_measure(party=many, status=Measure.Status.PUBLISHED, title="Music after the bulk insert")
        assert indexes() == before
        assert search.SEARCH_INDEX in before


class TestExactCounts:
    @pytest.mark.parametrize(
        "params",
        [
            {"q": "music"},
            {"q": "music festival"},
            {"q": "music", "party": "ZZA"},
            {"q": "music -festival", "youth": "true"},
            {"q": "nothingatall"},
        ],
    )
    def test_facets_in_one_pass_count_as_the_union_does(self, many, params, monkeypatch):
        filterset = MeasureFilter(QueryDict(urlencode(params)))
        facets = MeasureFacets(filterset, count_real=True)
        one_pass = facets.facet_counts()
        monkeypatch.setattr(MeasureFacets, "searched_in_one_pass", lambda self: False)
        assert one_pass == facets.facet_counts()
        assert facets.total(one_pass) == filterset.qs.count()

    def test_the_page_says_how_many_match(self, client, many):
        response = client.get("/measures/", {"q": "music"})
        expected = MeasureFilter({"q": "music"}).qs.count()
        assert response.context["paginator"].count == expected
        assert f"{expected} measures" in response.content.decode()


class TestQueryCounts:
    @pytest.mark.parametrize("text", ["music", "music festival"])
    def test_the_list_page_under_a_search(self, client, many, django_assert_max_num_queries, text):
        # The page cache's generation, the request's savepoint, the facets, the reference data for the facets
        # (Parties, goals, areas, domains), the page's ids and its rows: 10. On PostgreSQL the facets under a
        # search are a savepoint (planner settings, the one-pass count, rollback, release: 5 statements) and
        # the count without `q`, and the page's ids are the RUM candidates, then their ranking: 16.
        client.get("/measures/", {"q": "Zedland"})  # what every page reads once (the synthetic examples' count)
        with django_assert_max_num_queries(16 if connection.vendor == "postgresql" else 10):
            response = client.get("/measures/", {"q": text})
        assert response.status_code == 200

    def test_a_page_from_candidates_is_two_queries(self, many, django_assert_max_num_queries):
        queryset = MeasureFilter({"q": "music"}).qs
        with django_assert_max_num_queries(2):
            page_ids(queryset, 0, 20)

    @pytest.mark.parametrize(
        ("text", "start", "stop"),
        [
            ("music -festival", 0, 20),  # a -word
            ("music festival dance", 0, 20),  # three words
            ("music festival", 20, 40),  # two words, after the first page
            ("music", search.RANKED_FROM_CANDIDATES, search.RANKED_FROM_CANDIDATES + 20),  # deeper than that
        ],
    )
    def test_every_match_is_ranked_where_candidates_were_not_checked(
        self, many, django_assert_num_queries, text, start, stop
    ):
        filterset = MeasureFilter({"q": text})
        expected = list(reference(filterset).values_list("pk", flat=True)[start:stop])
        with django_assert_num_queries(1):
            assert page_ids(filterset.qs, start, stop) == expected

    @postgresql_only
    def test_the_one_pass_facets_are_one_query_and_its_savepoint(self, many, django_assert_max_num_queries):
        facets = MeasureFacets(MeasureFilter({"q": "music"}))
        assert facets.parties_by_id and facets.keys_by_bit  # reference data read beforehand
        # The savepoint, the planner's settings, the one-pass count, its rollback; the count without `q`.
        with django_assert_max_num_queries(6):
            facets.facet_counts()


def planner_setting(name):
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


class TestMatchesCountedFromTheIndex:
    """Counting or grouping the results of a search (the map, the charts, the API's count) reads the matches from
    the GIN index, never by testing the search vector of every published measure."""

    @postgresql_only
    def test_a_search_is_read_through_a_bitmap_within_the_block_only(self, many):
        searched = MeasureFilter({"q": "music"}).queryset_without().values("party").annotate(n=Count("*"))
        with search.matches_from_index(searched):
            settings = planner_setting("enable_seqscan"), planner_setting("enable_indexscan")
            within = searched.explain()
            counts = dict(searched.values_list("party", "n"))
        assert settings == ("off", "off")
        # At 50,000 measures, a bitmap from the GIN index; on a few rows the planner may take another bitmap.
        assert "Bitmap Heap Scan on measures_measure" in within, within
        assert "Seq Scan on measures_measure" not in within, within
        assert counts == dict(Counter(MeasureFilter({"q": "music"}).qs.values_list("party_id", flat=True)))
        assert (planner_setting("enable_seqscan"), planner_setting("enable_indexscan")) == ("on", "on")

    def test_without_a_search_nothing_changes(self, many, django_assert_num_queries):
        plain = Measure.objects.published()
        with django_assert_num_queries(0), search.matches_from_index(plain):
            pass
        assert not search.is_searched(plain)
        assert search.is_searched(MeasureFilter({"q": "music"}).qs) == (connection.vendor == "postgresql")

    @postgresql_only
    @pytest.mark.parametrize(
        ("address", "searched_statements"),
        [
            ("/stats/", ["GROUPING SETS", '"period_start"', 'AS "party"']),  # facets, chart by period, map
            ("/map/", ['AS "party"']),
            ("/map/data.csv", ['AS "party"']),
            ("/api/v1/measures/", ["COUNT(*)"]),
            ("/measures/?sort=title", ['AS "pk" FROM']),  # a page sorted other than by relevance
            ("/api/v1/measures/?sort=-year", ["COUNT(*)", 'AS "pk" FROM']),
        ],
    )
    def test_each_page_counts_its_matches_through_the_block(self, client, many, address, searched_statements):
        path, _, query = address.partition("?")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, {"q": "music", "show": "filtered", **QueryDict(query).dict()})
        assert response.status_code == 200
        statements = [query["sql"] for query in queries.captured_queries]
        for marker in searched_statements:
            position = next(i for i, sql in enumerate(statements) if marker in sql and "@@" in sql)
            assert "set_config('enable_seqscan', 'off', true)" in statements[position - 1], marker

    @postgresql_only
    def test_a_page_by_relevance_keeps_the_rank_index_scan(self, client, rank_index):
        with CaptureQueriesContext(connection) as queries:
            client.get("/measures/", {"q": "music"})
        statements = [query["sql"] for query in queries.captured_queries]
        candidates = next(i for i, sql in enumerate(statements) if "search_distance" in sql)
        assert "set_config" not in statements[candidates - 1]

    @pytest.mark.parametrize("sort", ["title", "-year", "party"])
    def test_a_page_sorted_otherwise_is_the_plain_order(self, client, many, sort):
        response = client.get("/measures/", {"q": "music", "sort": sort})
        filterset = MeasureFilter({"q": "music", "sort": sort})
        assert [measure.pk for measure in response.context["measures"]] == list(
            filterset.qs.values_list("pk", flat=True)[:20]
        )

    @pytest.mark.parametrize("sort", ["title", "-year", "relevance"])
    def test_an_api_page_is_the_plain_order_from_its_ids_first(self, client, many, sort):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/measures/", {"q": "music", "sort": sort, "page": 2})
        expected = list(MeasureFilter({"q": "music", "sort": sort}).qs.values_list("pk", flat=True)[25:50])
        assert [measure["id"] for measure in response.json()["results"]] == expected
        # The wide rows are read for the page's ids only, never sorted or skipped over by the thousand.
        full_rows = '"measures_measure"."title", "measures_measure"'
        wide = [query["sql"] for query in queries.captured_queries if full_rows in query["sql"]]
        assert len(wide) == 1 and '"measures_measure"."id" IN (' in wide[0], wide

    @pytest.mark.parametrize("text", ["music", "music festival", "music -festival", "nothingatall"])
    def test_the_map_the_period_chart_and_the_api_count_as_a_plain_count_does(self, client, many, text):
        filterset = MeasureFilter({"q": text})
        expected = Counter(filterset.qs.values_list("party_id", flat=True))
        assert world_map.measure_counts(filterset.queryset_without()) == dict(expected)
        years, undated = measures_by_period_year(filterset.queryset_without(), 2026)
        assert undated + max(years.values(), default=0) <= sum(expected.values())
        response = client.get("/api/v1/measures/", {"q": text})
        assert response.json()["count"] == sum(expected.values())


@pytest.fixture
def rank_index(many):
    if not search.rank_index_exists():
        pytest.skip("this PostgreSQL has no RUM extension")


@postgresql_only
class TestTitleMatchesFirst:
    """For one word, every measure with the word in its title ranks above every other (search.TITLE_WEIGHT), so a
    page that title matches fill is ranked from them alone."""

    @pytest.mark.parametrize("word", WORDS)
    def test_every_title_match_outranks_every_other_match(self, many, word):
        in_title = Exists(Measure.objects.filter(pk=OuterRef("pk"), search_vector=search.title_query(word)))
        ranks = MeasureFilter({"q": word}).queryset_without().annotate(in_title=in_title)
        title_ranks = [rank for rank, title in ranks.values_list("search_rank", "in_title") if title]
        other_ranks = [rank for rank, title in ranks.values_list("search_rank", "in_title") if not title]
        assert title_ranks and other_ranks, "the data set has both kinds for every word"
        assert min(title_ranks) >= 0.6079 > 0.4653 >= max(other_ranks)

    def test_a_page_of_title_matches_is_read_from_them(self, rank_index, django_assert_max_num_queries):
        filterset = MeasureFilter({"q": "music"})
        with django_assert_max_num_queries(2) as captured:
            ids = page_ids(filterset.qs, 0, 10)
        assert "music:A" in captured.captured_queries[0]["sql"]
        assert ids == list(reference(filterset).values_list("pk", flat=True)[:10])

    def test_a_page_past_the_title_matches_looks_at_every_match(self, many, rank_index, django_assert_max_num_queries):
        filterset = MeasureFilter({"q": "music"})
        expected = list(reference(filterset).values_list("pk", flat=True))
        in_title = filterset.queryset_without().filter(search_vector=search.title_query("music")).count()
        assert in_title < 60 < len(expected)
        with django_assert_max_num_queries(3) as captured:
            assert page_ids(filterset.qs, 40, 60) == expected[40:60]
        assert "music:A" not in captured.captured_queries[1]["sql"]

    @pytest.mark.parametrize("text", ["music", '"music"', "MUSIC", "Musique", "2019"])
    def test_one_word_as_typed(self, many, rank_index, few_candidates, text):
        make_measure(party=many, status=Measure.Status.PUBLISHED, title="Musique 2019", main_features="musique")
        filterset = MeasureFilter({"q": text})
        assert page_ids(filterset.qs, 0, 20) == list(reference(filterset).values_list("pk", flat=True)[:20])


class TestLengthCap:
    def test_at_the_cap_is_a_search(self, client, many):
        text = ("music " * 40)[:SEARCH_MAX_LENGTH]
        response = client.get("/measures/", {"q": text})
        assert response.status_code == 200
        assert "q" not in response.context["errors"]

    @pytest.mark.parametrize("length", [SEARCH_MAX_LENGTH + 1, 5000])
    def test_a_longer_one_is_an_error_next_to_the_box_keeping_what_was_typed(self, client, many, length):
        text = " ".join(f"music{number}" for number in range(length))[:length].strip()
        assert len(text) == length
        response = client.get("/measures/", {"q": text, "party": "ZZA"})
        assert response.status_code == 200
        message = f"Search is too long. Use at most {SEARCH_MAX_LENGTH} characters (this one has {length})."
        assert response.context["errors"]["q"] == [message]
        html = response.content.decode()
        assert message in html
        assert f'value="{text}"' in html  # kept in the box...
        assert html.count(text) == 1  # ...and only there, not in every link of the page
        # The search is left out, the other filter still applies: every published measure of the Party.
        assert response.context["paginator"].count == Measure.objects.published().filter(party=many).count()

    def test_the_api_answers_400_naming_q(self, client, many):
        response = client.get("/api/v1/measures/", {"q": "a" * (SEARCH_MAX_LENGTH + 1)})
        assert response.status_code == 400
        assert "q" in response.json()
