"""/about/: what the portal holds, where it comes from and how complete it is, with figures counted from the data;
linked from every page's footer and from the explanations of what is not recorded; the API documentation links
back to the portal."""

import datetime
import html as html_lib
import re

import pytest
from django.utils import timezone

from experts.models import Body, Meeting, Outcome
from measures.models import Measure, Party, PartyCount, PeriodicReport, ReportingCycle
from tests.factories.experts import make_meeting
from tests.factories.measures import make_measure, make_party

pytestmark = pytest.mark.django_db

LANGUAGES = {"en": "", "fr": "/fr", "es": "/es"}


def text(html):
    """What a reader sees: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def about(client, prefix=""):
    response = client.get(f"{prefix}/about/")
    assert response.status_code == 200
    return response.content.decode()


def main(html):
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def completeness(html):
    return text(main(html).split('id="completeness"', 1)[1].split('id="cite-heading"', 1)[0])


class TestFigures:
    def test_the_figures_are_those_of_the_data(self, client, reference_data):
        shown = completeness(about(client))
        party_count = PartyCount.objects.latest_known()
        as_of = party_count.as_of.strftime("%-d %B %Y")
        assert (
            f"{Party.objects.count()} Parties recorded here; the sources count at least {party_count.at_least} "
            f"(as of {as_of})."
        ) in shown
        dated = Party.objects.filter(deposit_date__isnull=False).count()
        assert f"{dated} of them with a documented date of deposit." in shown
        assert f"{PeriodicReport.objects.count()} periodic reports on record." in shown
        reporting = PeriodicReport.objects.values("party").distinct().count()
        assert f"Parties with a report on record: {reporting}." in shown
        for cycle in ReportingCycle.objects.all():
            reports = PeriodicReport.objects.filter(cycle=cycle).count()
            parties = Party.objects.filter(cycle.parties_of()).count()
            assert re.search(rf"\b{cycle.year} .*? {reports} {parties}\b", shown), cycle.year
        published = Measure.objects.published()
        real = published.filter(is_synthetic=False)
        assert real.count() >= 1
        noun = "measure reported by a Party or by civil society" if real.count() == 1 else "measures reported by"
        assert f"{real.count()} published {noun}" in shown
        civil_society = real.filter(reported_by=Measure.ReportedBy.CIVIL_SOCIETY).count()
        assert f"Reported by civil society: {civil_society}; by the Parties: {real.count() - civil_society}." in shown
        assert "synthetic example" not in shown  # none in the reference data
        meetings, dated_meetings = Meeting.objects.count(), Meeting.objects.filter(start_date__isnull=False).count()
        assert (
            f"Bodies: {Body.objects.count()}. Meetings: {meetings}, {dated_meetings} of them with their exact dates."
        ) in shown
        assert f"Outcomes (reports, recommendations, decisions): {Outcome.objects.count()}," in shown

    def test_a_new_party_changes_the_figure(self, client, reference_data):
        before = Party.objects.count()
        assert f"{before} Parties recorded here" in completeness(about(client))
        make_party(name_en="Newland", iso3="NWL")
        shown = completeness(about(client))
        assert f"{before + 1} Parties recorded here" in shown

    def test_published_measures_count_and_drafts_do_not(self, client, db):
        party = make_party()
        make_measure(party=party, status=Measure.Status.PUBLISHED)
        make_measure(party=party, status=Measure.Status.DRAFT, title="A secret draft")
        shown = completeness(about(client))
        assert "1 published measure reported by a Party or by civil society." in shown
        assert "Reported by civil society: 0; by the Parties: 1. Parties with a reported measure: 1." in shown
        make_measure(party=party, status=Measure.Status.PUBLISHED, source_url="https://example.org/m")
        shown = completeness(about(client))
        assert "2 published measures reported by Parties or by civil society." in shown
        assert "Measures that name their source: 1." in shown
        assert "A secret draft" not in shown

    def test_synthetic_examples_are_counted_apart(self, client, db):
        party = make_party()
        make_measure(party=party, status=Measure.Status.PUBLISHED)
        make_measure(party=party, status=Measure.Status.PUBLISHED, is_synthetic=True)
        make_measure(party=party, status=Measure.Status.PUBLISHED, is_synthetic=True)
        html = about(client)
        shown = completeness(html)
        assert "1 published measure reported by a Party or by civil society." in shown
        assert "Besides them, 2 published measures are synthetic examples" in shown
        assert 'href="/demo-data/"' in main(html)

    def test_without_a_count_from_the_sources_it_says_so(self, client, db):
        make_party()
        shown = completeness(about(client))
        assert "1 Party recorded here; no count of the Parties from the sources is recorded." in shown

    def test_the_sources_of_the_parties_are_those_their_records_cite(self, client, db):
        make_party(source_url="https://verdragenbank.overheid.nl/en/Treaty/Details/011077_p.html")
        make_party(source_url="https://verdragenbank.overheid.nl/en/other")
        make_party(source_url="https://www.lovdata.no/x")
        make_party()
        html = main(about(client))
        assert "verdragenbank.overheid.nl — 2" in text(html)
        assert "lovdata.no — 1" in text(html)
        assert text(html).index("verdragenbank") < text(html).index("lovdata")

    def test_the_reports_by_evidence(self, client, db):
        cycle = ReportingCycle.objects.create(year=2020)
        PeriodicReport.objects.create(party=make_party(), cycle=cycle, evidence="report_page")
        PeriodicReport.objects.create(party=make_party(), cycle=cycle)
        shown = text(main(about(client)))
        assert "UNESCO's page of the report — 1" in shown
        assert "Recorded in the portal, with no other evidence — 1" in shown

    def test_a_fixed_number_of_queries(self, client, reference_data, django_assert_max_num_queries):
        # The page cache's savepoint and its release; cycles with their reports; the Parties' figures (every cycle in
        # one query); the reports by evidence; the published measures; meetings; outcomes; the latest count of
        # Parties; the Parties' sources; bodies; the banner's count of synthetic examples.
        with django_assert_max_num_queries(13):
            about(client)
        # More records of every kind, and another cycle, cost no more queries.
        party = make_party()
        cycle = ReportingCycle.objects.create(year=2031, deadline=datetime.date(2031, 6, 30))
        PeriodicReport.objects.create(party=party, cycle=cycle)
        make_measure(party=party, status=Measure.Status.PUBLISHED, is_synthetic=True)
        make_meeting(start_date=datetime.date(2030, 1, 1))
        with django_assert_max_num_queries(13):
            about(client)

    def test_the_page_is_cached_until_the_data_changes(self, client, reference_data, django_assert_num_queries):
        about(client)
        with django_assert_num_queries(1):  # the page cache's generation only
            about(client)
        make_measure(party=Party.objects.get(slug="can"), status=Measure.Status.PUBLISHED, published_at=timezone.now())
        assert "2 published measures" in completeness(about(client))


class TestThePage:
    @pytest.mark.parametrize("language", LANGUAGES)
    def test_in_three_languages(self, client, reference_data, language):
        prefix = LANGUAGES[language]
        html = about(client, prefix)
        assert f'<html lang="{language}">' in html
        assert f'href="{prefix}/measures/"' in main(html)
        assert f'href="{prefix}/reports/"' in main(html)
        assert 'href="/api/docs/"' in main(html)
        assert 'id="completeness"' in html

    def test_the_portal_name_in_french_and_spanish(self, client, reference_data):
        assert "Portail de suivi de la Convention" in about(client, "/fr")
        assert "Portal de seguimiento de la Convención" in about(client, "/es")

    def test_headings_in_order_and_labelled_sections(self, client, reference_data):
        html = main(about(client))
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", html)]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
        for labelled in re.findall(r'<section aria-labelledby="([^"]+)"', html):
            assert f'id="{labelled}"' in html

    def test_open_data_and_citation(self, client, reference_data):
        html = main(about(client))
        for address in (
            "/api/docs/",
            "/api/schema/",
            "/measures/export.csv",
            "/parties/export.csv",
            "/reports/export.csv",
            "/meetings/export.csv",
            "/measures/feed/",
            "/meetings/calendar.ics",
        ):
            assert f'href="{address}"' in html, address
        assert "Convention Monitoring Portal: implementation of the 2005 UNESCO Convention" in text(html)
        assert "http://testserver/" in text(html)

    def test_no_licence_is_invented(self, client, reference_data):
        shown = text(main(about(client)))
        assert "The portal states no licence of its own." in shown
        for invented in ("Creative Commons", "CC BY", "CC0", "Open Database License", "public domain"):
            assert invented not in shown


class TestLinks:
    @pytest.mark.parametrize("path", ["/", "/measures/", "/parties/", "/about/", "/contribute/"])
    def test_the_footer_links_to_about_and_the_api_documentation(self, client, reference_data, path):
        html = client.get(path).content.decode()
        footer = html.split('<footer class="site-footer">', 1)[1]
        assert 'href="/about/"' in footer
        assert 'href="/api/docs/"' in footer

    def test_the_footer_in_french_and_the_current_page(self, client, reference_data):
        footer = about(client, "/fr").split('<footer class="site-footer">', 1)[1]
        assert '<a href="/fr/about/" aria-current="page">' in footer

    @pytest.mark.parametrize(
        "path", ["/reports/", "/parties/can/", "/parties/can/reports/2012/", "/parties/compare/?party=CAN&party=FRA"]
    )
    def test_the_reporting_status_note_links_to_completeness(self, client, reference_data, path):
        html = client.get(path).content.decode()
        note = html.split('<div class="dir-note">', 1)[1].split("</div>", 1)[0]
        assert 'href="/about/#completeness"' in note
        assert "How complete the data is" in note

    @pytest.mark.parametrize("path", ["/parties/", "/stats/"])
    def test_the_count_of_parties_links_to_completeness(self, client, reference_data, path):
        html = client.get(path).content.decode()
        part = html.split('<div class="dir-completeness">', 1)[1].split("</div>", 1)[0]
        assert 'href="/about/#completeness"' in part

    def test_the_meetings_bodies_and_outcomes_link_to_completeness_where_something_is_not_recorded(
        self, client, reference_data
    ):
        body = Body.objects.get(slug="group-of-experts-digital-environment")
        meeting = Meeting.objects.get(slug="group-of-experts-quebec-city-2024")
        outcome = Outcome.objects.filter(text_en="").order_by("pk").first()
        for record, sentence in [
            (body, "The members' names are not recorded yet."),
            (meeting, "The participants are not recorded."),
            (outcome, "The text is not recorded yet."),
        ]:
            html = html_lib.unescape(client.get(record.get_absolute_url()).content.decode())
            assert f'{sentence} <a href="/about/#completeness">How complete the data is</a>' in html, record

    def test_the_api_documentation_links_back_to_the_portal(self, client):
        html = client.get("/api/docs/").content.decode()
        assert '<a href="/">Back to the Convention Monitoring Portal</a>' in html
        assert 'href="/about/#open-data-heading"' in html
        assert "<script>" not in html  # still no inline script: the page's CSP allows none


def test_a_source_address_with_brackets_is_a_valid_link(client, db):
    make_party(source_url="http://www.example.org/index.php?id=110&bulletin[year]=2006")
    html = main(about(client))
    assert 'href="http://www.example.org/index.php?id=110&amp;bulletin%5Byear%5D=2006"' in html
