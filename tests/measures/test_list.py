"""/measures/: every filter alone and combined, facets, chips, pagination, bad values, query counts, languages, and
addresses that carry only the filters in use."""

import re
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import django.test
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measures.facets import MeasureFacets
from measures.filters import MeasureFilter, filter_measures
from measures.models import Measure
from tests.factories import make_measure
from tests.support.catalogue import build_catalogue, keys, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return build_catalogue()


LIST = "/measures/"


def get(client, **params):
    return client.get(LIST + "?" + urlencode(params, doseq=True))


def facet_counts(response, name):
    return {option.value: option.count for option in response.context["facets"][name].options}


class TestEachFilterAlone:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({}, {"cdce", "canada_music", "france_gender", "mexico_mobility", "senegal_freedom", "eu_no_period"}),
            ({"party": "CAN"}, {"cdce", "canada_music"}),
            ({"party": "can"}, {"cdce", "canada_music"}),
            ({"party": ["CAN", "mex"]}, {"cdce", "canada_music", "mexico_mobility"}),
            ({"party": "EU"}, {"eu_no_period"}),
            ({"region": "I"}, {"cdce", "canada_music", "france_gender"}),
            ({"region": "va"}, {"senegal_freedom"}),
            ({"region": ["III", "Va"]}, {"mexico_mobility", "senegal_freedom"}),
            ({"goal": "1"}, {"cdce", "canada_music"}),
            ({"goal": "3"}, {"mexico_mobility"}),
            ({"goal": ["2", "4"]}, {"mexico_mobility", "france_gender", "senegal_freedom"}),
            ({"area": "gender-equality"}, {"france_gender"}),
            ({"area": "partnering-with-civil-society"}, {"cdce"}),
            ({"area": ["gender-equality", "artistic-freedom"]}, {"france_gender", "senegal_freedom"}),
            ({"domain": "music"}, {"canada_music", "senegal_freedom"}),
            ({"domain": ["music", "design"]}, {"canada_music", "senegal_freedom", "france_gender"}),
            ({"reported_by": "civil_society"}, {"cdce", "senegal_freedom"}),
            ({"reported_by": "party"}, {"canada_music", "france_gender", "mexico_mobility", "eu_no_period"}),
            ({"year_from": "2020"}, {"canada_music", "france_gender", "mexico_mobility"}),
            ({"year_to": "2010"}, {"senegal_freedom"}),
            ({"year_from": "2017", "year_to": "2018"}, {"cdce", "canada_music", "france_gender"}),
            ({"year_from": "2099"}, set()),
            ({"report_year": "2016"}, {"canada_music", "eu_no_period"}),
            ({"report_year": ["2016", "2024"]}, {"canada_music", "eu_no_period", "mexico_mobility", "senegal_freedom"}),
            ({"youth": "true"}, {"canada_music"}),
            ({"preferential": "true"}, {"france_gender"}),
            ({"innovative": "TRUE"}, {"mexico_mobility"}),
            ({"q": "guanajuato"}, {"cdce"}),
            ({"q": "Fondo"}, {"mexico_mobility"}),
            ({"q": "expressions"}, {"cdce"}),
        ],
    )
    def test_filter(self, client, catalogue, params, expected):
        response = get(client, **params)
        assert response.status_code == 200
        assert keys(catalogue, response) == expected
        assert response.context["paginator"].count == len(expected)
        assert not response.context["errors"]

    def test_unpublished_measures_are_never_listed(self, client, catalogue):
        response = get(client, q="Guanajuato")
        assert "Draft measure about Guanajuato" not in response.content.decode()
        response = get(client, area="gender-equality")
        assert "Withdrawn measure" not in response.content.decode()


class TestCombinedFilters:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"party": "CAN", "goal": "1", "youth": "true"}, {"canada_music"}),
            ({"region": "I", "domain": "music"}, {"canada_music"}),
            ({"reported_by": "civil_society", "party": "CAN"}, {"cdce"}),
            ({"goal": "4", "region": "Va", "year_to": "2010"}, {"senegal_freedom"}),
            ({"goal": ["1", "4"], "party": ["CAN", "FRA"], "report_year": "2020"}, {"cdce", "france_gender"}),
            ({"q": "music", "region": "I", "year_from": "2015"}, {"canada_music"}),
            ({"goal": "4", "party": "CAN"}, set()),
        ],
    )
    def test_filters_combine_with_and(self, client, catalogue, params, expected):
        assert keys(catalogue, get(client, **params)) == expected


class TestFacets:
    def test_each_option_is_counted_under_the_other_filters(self, client, catalogue):
        response = get(client, party="CAN")
        # The Party facet ignores the Party filter itself, so other Parties still show their counts.
        assert facet_counts(response, "party") == {"CAN": 2, "EU": 1, "FRA": 1, "MEX": 1, "SEN": 1}
        assert facet_counts(response, "goal") == {"1": 2, "2": 0, "3": 0, "4": 0}
        assert facet_counts(response, "region")["I"] == 2
        assert facet_counts(response, "reported_by") == {"party": 1, "civil_society": 1}
        assert facet_counts(response, "report_year") == {"2020": 1, "2016": 1}
        assert facet_counts(response, "youth") == {"true": 1}
        assert facet_counts(response, "domain") == {"music": 1, "publishing": 0, "design": 0}

    def test_goal_facet_counts_measures_through_areas_and_ticked_goals(self, client, catalogue):
        response = get(client)
        assert facet_counts(response, "goal") == {"1": 2, "2": 1, "3": 1, "4": 2}
        assert facet_counts(response, "area")["gender-equality"] == 1

    def test_selected_options_are_ticked_and_shown_with_their_names(self, client, catalogue):
        response = get(client, goal=["1", "4"], region="va")
        selected = [option.value for option in response.context["facets"]["goal"].selected]
        assert selected == ["1", "4"]
        html = response.content.decode()
        assert 'name="goal" value="1" id="id_goal_1" checked' in html
        assert 'name="region" value="Va"' in html

    def test_parties_without_measures_are_left_out_of_the_facet(self, client, catalogue):
        response = get(client, region="III")
        parties = facet_counts(response, "party")
        assert parties["MEX"] == 1
        assert all(count > 0 for count in parties.values())

    def test_facet_counts_run_as_one_query(self, catalogue, django_assert_num_queries):
        facets = MeasureFacets(MeasureFilter({"party": "CAN", "goal": "1", "q": "music", "youth": "true"}))
        facets.filterset.cleaned  # noqa: B018  (validation reads the reference data it needs)
        facets.keys_by_bit, facets.parties_by_id  # noqa: B018  (reference data, read once per filterset)
        # On PostgreSQL the branches under the search are counted apart, in a savepoint that sets the planner
        # (measures.facets.searched_rows: 5 statements), and the branch without `q` is one more query.
        with django_assert_num_queries(6 if connection.vendor == "postgresql" else 1):
            counts = facets.facet_counts()
        assert counts["party"] == {"CAN": 1}


class TestChipsAndPagination:
    def test_active_filters_are_removable_chips(self, client, catalogue):
        response = get(client, party=["CAN", "FRA"], goal="1")
        chips = {(chip["name"], chip["value"]): chip["url"] for chip in response.context["chips"]}
        assert set(chips) == {("party", "Canada"), ("party", "France"), ("goal", "1. Goal 1 in English")}
        assert chips[("party", "Canada")] == "?party=FRA&goal=1"
        assert chips[("goal", "1. Goal 1 in English")] == "?party=CAN&party=FRA"
        html = response.content.decode()
        assert 'href="/measures/?party=FRA&amp;goal=1"' in html
        assert "Clear all" in html

    def test_a_flag_chip_shows_its_name_only(self, client, catalogue):
        response = get(client, youth="true")
        assert [(chip["label"], chip["value"], chip["url"]) for chip in response.context["chips"]] == [
            ("Youth", "", "")
        ]
        assert 'href="/measures/">Youth <span aria-hidden="true">×</span>' in response.content.decode()

    def test_pagination_keeps_every_filter(self, client, catalogue):
        for number in range(25):
            make_measure(party=catalogue.parties["CAN"], status="published", title=f"Extra {number}", is_youth=True)
        response = get(client, party="can", youth="true")
        assert response.context["paginator"].count == 26
        assert response.context["paginator"].num_pages == 2
        html = response.content.decode()
        assert 'href="?party=can&amp;youth=true&amp;page=2"' in html
        second = client.get(LIST + "?party=can&youth=true&page=2")
        assert second.status_code == 200
        assert len(second.context["measures"]) == 6
        assert 'href="?party=can&amp;youth=true&amp;page=1"' in second.content.decode()

    @pytest.mark.parametrize("sort", ["-year", "title", "party", "relevance"])
    def test_pages_follow_one_another_in_the_sort_order(self, client, catalogue, sort):
        for number in range(45):
            make_measure(
                party=catalogue.parties["FRA" if number % 3 else "CAN"],
                status="published",
                title=f"Extra measure {number % 7} {number}",
                report_year=2012 + number % 5,
                main_features="extra " * (number % 4),
            )
        params = {"sort": sort, "q": "extra"}
        everything = list(filter_measures(params)[0].values_list("title", flat=True))
        pages = [titles(get(client, **params, page=page)) for page in (1, 2, 3)]
        assert [len(page) for page in pages] == [20, 20, 5]
        assert [title for page in pages for title in page] == everything

    @pytest.mark.parametrize("page", ["99999", "-1", "0", "abc", "1.5", ""])
    def test_pages_out_of_range_are_404(self, client, catalogue, page):
        response = client.get(LIST, {"page": page, "party": "CAN"}, follow=True)
        if page == "":
            assert response.status_code == 200
        else:
            assert response.status_code == 404

    def test_empty_result_suggests_which_filter_to_remove(self, client, catalogue):
        response = get(client, goal="4", party="CAN")
        assert response.context["paginator"].count == 0
        removals = {
            str(removal["label"]): (removal["count"], removal["url"]) for removal in response.context["removals"]
        }
        assert removals == {"Goal": (2, "?party=CAN"), "Party": (2, "?goal=4")}
        html = response.content.decode()
        assert "No published measure matches these filters." in html
        assert "Remove “Party” to see 2 measures" in html

    def test_sort_options(self, client, catalogue):
        newest = titles(get(client))
        assert newest[0] in {"Artist residencies abroad", "Protecting musicians' freedom of expression"}
        oldest = titles(get(client, sort="year"))
        assert set(oldest[:2]) == {"Canada Music Fund", "Creative Europe programme"}
        by_title = titles(get(client, sort="title"))
        assert by_title[:3] == ["Artist residencies abroad", "Canada Music Fund", "Creative Europe programme"]
        by_party = titles(get(client, sort="party"))
        assert by_party[-1] == "Protecting musicians' freedom of expression"
        assert by_party.index("Creative Europe programme") < by_party.index(
            "Égalité between women and men in publishing"
        )


class TestBadValues:
    @pytest.mark.parametrize(
        ("params", "field", "message"),
        [
            ({"goal": "abc"}, "goal", "Unknown goal: abc."),
            ({"year_from": "x"}, "year_from", "Enter a year as four digits"),
            ({"party": "ZZZ"}, "party", "Unknown Party code: ZZZ."),
            ({"region": "VII"}, "region", "Unknown electoral group: VII."),
            ({"area": "nowhere"}, "area", "Unknown area of monitoring: nowhere."),
            ({"domain": "nothing"}, "domain", "Unknown cultural domain: nothing."),
            ({"reported_by": "robots"}, "reported_by", "Unknown value: robots."),
            ({"report_year": "20x0"}, "report_year", "Enter years as four digits"),
            ({"youth": "maybe"}, "youth", "Use youth=true"),
            ({"sort": "random"}, "sort", "Unknown sort order: random."),
            ({"year_from": "99999999999999999999"}, "year_from", "Enter a year up to 2100."),
            ({"year_from": "2020", "year_to": "2010"}, "year_to", "must not be before its start"),
            ({"q": "a" * 201}, "q", "Search is too long."),
        ],
    )
    def test_a_bad_value_is_shown_next_to_its_filter_and_only_that_filter_is_ignored(
        self, client, catalogue, params, field, message
    ):
        response = get(client, region="I", **params) if field != "region" else get(client, **params)
        assert response.status_code == 200
        assert message in " ".join(response.context["errors"][field])
        html = response.content.decode()
        assert message.replace("'", "&#x27;") in html
        assert f'id="filter-{field}"' in html
        if field != "region":
            # The other filter still applies: only group I measures (minus what a valid year_from keeps).
            assert keys(catalogue, response) <= {"cdce", "canada_music", "france_gender"}
            assert keys(catalogue, response)

    def test_bad_party_among_good_ones_reports_the_bad_one(self, client, catalogue):
        response = get(client, party=["CAN", "ZZZ"])
        assert "Unknown Party code: ZZZ." in response.content.decode()

    def test_filter_helper_returns_queryset_and_errors(self, catalogue):
        measures, errors = filter_measures({"goal": ["abc"], "party": ["can"]})
        assert set(measures.values_list("title", flat=True)) == {
            "Support to other coalitions for diversity",
            "Canada Music Fund",
        }
        assert list(errors) == ["goal"]

    def test_default_queryset_is_published_measures_only(self, catalogue):
        assert MeasureFilter({}).qs.count() == 6
        assert not MeasureFilter({}).qs.exclude(status=Measure.Status.PUBLISHED).exists()


PARAMETERS = [
    "q",
    "party",
    "region",
    "goal",
    "area",
    "domain",
    "reported_by",
    "year_from",
    "year_to",
    "report_year",
    "language",
    "youth",
    "preferential",
    "innovative",
    "sort",
    "page",
]
values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "-1", "0", "1", "9" * 30, "CAN", "true", "I", "Va", "fr", "OTHER", '"x', "-", "or", "%", "\x00", "é"]
    ),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), st.lists(values, min_size=1, max_size=3), max_size=5))
def test_arbitrary_values_never_give_a_server_error(catalogue, params):
    client = django.test.Client()
    query = urlencode(params, doseq=True)
    for url in (LIST, "/measures/export.csv", "/measures/feed/"):
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, (url, params)
        if response.streaming:
            b"".join(response.streaming_content)


class TestQueryCount:
    @pytest.mark.parametrize("extra", [0, 45])
    def test_at_most_eleven_queries_whatever_the_filters_and_page_size(
        self, client, catalogue, django_assert_max_num_queries, extra
    ):
        for number in range(extra):
            measure = make_measure(
                party=catalogue.parties["FRA" if number % 2 else "CAN"],
                status="published",
                title=f"Bulk measure {number}",
                report_year=2020,
                period_start=2015,
                is_youth=True,
            )
            measure.areas.set([catalogue.areas["gender-equality"]])
            measure.domains.set([catalogue.domains["music"]])
        every_filter = {
            "party": ["CAN", "FRA"],
            "region": "I",
            "goal": ["1", "4"],
            "area": ["gender-equality", "cultural-and-creative-sectors"],
            "domain": "music",
            "reported_by": "party",
            "year_from": "2014",
            "year_to": "2030",
            "report_year": ["2016", "2020"],
            "youth": "true",
            "q": "measure",
            "sort": "title",
        }
        responses = []
        for params in ({}, every_filter, {**every_filter, "page": "2"} if extra else {"goal": "abc"}):
            # +9 on PostgreSQL under a search sorted by title: the blocks that read the matches through the GIN
            # index (search.matches_from_index), four statements each, for the facets (and their count without
            # `q`) and for the page's ids.
            with django_assert_max_num_queries(11 + (9 if connection.vendor == "postgresql" else 0)):
                responses.append(get(client, **params))
            assert responses[-1].status_code == 200
        if extra:
            assert len(responses[1].context["measures"]) == 20


def fieldset(html, name):
    """The HTML of one filter's fieldset on the list page."""
    start = html.index(f'id="filter-{name}"')
    return html[start : html.index("</fieldset>", start)]


class TestAddressesCarryOnlyTheFiltersInUse:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("?q=&area=gender-equality&year_from=&year_to=", "/measures/?area=gender-equality"),
            ("?q=&party=CAN&year_from=&goal=1&goal=&year_to=&goal=4", "/measures/?party=CAN&goal=1&goal=4"),
            ("?year_to=2020&q=+&party=&year_from=2010", "/measures/?year_to=2020&year_from=2010"),
            ("?goal=abc&q=", "/measures/?goal=abc"),  # a bad value stays, to be reported
            ("?page=2&q=&sort=title", "/measures/?page=2&sort=title"),
            ("?q=&synthetic=&year_from=", "/measures/"),
        ],
    )
    def test_empty_parameters_redirect_to_the_same_filters_without_them(self, client, catalogue, query, expected):
        response = client.get(LIST + query)
        assert response.status_code == 302
        assert response["Location"] == expected

    def test_the_redirect_keeps_the_language(self, client, catalogue):
        response = client.get("/fr/measures/?q=&party=CAN")
        assert response.status_code == 302
        assert response["Location"] == "/fr/measures/?party=CAN"

    def test_an_address_without_empty_parameters_is_served_as_is(self, client, catalogue):
        assert get(client, party="CAN", goal="1").status_code == 200
        assert client.get(LIST).status_code == 200

    @pytest.mark.parametrize("path", ["/measures/export.csv", "/measures/export.xlsx", "/measures/feed/"])
    def test_downloads_and_feed_take_empty_parameters_as_before(self, client, catalogue, path):
        response = client.get(f"{path}?q=&party=CAN&year_from=")
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)

    def test_no_link_on_the_page_carries_an_empty_parameter(self, client, catalogue):
        for number in range(25):
            make_measure(party=catalogue.parties["CAN"], status="published", title=f"Extra {number}", is_youth=True)
        response = client.get(LIST + "?q=&party=CAN&year_from=&youth=true&year_to=&sort=title", follow=True)
        assert response.redirect_chain == [("/measures/?party=CAN&youth=true&sort=title", 302)]
        html = response.content.decode()
        links = [unescape(href) for href in re.findall(r'href="([^"]*\?[^"]*)"', html)]
        assert any("page=2" in link for link in links)  # pagination
        assert any("sort=party" in link for link in links)  # sort
        assert any("/measures/feed/?" in link for link in links)
        assert any("/measures/export.csv?" in link for link in links)
        for link in links:
            query = urlsplit(link).query
            assert all(value for _name, value in parse_qsl(query, keep_blank_values=True)), link
        assert 'href="?party=CAN&amp;youth=true&amp;sort=title&amp;page=2"' in html


class TestFacetsOutOfTheWay:
    def test_options_without_results_are_behind_show_more_and_still_in_the_page(self, client, catalogue):
        html = get(client, party="CAN").content.decode()
        goal = fieldset(html, "goal")
        shown, more = goal.split('<details class="facet-more">')
        assert 'name="goal" value="1"' in shown
        assert "<summary>Show 3 more</summary>" in more
        for number in ("2", "3", "4"):
            assert f'name="goal" value="{number}" id="id_goal_{number}"' in more
        assert "<details" not in fieldset(html, "reported_by")  # both have results

    def test_flags_without_results_are_behind_show_more_unless_chosen(self, client, catalogue):
        flags = fieldset(get(client, year_from="2099").content.decode(), "flags")
        shown, more = flags.split('<details class="facet-more">')
        assert "<summary>Show 3 more</summary>" in more
        assert all(f'name="{name}"' in more for name in ("youth", "preferential", "innovative"))
        flags = fieldset(get(client, year_from="2099", youth="true").content.decode(), "flags")
        shown, more = flags.split('<details class="facet-more">')
        assert 'name="youth" value="true" id="id_youth" checked' in shown
        assert "Show 2 more" in more and 'name="youth"' not in more

    def test_a_chosen_option_is_never_hidden(self, client, catalogue):
        html = get(client, party="CAN", goal="4").content.decode()
        shown, more = fieldset(html, "goal").split('<details class="facet-more">')
        assert 'name="goal" value="4" id="id_goal_4" checked' in shown
        assert "Show 2 more" in more and 'value="4"' not in more

    def test_every_option_without_results_leaves_a_note(self, client, catalogue):
        html = get(client, year_from="2099").content.decode()
        area = fieldset(html, "area")
        assert "No measure to count here under the other filters." in area
        assert "Show " in area and 'name="area" value="gender-equality"' in area

    def test_the_party_list_has_a_box_to_narrow_it_that_scripts_show(self, client, catalogue):
        party = fieldset(get(client).content.decode(), "party")
        box = re.search(r'<div class="facet-search" data-facet-search hidden>.*?</div>', party, re.DOTALL).group()
        assert '<label for="facet-search-party">Find a Party in this list</label>' in box
        assert "name=" not in box  # never sent with the form

    def test_the_filters_toggle_says_how_many_are_active(self, client, catalogue):
        html = get(client, party=["CAN", "FRA"], goal="1").content.decode()
        assert '<summary class="filter-panel__toggle">Filters (3 active)</summary>' in html
        assert '<summary class="filter-panel__toggle">Filters</summary>' in get(client).content.decode()
        assert '<details class="filter-panel" open data-filter-panel>' in html

    def test_the_result_count_can_take_focus_in_a_live_region(self, client, catalogue):
        html = get(client).content.decode()
        assert '<div id="results" class="result-summary" aria-live="polite">' in html
        assert '<h2 id="results-heading" class="result-count" tabindex="-1">' in html
        assert '<script src="/static/js/filters.js" defer></script>' in html


class TestLanguages:
    def test_french_page_has_french_lang_and_names(self, client, catalogue):
        response = client.get("/fr/measures/?region=III&region=I")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="fr">' in html
        assert "Objectif 1" in html
        assert "Mexique" in html

    def test_language_switcher_keeps_the_page_and_its_filters(self, client, catalogue):
        html = get(client, goal="1", party="CAN").content.decode()
        assert 'href="/fr/measures/?goal=1&amp;party=CAN"' in html
        assert 'href="/es/measures/?goal=1&amp;party=CAN"' in html

    def test_record_content_keeps_its_language(self, client, catalogue):
        measure = catalogue.measures["france_gender"]
        measure.language = "fr"
        measure.save()
        html = get(client, party="FRA").content.decode()
        assert f'<a href="/measures/{measure.pk}/" lang="fr">' in html


def test_home_has_search_box_figures_and_latest_measures(client, catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        response = client.get("/")
    html = response.content.decode()
    assert 'action="/measures/"' in html and 'name="q"' in html
    assert response.context["measure_count"] == 6
    assert response.context["civil_society_count"] == 2
    assert response.context["party_count"] == 5
    latest = [measure.title for measure in response.context["latest_measures"]]
    assert latest[0] == "Creative Europe programme"
    assert len(latest) == 5
    assert "Creative Europe programme" in html
    assert "Draft measure" not in html
    assert "{# upcoming and recent meetings #}" not in html
    assert html.count("<h1") == 1
