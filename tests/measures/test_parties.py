"""The Parties list (/parties/) and a Party's page (/parties/<iso3>/)."""

import datetime
import unicodedata

import hypothesis
import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st

from measures.models import Measure, Party, PeriodicReport, ReportingCycle
from tests.factories import make_measure, make_organisation, make_party

pytestmark = pytest.mark.django_db


PUBLISHED = Measure.Status.PUBLISHED


@pytest.fixture
def parties():
    """Four Parties that differ on every filter and every sortable column."""
    return {
        "alpha": make_party(
            name_en="Alphaland",
            name_fr="Alphalande",
            name_es="Alfalandia",
            iso3="AAA",
            electoral_group="I",
            instrument=Party.Instrument.RATIFICATION,
            deposit_date=datetime.date(2006, 5, 1),
        ),
        "beta": make_party(
            name_en="Betaland",
            name_fr="Zêtalande",
            name_es="Betalandia",
            iso3="BBB",
            electoral_group="Va",
            instrument=Party.Instrument.ACCESSION,
            deposit_date=datetime.date(2010, 3, 2),
        ),
        "gamma": make_party(
            name_en="Gammaland",
            name_fr="Gammalande",
            iso3="CCC",
            electoral_group="",
            instrument="",
            deposit_date=datetime.date(2015, 7, 7),
        ),
        "union": make_party(
            name_en="Union of Testlands",
            name_fr="Union des Testlandes",
            iso3="",
            kind=Party.Kind.REIO,
            electoral_group="",
            instrument=Party.Instrument.APPROVAL,
            deposit_date=datetime.date(2006, 12, 18),
        ),
    }


def listed(client, url=None, **params):
    response = client.get(url or reverse("measures:party-list"), params)
    assert response.status_code == 200
    return response, [party.name_en for party in response.context["parties"]]


ALL = ["Alphaland", "Betaland", "Gammaland", "Union of Testlands"]


class TestPartyListFilters:
    def test_without_filters_every_party_is_listed_by_name(self, client, parties):
        response, names = listed(client)
        assert names == ALL
        assert "4 Parties" in response.content.decode()

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ("beta", ["Betaland"]),
            ("BBB", ["Betaland"]),
            ("bbb", ["Betaland"]),
            ("Zêtalande", ["Betaland"]),
            ("alfalandia", ["Alphaland"]),
            ("land", ALL),
            ("  ", ALL),
            ("nowhere", []),
        ],
    )
    def test_q_matches_any_name_or_the_iso_code(self, client, parties, q, expected):
        assert listed(client, q=q)[1] == expected

    def test_region_alone_and_repeated(self, client, parties):
        assert listed(client, region="I")[1] == ["Alphaland"]
        assert listed(client, region=["I", "Va"])[1] == ["Alphaland", "Betaland"]

    def test_instrument_alone_repeated_and_not_recorded(self, client, parties):
        assert listed(client, instrument="accession")[1] == ["Betaland"]
        assert listed(client, instrument=["accession", "approval"])[1] == ["Betaland", "Union of Testlands"]
        assert listed(client, instrument="none")[1] == ["Gammaland"]
        assert listed(client, instrument=["none", "ratification"])[1] == ["Alphaland", "Gammaland"]

    def test_kind(self, client, parties):
        assert listed(client, kind="reio")[1] == ["Union of Testlands"]
        assert listed(client, kind="state")[1] == ["Alphaland", "Betaland", "Gammaland"]

    def test_deposit_years_are_inclusive(self, client, parties):
        assert listed(client, deposited_from="2010")[1] == ["Betaland", "Gammaland"]
        assert listed(client, deposited_to="2006")[1] == ["Alphaland", "Union of Testlands"]
        assert listed(client, deposited_from="2007", deposited_to="2012")[1] == ["Betaland"]

    def test_filters_combine_with_and(self, client, parties):
        assert listed(client, region=["I", "Va"], deposited_from="2007")[1] == ["Betaland"]
        assert listed(client, q="land", kind="state", instrument="none")[1] == ["Gammaland"]
        assert listed(client, region="I", kind="reio")[1] == []

    def test_every_column_is_shown(self, client, parties):
        make_measure(party=parties["beta"], status=PUBLISHED)
        response, _names = listed(client, q="Betaland")
        html = response.content.decode()
        assert 'href="/parties/bbb/"' in html
        assert "Group V(a) (Africa)" in html
        assert "Accession" in html
        assert "2 March 2010" in html
        assert "2 June 2010" in html  # entry into force: three months after deposit


class TestPartyListSorting:
    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("name", ALL),
            ("-name", list(reversed(ALL))),
            ("deposit", ["Alphaland", "Union of Testlands", "Betaland", "Gammaland"]),
            ("-deposit", ["Gammaland", "Betaland", "Union of Testlands", "Alphaland"]),
            ("entry", ["Alphaland", "Union of Testlands", "Betaland", "Gammaland"]),
            # Parties without an electoral group come last in both directions.
            ("group", ["Alphaland", "Betaland", "Gammaland", "Union of Testlands"]),
            ("-group", ["Betaland", "Alphaland", "Gammaland", "Union of Testlands"]),
            ("instrument", ["Betaland", "Union of Testlands", "Alphaland", "Gammaland"]),
        ],
    )
    def test_sort_by_each_column(self, client, parties, sort, expected):
        assert listed(client, sort=sort)[1] == expected

    def test_sort_by_published_measures_counts_published_ones_only(self, client, parties):
        for _ in range(2):
            make_measure(party=parties["gamma"], status=PUBLISHED)
        make_measure(party=parties["alpha"], status=PUBLISHED)
        for _ in range(3):
            make_measure(party=parties["beta"], status=Measure.Status.DRAFT)
        response, names = listed(client, sort="-measures")
        assert names == ["Gammaland", "Alphaland", "Betaland", "Union of Testlands"]
        assert [party.measure_count for party in response.context["parties"]] == [2, 1, 0, 0]

    def test_headers_link_to_the_other_direction_and_say_which_is_active(self, client, parties):
        html = listed(client, sort="deposit", region=["I", "Va"])[0].content.decode()
        assert 'aria-sort="ascending"' in html
        assert "?sort=-deposit&amp;region=I&amp;region=Va" in html or "region=I&amp;region=Va&amp;sort=-deposit" in html
        html = listed(client, sort="-deposit")[0].content.decode()
        assert 'aria-sort="descending"' in html
        assert html.count("aria-sort=") == 1

    def test_filtering_keeps_the_sort(self, client, parties):
        html = listed(client, sort="-deposit")[0].content.decode()
        assert '<input type="hidden" name="sort" value="-deposit">' in html


class TestPartyListBadInput:
    @pytest.mark.parametrize(
        "params",
        [
            {"region": "ZZ"},
            {"region": ["I", "ZZ"]},
            {"instrument": "treaty"},
            {"kind": "empire"},
            {"deposited_from": "x"},
            {"deposited_to": "99999"},
            {"deposited_from": "-5"},
            {"sort": "bogus"},
            {"sort": "--name"},
            {"q": "a" * 500},
            {"q": "nul\x00byte"},
        ],
    )
    def test_bad_values_give_a_message_not_an_error(self, client, parties, params):
        response = client.get(reverse("measures:party-list"), params)
        assert response.status_code == 200
        assert 'class="dir-error"' in response.content.decode()

    def test_a_bad_filter_is_ignored_and_the_others_still_apply(self, client, parties):
        response, names = listed(client, region="ZZ", kind="reio")
        assert names == ["Union of Testlands"]
        assert "ZZ is not one of the available choices" in response.content.decode()

    def test_bad_year_message_is_next_to_its_field(self, client, parties):
        html = listed(client, deposited_from="x")[0].content.decode()
        assert 'id="id_deposited_from-error"' in html
        assert 'aria-describedby="id_deposited_from-error"' in html

    def test_reversed_year_range_is_reported_and_the_first_year_still_applies(self, client, parties):
        response, names = listed(client, deposited_from="2010", deposited_to="2006")
        assert "The last year must not be before the first." in response.content.decode()
        assert names == ["Betaland", "Gammaland"]

    def test_bogus_sort_keeps_the_default_order(self, client, parties):
        assert listed(client, sort="bogus")[1] == ALL

    @pytest.mark.parametrize("page", ["99999", "-1", "abc"])
    def test_page_out_of_range_is_not_found(self, client, parties, page):
        assert client.get(reverse("measures:party-list"), {"page": page}).status_code == 404

    def test_empty_state_suggests_which_filter_to_remove(self, client, parties):
        html = listed(client, region="I", kind="reio")[0].content.decode()
        assert "No Party matches these filters." in html
        assert "Remove “Electoral group”" in html
        assert 'href="?kind=reio"' in html
        assert "Clear all filters" in html


class TestPartyListPaging:
    def test_pagination_keeps_the_filters_and_the_query_count_stays_flat(self, client, django_assert_max_num_queries):
        for number in range(120):
            party = make_party(name_en=f"State {number:03d}", iso3=f"{number:03d}", electoral_group="I")
            make_measure(party=party, status=PUBLISHED)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("measures:party-list"), {"region": "I", "page": 2})
        assert response.status_code == 200
        assert len(response.context["parties"]) == 50
        assert response.context["parties"][0].name_en == "State 050"
        html = response.content.decode()
        assert "region=I&amp;page=3" in html
        assert "Page 2 of 3" in html

    def test_query_count_does_not_grow_with_the_page(self, client, django_assert_max_num_queries):
        for _number in range(5):
            make_measure(party=make_party(), status=PUBLISHED)
        with django_assert_max_num_queries(10):
            assert client.get(reverse("measures:party-list"), {"sort": "-measures"}).status_code == 200


class TestPartyListLanguages:
    def test_french_page_shows_french_names_in_french_order(self, client, parties):
        response = client.get("/fr/parties/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="fr">' in html
        names = [party.name for party in response.context["parties"]]
        assert names == ["Alphalande", "Gammalande", "Union des Testlandes", "Zêtalande"]
        assert "Zêtalande" in html

    def test_spanish_name_falls_back_to_english_where_missing(self, client, parties):
        response = client.get("/es/parties/")
        assert '<html lang="es">' in response.content.decode()
        names = [party.name for party in response.context["parties"]]
        assert names == ["Alfalandia", "Betalandia", "Gammaland", "Union of Testlands"]

    def test_dates_are_formatted_for_the_language(self, client, parties):
        html = client.get("/fr/parties/", {"q": "BBB"}).content.decode()
        assert "2 mars 2010" in html

    def test_accented_names_sort_with_their_letter(self, client, reference_data):
        response = client.get("/fr/parties/", {"region": "Vb"})
        names = [party.name for party in response.context["parties"]]
        assert "Égypte" in names

        def folded(name):
            return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()

        assert names == sorted(names, key=folded)
        # By code point "É" would come after every unaccented letter.
        assert folded(names[names.index("Égypte") + 1]) > "egypte" > folded(names[names.index("Égypte") - 1])
        assert names[-1] != "Égypte"

    def test_real_parties_in_french(self, client, reference_data):
        response = client.get("/fr/parties/", {"q": "allemagne"})
        assert [party.iso3 for party in response.context["parties"]] == ["DEU"]
        assert "Allemagne" in response.content.decode()


def make_cycle(year, deadline):
    return ReportingCycle.objects.create(year=year, deadline=deadline)


class TestPartyDetail:
    def test_canada_facts_reports_measures_and_organisations(self, client, reference_data):
        response = client.get("/parties/can/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>Canada</h1>" in html
        assert "28 November 2005" in html
        assert "Group I (Western Europe and North America)" in html
        # A civil society contribution shows Canada's 2024 report as submitted (measures/data/reports.csv).
        rows = {row.cycle.year: row for row in response.context["profile"].reporting_history}
        assert rows[2024].report.status == PeriodicReport.Status.SUBMITTED
        assert rows[2024].report.submission_year == 2024
        assert rows[2024].is_overdue is False
        assert rows[2012].is_overdue is False  # no deadline recorded for 2012
        # The CDCE measure was reported in Canada's 2020 report.
        assert [rows[year].measure_count for year in (2012, 2016, 2020, 2024, 2027)] == [0, 0, 1, 0, 0]
        assert 'href="/measures/?party=CAN&amp;report_year=2020"' in html
        assert 'class="dir-overdue"' not in html
        assert response.context["profile"].tally.total == 1
        assert "Provided support to other coalitions" in html
        assert 'href="/measures/?party=CAN"' in html
        assert "Coalition for the Diversity of Cultural Expressions (CDCE)" in html
        # Only the reports the sources show are recorded; the page creates none.
        assert PeriodicReport.objects.filter(party__iso3="CAN").count() == 3

    def test_upper_case_code_redirects_to_the_lower_case_address(self, client, reference_data):
        response = client.get("/parties/CAN/")
        assert response.status_code == 301
        assert response["Location"] == "/parties/can/"
        assert client.get("/fr/parties/Can/")["Location"] == "/fr/parties/can/"

    def test_european_union_lives_at_eu(self, client, reference_data):
        response = client.get("/parties/eu/")
        assert response.status_code == 200
        assert "European Union" in response.content.decode()

    @pytest.mark.parametrize("code", ["zzz", "ZZZ", "c", "canada"])
    def test_unknown_code_is_not_found(self, client, reference_data, code):
        response = client.get(f"/parties/{code}/", follow=True)
        assert response.status_code == 404

    def test_report_statuses_overdue_only_where_it_is(self, client):
        today = timezone.localdate()
        party = make_party(name_en="Alphaland", iso3="AAA", deposit_date=datetime.date(2006, 5, 1))
        past = make_cycle(today.year - 2, today - datetime.timedelta(days=30))
        older = make_cycle(today.year - 6, today - datetime.timedelta(days=1500))
        make_cycle(today.year + 1, today + datetime.timedelta(days=200))
        PeriodicReport.objects.create(party=party, cycle=past, status=PeriodicReport.Status.DRAFT)
        PeriodicReport.objects.create(
            party=party,
            cycle=older,
            status=PeriodicReport.Status.SUBMITTED,
            submission_date=today - datetime.timedelta(days=1600),
        )
        response = client.get(party.get_absolute_url())
        rows = [
            (row.cycle.year, row.report.status, row.is_overdue) for row in response.context["profile"].reporting_history
        ]
        # No report is recorded for next year's cycle, which does not say every Party is expected: not recorded.
        assert rows == [
            (today.year + 1, "not_recorded", False),
            (today.year - 2, "draft", True),
            (today.year - 6, "submitted", False),
        ]
        html = response.content.decode()
        assert html.count('class="dir-overdue"') == 2  # in the time line and in the table
        assert "Draft" in html and "Submitted" in html and "Not recorded" in html

    def test_cycles_before_the_party_joined_are_not_expected(self, client):
        today = timezone.localdate()
        make_cycle(2012, None)
        make_cycle(2024, datetime.date(2024, 6, 30))
        newcomer = make_party(name_en="Newland", iso3="NEW", deposit_date=datetime.date(2025, 10, 1))
        response = client.get(newcomer.get_absolute_url())
        assert response.context["profile"].reporting_history == []
        assert "No reporting cycle applies to this Party yet." in response.content.decode()
        assert today  # the rule does not depend on today's date

    def test_declarations_and_unpublished_measures(self, client):
        party = make_party(name_en="Alphaland", iso3="AAA", declarations="On Article 25: conciliation.")
        make_measure(party=party, title="Withdrawn one", status=Measure.Status.WITHDRAWN)
        html = client.get(party.get_absolute_url()).content.decode()
        assert "On Article 25: conciliation." in html
        assert "Withdrawn one" not in html
        assert "No published measure yet." in html

    def test_latest_measures_are_a_few_with_a_link_to_all(self, client):
        party = make_party(name_en="Alphaland", iso3="AAA")
        for number in range(8):
            make_measure(party=party, title=f"Measure number {number}", status=PUBLISHED)
        response = client.get(party.get_absolute_url())
        assert response.context["profile"].tally.total == 8
        assert len(response.context["measures"]) == 5
        assert "See all 8 published measures of Alphaland" in response.content.decode()

    def test_organisations_based_there(self, client):
        party = make_party(name_en="Alphaland", iso3="AAA")
        make_organisation(name="Alpha Coalition", acronym="AC", country=party)
        make_organisation(name="Elsewhere Federation")
        html = client.get(party.get_absolute_url()).content.decode()
        assert "Alpha Coalition (AC)" in html
        assert "Elsewhere Federation" not in html

    def test_query_count(self, client, reference_data, django_assert_max_num_queries):
        # Savepoint and release; the Party; goals; areas; cycles; its reports; its measures grouped (measures.
        # directory.profiles); the latest measures; organisations; meetings held or organised there; bodies it sits
        # on; the count of synthetic measures for the demo-data banner (measures.context_processors).
        with django_assert_max_num_queries(14):
            assert client.get("/parties/can/").status_code == 200

    def test_french_party_page(self, client, reference_data):
        html = client.get("/fr/parties/deu/").content.decode()
        assert '<html lang="fr">' in html
        assert "<h1>Allemagne</h1>" in html
        assert "12 mars 2007" in html


LIST_PARAMETERS = {
    "/parties/": ["q", "region", "instrument", "kind", "deposited_from", "deposited_to", "sort", "page"],
    "/reports/": ["cycle", "status", "region", "sort"],
    "/organizations/": ["q", "kind", "country", "sort", "page"],
    "/stats/": [
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
        "youth",
        "preferential",
        "innovative",
        "sort",
    ],
}


@pytest.mark.parametrize("path", list(LIST_PARAMETERS))
def test_arbitrary_values_never_give_a_server_error(client, parties, path):
    ReportingCycle.objects.create(year=2024, deadline=datetime.date(2024, 6, 30))
    values = st.lists(st.text(max_size=40) | st.integers().map(str), min_size=1, max_size=3)

    @hypothesis.settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture, hypothesis.HealthCheck.too_slow],
    )
    @hypothesis.given(params=st.dictionaries(st.sampled_from(LIST_PARAMETERS[path]), values, max_size=4))
    def check(params):
        response = client.get(path, params)
        assert response.status_code in (200, 404), (params, response.status_code)

    check()
