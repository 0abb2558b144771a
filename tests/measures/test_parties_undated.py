"""Parties whose date of deposit is not documented: Parties everywhere, their unknown dates said as unknown.

And how complete the list is: the Parties recorded against the count the sources give (PartyCount).
"""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import escape

from measures.directory.filters import ReportStatusFilter
from measures.models import Measure, Party, PartyCount, ShownReportStatus
from tests.factories import make_measure, make_party

pytestmark = pytest.mark.django_db

RECORDED, DATED, UNDATED = 138, 127, 11
#: No date of entry into force either: every undated Party except Uzbekistan.
WITHOUT_ENTRY = 10
INSTRUMENT_NOT_RECORDED = 79
NOT_DOCUMENTED = "date of deposit not documented"
AS_OF = datetime.date(2025, 10, 1)


def every_party(client, **params):
    """The Parties of every page of /parties/, in the order shown."""
    parties, page = [], 1
    while True:
        response = client.get(reverse("measures:party-list"), {**params, "page": page})
        assert response.status_code == 200
        parties += list(response.context["parties"])
        if not response.context["page_obj"].has_next():
            return parties
        page += 1


def undated_codes():
    return set(Party.objects.filter(deposit_date__isnull=True).values_list("iso3", flat=True))


def long_date(value, language="en"):
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


def dd_after(html, term):
    """The text of the <dd> that follows the <dt> `term`, tags removed."""
    match = re.search(rf"<dt>{re.escape(term)}</dt><dd>(.*?)</dd>", html, flags=re.S)
    assert match, term
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


class TestReferenceData:
    def test_undated_parties_are_recorded(self, reference_data):
        assert Party.objects.count() == RECORDED
        assert Party.objects.filter(deposit_date__isnull=False).count() == DATED
        assert len(undated_codes()) == UNDATED
        assert {"IND", "IRL", "UZB"} <= undated_codes()
        assert Party.objects.filter(entry_into_force__isnull=True).count() == WITHOUT_ENTRY
        uzbekistan = Party.objects.get(iso3="UZB")
        assert (uzbekistan.deposit_date, uzbekistan.entry_into_force) == (None, datetime.date(2020, 2, 15))

    def test_the_sources_count_is_loaded(self, reference_data):
        count = PartyCount.objects.latest_known()
        assert (count.at_least, count.as_of) == (154, AS_OF)
        assert count.source_urls and all(url.startswith("https://") for url in count.source_urls)


class TestPartyList:
    def test_every_party_is_listed_dated_or_not(self, client, reference_data):
        response = client.get(reverse("measures:party-list"))
        assert response.context["paginator"].count == RECORDED
        assert f"{RECORDED} Parties</h2>" in response.content.decode()
        assert {party.iso3 for party in every_party(client)} >= undated_codes()

    def test_an_undated_party_says_its_dates_are_not_documented(self, client, reference_data):
        response = client.get(reverse("measures:party-list"), {"q": "India"})
        assert [party.iso3 for party in response.context["parties"]] == ["IND"]
        row = re.search(
            r"<tr>\s*<th scope=\"row\"><a href=\"/parties/ind/\">India</a>.*?</tr>", response.content.decode(), re.S
        )
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
        ]
        # Electoral group, instrument, deposit, entry into force, published measures.
        assert cells[2:4] == [NOT_DOCUMENTED, "not documented"]
        assert "—" not in cells[2:4]

    def test_an_entry_into_force_without_a_deposit_date_is_shown(self, client, reference_data):
        html = client.get(reverse("measures:party-list"), {"q": "UZB"}).content.decode()
        assert NOT_DOCUMENTED in html
        assert '<time datetime="2020-02-15">15 February 2020</time>' in html

    def test_a_dated_party_shows_its_dates(self, client, reference_data):
        html = client.get(reverse("measures:party-list"), {"q": "ITA"}).content.decode()
        assert "19 February 2007" in html
        assert NOT_DOCUMENTED not in html

    def test_query_count(self, client, reference_data, django_assert_max_num_queries):
        with django_assert_max_num_queries(11):
            response = client.get(reverse("measures:party-list"), {"sort": "deposit", "page": 3})
        assert response.status_code == 200


class TestPartyDetail:
    def test_india_deposit_and_entry_into_force_not_documented(self, client, reference_data):
        response = client.get("/parties/ind/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>India</h1>" in html
        assert dd_after(html, "Date of deposit") == NOT_DOCUMENTED
        assert dd_after(html, "Entry into force") == "not documented"
        assert dd_after(html, "Instrument") == "Not recorded in the sources"

    def test_uzbekistan_entry_into_force_without_deposit_date(self, client, reference_data):
        html = client.get("/parties/uzb/").content.decode()
        assert dd_after(html, "Date of deposit") == NOT_DOCUMENTED
        assert dd_after(html, "Entry into force") == "15 February 2020"

    def test_italy_dates(self, client, reference_data):
        html = client.get("/parties/ita/").content.decode()
        assert "<h1>Italy</h1>" in html
        assert dd_after(html, "Date of deposit") == "19 February 2007"
        assert NOT_DOCUMENTED not in html

    def test_query_count(self, client, reference_data, django_assert_max_num_queries):
        make_measure(party=Party.objects.get(iso3="IND"), status=Measure.Status.PUBLISHED)
        with django_assert_max_num_queries(14):  # as tests/measures/test_parties.py counts them
            assert client.get("/parties/ind/").status_code == 200


class TestApiAndExport:
    def test_api_lists_every_party_with_a_null_date_where_undocumented(self, client, reference_data):
        body = client.get("/api/v1/parties/", {"page_size": 100}).json()
        assert body["count"] == RECORDED
        india = client.get("/api/v1/parties/ind/").json()
        assert (india["code"], india["deposit_date"], india["entry_into_force"]) == ("IND", None, None)
        uzbekistan = client.get("/api/v1/parties/uzb/").json()
        assert (uzbekistan["deposit_date"], uzbekistan["entry_into_force"]) == (None, "2020-02-15")
        italy = client.get("/api/v1/parties/ita/").json()
        assert italy["deposit_date"] == "2007-02-19"

    def test_api_year_filter_leaves_undated_parties_out(self, client, reference_data):
        assert client.get("/api/v1/parties/", {"deposited_from": 1900}).json()["count"] == DATED

    def test_csv_export_fills_the_party_columns_of_an_undated_party(self, client, reference_data):
        india = Party.objects.get(iso3="IND")
        make_measure(party=india, title="A measure of India", status=Measure.Status.PUBLISHED)
        response = client.get("/measures/export.csv", {"party": "IND"})
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        assert [(row["title"], row["party"], row["party_iso3"]) for row in rows] == [
            ("A measure of India", "India", "IND")
        ]
        assert rows[0]["electoral_group"] == ""  # India's group is not recorded either


class TestFilterAndSort:
    def test_a_year_range_leaves_undated_parties_out(self, client, reference_data):
        for params in (
            {"deposited_from": 1900},
            {"deposited_to": 2100},
            {"deposited_from": 2000, "deposited_to": 2030},
        ):
            parties = every_party(client, **params)
            assert len(parties) == DATED, params
            assert not {party.iso3 for party in parties} & undated_codes()

    def test_without_a_year_range_they_are_in(self, client, reference_data):
        parties = every_party(client, instrument="none")
        assert {party.iso3 for party in parties} >= undated_codes() - {"ROU"}  # Romania's instrument is known
        assert len(every_party(client)) == RECORDED

    @pytest.mark.parametrize("sort", ["deposit", "-deposit"])
    def test_sorting_by_deposit_puts_undated_parties_last_in_both_directions(self, client, reference_data, sort):
        dates = [party.deposit_date for party in every_party(client, sort=sort)]
        assert dates[-UNDATED:] == [None] * UNDATED
        known = dates[:-UNDATED]
        assert None not in known
        assert known == sorted(known, reverse=sort.startswith("-"))

    @pytest.mark.parametrize("sort", ["entry", "-entry"])
    def test_sorting_by_entry_into_force_puts_undated_parties_last_in_both_directions(
        self, client, reference_data, sort
    ):
        dates = [party.entry_into_force for party in every_party(client, sort=sort)]
        assert dates[-WITHOUT_ENTRY:] == [None] * WITHOUT_ENTRY
        known = dates[:-WITHOUT_ENTRY]
        assert None not in known
        assert known == sorted(known, reverse=sort.startswith("-"))

    @pytest.mark.parametrize(
        ("sort", "expected"),
        [
            ("deposit", ["Early", "Late", "Anonymous", "Unknown"]),
            ("-deposit", ["Late", "Early", "Anonymous", "Unknown"]),
        ],
    )
    def test_undated_parties_last_then_by_name(self, client, sort, expected):
        make_party(name_en="Unknown", iso3="UUU")
        make_party(name_en="Late", iso3="LLL", deposit_date=datetime.date(2020, 1, 1))
        make_party(name_en="Anonymous", iso3="NNN")
        make_party(name_en="Early", iso3="EEE", deposit_date=datetime.date(2006, 1, 1))
        response = client.get(reverse("measures:party-list"), {"sort": sort})
        assert [party.name_en for party in response.context["parties"]] == expected


def stats_charts(client, path=None):
    response = client.get(path or reverse("measures:stats"))
    assert response.status_code == 200
    return response, {chart["id"]: chart for chart in response.context["party_charts"]}


class TestStatistics:
    def test_instrument_chart_shows_known_instruments_and_says_how_many_are_not_recorded(self, client, reference_data):
        response, charts = stats_charts(client)
        chart = charts["chart-instrument"]
        labels = [str(row["label"]) for row in chart["rows"]]
        assert labels == [str(label) for label in Party.Instrument.labels]
        assert "Not recorded in the sources" not in labels
        assert sum(row["cells"][0] for row in chart["rows"]) == RECORDED - INSTRUMENT_NOT_RECORDED
        assert f"The instrument of {INSTRUMENT_NOT_RECORDED} Parties is not recorded" in chart["note"]
        assert chart["note_link"]["url"] == "/parties/?instrument=none"
        html = response.content.decode()
        assert f"The instrument of {INSTRUMENT_NOT_RECORDED} Parties is not recorded in the sources" in html
        assert '<a href="/parties/?instrument=none">' in html
        svg = re.search(r'<svg[^>]*aria-labelledby="chart-instrument-title.*?</svg>', html, re.S).group(0)
        assert "Not recorded" not in svg

    def test_deposit_chart_says_how_many_parties_it_leaves_out(self, client, reference_data):
        response, charts = stats_charts(client)
        chart = charts["chart-deposits"]
        assert chart["rows"][-1]["cells"][0] == DATED
        assert f"{UNDATED} Parties whose date of deposit is not documented are not in this chart." in chart["note"]
        assert f"{UNDATED} Parties whose date of deposit is not documented" in response.content.decode()

    def test_no_note_where_nothing_is_left_out(self, client):
        make_party(instrument=Party.Instrument.RATIFICATION, deposit_date=datetime.date(2006, 1, 1))
        _response, charts = stats_charts(client)
        assert charts["chart-instrument"]["note"] == "" and charts["chart-instrument"]["note_link"] is None
        assert charts["chart-deposits"]["note"] == ""

    def test_reporting_status_chart_counts_the_current_cycle(self, client, reference_data):
        response, charts = stats_charts(client)
        statuses = ReportStatusFilter(data={})
        counts = statuses.status_counts()
        chart = charts["chart-report-status"]
        assert chart["title"] == f"Reporting status, {statuses.selected_cycle.year} cycle"
        assert [str(row["label"]) for row in chart["rows"]] == [str(label) for label in ShownReportStatus.labels]
        assert [row["cells"][0] for row in chart["rows"]] == [counts[value] for value in ShownReportStatus.values]
        assert sum(row["cells"][0] for row in chart["rows"]) == counts["total"]
        assert [row["url"] for row in chart["rows"]] == [
            f"/reports/?status={value}" for value in ShownReportStatus.values
        ]
        html = response.content.decode()
        assert f"Reporting status, {statuses.selected_cycle.year} cycle</h3>" in html
        assert 'href="/reports/?status=submitted"' in html

    def test_no_reporting_status_chart_without_a_cycle(self, client):
        make_party()
        _response, charts = stats_charts(client)
        assert "chart-report-status" not in charts

    def test_query_count(self, client, reference_data, django_assert_max_num_queries):
        # 16 (the page cache's generation among them), and the map's Parties and their measures
        with django_assert_max_num_queries(18):
            assert client.get(reverse("measures:stats")).status_code == 200


class TestCompleteness:
    @pytest.mark.parametrize("name", ["measures:party-list", "measures:stats"])
    def test_the_recorded_count_against_the_sources_count(self, client, reference_data, name):
        html = client.get(reverse(name), {"region": "I"}).content.decode()
        assert f"{RECORDED} Parties recorded here; the sources count at least 154 (as of {long_date(AS_OF)})." in html
        count = PartyCount.objects.latest_known()
        assert escape(count.basis) in html
        for url in count.source_urls:
            assert f'href="{url}"' in html

    @pytest.mark.parametrize("path", ["/fr/parties/", "/es/stats/"])
    def test_the_date_is_written_as_the_language_writes_it(self, client, reference_data, path):
        language = path.split("/")[1]
        html = client.get(path).content.decode()
        assert long_date(AS_OF, language) in html
        assert long_date(AS_OF, language) != long_date(AS_OF, "en")

    @pytest.mark.parametrize("name", ["measures:party-list", "measures:stats"])
    def test_without_a_count_from_the_sources_only_the_recorded_count(self, client, name):
        make_party()
        make_party()
        html = client.get(reverse(name)).content.decode()
        assert "2 Parties recorded here." in html
        assert "the sources count" not in html

    def test_the_count_is_computed_not_written(self, client, reference_data):
        make_party(name_en="Newland", iso3="NWL")
        PartyCount.objects.create(at_least=160, as_of=datetime.date(2026, 1, 1), basis="A test.", sources="")
        html = client.get(reverse("measures:party-list")).content.decode()
        assert f"{RECORDED + 1} Parties recorded here; the sources count at least 160" in html
