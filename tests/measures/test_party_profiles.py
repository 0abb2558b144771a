"""The Party profile (/parties/<iso3>/) as a story (summary, small map, measures by goal and area, reporting time
line, comparison across cycles) and the comparison of Parties (/parties/compare/): figures, bad input, queries."""

import datetime
import html as html_lib
import re

import pytest

from measures.directory.profiles import build_profiles, parties_to_compare
from measures.models import Measure, Party, PeriodicReport, ReportingCycle
from tests.factories import make_measure, make_organisation, make_party
from tests.support.catalogue import build_framework

pytestmark = pytest.mark.django_db

PUBLISHED = Measure.Status.PUBLISHED


def text(html):
    """What a reader sees: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def world(db):
    """Alphaland: two reports (2016 submitted, 2020 submitted), measures in both cycles and one outside them;
    Betaland: one measure; a draft that counts nowhere."""
    goals, areas, _domains = build_framework()
    cycles = {
        year: ReportingCycle.objects.create(year=year, deadline=datetime.date(year, 6, 30))
        for year in (2012, 2016, 2020)
    }
    alpha = make_party(
        name_en="Alphaland",
        name_fr="Alphalande",
        iso3="AAA",
        entry_into_force=datetime.date(2008, 3, 1),
        deposit_date=datetime.date(2007, 12, 1),
        instrument="ratification",
        electoral_group="I",
    )
    beta = make_party(name_en="Betaland", iso3="BBB", entry_into_force=datetime.date(2019, 1, 1))
    for year in (2016, 2020):
        PeriodicReport.objects.create(
            party=alpha, cycle=cycles[year], status=PeriodicReport.Status.SUBMITTED, submission_year=year
        )
    organisation = make_organisation(name="Alpha Coalition")

    def measure(party, area_slugs, report_year, **fields):
        fields.setdefault("status", PUBLISHED)
        created = make_measure(party=party, report_year=report_year, **fields)
        created.areas.set([areas[slug] for slug in area_slugs])
        return created

    measure(alpha, ["artistic-freedom"], 2016)
    measure(alpha, ["artistic-freedom", "cultural-and-creative-sectors"], 2020)
    measure(alpha, ["artistic-freedom"], 2020)
    measure(
        alpha,
        ["mobility-of-artists-and-cultural-professionals"],
        2020,
        reported_by=Measure.ReportedBy.CIVIL_SOCIETY,
        organisation=organisation,
    )
    measure(alpha, ["gender-equality"], 2019)  # a report year that is no cycle's
    measure(alpha, ["gender-equality"], 2020, status=Measure.Status.DRAFT)
    measure(beta, ["gender-equality"], 2020)
    return {"alpha": alpha, "beta": beta, "areas": areas, "goals": goals, "cycles": cycles}


class TestFigures:
    def test_tallies_count_published_measures_by_goal_area_and_cycle(self, world):
        (profile,) = build_profiles([world["alpha"]])
        areas = world["areas"]
        assert profile.tally.total == 5
        assert profile.tally.civil_society == 1
        assert profile.tally.areas[areas["artistic-freedom"].pk] == 3
        assert profile.tally.areas[areas["gender-equality"].pk] == 1
        assert profile.tally.goals[4] == 4  # artistic freedom and gender equality are under goal 4
        assert profile.tally.goals[1] == 1
        assert sorted(profile.tallies_by_year) == [2016, 2019, 2020]
        assert profile.tallies_by_year[2020].total == 3
        assert profile.measures_outside_cycles == 1

    def test_reporting_history_keeps_not_recorded_apart(self, world):
        (profile,) = build_profiles([world["alpha"]])
        statuses = {step.cycle.year: step.report.status for step in profile.reporting_history}
        assert statuses == {2020: "submitted", 2016: "submitted", 2012: "not_recorded"}
        assert [step.cycle.year for step in profile.timeline] == [2012, 2016, 2020]
        assert profile.reports_on_record == 2

    def test_a_cycle_before_the_party_joined_is_not_in_its_history(self, world):
        (profile,) = build_profiles([world["beta"]])
        assert [step.cycle.year for step in profile.reporting_history] == [2020]

    def test_across_cycles_names_what_is_new_since_the_previous_report(self, world):
        (profile,) = build_profiles([world["alpha"]])
        table = profile.across_cycles()
        assert [column.cycle.year for column in table["columns"]] == [2016, 2020]
        rows = {row["label"]: row for row in table["rows"]}
        freedom = rows[world["areas"]["artistic-freedom"].name]
        assert [cell["count"] for cell in freedom["cells"]] == [1, 2]
        assert freedom["change"] == 1 and not freedom["is_new"]
        mobility = rows[world["areas"]["mobility-of-artists-and-cultural-professionals"].name]
        assert mobility["is_new"] and mobility["change"] == 1
        assert set(table["new_areas"]) == {
            world["areas"]["cultural-and-creative-sectors"].name,
            world["areas"]["mobility-of-artists-and-cultural-professionals"].name,
        }

    def test_profiles_of_several_parties_take_the_same_queries(self, world, django_assert_num_queries):
        many = [make_party(name_en=f"Extra {number}", iso3=f"X{number:02d}") for number in range(6)]
        for party in many:
            make_measure(party=party, status=PUBLISHED)
        # Goals, areas, cycles, reports, the grouped measures.
        with django_assert_num_queries(5):
            profiles = build_profiles([world["alpha"], world["beta"], *many])
            for profile in profiles:
                profile.reporting_history, profile.across_cycles(), profile.goal_rows(), profile.area_rows()


class TestProfilePage:
    def test_reads_as_a_story(self, client, world):
        html = client.get("/parties/aaa/").content.decode()
        page = text(html)
        assert "Party since 1 March 2008" in page
        assert "2 periodic reports on record" in page
        assert "5 published measures, 1 of them by civil society" in page
        assert 'class="locator"' not in html  # Alphaland has no shape on the world map
        assert "The world map has no single shape for Alphaland." in page
        order = [
            page.index("Party since"),
            page.index("Published measures by goal"),
            page.index("Published measures by area of monitoring"),
            page.index("Across report cycles"),
            page.index("Organisations based here"),
        ]
        assert order == sorted(order)

    def test_charts_have_their_figures_and_links(self, client, world):
        html = client.get("/parties/aaa/").content.decode()
        freedom = (
            r'href="/measures/\?party=AAA&amp;area=artistic-freedom">Artistic freedom</a></th>\s*<td class="dir-num">3<'
        )
        goal_four = r'href="/measures/\?party=AAA&amp;goal=4">4\. [^<]+</a></th>\s*<td class="dir-num">4</td>'
        assert re.search(freedom, html)
        assert re.search(goal_four, html)

    def test_timeline_in_order_with_statuses(self, client, world):
        html = client.get("/parties/aaa/").content.decode()
        steps = re.findall(
            r'<li class="timeline__step timeline__step--(\w+)">\s*<a class="timeline__year" href="([^"]+)">(\d{4})',
            html,
        )
        assert steps == [
            ("not_recorded", "/parties/aaa/reports/2012/", "2012"),
            ("submitted", "/parties/aaa/reports/2016/", "2016"),
            ("submitted", "/parties/aaa/reports/2020/", "2020"),
        ]

    def test_across_cycles_table(self, client, world):
        page = text(client.get("/parties/aaa/").content.decode())
        assert "The last column compares the 2020 report with the 2016 report." in page
        new = page.split("New in 2020, with no measure in 2016: ", 1)[1].split(".", 1)[0]
        assert sorted(new.split(", ")) == [
            "Cultural and creative sectors",
            "Mobility of artists and cultural professionals",
        ]
        assert "1 published measure has no report year of a cycle and is in no column." in page

    def test_a_party_shown_on_the_map_is_marked(self, client, reference_data):
        html = client.get("/parties/can/").content.decode()
        assert html.count('class="map-shape locator__here"') == 1
        assert "World map marking Canada" in html

    def test_a_small_party_gets_a_ring(self, client, reference_data):
        html = client.get("/parties/lux/").content.decode()
        assert 'class="locator__ring"' in html

    def test_the_eu_has_no_shape_and_says_so(self, client, reference_data):
        page = text(client.get("/parties/eu/").content.decode())
        assert "The world map has no single shape for European Union." in page

    def test_compare_link(self, client, world):
        html = client.get("/parties/aaa/").content.decode()
        assert 'href="/parties/compare/?party=AAA">Compare with other Parties…</a>' in html

    def test_only_one_cycle_with_measures(self, client, world):
        page = text(client.get("/parties/bbb/").content.decode())
        assert "Only the 2020 report has published measures here" in page

    def test_no_measures_no_charts(self, client, db):
        party = make_party(name_en="Emptyland", iso3="EEE")
        page = text(client.get(party.get_absolute_url()).content.decode())
        assert "No published measure yet." in page
        assert "Across report cycles" not in page

    @pytest.mark.parametrize(
        ("prefix", "expected"),
        [("/fr", "Partie depuis le 1 mars 2008"), ("/es", "Parte desde el 1 de marzo de 2008")],
    )
    def test_in_french_and_spanish(self, client, world, prefix, expected):
        page = text(client.get(f"{prefix}/parties/aaa/").content.decode())
        assert expected in page

    def test_query_count(self, client, reference_data, django_assert_max_num_queries):
        for party in Party.objects.filter(iso3__in=["CAN", "FRA"]):
            make_measure(party=party, status=PUBLISHED, report_year=2020)
        # Savepoint and release; the Party; goals; areas; cycles; its reports; its measures grouped; the latest
        # measures; organisations; meetings held or organised there; bodies it sits on; the demo-data banner's count.
        with django_assert_max_num_queries(14):
            assert client.get("/parties/can/").status_code == 200


class TestComparison:
    def test_two_parties_side_by_side(self, client, world):
        response = client.get("/parties/compare/", {"party": ["AAA", "bbb"]})
        assert response.status_code == 200
        html = response.content.decode()
        page = text(html)
        assert "Alphaland, Betaland, side by side" in page
        header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
        assert re.findall(r'<th scope="col"><a href="([^"]+)">([^<]+)</a></th>', header) == [
            ("/parties/aaa/", "Alphaland"),
            ("/parties/bbb/", "Betaland"),
        ]
        published = re.search(r"<th scope=\"row\">Published measures</th>(.*?)</tr>", html, re.S).group(1)
        assert re.findall(r'<a href="([^"]+)">(\d+)</a>', published) == [
            ("/measures/?party=AAA", "5"),
            ("/measures/?party=BBB", "1"),
        ]
        assert "Profile of Alphaland" in page and "Published measures of Betaland" in page

    def test_the_same_facts_as_the_profiles(self, client, world):
        html = client.get("/parties/compare/", {"party": ["AAA", "BBB"]}).content.decode()
        row = re.search(r"<th scope=\"row\">Artistic freedom</th>(.*?)</tr>", html, re.S).group(1)
        assert re.findall(r'class="share__count">(\d+)<', row) == ["3", "0"]
        assert re.findall(r'class="share__percent">(\d+)%<', row) == ["60", "0"]
        reports = re.search(r"<th scope=\"row\">Report of the 2012 cycle</th>(.*?)</tr>", html, re.S).group(1)
        assert "Not recorded" in reports and "not a Party in this cycle" in reports

    def test_landing_page_has_the_form_and_no_message(self, client, world):
        response = client.get("/parties/compare/")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('<select name="party"') == 4
        assert "dir-error" not in html

    def test_one_party_asks_for_another(self, client, world):
        response = client.get("/parties/compare/", {"party": "AAA"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Choose at least two Parties to compare." in html
        assert '<option value="AAA" selected>Alphaland</option>' in html
        assert "side by side</caption>" not in html

    def test_unknown_code_is_a_400_that_keeps_what_was_typed(self, client, world):
        response = client.get("/parties/compare/", {"party": ["AAA", "XYZ<script>", "BBB"]})
        assert response.status_code == 400
        html = response.content.decode()
        assert "“XYZ&lt;script&gt;” is not the code of a Party recorded here" in html
        assert (
            '<option value="XYZ&lt;script&gt;" selected>XYZ&lt;script&gt; (not a Party recorded here)</option>' in html
        )
        assert "<script>" not in html.split("<main", 1)[1].split("</main>")[0]
        assert "Alphaland, Betaland, side by side" in text(html)  # the valid ones are still compared

    def test_repeated_code_is_shown_once_with_a_message(self, client, world):
        response = client.get("/parties/compare/", {"party": ["AAA", "aaa", "BBB"]})
        assert response.status_code == 200
        page = text(response.content.decode())
        assert "Alphaland was asked for more than once; it is shown once." in page
        assert page.count("Profile of Alphaland") == 1

    def test_more_than_four_is_a_400_showing_the_first_four(self, client, world):
        extra = [make_party(name_en=f"Extra {number}", iso3=f"X{number:02d}") for number in range(3)]
        codes = ["AAA", "BBB", *[party.iso3 for party in extra]]
        response = client.get("/parties/compare/", {"party": codes})
        assert response.status_code == 400
        page = text(response.content.decode())
        assert "At most 4 Parties can be compared at once" in page
        assert "Profile of Extra 1" in page and "Profile of Extra 2" not in page

    def test_empty_and_blank_values_are_ignored(self, client, world):
        response = client.get("/parties/compare/?party=AAA&party=&party=%20&party=BBB")
        assert response.status_code == 200
        assert "Alphaland, Betaland, side by side" in text(response.content.decode())

    def test_eu_by_its_code(self, client, reference_data):
        response = client.get("/parties/compare/", {"party": ["EU", "FRA"]})
        assert response.status_code == 200
        page = text(response.content.decode())
        assert "European Union, France, side by side" in page
        assert "Not on this map, which has no shape for them at its scale: European Union." in page

    def test_in_french(self, client, world):
        html = client.get("/fr/parties/compare/", {"party": ["AAA", "BBB"]}).content.decode()
        assert '<html lang="fr">' in html
        assert "Alphalande, Betaland" in text(html)

    def test_parties_to_compare_in_order_given(self, world):
        comparison = parties_to_compare(["bbb", " AAA "])
        assert [party.iso3 for party in comparison.parties] == ["BBB", "AAA"]
        assert comparison.is_complete and not comparison.is_bad_request and comparison.messages == []

    def test_query_count_of_four(self, client, reference_data, django_assert_max_num_queries):
        for party in Party.objects.filter(iso3__in=["CAN", "FRA", "MEX", "SEN"]):
            make_measure(party=party, status=PUBLISHED, report_year=2020)
        # Savepoint and release; the Parties asked for; every Party for the form; goals; areas; cycles; reports;
        # the grouped measures; the demo-data banner's count.
        with django_assert_max_num_queries(11):
            response = client.get("/parties/compare/", {"party": ["CAN", "FRA", "MEX", "SEN"]})
        assert response.status_code == 200
