"""The Parties list as CSV and XLSX, with the page's filters and order."""

import datetime
from urllib.parse import urlencode

import pytest

from measures.directory.columns import PARTIES
from measures.models import Party
from tests.downloads.reading import about, csv_rows, data_rows, file_name, header, sheet, today, workbook

pytestmark = pytest.mark.django_db

CSV_HEADER = [
    "name",
    "iso3",
    "kind",
    "electoral_group",
    "instrument",
    "deposit_date",
    "entry_into_force",
    "published_measures",
    "url",
]
FILTERS = [
    {},
    {"region": "Va"},
    {"region": ["I", "II"], "kind": "state"},
    {"instrument": "none"},
    {"instrument": ["accession", "approval"]},
    {"q": "can"},
    {"deposited_from": "2010", "deposited_to": "2015"},
    {"kind": "reio"},
    {"sort": "-deposit"},
]


def listed(client, params):
    """The Parties the page lists for `params` (every page of it), in its order."""
    response = client.get("/parties/", params)
    count = response.context["paginator"].count
    names = []
    for number in range(1, response.context["paginator"].num_pages + 1):
        names += [party.name for party in client.get("/parties/", {**params, "page": number}).context["parties"]]
    return count, names


class TestCsv:
    def test_starts_with_the_byte_order_mark_under_a_dated_name_with_stable_english_headers(
        self, client, reference_data
    ):
        response = client.get("/fr/parties/export.csv")
        rows = csv_rows(response)
        assert rows[0] == CSV_HEADER == [column.name for column in PARTIES]
        assert file_name(response) == f"parties-{today()}.csv"
        assert file_name(client.get("/parties/export.csv", {"region": "Va"})) == f"parties-{today()}-region-va.csv"

    @pytest.mark.parametrize("params", FILTERS)
    def test_rows_are_the_list_for_the_same_filters(self, client, reference_data, params):
        count, names = listed(client, params)
        rows = csv_rows(client.get(f"/parties/export.csv?{urlencode(params, doseq=True)}"))
        assert len(rows) - 1 == count
        assert [row[0] for row in rows[1:]] == names

    def test_codes_and_iso_dates(self, client, reference_data):
        canada = Party.objects.get(iso3="CAN")
        header_row, *rows = csv_rows(client.get("/parties/export.csv", {"q": "CAN"}))
        record = next(dict(zip(header_row, row, strict=True)) for row in rows if row[1] == "CAN")
        assert record["name"] == "Canada"
        assert record["kind"] == "state"
        assert record["electoral_group"] == "I"
        assert record["instrument"] == canada.instrument
        assert record["deposit_date"] == canada.deposit_date.isoformat() == "2005-11-28"
        assert record["entry_into_force"] == canada.entry_into_force.isoformat()
        assert record["url"] == "http://testserver/parties/can/"

    def test_undocumented_dates_are_empty(self, client, reference_data):
        undated = Party.objects.filter(deposit_date__isnull=True).count()
        assert undated
        header_row, *rows = csv_rows(client.get("/parties/export.csv"))
        assert sum(1 for row in rows if row[header_row.index("deposit_date")] == "") == undated


class TestXlsx:
    @pytest.mark.parametrize("params", FILTERS)
    def test_rows_are_the_list_for_the_same_filters(self, client, reference_data, params):
        count, names = listed(client, params)
        book = workbook(client.get(f"/parties/export.xlsx?{urlencode(params, doseq=True)}"))
        rows = data_rows(book)
        assert len(rows) == count
        assert [row["Party"] for row in rows] == names
        assert about(book)["Rows"] == [count]

    def test_is_named_like_the_csv(self, client, reference_data):
        assert file_name(client.get("/parties/export.xlsx")) == f"parties-{today()}.xlsx"

    def test_headers_labels_and_sheets_follow_the_language(self, client, reference_data):
        french = workbook(client.get("/fr/parties/export.xlsx", {"q": "CAN"}))
        assert french.sheetnames == ["À propos", "Parties"]
        assert header(french)[:4] == ["Partie", "Code ISO", "Type", "Groupe électoral"]
        assert "Date de dépôt" in header(french)
        canada = next(row for row in data_rows(french) if row["Code ISO"] == "CAN")
        assert canada["Groupe électoral"] == "Groupe I (Europe occidentale et Amérique du Nord)"
        assert canada["Type"] == "État"
        spanish = workbook(client.get("/es/parties/export.xlsx", {"q": "CAN"}))
        assert spanish.sheetnames[0] == "Acerca de"
        assert header(spanish)[0] == "Parte"
        assert next(row for row in data_rows(spanish) if row["Código ISO"] == "CAN")["Grupo electoral"] == (
            "Grupo I (Europa Occidental y América del Norte)"
        )
        english = workbook(client.get("/parties/export.xlsx", {"q": "CAN"}))
        assert next(row for row in data_rows(english) if row["ISO code"] == "CAN")["Electoral group"] == (
            "Group I (Western Europe and North America)"
        )

    def test_dates_are_date_cells_and_the_header_is_frozen(self, client, reference_data):
        book = workbook(client.get("/parties/export.xlsx", {"q": "CAN"}))
        canada = Party.objects.get(iso3="CAN")
        row = next(row for row in data_rows(book) if row["ISO code"] == "CAN")
        assert row["Date of deposit"] == datetime.datetime(2005, 11, 28)
        assert row["Entry into force"] == datetime.datetime.combine(canada.entry_into_force, datetime.time())
        assert row["Page on the portal"] == "http://testserver/parties/can/"
        assert sheet(book).freeze_panes == "A2"
        deposit = header(book).index("Date of deposit")
        assert all(cell.is_date for cell in (row[deposit] for row in sheet(book).iter_rows(min_row=2)) if cell.value)

    def test_the_about_sheet_describes_the_filters_in_words(self, client, reference_data):
        book = workbook(client.get("/fr/parties/export.xlsx", {"region": "Va", "instrument": "none"}))
        filters = about(book, "fr")["Filters applied"]
        assert "Groupe électoral : Groupe V(a) (Afrique)" in filters
        assert "Instrument : Non indiqué dans les sources" in filters
        assert about(book, "fr")["Address on the portal"] == ["http://testserver/fr/parties/?region=Va&instrument=none"]

    @pytest.mark.parametrize("params", [{"deposited_from": "abc"}, {"region": "ZZ"}, {"sort": "nonsense"}])
    @pytest.mark.parametrize("extension", ["csv", "xlsx"])
    def test_bad_filters_are_a_400_not_a_500(self, client, reference_data, params, extension):
        response = client.get(f"/parties/export.{extension}", params)
        assert response.status_code == 400
        assert response.content.decode().startswith("These filters could not be read:")

    def test_a_new_party_shows_in_the_next_download(self, client, reference_data):
        before = len(data_rows(workbook(client.get("/parties/export.xlsx"))))
        Party.objects.create(iso3="ZZZ", name_en="Zedland")
        assert len(data_rows(workbook(client.get("/parties/export.xlsx")))) == before + 1
