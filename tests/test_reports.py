"""The reporting status table (/reports/): every Party's periodic report for one cycle."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from measures.models import Measure, PeriodicReport, ReportingCycle
from tests.factories import make_measure, make_party

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Each test starts in English: a request to /fr/ leaves French active in the thread."""
    with translation.override("en"):
        yield


Status = PeriodicReport.Status
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def cycles():
    """A past cycle whose deadline has passed, an older one without a deadline, and one to come."""
    return {
        "past": ReportingCycle.objects.create(year=TODAY.year - 1, deadline=TODAY - 30 * DAY),
        "older": ReportingCycle.objects.create(year=TODAY.year - 5, deadline=None),
        "next": ReportingCycle.objects.create(year=TODAY.year + 1, deadline=TODAY + 200 * DAY),
    }


@pytest.fixture
def parties(cycles):
    long_ago = datetime.date(2006, 5, 1)
    parties = {
        "alpha": make_party(name_en="Alphaland", name_fr="Alphalande", iso3="AAA", electoral_group="I"),
        "beta": make_party(name_en="Betaland", name_fr="Bétalande", iso3="BBB", electoral_group="Va"),
        "gamma": make_party(name_en="Gammaland", iso3="CCC", electoral_group="III"),
        "delta": make_party(name_en="Deltaland", iso3="DDD", electoral_group="I"),
    }
    for party in parties.values():
        party.deposit_date, party.entry_into_force = long_ago, None
        party.save()
    PeriodicReport.objects.create(
        party=parties["alpha"],
        cycle=cycles["past"],
        status=Status.SUBMITTED,
        submission_date=TODAY - 40 * DAY,
        language="fr",
    )
    PeriodicReport.objects.create(party=parties["beta"], cycle=cycles["past"], status=Status.DRAFT)
    PeriodicReport.objects.create(party=parties["delta"], cycle=cycles["past"], status=Status.PUBLISHED)
    return parties


def table(client, **params):
    response = client.get(reverse("measures:report-list"), params)
    assert response.status_code == 200
    rows = {party.name_en: (party.report_status, party.is_overdue) for party in response.context["parties"]}
    return response, rows


class TestReportStatusTable:
    def test_default_cycle_is_the_latest_one_not_after_this_year(self, client, parties, cycles):
        response, rows = table(client)
        assert response.context["cycle"] == cycles["past"]
        assert rows == {
            "Alphaland": ("submitted", False),
            "Betaland": ("draft", True),
            "Deltaland": ("published", False),
            # No report row for this cycle: expected, and overdue since the deadline has passed.
            "Gammaland": ("expected", True),
        }

    def test_missing_reports_are_derived_without_creating_rows(self, client, parties):
        before = PeriodicReport.objects.count()
        table(client)
        table(client, cycle=TODAY.year + 1)
        assert PeriodicReport.objects.count() == before

    def test_a_cycle_still_open_has_nobody_overdue(self, client, parties):
        _response, rows = table(client, cycle=TODAY.year + 1)
        assert rows == dict.fromkeys(["Alphaland", "Betaland", "Deltaland", "Gammaland"], ("expected", False))

    def test_a_cycle_without_deadline_has_nobody_overdue(self, client, parties):
        _response, rows = table(client, cycle=TODAY.year - 5)
        assert {overdue for _status, overdue in rows.values()} == {False}

    def test_page_shows_status_overdue_date_and_language(self, client, parties):
        html = table(client)[0].content.decode()
        assert f"Reporting status: {TODAY.year - 1} cycle" in html
        assert html.count('class="dir-overdue"') == 2
        assert "Submitted" in html and "Draft" in html and "Published" in html and "Expected" in html
        assert (TODAY - 40 * DAY).strftime("%Y-%m-%d") in html
        assert "French" in html

    def test_counts_per_status_at_the_top(self, client, parties):
        response, _rows = table(client, status="submitted")
        counts = {item["value"]: item["count"] for item in response.context["status_counts"]}
        assert counts == {"expected": 1, "draft": 1, "submitted": 1, "transmitted": 0, "published": 1, "overdue": 2}
        assert response.context["total"] == 4
        assert "4 Parties expected to report" in response.content.decode()

    def test_counts_follow_the_region_filter(self, client, parties):
        response, _rows = table(client, region="I")
        counts = {item["value"]: item["count"] for item in response.context["status_counts"]}
        assert counts["submitted"] == 1 and counts["published"] == 1 and counts["overdue"] == 0

    def test_parties_that_joined_after_the_deadline_are_not_listed(self, client, parties):
        newcomer = make_party(name_en="Newland", iso3="NEW", deposit_date=TODAY - 10 * DAY)
        assert "Newland" not in table(client)[1]
        assert table(client, cycle=TODAY.year + 1)[1]["Newland"] == ("expected", False)
        assert newcomer.entry_into_force > TODAY

    def test_published_measures_of_the_report_year(self, client, parties, cycles):
        make_measure(party=parties["alpha"], report_year=cycles["past"].year, status=Measure.Status.PUBLISHED)
        make_measure(party=parties["alpha"], report_year=cycles["past"].year, status=Measure.Status.DRAFT)
        make_measure(party=parties["alpha"], report_year=cycles["older"].year, status=Measure.Status.PUBLISHED)
        response, _rows = table(client)
        counts = {party.name_en: party.cycle_measure_count for party in response.context["parties"]}
        assert counts == {"Alphaland": 1, "Betaland": 0, "Deltaland": 0, "Gammaland": 0}


class TestReportFilters:
    def test_status_alone_and_repeated(self, client, parties):
        assert set(table(client, status="submitted")[1]) == {"Alphaland"}
        assert set(table(client, status=["submitted", "published"])[1]) == {"Alphaland", "Deltaland"}
        assert set(table(client, status="expected")[1]) == {"Gammaland"}

    def test_overdue_is_a_status_one_can_ask_for(self, client, parties):
        assert set(table(client, status="overdue")[1]) == {"Betaland", "Gammaland"}
        assert set(table(client, status=["overdue", "published"])[1]) == {"Betaland", "Deltaland", "Gammaland"}

    def test_region_alone_repeated_and_with_status(self, client, parties):
        assert set(table(client, region="I")[1]) == {"Alphaland", "Deltaland"}
        assert set(table(client, region=["Va", "III"])[1]) == {"Betaland", "Gammaland"}
        assert set(table(client, region=["I", "Va"], status="overdue")[1]) == {"Betaland"}

    def test_cycle_and_status_combined(self, client, parties):
        assert set(table(client, cycle=TODAY.year + 1, status="overdue")[1]) == set()
        assert len(table(client, cycle=TODAY.year + 1, status="expected")[1]) == 4

    @pytest.mark.parametrize(
        ("sort", "first"),
        [("status", "Gammaland"), ("-status", "Deltaland"), ("-name", "Gammaland"), ("submitted", "Alphaland")],
    )
    def test_sorting(self, client, parties, sort, first):
        response, _rows = table(client, sort=sort)
        assert response.context["parties"][0].name_en == first

    @pytest.mark.parametrize(
        "params",
        [
            {"cycle": "abc"},
            {"cycle": "1999"},
            {"cycle": "99999999999999999999"},
            {"status": "lost"},
            {"region": "ZZ"},
            {"sort": "bogus"},
        ],
    )
    def test_bad_values_give_a_message_and_the_default_table(self, client, parties, params):
        response, rows = table(client, **params)
        assert 'class="dir-error"' in response.content.decode()
        assert len(rows) == 4

    def test_unknown_cycle_falls_back_to_the_current_one(self, client, parties, cycles):
        response, _rows = table(client, cycle="1999")
        assert response.context["cycle"] == cycles["past"]
        assert "1999 is not one of the available choices" in response.content.decode()

    def test_no_cycle_at_all(self, client):
        response = client.get(reverse("measures:report-list"))
        assert response.status_code == 200
        assert "No reporting cycle is recorded yet." in response.content.decode()

    def test_query_count(self, client, cycles, django_assert_max_num_queries):
        for number in range(60):
            party = make_party(name_en=f"State {number:03d}", iso3=f"S{number:02d}")
            PeriodicReport.objects.create(party=party, cycle=cycles["past"], status=Status.SUBMITTED)
            make_measure(party=party, report_year=cycles["past"].year, status=Measure.Status.PUBLISHED)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("measures:report-list"), {"status": "submitted", "region": "I"})
        assert response.status_code == 200


class TestCanada:
    def test_canada_is_overdue_for_2024_and_expected_for_2027(self, client, reference_data):
        response = client.get(reverse("measures:report-list"), {"cycle": 2024})
        canada = next(party for party in response.context["parties"] if party.iso3 == "CAN")
        assert (canada.report_status, canada.is_overdue) == ("expected", True)
        html = response.content.decode()
        assert 'href="/parties/can/"' in html
        response = client.get(reverse("measures:report-list"), {"cycle": 2027, "status": "overdue"})
        assert "CAN" not in [party.iso3 for party in response.context["parties"]]

    def test_canada_2020_lists_the_measure_from_its_report(self, client, reference_data):
        response = client.get(reverse("measures:report-list"), {"cycle": 2020, "region": "I"})
        canada = next(party for party in response.context["parties"] if party.iso3 == "CAN")
        assert canada.cycle_measure_count == 1
        assert 'href="/measures/?party=CAN&amp;report_year=2020"' in response.content.decode()

    def test_french_table(self, client, reference_data):
        response = client.get("/fr/reports/", {"cycle": 2024, "region": "I"})
        html = response.content.decode()
        assert '<html lang="fr">' in html
        names = [party.name for party in response.context["parties"]]
        assert "Allemagne" in names
        assert names.index("Allemagne") < names.index("Andorre") < names.index("Autriche")
