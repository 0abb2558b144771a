"""Search over measures: PostgreSQL's weighted vector with web-search syntax, and the plain-word fallback elsewhere."""

import csv
import io

import pytest
from django.db import connection

from core.text import folded
from measures import search
from measures.models import Measure, Partner
from tests.factories import make_measure
from tests.support.catalogue import build_catalogue, keys

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="web-search syntax, accent-insensitivity and ranking use PostgreSQL's full-text search",
)
fallback_only = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="the substring fallback runs only where PostgreSQL's full-text search is not available",
)


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def found(client, catalogue, query):
    response = client.get("/measures/", {"q": query})
    assert response.status_code == 200
    return keys(catalogue, response)


class TestNormaliseAndHighlight:
    def test_folding_strips_accents_and_case(self):
        assert folded("Québec ÉGALITÉ Straße") == "quebec egalite strasse"

    def test_highlight_marks_whole_words_whatever_their_accents_or_case(self):
        assert search.highlight("Égalité in Québec", "egalite quebec") == "<mark>Égalité</mark> in <mark>Québec</mark>"
        assert search.highlight("Musicians and music", "MUSIC") == "Musicians and <mark>music</mark>"

    def test_highlight_escapes_record_text_and_the_query(self):
        html = search.highlight('<script>alert("x")</script> Guanajuato', "guanajuato <b>")
        assert "<script>" not in html
        assert html == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Guanajuato</mark>"

    def test_excluded_words_and_or_are_not_highlighted(self):
        assert search.highlight("music or dance", "dance or -music") == "music or <mark>dance</mark>"

    def test_excerpt_is_cut_around_the_first_match(self):
        text = " ".join(["filler"] * 200) + " Guanajuato " + " ".join(["tail"] * 200)
        html = search.highlight(text, "guanajuato", length=300)
        assert "<mark>Guanajuato</mark>" in html
        assert html.startswith("…") and html.endswith("…")
        assert len(html) < 400

    def test_no_query_leaves_the_text_escaped_only(self):
        assert search.highlight("A & B", "") == "A &amp; B"


class TestPlainWordsOnEveryDatabase:
    @pytest.mark.parametrize("query", ["guanajuato", "GUANAJUATO", "Guanajuato", "  guanajuato  mexico "])
    def test_case_does_not_matter(self, client, catalogue, query):
        assert found(client, catalogue, query) == {"cdce"}

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("relaunched", {"cdce"}),  # results
            ("Fondo Nacional", {"mexico_mobility"}),  # a partner's name
            ("Expressions", {"cdce"}),  # the reporting organisation's name
            ("residencies", {"mexico_mobility"}),  # title and main features
            ("guanajuato residencies", set()),  # every word must match
        ],
    )
    def test_every_searched_field(self, client, catalogue, query, expected):
        assert found(client, catalogue, query) == expected

    def test_unpublished_measures_are_not_found(self, client, catalogue):
        assert "draft" not in found(client, catalogue, "Draft")

    def test_matches_are_highlighted_and_escaped_in_the_list(self, client, catalogue):
        measure = catalogue.measures["cdce"]
        measure.title = "<em>Guanajuato</em> meeting"
        measure.save()
        html = client.get("/measures/", {"q": "guanajuato"}).content.decode()
        assert "&lt;em&gt;<mark>Guanajuato</mark>&lt;/em&gt; meeting" in html
        assert "<em>Guanajuato</em>" not in html
        assert "at <mark>Guanajuato</mark>, Mexico." in html


@postgresql_only
class TestPostgreSQLSearch:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("egalite", {"france_gender"}),
            ("ÉGALITÉ", {"france_gender"}),
            ("quebec", {"canada_music"}),
            ("QUÉBEC", {"canada_music"}),
            ('"music creators"', {"canada_music"}),
            ('"creators music"', set()),
            ("guanajuato -relaunched", set()),
            ("residencies or publishing", {"mexico_mobility", "france_gender"}),
            ("music -canada", set()),
            ("musicians -legal", set()),
            ("musicians", {"senegal_freedom"}),
        ],
    )
    def test_web_search_syntax_accents_and_case(self, client, catalogue, query, expected):
        assert found(client, catalogue, query) == expected

    def test_title_ranks_above_main_features_above_results(self, client, catalogue):
        party = catalogue.parties["FRA"]
        in_results = make_measure(party=party, status="published", title="Three", results="heritage", report_year=2030)
        in_title = make_measure(party=party, status="published", title="Heritage", report_year=2000)
        in_features = make_measure(party=party, status="published", title="Two", main_features="heritage")
        response = client.get("/measures/", {"q": "heritage"})
        assert [measure.pk for measure in response.context["measures"]] == [in_title.pk, in_features.pk, in_results.pk]
        assert response.context["current_sort"] == "relevance"
        by_year = client.get("/measures/", {"q": "heritage", "sort": "-year"})
        assert by_year.context["measures"][0].pk == in_results.pk

    def test_vector_follows_partners_organisation_and_title(self, client, catalogue):
        measure = catalogue.measures["canada_music"]
        partner = Partner.objects.create(measure=measure, name="Zanzibar Festival", entity_type="private")
        assert found(client, catalogue, "zanzibar") == {"canada_music"}
        partner.delete()
        assert found(client, catalogue, "zanzibar") == set()

        organisation = catalogue.organisations["cdce"]
        organisation.name = "Coalition québécoise"
        organisation.save()
        assert found(client, catalogue, "quebecoise") == {"cdce"}

        measure.title = "Renamed fund"
        measure.save()
        assert found(client, catalogue, "renamed") == {"canada_music"}
        assert "canada_music" not in found(client, catalogue, "canada")

    def test_update_search_vector_rebuilds_a_queryset(self, catalogue):
        Measure.objects.update(search_vector=None)
        assert search.update_search_vector(Measure.objects.all()) == Measure.objects.count()
        assert not Measure.objects.filter(search_vector__isnull=True).exists()


@fallback_only
class TestFallbackSearch:
    def test_words_match_as_substrings(self, client, catalogue):
        assert found(client, catalogue, "music") == {"canada_music", "senegal_freedom"}

    def test_minus_excludes_a_word_and_quotes_and_or_are_ignored(self, client, catalogue):
        assert found(client, catalogue, "music -canada") == {"senegal_freedom"}
        assert found(client, catalogue, '"music" or fund') == {"canada_music"}

    def test_no_vector_is_written(self, catalogue):
        assert search.update_search_vector(Measure.objects.all()) == 0


class TestDoneWhen:
    """A new user after `make run`: find the CDCE measure three ways, export that list, read it in French."""

    TITLE = "Provided support to other coalitions for diversity and civil society organizations"

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "Guanajuato"},
            {"reported_by": "civil_society", "party": "CAN"},
            {"area": "partnering-with-civil-society"},
        ],
    )
    def test_find_the_cdce_measure_and_export_it(self, client, reference_data, params):
        response = client.get("/measures/", params)
        assert response.status_code == 200
        listed = [measure.title for measure in response.context["measures"]]
        assert len(listed) == 1 and listed[0].startswith(self.TITLE)

        export = client.get("/measures/export.csv", params)
        rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
        assert [row["title"] for row in rows] == listed
        assert rows[0]["organisation"] == "Coalition for the Diversity of Cultural Expressions"
        assert rows[0]["areas"] == "Partnering with civil society"

        french = client.get("/fr/measures/", params)
        html = french.content.decode()
        assert '<html lang="fr">' in html
        assert self.TITLE in html
        assert 'lang="en"' in html  # the record keeps its own language

    def test_reference_measure_is_searchable_right_after_loading(self, reference_data):
        measure = Measure.objects.get(title__startswith=self.TITLE)
        if connection.vendor == "postgresql":
            assert measure.search_vector is not None
        assert list(search.search_measures(Measure.objects.published(), "guanajuato")) == [measure]
