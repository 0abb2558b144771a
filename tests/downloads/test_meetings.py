"""The meetings list as CSV and XLSX: the page's meetings, their dates exactly as recorded."""

import datetime
from urllib.parse import urlencode

import pytest
from django.utils import translation

from experts.columns import MEETINGS
from experts.models import Meeting
from tests.downloads.reading import about, csv_rows, data_rows, file_name, header, sheet, today, workbook
from tests.factories import make_body, make_meeting

pytestmark = pytest.mark.django_db

CSV_HEADER = [
    "title",
    "session",
    "body",
    "body_key",
    "kind",
    "year",
    "month",
    "start_date",
    "end_date",
    "format",
    "city",
    "country",
    "country_iso3",
    "venue",
    "organisers",
    "part_of",
    "url",
]
FILTERS = [
    {},
    {"year": "2024"},
    {"when": "past"},
    {"when": "upcoming"},
    {"kind": "ordinary_session"},
    {"body": ["group-of-experts-digital-environment", "conference-of-parties"]},
    {"country": "fra"},
    {"q": "session"},
]


def listed(client, params):
    response = client.get("/meetings/", params)
    assert response.context["paginator"].num_pages == 1
    return [meeting.title for meeting in response.context["meetings"]]


class TestCsv:
    def test_starts_with_the_byte_order_mark_under_a_dated_name_with_stable_english_headers(
        self, client, reference_data
    ):
        response = client.get("/fr/meetings/export.csv")
        rows = csv_rows(response)
        assert rows[0] == CSV_HEADER == [column.name for column in MEETINGS]
        assert file_name(response) == f"meetings-{today()}.csv"
        assert file_name(client.get("/meetings/export.csv", {"year": "2024"})) == f"meetings-{today()}-year-2024.csv"

    @pytest.mark.parametrize("params", FILTERS)
    def test_rows_are_the_list_for_the_same_filters(self, client, reference_data, params):
        rows = csv_rows(client.get(f"/meetings/export.csv?{urlencode(params, doseq=True)}"))
        assert [row[0] for row in rows[1:]] == listed(client, params)

    def test_dates_exactly_as_recorded(self, client, reference_data):
        body = make_body(slug="dates-body")
        exact = make_meeting(body=body, start_date=datetime.date(2030, 3, 4), end_date=datetime.date(2030, 3, 6))
        month = make_meeting(body=body, year=2031, month=11)
        year = make_meeting(body=body, year=2032)
        header_row, *rows = csv_rows(client.get("/meetings/export.csv", {"body": "dates-body"}))
        records = {row[0]: dict(zip(header_row, row, strict=True)) for row in rows}
        dates = ("year", "month", "start_date", "end_date")
        assert [records[exact.title][name] for name in dates] == ["2030", "3", "2030-03-04", "2030-03-06"]
        assert [records[month.title][name] for name in dates] == ["2031", "11", "", ""]
        assert [records[year.title][name] for name in dates] == ["2032", "", "", ""]
        assert records[exact.title]["body_key"] == "dates-body"
        assert records[exact.title]["kind"] == "expert_meeting"
        assert records[exact.title]["url"] == f"http://testserver/meetings/{exact.slug}/"

    def test_the_month_only_meeting_of_the_reference_data_has_no_day(self, client, reference_data):
        meeting = Meeting.objects.get(slug="group-of-experts-paris-2024")
        assert meeting.start_date is None
        header_row, *rows = csv_rows(client.get("/meetings/export.csv"))
        record = next(dict(zip(header_row, row, strict=True)) for row in rows if row[-1].endswith(f"/{meeting.slug}/"))
        assert (record["year"], record["month"], record["start_date"], record["end_date"]) == ("2024", "11", "", "")
        assert record["country_iso3"] == "FRA"


class TestXlsx:
    @pytest.mark.parametrize("params", FILTERS)
    def test_rows_are_the_list_for_the_same_filters(self, client, reference_data, params):
        book = workbook(client.get(f"/meetings/export.xlsx?{urlencode(params, doseq=True)}"))
        expected = listed(client, params)
        assert [row["Title"] for row in data_rows(book)] == expected
        assert about(book)["Rows"] == [len(expected)]

    def test_is_named_like_the_csv(self, client, reference_data):
        assert file_name(client.get("/meetings/export.xlsx")) == f"meetings-{today()}.xlsx"

    def test_titles_headers_and_labels_follow_the_language(self, client, reference_data):
        french = workbook(client.get("/fr/meetings/export.xlsx", {"kind": "ordinary_session"}))
        assert french.sheetnames == ["À propos", "Réunions"]
        assert header(french)[:4] == ["Titre", "Numéro de session", "Organe", "Type de réunion"]
        rows = data_rows(french)
        assert "10e session de la Conférence des Parties" in {row["Titre"] for row in rows}
        assert {row["Type de réunion"] for row in rows} == {"Session ordinaire"}
        spanish = workbook(client.get("/es/meetings/export.xlsx"))
        assert spanish.sheetnames[0] == "Acerca de"
        assert "Sesión ordinaria" in {row[header(spanish)[3]] for row in data_rows(spanish)}
        assert "body_key" not in header(french) and "URL key" not in header(french)

    def test_exact_days_are_date_cells_and_unknown_days_stay_empty(self, client, reference_data):
        book = workbook(client.get("/fr/meetings/export.xlsx", {"year": "2024"}))
        by_title = {row["Titre"]: row for row in data_rows(book)}
        paris = Meeting.objects.get(slug="group-of-experts-paris-2024")
        quebec = Meeting.objects.get(slug="group-of-experts-quebec-city-2024")
        with translation.override("fr"):
            paris_title, quebec_title = str(paris.title), str(quebec.title)
        with_month = by_title[paris_title]
        assert (with_month["Année"], with_month["Mois"], with_month["Premier jour"], with_month["Dernier jour"]) == (
            2024,
            "novembre",
            None,
            None,
        )
        exact = by_title[quebec_title]
        assert exact["Premier jour"] == datetime.datetime.combine(quebec.start_date, datetime.time())
        assert exact["Dernier jour"] == datetime.datetime.combine(quebec.end_date, datetime.time())
        first_day = header(book).index("Premier jour")
        cells = [row[first_day] for row in sheet(book).iter_rows(min_row=2) if row[first_day].value]
        assert cells and all(cell.is_date for cell in cells)
        assert sheet(book).freeze_panes == "A2"

    def test_the_about_sheet_names_the_bodies_and_countries_chosen(self, client, reference_data):
        found = about(
            workbook(client.get("/meetings/export.xlsx", {"body": "conference-of-parties", "country": "FRA"}))
        )
        assert "Body: Conference of Parties" in found["Filters applied"]
        assert "Country: France" in found["Filters applied"]
        assert any("no day is guessed" in note for note in found["How to read it"])

    @pytest.mark.parametrize("params", [{"year": "abc"}, {"body": "not a slug!"}, {"country": "12"}, {"when": "soon"}])
    @pytest.mark.parametrize("extension", ["csv", "xlsx"])
    def test_bad_filters_are_a_400_not_a_500(self, client, reference_data, params, extension):
        response = client.get(f"/meetings/export.{extension}", params)
        assert response.status_code == 400
        assert "These filters could not be read:" in response.content.decode()
