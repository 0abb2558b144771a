"""/parties/ and /stats/ without the costly parts they had (docs/performance.md): the same pages, fewer queries.

- Parties are ordered by name with one RankOf (a CASE written as text: measures.models.parties.name_rank) rather
  than a CASE of one When per Party, which Django resolved and compiled on every request: the same order, in
  every sort and language;
- /stats/ counts the reporting statuses as /reports/ does (ReportStatusFilter.status_counts(), cheap now that the
  Parties' order by name is one RankOf); and its two other Party charts read the Parties it has already read,
  rather than a query each.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from measures.directory.filters import PARTY_SORTS, PartyFilter
from measures.models import Measure, Party, PeriodicReport, ReportingCycle
from measures.models.parties import RankOf, name_rank
from tests.factories import make_measure, make_party

pytestmark = pytest.mark.django_db

Status = PeriodicReport.Status
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
PUBLISHED = Measure.Status.PUBLISHED


@pytest.fixture
def parties():
    """Names whose order depends on accents, case and language; some Parties without a date or an instrument."""
    made = [
        make_party(name_en="Egypt", name_fr="Égypte", iso3="EGY", electoral_group="Vb", instrument="ratification"),
        make_party(name_en="Ecuador", name_fr="Équateur", iso3="ECU", electoral_group="III", instrument="accession"),
        make_party(name_en="estonia", name_fr="Estonie", iso3="EST", electoral_group="II"),
        make_party(name_en="Åland test", name_fr="Aland", iso3="ALA", electoral_group=""),
        make_party(name_en="Zambia", name_fr="Zambie", iso3="ZMB", electoral_group="Va", instrument="acceptance"),
        make_party(name_en="Chad", name_fr="Tchad", iso3="TCD", electoral_group="Va"),
        make_party(name_en="European Union", name_fr="Union européenne", iso3="", slug="eu", kind="reio"),
    ]
    for index, party in enumerate(made):
        party.deposit_date = datetime.date(2006 + index % 3, 1 + index, 1) if index % 4 else None
        party.entry_into_force = party.deposit_date and party.deposit_date + 90 * DAY
        party.save()
        for _number in range(index % 3):
            make_measure(party=party, status=PUBLISHED)
    return made


def listed(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200
    return [party.pk for party in response.context["parties"]]


class TestPartyOrder:
    @pytest.mark.parametrize("language", ["en", "fr"])
    @pytest.mark.parametrize("sort", ["", *PARTY_SORTS, *(f"-{key}" for key in PARTY_SORTS)])
    def test_the_page_keeps_the_filters_order(self, client, parties, language, sort):
        params = {"sort": sort} if sort else {}
        pks = listed(client, f"/{language}/parties/" if language != "en" else "/parties/", **params)
        with translation.override(language):
            expected = PartyFilter(params, queryset=Party.objects.with_measure_counts()).qs
            assert pks == [party.pk for party in expected]
        assert len(pks) == len(parties)

    def test_measure_counts_and_labels(self, client, parties):
        response = client.get(reverse("measures:party-list"), {"sort": "-measures"})
        rows = {party.iso3: party for party in response.context["parties"]}
        assert rows["ALA"].measure_count == 0 and rows["ZMB"].measure_count == 1 and rows["TCD"].measure_count == 2
        html = response.content.decode()
        assert "Group V(b) (Arab States)" in html and "Accession" in html
        assert '<time datetime="2007-02-01">' in html

    def test_rank_of_nothing_is_the_key_itself(self, client, db):
        assert listed(client, reverse("measures:party-list")) == []
        assert str(Party.objects.annotate(rank=RankOf([])).values("rank").query).count("CASE") == 0

    def test_rank_follows_the_language(self, parties):
        with translation.override("fr"):
            french = list(Party.objects.annotate(rank=name_rank()).order_by("rank").values_list("iso3", flat=True))
        assert french == ["ALA", "EGY", "ECU", "EST", "TCD", "", "ZMB"]


class TestPartyListQueries:
    def test_query_count_is_bounded(self, client, parties, django_assert_max_num_queries):
        for _number in range(60):
            make_party()
        # The names to order by, the page of Parties with their measure counts, the paginator's count (every Party:
        # no filter), the sources' count, the banner's synthetic count, the page cache's check and a savepoint.
        with django_assert_max_num_queries(8):
            pks = listed(client, reverse("measures:party-list"), sort="-measures")
        assert len(pks) == 50
        # With a filter, the total of every Party is a query of its own.
        response = client.get(reverse("measures:party-list"), {"region": "Va"})
        assert response.context["paginator"].count == 2 and response.context["party_total"] == 67


@pytest.fixture
def cycles():
    return {
        "past": ReportingCycle.objects.create(year=TODAY.year - 1, deadline=TODAY - 30 * DAY),
        "undated": ReportingCycle.objects.create(year=TODAY.year - 5, deadline=None),
        "expected": ReportingCycle.objects.create(
            year=TODAY.year - 2, deadline=TODAY - 10 * DAY, every_party_expected=True
        ),
        "next": ReportingCycle.objects.create(year=TODAY.year + 1, deadline=TODAY + 200 * DAY),
    }


class TestReportStatusCounts:
    @pytest.fixture
    def reports(self, parties, cycles):
        egypt, ecuador, estonia, aland, zambia, chad, eu = parties
        # A Party that became one after the cycle's deadline: counted only where it has a report for that cycle.
        chad.entry_into_force = TODAY - DAY
        chad.save()
        zambia.entry_into_force = None
        zambia.save()
        for cycle in cycles.values():
            PeriodicReport.objects.create(party=egypt, cycle=cycle, status=Status.SUBMITTED)
            PeriodicReport.objects.create(party=ecuador, cycle=cycle, status=Status.DRAFT)
            PeriodicReport.objects.create(party=estonia, cycle=cycle, status=Status.EXPECTED)
        PeriodicReport.objects.create(party=aland, cycle=cycles["past"], status=Status.PUBLISHED)
        PeriodicReport.objects.create(party=chad, cycle=cycles["expected"], status=Status.TRANSMITTED)
        PeriodicReport.objects.create(party=eu, cycle=cycles["undated"], status=Status.EXPECTED)

    def test_the_chart_shows_them(self, client, reports, cycles):
        response = client.get(reverse("measures:stats"))
        chart = {chart["id"]: chart for chart in response.context["party_charts"]}["chart-report-status"]
        figures = {str(row["label"]): row["cells"][0] for row in chart["rows"]}
        assert figures == {
            "Not recorded": 2,
            "Expected": 1,
            "Draft": 1,
            "Submitted": 1,
            "Transmitted": 0,
            "Published": 1,
        }
        assert "6 Parties are counted in this cycle. Overdue: 2." in str(chart["note"])


class TestStatsQueries:
    def test_query_count_is_bounded(self, client, parties, cycles, django_assert_max_num_queries):
        for year in range(1990, 2020):
            make_measure(period_start=year, period_end=year + 3, status=PUBLISHED)
        # The synthetic count; the facets (one query) and the filter's reference data (Parties, goals, areas,
        # domains); the period years; the cycles, the Parties' names (their order) and the reporting statuses counted
        # as /reports/ counts them, and the sources' count of Parties; the map's Parties and their measures; the page
        # cache's check and savepoints. No query for the other Party charts.
        with django_assert_max_num_queries(15):
            response = client.get(reverse("measures:stats"), {"region": ["I", "Va"], "goal": "1"})
        assert response.status_code == 200
