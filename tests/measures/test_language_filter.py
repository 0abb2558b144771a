"""The `language` filter (the language a measure is written in) on the list, its facet and chip, the CSV, the feed
and the API; and the record's own text marked with its language while the interface around it is not."""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from measures.facets import MeasureFacets
from measures.filters import MeasureFilter
from measures.models import Measure
from tests.factories import make_measure
from tests.support.catalogue import build_catalogue, keys

pytestmark = pytest.mark.django_db

LIST, CSV, FEED, API = "/measures/", "/measures/export.csv", "/measures/feed/", "/api/v1/measures/"

#: The language each measure of the catalogue is written in here.
LANGUAGES = {
    "cdce": "fr",
    "canada_music": "en",
    "france_gender": "fr",
    "mexico_mobility": "es",
    "senegal_freedom": "fr",
    "eu_no_period": "other",
}


@pytest.fixture
def catalogue(db):
    catalogue = build_catalogue()
    for key, language in LANGUAGES.items():
        Measure.objects.filter(pk=catalogue.measures[key].pk).update(language=language)
    return catalogue


def get(client, url=LIST, **params):
    return client.get(url + "?" + urlencode(params, doseq=True))


def facet_counts(response):
    return {option.value: option.count for option in response.context["facets"]["language"].options}


class LangOfText(HTMLParser):
    """The language each piece of text of a page is in: the `lang` of its nearest element that has one."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, html):
        super().__init__()
        self.stack, self.texts = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip():
            lang = next((lang for _tag, lang in reversed(self.stack) if lang is not None), None)
            self.texts.append((" ".join(data.split()), lang))

    def lang_of(self, text):
        """The languages of every piece of text that is exactly `text`."""
        found = {lang for piece, lang in self.texts if piece == text}
        assert found, f"{text!r} is not on the page"
        return found


class TestFilter:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"language": "fr"}, {"cdce", "france_gender", "senegal_freedom"}),
            ({"language": "FR"}, {"cdce", "france_gender", "senegal_freedom"}),
            ({"language": "es"}, {"mexico_mobility"}),
            ({"language": ["en", "es"]}, {"canada_music", "mexico_mobility"}),
            ({"language": "other"}, {"eu_no_period"}),
            ({"language": "zh"}, set()),
            ({"language": "fr", "party": "CAN"}, {"cdce"}),
            ({"language": "fr", "reported_by": "civil_society", "region": "Va"}, {"senegal_freedom"}),
            ({"language": ["fr", "en"], "goal": "1"}, {"cdce", "canada_music"}),
        ],
    )
    def test_only_measures_in_that_language_under_the_other_filters(self, client, catalogue, params, expected):
        response = get(client, **params)
        assert response.status_code == 200
        assert not response.context["errors"]
        assert keys(catalogue, response) == expected
        assert response.context["paginator"].count == len(expected)

    def test_the_csv_feed_and_api_take_it_too(self, client, catalogue):
        lines = b"".join(get(client, CSV, language="fr", party="CAN").streaming_content).decode("utf-8-sig")
        rows = lines.splitlines()[1:]
        assert len(rows) == 1
        assert "Support to other coalitions for diversity" in rows[0]
        feed = get(client, FEED, language="es").content.decode()
        assert "Artist residencies abroad" in feed
        assert "Canada Music Fund" not in feed
        body = get(client, API, language=["fr", "es"], reported_by="civil_society").json()
        assert sorted(measure["title"] for measure in body["results"]) == [
            "Protecting musicians' freedom of expression",
            "Support to other coalitions for diversity",
        ]
        assert body["count"] == 2

    def test_the_api_documents_the_parameter(self, client, catalogue):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        parameters = {p["name"]: p for p in schema["paths"]["/api/v1/measures/"]["get"]["parameters"]}
        language = parameters["language"]
        assert language["schema"]["type"] == "array"
        assert set(language["schema"]["items"]["enum"]) == {"en", "fr", "es", "ar", "zh", "pt", "ru", "other"}


class TestInvalidValue:
    def test_the_list_says_so_next_to_the_filter_and_applies_the_others(self, client, catalogue):
        response = get(client, language=["fr", "klingon"], party="CAN")
        assert response.status_code == 200
        message = "Unknown language: klingon. Use en, fr, es, ar, zh, pt, ru or other."
        assert response.context["errors"]["language"] == [message]
        html = response.content.decode()
        assert message in html
        assert 'href="#filter-language"' in html
        assert 'id="filter-language"' in html
        # Only the language filter is left out: both Canadian measures, whatever their language.
        assert keys(catalogue, response) == {"cdce", "canada_music"}
        assert not any(chip["name"] == "language" for chip in response.context["chips"])

    @pytest.mark.parametrize("url", [CSV, FEED])
    def test_the_csv_and_the_feed_answer_400(self, client, catalogue, url):
        response = get(client, url, language="xx")
        assert response.status_code == 400
        assert "language: Unknown language: xx." in response.content.decode()

    def test_the_api_answers_400_naming_the_parameter(self, client, catalogue):
        response = get(client, API, language="english")
        assert response.status_code == 400
        assert response.json() == {"language": ["Unknown language: english. Use en, fr, es, ar, zh, pt, ru or other."]}


class TestFacetAndChip:
    def test_each_language_is_counted_under_the_other_filters(self, client, catalogue):
        assert facet_counts(get(client)) == {"en": 1, "fr": 3, "es": 1, "other": 1}
        # Languages without a measure under the other filters are left out, unless chosen.
        assert facet_counts(get(client, party="CAN")) == {"en": 1, "fr": 1}
        # Its own filter aside: the other languages keep their counts, the chosen one is ticked.
        response = get(client, language="zh", region="I")
        assert facet_counts(response) == {"en": 1, "fr": 2, "zh": 0}
        assert [option.value for option in response.context["facets"]["language"].selected] == ["zh"]

    def test_the_form_shows_it_with_labels_and_counts_in_the_page_language(self, client, catalogue):
        html = get(client, language="fr").content.decode()
        assert "<legend>Language of the record</legend>" in html
        assert (
            '<input type="checkbox" name="language" value="fr" id="id_language_2" checked>\n'
            '      <label for="id_language_2">French <span class="count">(3)</span></label>'
        ) in html
        french = client.get("/fr/measures/?language=es").content.decode()
        assert "<legend>Langue de la fiche</legend>" in french
        assert '<label for="id_language_3">Espagnol <span class="count">(1)</span></label>' in french
        spanish = client.get("/es/measures/").content.decode()
        assert "<legend>Idioma del registro</legend>" in spanish
        assert '<label for="id_language_2">Francés <span class="count">(3)</span></label>' in spanish

    def test_a_chosen_language_is_a_removable_chip(self, client, catalogue):
        response = get(client, party="FRA", language=["fr", "es"])
        chips = {(chip["name"], chip["label"], chip["value"]): chip["url"] for chip in response.context["chips"]}
        assert chips == {
            ("party", "Party", "France"): "?language=fr&language=es",
            ("language", "Language of the record", "French"): "?party=FRA&language=es",
            ("language", "Language of the record", "Spanish"): "?party=FRA&language=fr",
        }
        html = response.content.decode()
        assert (
            '<a class="chip" href="/measures/?party=FRA&amp;language=es"><span class="chip__label">Language of the '
            "record:</span> French"
        ) in html
        # Following the chip's link leaves the other filters in place.
        assert keys(catalogue, get(client, party="FRA", language="es")) == set()
        assert keys(catalogue, client.get(LIST + chips[("language", "Language of the record", "Spanish")])) == {
            "france_gender"
        }

    def test_the_chip_is_in_the_page_language(self, client, catalogue):
        response = client.get("/es/measures/?language=other")
        assert [(chip["label"], chip["value"]) for chip in response.context["chips"]] == [
            ("Idioma del registro", "Otro")
        ]

    def test_the_statistics_take_it_and_name_it(self, client, catalogue):
        response = client.get("/fr/stats/?language=fr&language=es")
        assert response.context["total"] == 4
        assert [(chip["label"], chip["value"]) for chip in response.context["chips"]] == [
            ("Langue de la fiche", "Français"),
            ("Langue de la fiche", "Espagnol"),
        ]

    def test_an_empty_result_suggests_removing_it(self, client, catalogue):
        response = get(client, language="zh", party="CAN")
        removals = {str(removal["label"]): removal["url"] for removal in response.context["removals"]}
        assert removals == {"Language of the record": "?party=CAN"}  # without the Party, still nothing in Chinese


class TestQueryCount:
    def test_the_list_with_the_language_filter_runs_at_most_eleven_queries(
        self, client, catalogue, django_assert_max_num_queries
    ):
        for number in range(30):
            make_measure(
                party=catalogue.parties["FRA" if number % 2 else "CAN"],
                status="published",
                title=f"Bulk measure {number}",
                language=["fr", "en", "es"][number % 3],
                report_year=2020,
            )
        for params in (
            {"language": "fr"},
            {"language": ["fr", "es"], "party": ["CAN", "FRA"], "report_year": "2020", "sort": "title"},
            {"language": ["fr", "es"], "party": ["CAN", "FRA"], "page": "2"},
            {"language": "nowhere", "goal": "1"},
        ):
            with django_assert_max_num_queries(11):
                response = get(client, **params)
            assert response.status_code == 200

    def test_the_facet_counts_stay_one_query(self, catalogue, django_assert_num_queries):
        facets = MeasureFacets(MeasureFilter({"language": ["fr"], "party": ["CAN"], "goal": ["1"]}))
        assert not facets.filterset.errors  # validation reads the reference data it needs
        facets.keys_by_bit, facets.parties_by_id  # noqa: B018  (reference data, read once per filterset)
        with django_assert_num_queries(1):
            counts = facets.facet_counts()
        assert counts["language"] == {"fr": 1, "en": 1}


class TestRecordLanguageMarkup:
    def test_the_title_in_the_list_is_marked_and_the_interface_is_not(self, client, catalogue):
        html = get(client, party="FRA").content.decode()
        page = LangOfText(html)
        assert page.lang_of("Égalité between women and men in publishing") == {"fr"}
        assert page.lang_of("A plan for equality in publishing houses.") == {"fr"}
        assert page.lang_of("France") == {"en"}  # the Party's name, in the page's language
        assert page.lang_of("Reported in 2020") == {"en"}
        assert page.lang_of("Language of the record") == {"en"}
        assert page.lang_of("1 measure") == {"en"}

    def test_on_a_french_page_an_english_title_is_marked_english(self, client, catalogue):
        page = LangOfText(client.get("/fr/measures/?party=CAN").content.decode())
        assert page.lang_of("Canada Music Fund") == {"en"}
        assert page.lang_of("Support to other coalitions for diversity") == {"fr"}
        assert page.lang_of("Langue de la fiche") == {"fr"}

    def test_the_detail_marks_the_title_and_summaries_and_not_the_labels(self, client, catalogue):
        measure = catalogue.measures["mexico_mobility"]
        html = client.get(f"/measures/{measure.pk}/").content.decode()
        assert '<h1 lang="es">Artist residencies abroad</h1>' in html
        page = LangOfText(html)
        assert page.lang_of("Artist residencies abroad") == {"es"}  # the heading and the citation
        assert page.lang_of("Residencies for Mexican artists.") == {"es"}
        for label in ("Party", "Report year", "Language of the record", "Spanish", "How to cite this record"):
            assert page.lang_of(label) == {"en"}, label
        assert page.lang_of("Describe the main features of the measure/initiative") == {"en"}
        # Its language links to the other measures written in it.
        assert '<a href="/measures/?language=es">Spanish</a>' in html

    def test_other_gets_no_lang_code(self, client, catalogue):
        measure = catalogue.measures["eu_no_period"]
        html = client.get(f"/measures/{measure.pk}/").content.decode()
        assert 'lang="other"' not in html
        assert "<h1>Creative Europe programme</h1>" in html
        listed = get(client, language="other").content.decode()
        assert 'lang="other"' not in listed
        assert f'<a href="/measures/{measure.pk}/">Creative Europe programme</a>' in listed
        # The Party's page lists it without a wrong code either.
        party = client.get(catalogue.parties["EU"].get_absolute_url()).content.decode()
        assert 'lang="other"' not in party
