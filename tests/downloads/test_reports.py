"""The reporting-status table as CSV and XLSX: the table's rows and statuses, "not recorded" where it says so."""

import datetime
from urllib.parse import urlencode

import pytest

from measures.directory.columns import REPORTS
from measures.models import PeriodicReport, ReportingCycle, ShownReportStatus
from tests.downloads.reading import about, csv_rows, data_rows, file_name, header, sheet, today, workbook

pytestmark = pytest.mark.django_db

CSV_HEADER = [
    "cycle",
    "party",
    "iso3",
    "electoral_group",
    "status",
    "overdue",
    "submission_date",
    "submission_year",
    "language",
    "evidence",
    "source_url",
    "published_measures",
    "url",
]
FILTERS = [
    {},
    {"cycle": "2020"},
    {"cycle": "2020", "status": "submitted"},
    {"cycle": "2020", "status": "not_recorded", "region": "Va"},
    {"cycle": "2027"},
    {"cycle": "2027", "status": "overdue"},
    {"cycle": "2016", "sort": "-submitted"},
    {"region": ["I", "III"], "sort": "group"},
]


def table(client, params):
    """(party name, status) of each row of the table for `params`, in its order."""
    return [(party.name, party.report_status) for party in client.get("/reports/", params).context["parties"]]


class TestCsv:
    def test_starts_with_the_byte_order_mark_under_a_dated_name_with_stable_english_headers(
        self, client, reference_data
    ):
        response = client.get("/es/reports/export.csv", {"cycle": "2020"})
        rows = csv_rows(response)
        assert rows[0] == CSV_HEADER == [column.name for column in REPORTS]
        assert file_name(response) == f"reports-{today()}-cycle-2020.csv"

    @pytest.mark.parametrize("params", FILTERS)
    def test_rows_and_statuses_are_the_tables(self, client, reference_data, params):
        rows = csv_rows(client.get(f"/reports/export.csv?{urlencode(params, doseq=True)}"))
        status = CSV_HEADER.index("status")
        assert [(row[1], row[status]) for row in rows[1:]] == table(client, params)

    def test_not_recorded_where_no_report_is_recorded_never_a_guess(self, client, reference_data):
        cycle = ReportingCycle.objects.get(year=2020)
        recorded = set(PeriodicReport.objects.filter(cycle=cycle).values_list("party__iso3", flat=True))
        header_row, *rows = csv_rows(client.get("/reports/export.csv", {"cycle": "2020"}))
        records = [dict(zip(header_row, row, strict=True)) for row in rows]
        assert {record["cycle"] for record in records} == {"2020"}
        for record in records:
            if record["iso3"] in recorded:
                assert record["status"] == "submitted"
            else:
                assert record["status"] == "not_recorded"
                assert record["submission_date"] == record["submission_year"] == record["source_url"] == ""
                assert record["overdue"] == "no"
        assert {record["status"] for record in records} <= set(ShownReportStatus.values)
        submitted = next(record for record in records if record["status"] == "submitted")
        report = PeriodicReport.objects.get(cycle=cycle, party__iso3=submitted["iso3"])
        assert submitted["submission_year"] == str(report.submission_year or "")
        assert submitted["evidence"] == report.evidence
        assert submitted["source_url"] == report.source_url

    def test_a_cycle_that_expects_every_party_says_expected(self, client, reference_data):
        header_row, *rows = csv_rows(client.get("/reports/export.csv", {"cycle": "2027"}))
        assert rows
        assert {row[header_row.index("status")] for row in rows} == {"expected"}


class TestXlsx:
    @pytest.mark.parametrize("params", FILTERS)
    def test_rows_are_the_tables(self, client, reference_data, params):
        response = client.get("/reports/", params)
        expected = [party.name for party in response.context["parties"]]
        book = workbook(client.get(f"/reports/export.xlsx?{urlencode(params, doseq=True)}"))
        assert [row["Party"] for row in data_rows(book)] == expected
        assert about(book)["Rows"] == [len(expected)]

    def test_statuses_are_labels_in_the_language_of_the_page(self, client, reference_data):
        french = workbook(client.get("/fr/reports/export.xlsx", {"cycle": "2020"}))
        assert french.sheetnames == ["À propos", "État des rapports"]
        assert header(french)[:5] == [
            "Cycle de présentation des rapports",
            "Partie",
            "Code ISO",
            "Groupe électoral",
            "Statut",
        ]
        statuses = {row["Statut"] for row in data_rows(french)}
        assert statuses == {"Non enregistré", "Soumis"}
        assert {row["En retard"] for row in data_rows(french)} == {"Non"}
        spanish = workbook(client.get("/es/reports/export.xlsx", {"cycle": "2020"}))
        assert "No registrado" in {row["Estado"] for row in data_rows(spanish)}
        english = workbook(client.get("/reports/export.xlsx", {"cycle": "2020"}))
        assert {row["Status"] for row in data_rows(english)} == {"Not recorded", "Submitted"}

    def test_dates_are_date_cells(self, client, reference_data):
        cycle = ReportingCycle.objects.get(year=2020)
        report = PeriodicReport.objects.filter(cycle=cycle).select_related("party").first()
        report.submission_date = datetime.date(2020, 4, 30)
        report.save()
        book = workbook(client.get("/reports/export.xlsx", {"cycle": "2020"}))
        row = next(row for row in data_rows(book) if row["ISO code"] == report.party.iso3)
        assert row["Submission date"] == datetime.datetime(2020, 4, 30)
        column = header(book).index("Submission date")
        cells = [row[column] for row in sheet(book).iter_rows(min_row=2) if row[column].value]
        assert cells and all(cell.is_date for cell in cells)
        assert sheet(book).freeze_panes == "A2"

    def test_the_about_sheet_names_the_cycle_and_says_what_not_recorded_means(self, client, reference_data):
        found = about(workbook(client.get("/reports/export.xlsx", {"cycle": "2020", "status": "not_recorded"})))
        assert "Reporting cycle: 2020" in found["Filters applied"]
        assert "Status: Not recorded" in found["Filters applied"]
        assert any("it does not mean that no report was submitted" in note for note in found["How to read it"])

    @pytest.mark.parametrize("params", [{"cycle": "1999"}, {"status": "bogus"}, {"cycle": "abc"}, {"region": "X"}])
    @pytest.mark.parametrize("extension", ["csv", "xlsx"])
    def test_bad_filters_are_a_400_not_a_500(self, client, reference_data, params, extension):
        response = client.get(f"/reports/export.{extension}", params)
        assert response.status_code == 400
        assert "These filters could not be read:" in response.content.decode()

    def test_without_any_cycle_the_downloads_are_empty_lists(self, client):
        assert csv_rows(client.get("/reports/export.csv")) == [CSV_HEADER]
        assert data_rows(workbook(client.get("/reports/export.xlsx"))) == []
