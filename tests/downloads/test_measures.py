"""The measures list as CSV and XLSX: the same filters give the same rows; the XLSX speaks the page's language."""

import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst

from measures.columns import EXPORTED
from measures.models import Measure, Partner
from tests.downloads.reading import about, csv_rows, data_rows, file_name, header, sheet, today, workbook
from tests.factories import make_measure
from tests.support.catalogue import build_catalogue

pytestmark = pytest.mark.django_db

XLSX_URL = "/measures/export.xlsx"
RESULTS = "What are the results achieved so far through the implementation of the measure/initiative?"


@pytest.fixture
def catalogue(db):
    return build_catalogue()


def headers_in(language):
    with translation.override(language):
        return [capfirst(str(column.label)) for column in EXPORTED]


class TestCsv:
    def test_starts_with_the_byte_order_mark_under_a_dated_name_with_stable_english_headers(self, client, catalogue):
        response = client.get("/fr/measures/export.csv")
        rows = csv_rows(response)
        assert rows[0] == [column.name for column in EXPORTED]
        assert rows[0][:4] == ["id", "url", "title", "party"]
        assert file_name(response) == f"measures-{today()}.csv"


class TestXlsx:
    def test_is_a_workbook_named_like_the_csv(self, client, catalogue):
        response = client.get(XLSX_URL)
        assert file_name(response) == f"measures-{today()}.xlsx"
        assert workbook(response).sheetnames == ["About", "Measures"]
        assert file_name(client.get(XLSX_URL, {"goal": "1"})) == f"measures-{today()}-goal-1.xlsx"
        assert "Cache-Control" not in response or "public" not in response["Cache-Control"]

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"party": "can"},
            {"goal": ["2", "4"], "region": "Va"},
            {"domain": ["music", "design"]},
            {"year_from": "2017", "year_to": "2018"},
            {"q": "guanajuato"},
            {"reported_by": "civil_society", "report_year": ["2020", "2024"]},
            {"youth": "true", "party": "FRA"},
            {"sort": "title"},
        ],
    )
    def test_rows_equal_the_list_count_for_the_same_filters(self, client, catalogue, params):
        query = urlencode(params, doseq=True)
        listed = client.get(f"/measures/?{query}").context["paginator"].count
        book = workbook(client.get(f"{XLSX_URL}?{query}"))
        assert len(data_rows(book)) == listed
        assert about(book)["Rows"] == [listed]

    def test_rows_follow_the_order_of_the_list(self, client, catalogue):
        page = [measure.pk for measure in client.get("/measures/?sort=title").context["measures"]]
        assert [row["Identifier"] for row in data_rows(workbook(client.get(XLSX_URL, {"sort": "title"})))] == page

    def test_headers_are_the_column_labels_in_english_french_and_spanish(self, client, catalogue):
        english = header(workbook(client.get(XLSX_URL)))
        french = header(workbook(client.get(f"/fr{XLSX_URL}")))
        spanish = header(workbook(client.get(f"/es{XLSX_URL}")))
        assert english == headers_in("en")
        assert french == headers_in("fr")
        assert spanish == headers_in("es")
        assert "Party" in english and "Partie" in french and "Parte" in spanish
        assert "Groupe électoral" in french
        assert len(english) == len(EXPORTED)

    def test_the_first_sheet_is_about_in_the_language_of_the_page(self, client, catalogue):
        assert workbook(client.get(f"/fr{XLSX_URL}")).sheetnames == ["À propos", "Mesures"]
        assert workbook(client.get(f"/es{XLSX_URL}")).sheetnames[0] == "Acerca de"

    def test_codes_become_labels_in_the_language_of_the_page(self, client, catalogue):
        rows = data_rows(workbook(client.get(f"/fr{XLSX_URL}", {"party": "SEN"})))
        [senegal] = rows
        assert senegal["Soumise par"] == "Société civile"
        assert senegal["Partie"] == "Sénégal"
        assert senegal["Code ISO"] == "SEN"
        assert senegal["Groupe électoral"] == "Groupe V(a) (Afrique)"
        [canada] = data_rows(workbook(client.get(f"/fr{XLSX_URL}", {"party": "CAN", "youth": "true"})))
        assert canada["Groupe électoral"] == "Groupe I (Europe occidentale et Amérique du Nord)"
        assert canada["Jeunesse"] == "Oui"
        assert canada["Pratique innovante"] == "Non"
        [france] = data_rows(workbook(client.get(f"/fr{XLSX_URL}", {"party": "FRA"})))
        assert france["Domaines de suivi"] == "Gender equality (fr)"
        [english] = data_rows(workbook(client.get(XLSX_URL, {"party": "SEN"})))
        assert english["Reported by"] == "Civil society"
        assert english["Electoral group"] == "Group V(a) (Africa)"
        assert english["Youth"] == "No"

    def test_values_keep_their_type(self, client, catalogue):
        measure = catalogue.measures["mexico_mobility"]
        Measure.objects.filter(pk=measure.pk).update(financial_resources_usd=Decimal("125000.50"))
        [row] = data_rows(workbook(client.get(XLSX_URL, {"party": "MEX"})))
        assert row["Identifier"] == measure.pk
        assert row["Report year"] == 2024
        assert row["Financial resources in USD"] == 125000.5
        assert row["Page on the portal"] == f"http://testserver/measures/{measure.pk}/"
        assert row["Partners"] == "Fondo Nacional para la Cultura"
        assert row["End year"] == 2023
        assert row["Reporting organisation"] is None

    def test_dates_are_date_cells(self, client, catalogue):
        book = workbook(client.get(XLSX_URL))
        published = header(book).index("Published") + 1
        cells = [row[published - 1] for row in sheet(book).iter_rows(min_row=2)]
        assert cells
        for cell in cells:
            assert isinstance(cell.value, datetime.datetime)
            assert cell.is_date
        measure = Measure.objects.get(pk=catalogue.measures["canada_music"].pk)
        [row] = data_rows(workbook(client.get(XLSX_URL, {"party": "CAN", "youth": "true"})))
        published = timezone.localtime(measure.published_at).replace(tzinfo=None)
        assert abs(row["Published"] - published) < datetime.timedelta(seconds=1)

    def test_the_header_row_is_frozen_and_the_columns_have_widths(self, client, catalogue):
        book = workbook(client.get(XLSX_URL))
        assert sheet(book).freeze_panes == "A2"
        assert sheet(book)["A1"].font.bold
        assert sheet(book).column_dimensions["C"].width == 50  # title
        assert sheet(book).auto_filter.ref.startswith("A1:")

    def test_the_about_sheet_says_what_where_which_filters_when_and_how_many(self, client, catalogue):
        book = workbook(client.get(f"/fr{XLSX_URL}", {"region": "I", "youth": "true", "q": "music"}))
        found = about(book, "fr")
        labels = list(found)
        assert book.worksheets[0]["A1"].value == "Mesures — Portail de suivi de la Convention"
        assert found["Address on the portal"] == ["http://testserver/fr/measures/?region=I&youth=true&q=music"]
        assert "Groupe électoral : Groupe I (Europe occidentale et Amérique du Nord)" in found["Filters applied"]
        assert "Jeunesse" in found["Filters applied"]
        assert any("“music”" in text for text in found["Filters applied"])
        [extracted] = found["Extracted on"]
        assert isinstance(extracted, datetime.datetime)
        assert found["Rows"] == [len(data_rows(book))]
        assert "http://testserver/fr/measures/export.csv?region=I&youth=true&q=music" in found["Format for programs"]
        assert labels.index("What this file holds") < labels.index("Rows")

    def test_without_filters_the_about_sheet_says_so(self, client, catalogue):
        assert about(workbook(client.get(XLSX_URL)))["Filters applied"] == ["None: the whole list"]

    @pytest.mark.parametrize(
        "formula", ["=1+1", '=HYPERLINK("http://example.org","x")', "+1", "-1", "@SUM(A1)", "#N/A"]
    )
    def test_a_formula_looking_title_stays_text(self, client, catalogue, formula):
        measure = make_measure(party=catalogue.parties["SEN"], status="published", title=formula)
        Partner.objects.create(measure=measure, name=formula, entity_type="other")
        book = workbook(client.get(XLSX_URL, {"party": "SEN"}))
        names = header(book)
        row = next(row for row in sheet(book).iter_rows(min_row=2) if row[0].value == measure.pk)
        for column in ("Title", "Partners"):
            cell = row[names.index(column)]
            assert cell.value == formula
            assert cell.data_type == "s"
            assert cell.quotePrefix

    def test_control_characters_are_removed_rather_than_failing(self, client, catalogue):
        title, results = "Bell\x07 and\x0b form\x0cfeed", "unit\x1fseparator"
        measure = make_measure(party=catalogue.parties["SEN"], status="published", title=title, results=results)
        rows = data_rows(workbook(client.get(XLSX_URL, {"party": "SEN"})))
        [row] = [row for row in rows if row["Identifier"] == measure.pk]
        assert row["Title"] == "Bell and formfeed"
        assert row[RESULTS] == "unitseparator"

    def test_bad_filters_are_a_400_with_the_reason(self, client, catalogue):
        response = client.get(XLSX_URL, {"goal": "abc"})
        assert response.status_code == 400
        assert "Unknown goal: abc." in response.content.decode()
        assert client.get(f"/fr{XLSX_URL}", {"party": "ZZZ"}).status_code == 400

    def test_queries_do_not_grow_with_the_rows(self, client, catalogue, django_assert_max_num_queries):
        # Reference data, the rows and each relation of the rows read once each, whatever the number of rows.
        with django_assert_max_num_queries(20) as first:
            before = len(data_rows(workbook(client.get(XLSX_URL))))
        for number in range(30):
            measure = make_measure(party=catalogue.parties["SEN"], status="published", title=f"More {number}")
            measure.areas.set([catalogue.areas["artistic-freedom"]])
            measure.domains.set([catalogue.domains["music"]])
            Partner.objects.create(measure=measure, name=f"Partner {number}", entity_type="other")
        with django_assert_max_num_queries(20) as second:
            after = len(data_rows(workbook(client.get(XLSX_URL))))
        assert after == before + 30
        assert len(second) == len(first)

    def test_a_change_shows_in_the_next_download(self, client, catalogue):
        before = len(data_rows(workbook(client.get(XLSX_URL))))
        make_measure(party=catalogue.parties["SEN"], status="published", title="Just published")
        assert len(data_rows(workbook(client.get(XLSX_URL)))) == before + 1
