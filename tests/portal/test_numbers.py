"""Numbers as each language writes them (1,234 / 1 234 / 1.234), and years, ids and page numbers never grouped.

USE_THOUSAND_SEPARATOR groups every number a template renders; what is not a quantity is written with
|unlocalize (docs/development.md, "Numbers and dates in templates").
"""

import re
from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import translation
from django.utils.formats import localize

from experts.models import Body, Meeting, Outcome
from measures.models import Measure, Organisation, Party, ReportingCycle

pytestmark = pytest.mark.django_db

#: The three languages, their URL prefix and how they group thousands (Django's French no-break space; the
#: point in Spanish, convention_portal/formats/es/).
LANGUAGES = [("en", "", ","), ("fr", "/fr", "\xa0"), ("es", "/es", ".")]

#: 1,234 measures, all reported by Canada in 2024 and running 2019–2024.
BULK = 1234
REPORT_YEAR = 2024

#: A year written with a group separator: 1,999 / 2 024 / 2.024 (the counts on these pages stay clear of
#: 1,900–2,099, so anything like this is a grouped year).
GROUPED_YEAR = re.compile(r"(?<![\d.,])(?:1[,.\u00a0\u202f]9\d\d|2[,.\u00a0\u202f]0\d\d)(?![\d])")


def grouped(number, separator):
    return f"{number:,}".replace(",", separator)


@pytest.fixture
def many(reference_data):
    canada = Party.objects.get(iso3="CAN")
    Measure.objects.bulk_create(
        Measure(
            title=f"Bulk measure {number}",
            party=canada,
            reported_by=Measure.ReportedBy.PARTY,
            status=Measure.Status.PUBLISHED,
            language="en",
            report_year=REPORT_YEAR,
            period_start=2019,
            period_end=2024,
        )
        for number in range(BULK)
    )
    return canada


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_no_grouped_year(html, url):
    found = GROUPED_YEAR.findall(html)
    assert not found, f"{url}: grouped years {found}"


def test_the_settings_group_as_each_language_does():
    for language, _prefix, separator in LANGUAGES:
        with translation.override(language):
            assert localize(1234) == f"1{separator}234"
            assert localize(1234567) == f"1{separator}234{separator}567"
    with translation.override("es"):
        assert localize(1234.5) == "1.234,5"


@pytest.mark.parametrize(("language", "prefix", "separator"), LANGUAGES)
class TestCounts:
    def test_the_measures_list(self, client, many, language, prefix, separator):
        total = Measure.objects.published().count()
        assert total > 1000
        html = page(client, f"{prefix}/measures/")
        word = {"en": "measures", "fr": "mesures", "es": "medidas"}[language]
        assert f">{grouped(total, separator)} {word}</h2>" in html
        # A facet's count, built in Python (facet_options), and a flag's, from the template.
        assert f'<span class="count">({grouped(BULK, separator)})</span>' in html

    def test_the_home_page_figures(self, client, many, language, prefix, separator):
        total = Measure.objects.published().count()
        html = page(client, f"{prefix}/")
        assert f">{grouped(total, separator)}</a></dd>" in html

    def test_the_statistics(self, client, many, language, prefix, separator):
        html = page(client, f"{prefix}/stats/")
        total = Measure.objects.published().count()
        assert grouped(total, separator) in html
        # The chart's own figure (inside {% localize off %}) and its table.
        assert f'class="dir-chart__value">{grouped(BULK, separator)}</text>' in html
        assert f'<td class="dir-num">{grouped(BULK, separator)}</td>' in html

    def test_the_parties(self, client, many, language, prefix, separator):
        measures = Measure.objects.published().filter(party=many).count()
        html = page(client, f"{prefix}/parties/?q=canada")
        assert f'?party=CAN">{grouped(measures, separator)}<span' in html
        html = page(client, f"{prefix}/parties/can/")
        assert f">{grouped(BULK, separator)}<span" in html  # measures from the 2024 report


@pytest.mark.parametrize(("language", "prefix", "separator"), LANGUAGES)
class TestYearsAreNeverGrouped:
    def test_on_every_public_page(self, client, many, language, prefix, separator):
        measure = Measure.objects.published().filter(party=many).order_by("-pk").first()
        assert measure.pk > 1000  # ids past a thousand too
        organisation = Organisation.objects.order_by("pk").first()
        organisation.founding_year = 2005
        organisation.save(update_fields=["founding_year"])
        cycle_year = ReportingCycle.objects.order_by("-year").values_list("year", flat=True).first()
        urls = [
            "/",
            "/measures/",
            f"/measures/?report_year={REPORT_YEAR}&year_from=2019&year_to=2024",
            "/measures/?page=62",
            f"/measures/{measure.pk}/",
            "/parties/",
            "/parties/can/",
            "/parties/ita/",
            "/reports/",
            f"/reports/?cycle={cycle_year}",
            "/organizations/",
            organisation.get_absolute_url(),
            "/stats/",
            f"/stats/?report_year={REPORT_YEAR}",
            "/meetings/",
            "/meetings/?year=2024",
            "/bodies/",
            *(record.get_absolute_url() for record in (Meeting.objects.first(), Body.objects.first())),
            *(outcome.get_absolute_url() for outcome in Outcome.objects.all()),
        ]
        found = {prefix + url: GROUPED_YEAR.findall(page(client, prefix + url)) for url in urls}
        assert not {url: years for url, years in found.items() if years}

    def test_the_measure_s_years(self, client, many, language, prefix, separator):
        measure = Measure.objects.published().filter(party=many).order_by("-pk").first()
        html = page(client, f"{prefix}/measures/{measure.pk}/")
        assert f'<a href="/{language}/measures/?report_year=2024">2024</a>'.replace("/en/", "/") in html
        assert "2019–2024" in html
        listed = page(client, f"{prefix}/measures/?party=CAN&report_year=2024")
        reported = {"en": "Reported in 2024", "fr": "Rapport de 2024", "es": "Informe de 2024"}[language]
        assert reported in listed
        assert 'name="report_year" value="2024"' in listed
        assert '>2024 <span class="count">' in listed

    def test_the_list_numbers_its_deep_pages_plainly(self, client, many, language, prefix, separator):
        html = page(client, f"{prefix}/measures/?page=62")
        assert '<ol class="results-list" start="1221">' in html
        assert 'href="?page=61"' in html

    def test_cycles_and_deposit_years(self, client, many, language, prefix, separator):
        cycle_year = ReportingCycle.objects.order_by("-year").values_list("year", flat=True).first()
        html = page(client, f"{prefix}/reports/?cycle={cycle_year}")
        assert f"{cycle_year}" in html
        party = page(client, f"{prefix}/parties/can/")
        assert re.search(r'/reports/(\d{4})/">\1<span', party)
        stats = page(client, f"{prefix}/stats/")
        assert '<a href="/parties/?deposited_to=2007">2007</a>' in stats.replace(f"{prefix}/parties/", "/parties/")
        assert re.search(r'year_from=2024&amp;year_to=2024">2024</a>', stats)


def test_the_back_office_writes_years_plainly(client, many, superuser):
    client.force_login(superuser)
    measures = page(client, reverse("admin:measures_measure_changelist"))
    assert '<td class="field-report_year">2024</td>' in measures
    assert_no_grouped_year(measures, "measures changelist")
    cycles = page(client, reverse("admin:measures_reportingcycle_changelist"))
    assert_no_grouped_year(cycles, "cycles changelist")
    assert re.search(r'<th class="field-year"><a href="[^"]+">20\d\d</a></th>', cycles)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_back_office_read_only_fields_too(language):
    """A page its user may only view shows every field read-only, through the same display_for_field
    (core/admin_numbers.py): integers as they are, amounts grouped."""
    with translation.override(language):
        assert helpers.display_for_field(2024, Measure._meta.get_field("report_year"), "-") == "2024"
        assert helpers.display_for_field(None, Measure._meta.get_field("report_year"), "-") == "-"
        amount = helpers.display_for_field(
            Decimal("1234567.50"), Measure._meta.get_field("financial_resources_usd"), "-"
        )
    assert amount == {"en": "1,234,567.50", "fr": "1\xa0234\xa0567,50", "es": "1.234.567,50"}[language]
