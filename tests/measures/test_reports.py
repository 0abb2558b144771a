"""The reporting status table (/reports/): every Party's periodic report for one cycle."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from measures.models import Measure, PeriodicReport, ReportingCycle
from tests.factories import make_measure, make_party

pytestmark = pytest.mark.django_db


Status = PeriodicReport.Status
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def cycles():
    """A past cycle whose deadline has passed, an older one without a deadline, and one to come whose deadline
    a decision applies to every Party."""
    return {
        "past": ReportingCycle.objects.create(year=TODAY.year - 1, deadline=TODAY - 30 * DAY),
        "older": ReportingCycle.objects.create(year=TODAY.year - 5, deadline=None),
        "next": ReportingCycle.objects.create(
            year=TODAY.year + 1, deadline=TODAY + 200 * DAY, every_party_expected=True
        ),
    }


@pytest.fixture
def parties(cycles):
    long_ago = datetime.date(2006, 5, 1)
    parties = {
        "alpha": make_party(name_en="Alphaland", name_fr="Alphalande", iso3="AAA", electoral_group="I"),
        "beta": make_party(name_en="Betaland", name_fr="Bétalande", iso3="BBB", electoral_group="Va"),
        "gamma": make_party(name_en="Gammaland", iso3="CCC", electoral_group="III"),
        "delta": make_party(name_en="Deltaland", iso3="DDD", electoral_group="I"),
        "epsilon": make_party(name_en="Epsilonland", iso3="EEE", electoral_group="IV"),
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
    PeriodicReport.objects.create(party=parties["gamma"], cycle=cycles["past"], status=Status.EXPECTED)
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
            # Recorded as expected, and overdue since the deadline has passed.
            "Gammaland": ("expected", True),
            # No report row for this cycle: nothing is known, so nothing is overdue.
            "Epsilonland": ("not_recorded", False),
        }

    def test_missing_reports_are_derived_without_creating_rows(self, client, parties):
        before = PeriodicReport.objects.count()
        table(client)
        table(client, cycle=TODAY.year + 1)
        assert PeriodicReport.objects.count() == before

    def test_a_cycle_whose_deadline_applies_to_every_party_expects_everyone_and_is_not_yet_overdue(
        self, client, parties
    ):
        response, rows = table(client, cycle=TODAY.year + 1)
        names = ["Alphaland", "Betaland", "Deltaland", "Gammaland", "Epsilonland"]
        assert rows == dict.fromkeys(names, ("expected", False))
        assert "The deadline of this cycle applies to every Party" in response.content.decode()

    def test_without_such_a_decision_a_missing_report_is_not_recorded_even_past_the_deadline(
        self, client, parties, cycles
    ):
        cycles["next"].every_party_expected = False
        cycles["next"].deadline = TODAY - DAY
        cycles["next"].save()
        _response, rows = table(client, cycle=TODAY.year + 1)
        names = ["Alphaland", "Betaland", "Deltaland", "Gammaland", "Epsilonland"]
        assert rows == dict.fromkeys(names, ("not_recorded", False))

    def test_a_cycle_without_deadline_has_nobody_overdue(self, client, parties):
        _response, rows = table(client, cycle=TODAY.year - 5)
        assert {overdue for _status, overdue in rows.values()} == {False}

    def test_page_shows_status_overdue_date_and_language(self, client, parties):
        html = table(client)[0].content.decode()
        assert f"Reporting status: {TODAY.year - 1} cycle" in html
        assert html.count('class="dir-overdue"') == 2
        assert "Submitted" in html and "Draft" in html and "Published" in html and "Expected" in html
        assert "Not recorded" in html
        assert "it does not mean that no report was submitted" in html
        assert (TODAY - 40 * DAY).strftime("%Y-%m-%d") in html
        assert "French" in html

    def test_counts_per_status_at_the_top(self, client, parties):
        response, _rows = table(client, status="submitted")
        counts = {item["value"]: item["count"] for item in response.context["status_counts"]}
        assert counts == {
            "not_recorded": 1,
            "expected": 1,
            "draft": 1,
            "submitted": 1,
            "transmitted": 0,
            "published": 1,
            "overdue": 2,
        }
        assert response.context["total"] == 5
        html = response.content.decode()
        assert "5 Parties in this cycle" in html
        assert "For 1 of them the portal holds no record of a report for this cycle." in html

    def test_counts_follow_the_region_filter(self, client, parties):
        response, _rows = table(client, region="I")
        counts = {item["value"]: item["count"] for item in response.context["status_counts"]}
        assert counts["submitted"] == 1 and counts["published"] == 1 and counts["overdue"] == 0

    def test_parties_that_joined_after_the_deadline_are_not_listed(self, client, parties):
        newcomer = make_party(name_en="Newland", iso3="NEW", deposit_date=TODAY - 10 * DAY)
        assert "Newland" not in table(client)[1]
        # The next cycle's deadline applies to every Party, so the newcomer owes a report then.
        assert table(client, cycle=TODAY.year + 1)[1]["Newland"] == ("expected", False)
        assert newcomer.entry_into_force > TODAY

    def test_published_measures_of_the_report_year(self, client, parties, cycles):
        make_measure(party=parties["alpha"], report_year=cycles["past"].year, status=Measure.Status.PUBLISHED)
        make_measure(party=parties["alpha"], report_year=cycles["past"].year, status=Measure.Status.DRAFT)
        make_measure(party=parties["alpha"], report_year=cycles["older"].year, status=Measure.Status.PUBLISHED)
        response, _rows = table(client)
        counts = {party.name_en: party.cycle_measure_count for party in response.context["parties"]}
        assert counts == {"Alphaland": 1, "Betaland": 0, "Deltaland": 0, "Gammaland": 0, "Epsilonland": 0}


class TestReportFilters:
    def test_status_alone_and_repeated(self, client, parties):
        assert set(table(client, status="submitted")[1]) == {"Alphaland"}
        assert set(table(client, status=["submitted", "published"])[1]) == {"Alphaland", "Deltaland"}
        assert set(table(client, status="expected")[1]) == {"Gammaland"}
        assert set(table(client, status="not_recorded")[1]) == {"Epsilonland"}

    def test_overdue_is_a_status_one_can_ask_for(self, client, parties):
        assert set(table(client, status="overdue")[1]) == {"Betaland", "Gammaland"}
        assert set(table(client, status=["overdue", "published"])[1]) == {"Betaland", "Deltaland", "Gammaland"}

    def test_region_alone_repeated_and_with_status(self, client, parties):
        assert set(table(client, region="I")[1]) == {"Alphaland", "Deltaland"}
        assert set(table(client, region=["Va", "III"])[1]) == {"Betaland", "Gammaland"}
        assert set(table(client, region=["I", "Va"], status="overdue")[1]) == {"Betaland"}

    def test_cycle_and_status_combined(self, client, parties):
        assert set(table(client, cycle=TODAY.year + 1, status="overdue")[1]) == set()
        assert len(table(client, cycle=TODAY.year + 1, status="expected")[1]) == 5

    @pytest.mark.parametrize(
        ("sort", "first"),
        [("status", "Epsilonland"), ("-status", "Deltaland"), ("-name", "Gammaland"), ("submitted", "Alphaland")],
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
        assert len(rows) == 5

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


class TestTheRecord:
    """The real reference data: what the sources show, and nothing they do not."""

    def test_canada_submitted_in_2024_and_is_expected_for_2027_not_overdue(self, client, reference_data):
        response = client.get(reverse("measures:report-list"), {"cycle": 2024})
        canada = next(party for party in response.context["parties"] if party.iso3 == "CAN")
        assert (canada.report_status, canada.is_overdue) == ("submitted", False)
        assert (canada.report_submission_year, canada.report_evidence) == (2024, "civil_society_contribution")
        html = response.content.decode()
        assert 'href="/parties/can/"' in html
        response = client.get(reverse("measures:report-list"), {"cycle": 2027})
        canada = next(party for party in response.context["parties"] if party.iso3 == "CAN")
        assert (canada.report_status, canada.is_overdue) == ("expected", False)

    @pytest.mark.parametrize("cycle", [2012, 2016, 2020, 2024, 2027])
    def test_no_party_is_overdue_on_a_fresh_database(self, client, reference_data, cycle):
        response = client.get(reverse("measures:report-list"), {"cycle": cycle})
        assert not [party.name_en for party in response.context["parties"] if party.is_overdue]
        assert 'class="dir-overdue"' not in response.content.decode()
        counts = {item["value"]: item["count"] for item in response.context["status_counts"]}
        assert counts["overdue"] == 0

    def test_the_current_cycle_counts_the_sourced_reports_and_says_how_many_have_no_record(
        self, client, reference_data
    ):
        response = client.get(reverse("measures:report-list"))
        assert response.context["cycle"].year == 2024
        counts = {item["value"]: item["count"] for item in response.context["status_counts"]}
        sourced = PeriodicReport.objects.filter(cycle__year=2024).count()
        assert counts["submitted"] == sourced > 0
        assert counts["expected"] == counts["overdue"] == 0
        assert counts["not_recorded"] == response.context["total"] - sourced
        assert response.context["not_recorded"] == counts["not_recorded"]
        assert f"For {counts['not_recorded']} of them the portal holds no record" in response.content.decode()

    def test_every_report_of_the_sources_is_loaded_in_its_cycle(self, reference_data):
        rows = {(report.party.name_en, report.submission_year): report for report in PeriodicReport.objects.all()}
        assert len(rows) == 47
        assert rows["Colombia", 2017].cycle.year == 2016
        assert rows["Colombia", 2020].cycle.year == 2020
        assert rows["Malawi", 2014].cycle.year == 2012
        assert rows["Canada", 2024].cycle.year == 2024
        assert {report.status for report in rows.values()} == {"submitted"}
        assert rows["Denmark", 2016].evidence == "measure_page_report_year"
        assert rows["Argentina", 2012].source_url.startswith("https://es.unesco.org/creativity/")

    def test_canada_page_lists_its_sourced_reports_as_submitted(self, client, reference_data):
        response = client.get("/parties/can/")
        rows = {row.cycle.year: row for row in response.context["profile"].reporting_history}
        assert {year: row.report.status for year, row in rows.items()} == {
            2027: "expected",
            2024: "submitted",
            2020: "submitted",
            2016: "submitted",
            2012: "not_recorded",
        }
        assert not any(row.is_overdue for row in rows.values())
        html = response.content.decode()
        assert "Overdue" not in html
        assert "UNESCO&#x27;s page of the report" in html
        assert "A civil-society organisation&#x27;s published contribution to the report" in html
        assert "Not recorded" in html

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
