"""imports.reading: the streamed reader of uploaded CSV/XLSX tables of measures.

Pure functions over file objects: no database. Every refused file is checked for a phrase that tells a person
what is wrong, and, for a problem on one row, for the line a spreadsheet shows.
"""

import codecs
import csv
import datetime
import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.reading import MAX_CELL_CHARACTERS, ImportFileError, Table, open_table, xlsx_limits

MB = 1024 * 1024


def read(data, name="measures.csv"):
    """(table, [(line, cells)…]) for a file holding `data`."""
    table = open_table(io.BytesIO(data), name)
    return table, list(table.rows())


def refused(data, name="measures.csv"):
    """The ImportFileError that opening `data`, then reading all its rows, raises."""
    with pytest.raises(ImportFileError) as caught:
        read(data, name)
    return caught.value


def xlsx(*sheets, merge=None):
    """An XLSX made by openpyxl; each sheet is (title, rows)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merge:
            sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rezip(data, change):
    """The same ZIP with each member's bytes passed through change(name, content)."""
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, change(member.filename, source.read(member)))
    return buffer.getvalue()


def zip_of_zeros(megabytes, *, with_workbook=True):
    """A small ZIP with a sheet that unpacks to `megabytes` MB of zeros (written in chunks, never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if with_workbook:
            archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = bytes(MB)
            for _ in range(megabytes):
                member.write(block)
    return buffer.getvalue()


# CSV: encodings, delimiters, line numbers


def test_csv_line_numbers_count_records_when_a_quoted_cell_holds_line_breaks():
    data = b'Title,Description\r\nFirst,"one\r\ntwo\r\nthree"\r\nSecond,"say ""hi"""\r\n'
    table, rows = read(data)
    assert table.format == "csv"
    assert table.headers == ["Title", "Description"]
    assert rows == [(2, ["First", "one\r\ntwo\r\nthree"]), (3, ["Second", 'say "hi"'])]


def test_csv_utf8_byte_order_mark_is_removed_from_the_first_header():
    table, rows = read(codecs.BOM_UTF8 + "Title,Party\nCafé,FR\n".encode())
    assert table.headers == ["Title", "Party"]
    assert rows == [(2, ["Café", "FR"])]


def test_csv_utf16_little_endian_with_tabs_as_excel_unicode_text_writes_it():
    text = "Title\tParty\r\nÉcole d'été\tFR\r\n「気候」\tJP\r\n"
    table, rows = read(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "measures.txt")
    assert table.headers == ["Title", "Party"]
    assert rows == [(2, ["École d'été", "FR"]), (3, ["「気候」", "JP"])]


def test_csv_utf16_big_endian():
    text = "Title;Party\nCafé;FR\n"
    table, rows = read(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    assert table.headers == ["Title", "Party"]
    assert rows == [(2, ["Café", "FR"])]


def test_csv_utf16_that_cannot_be_decoded_is_refused_as_damaged():
    data = codecs.BOM_UTF16_LE + "Title\r\nFirst\r\n".encode("utf-16-le") + b"\x00\xdc"  # a lone surrogate
    error = refused(data)
    assert "the file is damaged" in str(error)
    assert "UTF-8" in str(error)  # how to save it, not "save it as UTF-8" as the cause
    assert error.line == 3


def test_csv_semicolons_as_excel_writes_them_in_french_or_spanish():
    table, rows = read("Title;Amount;Notes\nAide à l’emploi;1000,5;a, b, c\n".encode())
    assert table.headers == ["Title", "Amount", "Notes"]
    assert rows == [(2, ["Aide à l’emploi", "1000,5", "a, b, c"])]


def test_csv_delimiter_is_decided_by_the_header_and_a_tie_means_comma():
    # The header splits as much on ";" as on ",": comma wins, whatever the rows hold.
    table, rows = read(b"A;B,C\n1;2,3\n")
    assert table.headers == ["A;B", "C"]
    assert rows == [(2, ["1;2", "3"])]
    # A one-column header: comma, so a row's semicolons stay in its text.
    table, rows = read(b"Title\nOne; two\n")
    assert rows == [(2, ["One; two"])]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_csv_rows_match_the_csv_module_across_chunk_boundaries(encoding):
    """Every ending and multi-byte character, at every offset: the file spans several 64 KB reads."""
    endings = ["\n", "\r\n", "\r"]
    text = "Title,Notes,Number\r\n" + "".join(
        f'Mesure n°{number} 「気候」 😀,"cell\r\nwith{endings[number % 3]}breaks",{number}{endings[number % 3]}'
        for number in range(6000)
    )
    data = text.encode(encoding)
    assert len(data) > 4 * 64 * 1024
    expected = [[cell.strip() for cell in cells] for cells in csv.reader(io.StringIO(text, newline=""))]
    table, rows = read(data)
    assert table.headers == expected[0]
    assert rows == [(line, cells) for line, cells in enumerate(expected[1:], start=2)]


def test_csv_old_mac_line_endings():
    table, rows = read(b"Title,Party\rFirst,FR\rSecond,DE")
    assert rows == [(2, ["First", "FR"]), (3, ["Second", "DE"])]


def test_csv_cells_are_stripped_short_rows_padded_and_empty_extra_cells_trimmed():
    table, rows = read(b"Title , Party ,Year\n  First  ,FR\nSecond,DE,2024,,  ,\n")
    assert table.headers == ["Title", "Party", "Year"]
    assert rows == [(2, ["First", "FR", ""]), (3, ["Second", "DE", "2024"])]


def test_csv_blank_rows_are_skipped_and_line_numbers_kept():
    table, rows = read(b"Title,Party\n\nFirst,FR\n,,\n  ,  \nSecond,DE\n\n\n")
    assert rows == [(3, ["First", "FR"]), (6, ["Second", "DE"])]


def test_csv_empty_header_cells_at_the_end_are_dropped():
    table, rows = read(b"Title,Party,,\nFirst,FR,,\n")
    assert table.headers == ["Title", "Party"]
    assert rows == [(2, ["First", "FR"])]


def test_rows_can_be_read_again_and_the_format_comes_from_the_content_not_the_name():
    table = open_table(io.BytesIO(b"Title\nFirst\nSecond\n"), "measures.xlsx")
    assert table.format == "csv"
    assert list(table.rows()) == list(table.rows()) == [(2, ["First"]), (3, ["Second"])]
    first, _ = read(xlsx(("Measures", [["Title"], ["First"]])), "measures.csv")
    assert first.format == "xlsx"


def test_django_uploaded_and_stored_files_are_read_both_as_csv_and_xlsx(tmp_path):
    csv_data, xlsx_data = b"Title,Party\nFirst,FR\n", xlsx(("Measures", [["Title", "Party"], ["First", "FR"]]))
    for data in (csv_data, xlsx_data):
        upload = SimpleUploadedFile("measures", data)
        assert list(open_table(upload, upload.name).rows()) == [(2, ["First", "FR"])]
        storage = FileSystemStorage(location=tmp_path)
        stored_name = storage.save("measures", io.BytesIO(data))
        with storage.open(stored_name, "rb") as stored:
            assert list(open_table(stored, stored_name).rows()) == [(2, ["First", "FR"])]


# CSV: refused files


def test_csv_not_saved_as_utf8_names_the_line_and_says_how_to_save_it():
    error = refused("Title;Party\nFirst;FR\nCafé;FR\n".encode("latin-1"))
    assert error.line == 3
    assert "not saved as UTF-8" in str(error)
    assert "CSV UTF-8" in str(error) and "Unicode (UTF-8)" in str(error)


def test_csv_not_utf8_far_into_the_file_names_that_line_not_the_chunk_it_was_read_in():
    rows = "".join(f'Measure {number},"multi\nline"\n' for number in range(2, 5000))
    data = ("Title,Notes\n" + rows).encode() + "Élan,x\n".encode("cp1252")
    table = open_table(io.BytesIO(data), "measures.csv")
    with pytest.raises(ImportFileError) as caught:
        for _ in table.rows():
            pass
    assert caught.value.line == 5000
    assert "UTF-8" in str(caught.value)


def test_empty_files_are_refused_as_empty():
    for data in (b"", codecs.BOM_UTF8, b"\n\n  \n", b",,,\n , \n\n"):
        error = refused(data)
        assert "it is empty" in str(error)
        assert error.line is None


def test_csv_first_row_empty_but_not_the_rest_asks_for_the_column_names_in_row_1():
    error = refused(b"\nTitle,Party\nFirst,FR\n")
    assert "first row" in str(error) and "column names" in str(error)
    assert error.line == 1


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(200),
        "Title,Party\nFirst,FR\n".encode("utf-16-le"),  # UTF-16 without its byte order mark
        bytes(range(256)) * 4,
    ],
    ids=["png", "utf16-without-bom", "binary-junk"],
)
def test_binary_files_are_refused_as_not_csv_nor_xlsx(data):
    error = refused(data, "photo.csv")
    assert "neither a CSV file nor an Excel workbook" in str(error)
    assert "“photo.csv”" in str(error)
    assert error.line is None


def test_a_nul_byte_after_the_start_of_the_file_is_refused_with_its_line():
    data = b"Title\n" + b"A measure\n" * 10_000 + b"Broken\x00row\n"
    error = refused(data)
    assert error.line == 10_002
    assert "control characters" in str(error)


def test_an_old_excel_file_or_a_password_protected_one_is_explained():
    error = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "measures.xls")
    assert "97-2003" in str(error) and "password" in str(error)


def test_csv_extra_non_empty_cells_are_refused_with_the_line():
    error = refused(b"Title,Party\nFirst,FR\nSecond,DE,,oops\n")
    assert error.line == 3
    assert "Line 3 has values in 4 columns, but the first row names only 2 columns" in str(error)
    assert "column C" in str(error)


def test_csv_cell_longer_than_the_limit_is_refused_with_its_line():
    long_cell = "x" * (MAX_CELL_CHARACTERS + 1)
    error = refused(f"Title,Notes\nFirst,short\nSecond,{long_cell}\n".encode())
    assert error.line == 3
    assert "longer than" in str(error)


def test_csv_unclosed_quotation_mark_swallowing_the_file_is_refused_with_its_line():
    rows = "".join(f"Measure {number},fine\n" for number in range(20_000))
    error = refused(f'Title,Notes\nFirst,"unclosed\n{rows}'.encode())
    assert error.line == 2
    assert "quotation mark" in str(error)


def test_csv_without_line_breaks_is_not_read_whole():
    error = refused(b"Title," * 100_000)
    assert error.line == 1
    assert "too long" in str(error)


def test_csv_rows_are_streamed_with_flat_memory(tmp_path):
    path = tmp_path / "measures.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("Title,Party,Year,Description\n")
        for number in range(60_000):
            out.write(f'Measure {number},FR,2024,"A description, with commas; and more text"\n')
    assert path.stat().st_size > 3 * MB
    with path.open("rb") as fileobj:
        tracemalloc.start()
        try:
            table = open_table(fileobj, path.name)
            count = sum(1 for _ in table.rows())
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count == 60_000
    assert peak < MB


# XLSX


def test_xlsx_values_are_read_as_text_a_person_would_type():
    rows = [
        ["Title", "Year", "Amount", "Binding", "Notes", "Adopted", "Updated", "Ratio"],
        ["  First  ", 2024, 1000.5, True, None, datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1, 14, 30), 0.1],
        ["Second", 2024.0, -3, False, "x", datetime.datetime(2023, 12, 31), None, 0.1 + 0.2],
    ]
    table, read_rows = read(xlsx(("Measures", rows)), "measures.xlsx")
    assert table.format == "xlsx"
    assert table.headers == rows[0]
    assert read_rows == [
        (2, ["First", "2024", "1000.5", "yes", "", "2024-03-01", "2024-03-01T14:30:00", "0.1"]),
        (3, ["Second", "2024", "-3", "no", "x", "2023-12-31", "", "0.3"]),
    ]


def test_xlsx_line_numbers_are_excel_row_numbers_with_empty_rows_skipped_and_short_rows_padded():
    rows = [["Title", "Party", "Year"], ["First", "FR"], [], [None, None, None], ["Second", "DE", 2024]]
    table, read_rows = read(xlsx(("Measures", rows)))
    assert read_rows == [(2, ["First", "FR", ""]), (5, ["Second", "DE", "2024"])]


def test_xlsx_rows_below_a_wrongly_declared_sheet_size_are_still_read():
    data = xlsx(("Measures", [["Title"], ["First"], ["Second"]]))
    wrong_size = rezip(data, lambda name, content: content.replace(b'<dimension ref="A1:A3"', b'<dimension ref="A1"'))
    _, read_rows = read(wrong_size)
    assert read_rows == [(2, ["First"]), (3, ["Second"])]


def test_xlsx_extra_non_empty_cells_are_refused_with_the_line():
    error = refused(xlsx(("Measures", [["Title", "Party"], ["First", "FR", None, "stray"]])))
    assert error.line == 2
    assert "the first row names only 2 columns" in str(error)


def test_xlsx_first_row_empty_and_empty_sheet():
    error = refused(xlsx(("Measures", [[], ["Title"], ["First"]])))
    assert "first row" in str(error) and error.line == 1
    assert "it is empty" in str(refused(xlsx(("Measures", [])), "measures.xlsx"))


def test_xlsx_with_several_sheets_names_them_hidden_ones_included():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Measures"
    workbook.active.append(["Title"])
    workbook.create_sheet("Lists").sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    error = refused(buffer.getvalue())
    assert "“Measures”, “Lists”" in str(error)
    assert "single sheet" in str(error)
    assert error.line is None


def test_xlsx_with_merged_cells_is_refused_with_an_example_range():
    rows = [["Title", "Party", "Year"], ["First", "FR", 2024], ["Shared", None, None]]
    error = refused(xlsx(("Measures", rows), merge="A3:C3"))
    assert "merged cells (for example A3:C3)" in str(error)
    assert "Unmerge" in str(error)


def test_xlsx_expanding_beyond_the_limit_is_refused_before_anything_is_unpacked(settings):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = 10 * MB
    assert xlsx_limits().max_uncompressed_bytes == 10 * MB
    bomb = zip_of_zeros(20)
    assert len(bomb) < MB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        error = refused(bomb, "measures.xlsx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1
    assert peak < 2 * MB  # 20 MB were never unpacked
    assert "more than 10.0" in str(error) and "not a spreadsheet of measures" in str(error)


def test_xlsx_part_expanding_hundreds_of_times_is_refused_under_the_default_limit():
    error = refused(zip_of_zeros(20), "measures.xlsx")
    assert "would grow to 20.0" in str(error)
    assert "damaged, or it is not a spreadsheet of measures" in str(error)


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("measures.csv", "Title\nFirst\n")
    error = refused(buffer.getvalue(), "measures.zip")
    assert "not an Excel workbook" in str(error)


def test_opendocument_spreadsheet_is_explained():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert "OpenDocument spreadsheet (.ods)" in str(refused(buffer.getvalue(), "measures.ods"))


def test_truncated_xlsx_is_refused_as_damaged():
    data = xlsx(("Measures", [["Title"], ["First"]]))
    error = refused(data[: len(data) // 2], "measures.xlsx")
    assert "damaged or incomplete" in str(error)
    assert error.line is None


def test_xlsx_with_broken_xml_is_refused_as_damaged():
    data = xlsx(("Measures", [["Title"], ["First"]]))
    broken = rezip(data, lambda name, content: b"<workbook" if name == "xl/workbook.xml" else content)
    assert "damaged" in str(refused(broken))


def test_xlsx_with_a_broken_sheet_is_refused_as_damaged():
    data = xlsx(("Measures", [["Title"], ["First"]]))
    broken = rezip(data, lambda name, content: content[:-40] if name == "xl/worksheets/sheet1.xml" else content)
    assert "damaged" in str(refused(broken))


def test_xlsx_rows_are_streamed_and_stopping_early_is_fine():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Measures")
    sheet.append(["Title", "Party", "Year"])
    for number in range(5_000):
        sheet.append([f"Measure {number % 10}", "FR", 2024])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = open_table(buffer, "measures.xlsx")
    rows = table.rows()
    assert next(rows) == (2, ["Measure 0", "FR", "2024"])
    rows.close()
    tracemalloc.start()
    try:
        count = sum(1 for _ in table.rows())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 5_000
    assert peak < 2 * MB


def test_table_can_be_built_by_hand_for_other_modules_tests():
    assert list(Table(format="csv", headers=["Title"]).rows()) == []
