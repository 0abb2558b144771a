"""A Party's periodic report for one cycle: the page (/parties/<iso3>/reports/<year>/) and its PDF (…/report.pdf)."""

import datetime
import html as html_lib
import io
import re

import pytest
from django.urls import reverse

from measures.models import Measure, PeriodicReport, ReportingCycle
from tests.factories import make_measure, make_organisation, make_party
from tests.support.catalogue import build_framework

pytestmark = pytest.mark.django_db

PUBLISHED = Measure.Status.PUBLISHED
YEAR = 2020


def text(html):
    """What a reader sees: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def report_url(party, year=YEAR, pdf=False, prefix=""):
    return f"{prefix}/parties/{party.slug}/reports/{year}/{'report.pdf' if pdf else ''}"


@pytest.fixture
def framework(db):
    goals, areas, domains = build_framework()
    return {"goals": goals, "areas": areas, "domains": domains}


@pytest.fixture
def world(framework):
    """Alphaland's 2020 report, submitted with UNESCO's page as source; its measures in several goals and areas,
    one reported by civil society; measures that are not part of it (another year, another Party, unpublished)."""
    cycle = ReportingCycle.objects.create(year=YEAR)
    ReportingCycle.objects.create(year=2024, deadline=datetime.date(2024, 6, 30))
    party = make_party(name_en="Alphaland", name_fr="Alphalande", name_es="Alfalandia", iso3="AAA")
    other = make_party(name_en="Betaland", iso3="BBB")
    report = PeriodicReport.objects.create(
        party=party,
        cycle=cycle,
        status=PeriodicReport.Status.SUBMITTED,
        submission_year=2021,
        evidence="report_page",
        source_url="https://www.unesco.org/creativity/en/policy-monitoring-platform/report/alphaland-2021",
        language="fr",
    )
    areas = framework["areas"]
    organisation = make_organisation(name="Alphaland Coalition", slug="alpha-coalition")

    def measure(title, area_slugs=(), goals=(), **fields):
        fields.setdefault("status", PUBLISHED)
        fields.setdefault("report_year", YEAR)
        fields.setdefault("party", party)
        created = make_measure(title=title, **fields)
        created.areas.set([areas[slug] for slug in area_slugs])
        created.goals_ticked.set([framework["goals"][number] for number in goals])
        return created

    measures = {
        "freedom": measure("Zeta artistic freedom law", ["artistic-freedom"], language="fr"),
        # Two areas: shown under the first in the form's order (goal 1), named under the other (goal 4).
        "both": measure("Beta creative sectors and freedom", ["artistic-freedom", "cultural-and-creative-sectors"]),
        "mobility": measure("Alpha mobility fund", ["mobility-of-artists-and-cultural-professionals"], language="es"),
        "sectors": measure("Gamma sectors plan", ["cultural-and-creative-sectors"]),
        "goal_only": measure("Delta goal three only", goals=[3]),
        "unclassified": measure("Epsilon without classification"),
        "civil": measure(
            "Civil coalition support",
            ["partnering-with-civil-society"],
            reported_by=Measure.ReportedBy.CIVIL_SOCIETY,
            organisation=organisation,
        ),
        "other_year": measure("Other year measure", ["artistic-freedom"], report_year=2024),
        "other_party": measure("Other party measure", ["artistic-freedom"], party=other),
        "draft": measure("Draft measure", ["artistic-freedom"], status=Measure.Status.DRAFT),
    }
    return {"cycle": cycle, "party": party, "other": other, "report": report, "measures": measures}


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


class TestReportPage:
    def test_measures_are_grouped_by_goal_then_area_in_the_forms_order(self, client, world):
        html = get(client, report_url(world["party"]))
        party_section = html.split('id="section-party"', 1)[1].split('id="section-civil_society"', 1)[0]
        headings = re.findall(r"<h[345][^>]*>(.*?)</h[345]>", party_section, re.S)
        seen = [text(heading) for heading in headings]
        assert seen == [
            "1. Goal 1 in English",
            "Cultural and creative sectors",
            "Beta creative sectors and freedom",
            "Gamma sectors plan",
            "2. Goal 2 in English",
            "Mobility of artists and cultural professionals",
            "Alpha mobility fund",
            "3. Goal 3 in English",
            "No area of monitoring given",
            "Delta goal three only",
            "4. Goal 4 in English",
            "Artistic freedom",
            "Zeta artistic freedom law",
            "No goal or area of monitoring given",
            "Epsilon without classification",
        ]
        # The measure in two areas is named under its other area, linking to where it is shown in full.
        freedom = party_section.split('id="party-area-artistic-freedom"', 1)[1]
        both = world["measures"]["both"]
        assert f'<a href="#measure-{both.pk}" lang="en">{both.title}</a>' in freedom
        assert party_section.count(f'id="measure-{both.pk}"') == 1
        assert "Also in the areas" in party_section

    def test_only_the_partys_published_measures_of_the_cycles_year(self, client, world):
        html = get(client, report_url(world["party"]))
        for key in ("other_year", "other_party", "draft"):
            assert world["measures"][key].title not in html
        assert "6 published measures, grouped by goal and area of monitoring" in html

    def test_civil_society_measures_have_their_own_section(self, client, world):
        html = get(client, report_url(world["party"]))
        party_section, civil = html.split('id="section-civil_society"', 1)
        assert "Civil coalition support" not in party_section
        assert "Measures reported by civil society" in civil
        assert "Civil coalition support" in civil and "Alphaland Coalition" in civil
        assert "1 published measure, grouped by goal" in civil

    def test_measures_text_keeps_its_language(self, client, world):
        html = get(client, report_url(world["party"]))
        freedom, mobility = world["measures"]["freedom"], world["measures"]["mobility"]
        assert f'<a href="/measures/{freedom.pk}/" lang="fr">{freedom.title}</a>' in html
        assert f'<a href="/measures/{mobility.pk}/" lang="es">{mobility.title}</a>' in html

    def test_status_dates_source_and_history(self, client, world):
        html = get(client, report_url(world["party"]))
        status = text(html.split('id="status-heading"', 1)[1].split("</section>", 1)[0])
        assert "Status Submitted" in status
        assert "Submitted 2021" in status
        assert "Language French" in status
        assert "UNESCO's page of the report" in status
        assert f'href="{world["report"].source_url}" rel="external"' in html
        # What simple_history recorded: the report was recorded as submitted on the day it was created.
        assert "Recorded in the portal" in status
        assert re.search(r"\d{1,2} \w+ \d{4} — Submitted", status)

    def test_status_history_follows_recorded_changes(self, client, world):
        report = world["report"]
        report.status = PeriodicReport.Status.PUBLISHED
        report.save()
        report.language = "en"
        report.save()  # not a change of status: not a new step
        history = get(client, report_url(world["party"])).split('class="report-history"', 1)[1].split("</ol>", 1)[0]
        assert re.findall(r'dir-status--(\w+)">', history) == ["submitted", "published"]

    def test_links_to_the_pdf_and_the_cycle(self, client, world):
        html = get(client, report_url(world["party"]))
        assert f'href="{report_url(world["party"], pdf=True)}"' in html
        assert f'href="/reports/?cycle={YEAR}"' in html

    def test_pages_in_french_and_spanish(self, client, world):
        french = get(client, report_url(world["party"], prefix="/fr"))
        assert '<html lang="fr">' in french
        assert "Alphalande" in french
        assert "Statut" in french and "Période" in french and "Domaines culturels" in french
        assert "Objectif 1" in french  # the goals' French names
        spanish = get(client, report_url(world["party"], prefix="/es"))
        assert '<html lang="es">' in spanish
        assert "Alfalandia" in spanish and "Estado" in spanish and "Período" in spanish

    def test_query_count_does_not_grow_with_the_measures(self, client, world, django_assert_max_num_queries):
        # The Party, the cycle, the report, its history, the goals, the areas, the measures and their four relations,
        # the banner's count of synthetic examples, and the savepoint around the page.
        with django_assert_max_num_queries(15) as few:
            get(client, report_url(world["party"]))
        for number in range(25):
            created = make_measure(
                party=world["party"], title=f"More {number}", report_year=YEAR, status=PUBLISHED, language="fr"
            )
            created.areas.set([world["measures"]["freedom"].areas.first()])
        from django.core.cache import cache

        cache.clear()
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = get(client, report_url(world["party"]))
        assert "More 24" in html


class TestWhatIsNotRecorded:
    def test_a_party_without_a_report_in_a_cycle_it_belongs_to_is_not_recorded(self, client, world):
        html = get(client, report_url(world["other"]))
        assert "Not recorded" in html
        assert "This does not mean that no report was submitted." in html
        assert "Recorded in the portal" not in html
        assert "Other party measure" in html  # its measures of that year are still its report's
        assert not PeriodicReport.objects.filter(party=world["other"], cycle=world["cycle"]).exists()

    def test_a_cycle_every_party_owes_shows_expected(self, client, world):
        ReportingCycle.objects.create(year=2027, deadline=datetime.date(2027, 6, 30), every_party_expected=True)
        html = get(client, report_url(world["party"], year=2027))
        assert "dir-status--expected" in html
        assert "the Party is expected to report in this cycle" in html

    @pytest.mark.parametrize("pdf", [False, True])
    def test_unknown_party_or_cycle_is_404(self, client, world, pdf):
        assert client.get(reverse("measures:report-detail", args=["zzz", YEAR])).status_code == 404
        assert client.get(report_url(world["party"], year=1999, pdf=pdf)).status_code == 404

    def test_a_cycle_before_the_party_joined_without_a_report_is_404(self, client, world):
        late = make_party(name_en="Lateland", iso3="LLL", entry_into_force=datetime.date(2022, 1, 1))
        assert client.get(report_url(late)).status_code == 404
        assert client.get(report_url(late, year=2024)).status_code == 200

    def test_an_upper_case_code_redirects(self, client, world):
        response = client.get("/fr/parties/AAA/reports/2020/")
        assert response.status_code == 301
        assert response["Location"] == "/fr/parties/aaa/reports/2020/"


class TestLinksToTheReport:
    def test_from_the_party_page_the_reporting_status_table_and_the_measure(self, client, world):
        url = report_url(world["party"])
        assert f'href="{url}"' in get(client, world["party"].get_absolute_url())
        assert f'href="{url}"' in get(client, f"/reports/?cycle={YEAR}")
        measure_page = get(client, world["measures"]["freedom"].get_absolute_url())
        assert f'<a href="{url}">Alphaland: periodic report, 2020 cycle</a>' in measure_page

    def test_a_measure_whose_report_year_is_no_cycle_links_to_no_report(self, client, world):
        measure = make_measure(party=world["party"], title="Odd year", report_year=2017, status=PUBLISHED)
        assert "periodic report, 2017 cycle" not in get(client, measure.get_absolute_url())


def pdf_text(content):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return [page.extract_text() for page in reader.pages]


class TestPdf:
    def test_cover_contents_and_measures_in_the_forms_order(self, client, world):
        response = client.get(report_url(world["party"], pdf=True))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="periodic-report-aaa-2020.pdf"' in response["Content-Disposition"]
        pages = pdf_text(response.content)
        cover = " ".join(pages[0].split())
        assert "Alphaland: periodic report, 2020 cycle" in cover
        assert "Extracted from the Convention Monitoring Portal on" in cover
        assert "/parties/aaa/reports/2020/" in cover
        contents = " ".join(pages[1].split())
        assert "Contents" in contents
        # The table of contents gives page numbers (target-counter), after a leader.
        assert re.search(r"Status of the report \.+ ?3", contents)
        body = " ".join(" ".join(pages[2:]).split())
        titles = [
            "Beta creative sectors and freedom",
            "Gamma sectors plan",
            "Alpha mobility fund",
            "Delta goal three only",
            "Zeta artistic freedom law",
            "Epsilon without classification",
            "Civil coalition support",
        ]
        positions = [body.index(title) for title in titles]
        # "Beta…" also appears, named, under artistic freedom: its first appearance is its full entry.
        assert positions == sorted(positions)
        # Page numbers on every page but the cover.
        last = len(pages)
        assert f"{last} / {last}" in pages[-1]
        assert " / " not in pages[0]

    def test_pdf_in_french(self, client, world):
        response = client.get(report_url(world["party"], pdf=True, prefix="/fr"))
        assert response.status_code == 200
        everything = " ".join(" ".join(pdf_text(response.content)).split())
        assert "Alphalande" in everything
        assert "Statut" in everything and "Objectif 1" in everything

    def test_pdf_never_fetches_anything_but_the_static_files(self, rf, settings):
        from measures.directory.report_pages import StaticFilesFetcher

        fetcher = StaticFilesFetcher("https://portal.example/parties/aaa/reports/2020/")
        assert fetcher.path("https://portal.example/static/css/report.css").endswith("css/report.css")
        assert fetcher.path("https://elsewhere.example/static/css/report.css") is None
        assert fetcher.path("https://portal.example/parties/") is None
        assert fetcher.path("https://portal.example/static/../../etc/passwd") is None
        with pytest.raises(ValueError):
            fetcher.fetch("https://elsewhere.example/font.woff2")
