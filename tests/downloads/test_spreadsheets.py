"""core/spreadsheets.py: text that stays text, values that keep their type, the About sheet first."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core import spreadsheets
from core.spreadsheets import About, Column, ListWorkbook, attribute, choice, csv_cell, sheet_title
from measures.models import ElectoralGroup


def book_with(rows, headers=("A", "B", "C", "D", "E", "F")):
    about = About("Things", "What it holds", "http://example.org/list/", "http://example.org/list.csv")
    book = ListWorkbook(about, "Things", list(headers), [12] * len(headers))
    for row in rows:
        book.append([book.value(value) for value in row])
    file = io.BytesIO()
    book.save(file)
    file.seek(0)
    return load_workbook(file)


@pytest.mark.parametrize("text", ["=1+1", "+33 1 45 68", "-5", "@SUM(A1:A2)", "#N/A", "#REF!", "=", "-"])
def test_formula_looking_text_is_written_as_text_marked_as_such(text):
    cell = book_with([[text, text]]).worksheets[1]["A2"]
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_characters_xml_cannot_carry_are_removed_rather_than_failing():
    row = book_with([["a\x00b\x01c\x08d\x0be\x0cf\x1fg\x7fh\ufffei", "tab\tand\nline breaks stay"]]).worksheets[1][2]
    assert row[0].value == "abcdefghi"
    assert row[1].value == "tab\tand\nline breaks stay"


def test_values_keep_their_types():
    moment = timezone.make_aware(datetime.datetime(2026, 12, 4, 15, 30), datetime.UTC)
    sheet = book_with([[datetime.date(2024, 5, 1), moment, 42, Decimal("1.50"), True, None]]).worksheets[1]
    day, when, number, amount, flag, empty = sheet[2]
    assert day.value == datetime.datetime(2024, 5, 1) and day.is_date
    assert when.value == datetime.datetime(2026, 12, 4, 15, 30) and when.is_date
    assert number.value == 42 and amount.value == 1.5
    assert flag.value == "Yes"
    assert empty.value is None


def test_the_about_sheet_comes_first_and_counts_the_rows():
    book = book_with([[1], [2], [3]])
    assert book.sheetnames == ["About", "Things"]
    values = list(book.worksheets[0].iter_rows(values_only=True))
    assert ("Rows", 3) in values
    assert ("Filters applied", "None: the whole list") in values
    assert book.worksheets[1].freeze_panes == "A2"
    assert book.worksheets[1].auto_filter.ref == "A1:F4"


def test_sheet_titles_are_ones_excel_accepts():
    assert sheet_title("Reporting status: 2027 [draft]?") == "Reporting status  2027  draft"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("") == "Sheet"


def test_csv_cells_are_codes_iso_dates_and_neutralised_text():
    assert csv_cell(None) == ""
    assert csv_cell(True) == "yes" and csv_cell(False) == "no"
    assert csv_cell(datetime.date(2005, 11, 28)) == "2005-11-28"
    assert csv_cell(12) == "12" and csv_cell(-3) == "-3"
    assert csv_cell("=cmd") == "'=cmd" and csv_cell("@x") == "'@x" and csv_cell("Canada") == "Canada"


class Row:
    group = "Va"
    empty = ""
    relation = None


def test_columns_read_attributes_and_label_codes():
    column = Column("group", "Group", **choice("group", ElectoralGroup))
    assert column.csv_value(Row) == "Va"
    assert column.sheet_value(Row) == "Group V(a) (Africa)"
    assert Column("empty", "Empty", **choice("empty", ElectoralGroup)).sheet_value(Row) is None
    assert attribute("relation.name")(Row) is None


def test_every_list_keeps_one_column_per_csv_name():
    from experts.columns import MEETINGS
    from measures.directory.columns import PARTIES, REPORTS

    for columns in (PARTIES, REPORTS, MEETINGS):
        names = [column.name for column in columns]
        assert len(names) == len(set(names))
        assert all(column.help for column in columns)
    assert spreadsheets.XLSX_CONTENT_TYPE == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
