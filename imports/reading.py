"""Streamed reading of the bulk-import files of measures: a CSV or XLSX table, one measure per row.

`open_table(fileobj, name)` decides the format from the bytes (never from the name, which users get wrong),
reads the header row and returns a `Table` whose `rows()` streams the following rows as lists of strings, with
the line number a spreadsheet shows. Anything that makes the file unreadable as a table raises `ImportFileError`,
whose text is written for the person who uploaded the file: what is wrong and how to fix it in Excel or
LibreOffice.

Memory stays flat in the number of rows: the CSV is decoded line by line, the XLSX is read with openpyxl's
read-only mode, and nothing ever lists all the rows. Uploads are untrusted, so the reader also bounds what a
single row or cell may cost (`MAX_CELL_CHARACTERS`, a line-length cap) and refuses a workbook that would expand
to far more than a spreadsheet of measures (a "ZIP bomb") before anything is decompressed (`xlsx_limits()`).
"""

import codecs
import contextlib
import csv
import datetime
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext

# A cell longer than this is refused. Far above any real measure text (Excel itself stops at 32,767 characters
# per cell); in a CSV, a longer cell nearly always means an unclosed quotation mark swallowing the rest of the file.
MAX_CELL_CHARACTERS = 100_000

# Default for settings.IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES: the most a workbook's parts may add up to, unpacked.
DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
# A part that unpacks to more than this many times its packed size, and is large, is a ZIP bomb's signature:
# real sheet XML compresses about 10-20 times, rarely more than 100.
MAX_XLSX_COMPRESSION_RATIO = 200
XLSX_RATIO_CHECKED_ABOVE_BYTES = 10 * 1024 * 1024

# How much of the file is read at a time, and how much of its start is examined to recognise a binary file.
_CHUNK_BYTES = 64 * 1024

_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")  # a ZIP with members, an empty ZIP


def looks_like_xlsx(start):
    """Whether a file starting with these bytes is read as a workbook (an XLSX is a ZIP), not as CSV."""
    return start.startswith(_ZIP_SIGNATURES)


_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls), and any password-protected .xlsx
_DELIMITERS = (",", ";", "\t")  # in order of preference when two split the header into as many cells
# Control characters no text file holds (tab, line feed, form feed, carriage return and escape are left out).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_WORKBOOK_MEMBER = "xl/workbook.xml"
_WORKSHEET_MEMBER = re.compile(r"xl/worksheets/[^/]+\.xml")
# A merged range is a <mergeCell ref="A3:C3"/> element (some writers add a namespace prefix: <x:mergeCell>).
# `<mergeCells count="…">`, the list around them, does not match: "mergeCell" must be followed by a space, / or >.
_MERGE_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell[\s/>]")
_MERGE_CELL_REF = re.compile(rb"<[^>]*?\sref\s*=\s*[\"']([A-Za-z]{1,3}[0-9]+(?::[A-Za-z]{1,3}[0-9]+)?)[\"']")
_MERGE_TAG_OVERLAP = 64  # bytes kept from one chunk to the next, so that a tag cut in two is still found

_SHEET_NAMES_SHOWN = 10


class ImportFileError(Exception):
    """The file cannot be read as a table of measures; str(error) is the message for the user.

    `line` is the line (a spreadsheet's row number) where reading failed, or None when the problem is the file as
    a whole (its format, its size, its sheets).
    """

    def __init__(self, message, line=None):
        super().__init__(message)
        self.line = line


@dataclass
class Table:
    """A table of measures: its header row, and its other rows streamed by `rows()`.

    `rows()` reads the file again from the start at each call, so the file object must stay open while rows are
    read; it never holds more than one row (and, for a CSV, one line of the file) at a time.
    """

    format: str  # "csv" or "xlsx"
    headers: list[str]
    # The rows below the header as (line, cells), cells stripped but not yet padded or trimmed to the header.
    _read_rows: Callable[[], Iterator[tuple[int, list[str]]]] = field(default=lambda: iter(()), repr=False)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) for every non-empty row after the header, each row exactly as long as the header.

        May raise ImportFileError part-way, with `line` set (bad bytes, a cell too long, a damaged workbook…).
        """
        width = len(self.headers)
        rows = self._read_rows()
        try:
            for line, cells in rows:
                if not any(cells):
                    continue  # blank rows are common between blocks of measures and at the end of a sheet
                _check_cell_lengths(cells, line)
                if len(cells) > width:
                    filled = max(position for position, cell in enumerate(cells) if cell) + 1
                    if filled > width:
                        raise ImportFileError(_too_many_cells_message(line, filled, width), line=line)
                    cells = cells[:width]
                elif len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                yield line, cells
        finally:
            # A reader that stops early still closes the workbook (read-only openpyxl keeps it open otherwise).
            if close := getattr(rows, "close", None):
                close()


class XlsxLimits(NamedTuple):
    """How far an XLSX may expand when opened (see _check_expansion)."""

    max_uncompressed_bytes: int  # all of its parts together
    max_compression_ratio: int  # unpacked size / packed size of one part…
    ratio_checked_above_bytes: int  # …for a part that unpacks to more than this


def xlsx_limits() -> XlsxLimits:
    """The limits, read from the settings at each call (so that deployments and tests can change them)."""
    return XlsxLimits(
        max_uncompressed_bytes=getattr(
            settings, "IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", DEFAULT_MAX_XLSX_UNCOMPRESSED_BYTES
        ),
        max_compression_ratio=MAX_XLSX_COMPRESSION_RATIO,
        ratio_checked_above_bytes=XLSX_RATIO_CHECKED_ABOVE_BYTES,
    )


def open_table(fileobj, name="") -> Table:
    """Open an uploaded table of measures and read its header row.

    fileobj: a binary file object open for reading (e.g. from Django's storage.open(name, "rb") or an
    UploadedFile), seekable. name: the original file name, used only in messages. Decides the format from the
    content (an XLSX is a ZIP: starts with b"PK\\x03\\x04"), not the name. Raises ImportFileError.
    """
    fileobj.seek(0)
    start = _read_start(fileobj)
    if not start:
        raise ImportFileError(_empty_message(name))
    if looks_like_xlsx(start):
        return _open_xlsx(fileobj, name)
    if start.startswith(_OLE2_SIGNATURE):
        raise ImportFileError(
            gettext(
                "The portal cannot read %(file)s: it is in the old Excel 97-2003 format (.xls), or it is protected "
                "by a password. Open it in Excel, remove any password, save it as “Excel Workbook (.xlsx)” or "
                "“CSV UTF-8”, and upload the new file."
            )
            % {"file": _file_label(name)}
        )
    return _open_csv(fileobj, name, start)


# CSV


def _open_csv(fileobj, name, start):
    """The CSV table: encoding from the byte order mark, delimiter from the header line."""
    if start.startswith(codecs.BOM_UTF16_LE):
        encoding = "utf-16-le"
    elif start.startswith(codecs.BOM_UTF16_BE):
        encoding = "utf-16-be"
    else:
        encoding = "utf-8-sig"
    if encoding == "utf-8-sig" and _looks_binary(start):
        # UTF-16 without a byte order mark lands here too: every other byte of its text is a NUL.
        raise ImportFileError(_not_a_table_message(name))

    # The header is read with a tight line cap: no real header line comes near it, and a file without line
    # breaks (a binary file the check above missed) is refused before it is read whole.
    header_cap = 2 * MAX_CELL_CHARACTERS
    try:
        first_line = next(_text_lines(fileobj, encoding, header_cap), "")
    except (UnicodeDecodeError, _LineProblem) as problem:
        raise _line_error(problem, 1, name) from problem
    delimiter = _choose_delimiter(first_line)

    records = _csv_records(fileobj, encoding, delimiter, header_cap, name)
    headers = _read_headers(records, name)

    # A line of the file may hold every cell of a row at its longest, each with its quotation marks doubled.
    line_cap = 2 * MAX_CELL_CHARACTERS * (len(headers) + 1)
    return Table(
        format="csv",
        headers=headers,
        _read_rows=lambda: _skip_header(_csv_records(fileobj, encoding, delimiter, line_cap, name)),
    )


def _choose_delimiter(header_line):
    """The delimiter that splits the header into the most cells; a comma when none splits it more than another.

    Only the header decides: it names every column and holds no free text, so counting its cells cannot be fooled
    by the commas or semicolons inside the measures' descriptions.
    """

    def cell_count(delimiter):
        try:
            return len(next(csv.reader([header_line], delimiter=delimiter, quotechar='"'), []))
        except csv.Error:
            return 0

    best = _DELIMITERS[0]
    for delimiter in _DELIMITERS[1:]:
        if cell_count(delimiter) > cell_count(best):
            best = delimiter
    return best


def _csv_records(fileobj, encoding, delimiter, line_cap, name):
    """Every record of the CSV from the start, header included, as (line, stripped cells).

    A record is what a spreadsheet shows as one row: a quoted cell may hold line breaks, so `line` counts records,
    not the lines of the file. Problems raise ImportFileError with the line of the record being read.
    """
    reader = csv.reader(
        _text_lines(fileobj, encoding, line_cap), delimiter=delimiter, quotechar='"', doublequote=True, strict=False
    )
    line = 0
    while True:
        line += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except (UnicodeDecodeError, _LineProblem) as problem:
            raise _line_error(problem, line, name) from problem
        except csv.Error as error:
            # The csv module's own cap on a cell (131,072 characters unless changed) is the only error it raises
            # in non-strict mode on lines it is given whole; anything else is reported as a damaged line.
            if "field larger than field limit" in str(error):
                raise ImportFileError(_cell_too_long_message(line), line=line) from error
            raise ImportFileError(
                gettext(
                    "Line %(line)s cannot be read as part of a CSV table. Open the file in your spreadsheet "
                    "program, check that line, save the file again as “CSV UTF-8” and upload it again."
                )
                % {"line": line},
                line=line,
            ) from error
        yield line, [cell.strip() for cell in cells]


class _LineProblem(Exception):
    """A line of the file is unusable (raised inside the line reader, which does not know record numbers)."""


class _NulCharacter(_LineProblem):
    pass


class _LineTooLong(_LineProblem):
    pass


class _DamagedText(_LineProblem):
    pass


def _text_lines(fileobj, encoding, line_cap):
    """The file's text from the start, line by line, each with its own line ending ("\\r\\n", "\\n" or "\\r").

    Every line before a decoding error is yielded first, so that the error is reported at the line (record) that
    holds the bad bytes, not at the start of the chunk of the file it was read in. A UTF-8 file is split into
    lines before they are decoded (safe: a line feed or carriage return byte is never part of another character
    in UTF-8); UTF-16 is decoded a chunk at a time, up to the bad bytes.
    A line longer than `line_cap` (bytes for UTF-8, characters for UTF-16) raises _LineTooLong, so a file
    without line breaks is never held whole; a NUL character raises _NulCharacter.
    """
    fileobj.seek(0)
    chunks = _chunks(fileobj)
    if encoding == "utf-8-sig":
        # "utf-8-sig" drops a byte order mark at the start and is plain UTF-8 without one. Its UnicodeDecodeError
        # goes up as it is: the file is not UTF-8 at all, most often Windows-1252 from Excel's plain "CSV".
        decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        for raw in _split_lines(chunks, _BYTES_LINE_END, b"\r", line_cap):
            yield _without_nul(decoder.decode(raw))
        decoder.decode(b"", final=True)  # a character cut short at the very end of the file
    else:
        decode = codecs.utf_16_le_decode if encoding == "utf-16-le" else codecs.utf_16_be_decode
        texts = _utf16_texts(chunks, decode)
        for text in _split_lines(texts, _TEXT_LINE_END, "\r", line_cap):
            yield _without_nul(text)


def _without_nul(text):
    if "\x00" in text:
        raise _NulCharacter()
    return text


def _utf16_texts(chunks, decode):
    """UTF-16 text from chunks of bytes that start with a byte order mark, which is dropped.

    Up to bad bytes, the text is yielded, then _DamagedText raised: the byte order mark says the file is UTF-16,
    so bytes it cannot decode mean damage (advice to save it as UTF-8 would miss the point).
    """
    pending, started = b"", False
    for chunk in itertools.chain(chunks, [None]):
        final = chunk is None
        data = pending + (chunk or b"")
        if not started:
            if len(data) < 2 and not final:
                pending = data
                continue
            data, started = data[2:], True
        try:
            text, consumed = decode(data, "strict", final)
        except UnicodeDecodeError as error:
            yield decode(data[: error.start], "strict", False)[0]
            raise _DamagedText() from error
        pending = data[consumed:]
        yield text


_TEXT_LINE_END = re.compile(r"\r\n|\r|\n")
_BYTES_LINE_END = re.compile(rb"\r\n|\r|\n")


def _split_lines(pieces, line_end, carriage_return, line_cap):
    """Lines (with their endings) from successive pieces of bytes or text; raises _LineTooLong past `line_cap`."""
    pending = None
    for piece in pieces:
        if not piece:
            continue
        pending = piece if pending is None else pending + piece
        start = 0
        while match := line_end.search(pending, start):
            if match.end() == len(pending) and match.group() == carriage_return:
                break  # maybe the first half of "\r\n": wait for the next piece
            yield pending[start : match.end()]
            start = match.end()
        pending = pending[start:]
        if len(pending) > line_cap:
            raise _LineTooLong()
    if pending:
        yield pending


def _line_error(problem, line, name):
    """The ImportFileError for a problem met while reading `line` of a CSV."""
    if isinstance(problem, UnicodeDecodeError):
        message = gettext(
            "Line %(line)s holds characters that cannot be read, because the file is not saved as UTF-8 (accented "
            "letters and other special characters would come out wrong). Save it again as UTF-8 and upload the new "
            "file. In Excel: File → Save As → “CSV UTF-8 (Comma delimited)”. In LibreOffice: File → Save As → "
            "“Text CSV”, then choose the character set “Unicode (UTF-8)”."
        ) % {"line": line}
    elif isinstance(problem, _NulCharacter):
        message = gettext(
            "Line %(line)s of %(file)s holds invisible control characters that a CSV file never contains: the "
            "file is damaged, or it is not a CSV file. Open it in your spreadsheet program, save it as “CSV UTF-8” "
            "or “Excel Workbook (.xlsx)”, and upload the new file."
        ) % {"line": line, "file": _file_label(name)}
    elif isinstance(problem, _DamagedText):
        message = gettext(
            "Line %(line)s of %(file)s cannot be read: the file is damaged. Open it in your spreadsheet program, "
            "save it as “CSV UTF-8” or “Excel Workbook (.xlsx)”, and upload the new file."
        ) % {"line": line, "file": _file_label(name)}
    else:
        message = gettext(
            "Line %(line)s is too long to be a row of measures. Check that you chose the right file, and that it "
            'is saved as “CSV UTF-8” or “Excel Workbook (.xlsx)”. If it is, check that every quotation mark (") '
            "that opens a cell also closes it."
        ) % {"line": line}
    return ImportFileError(message, line=line)


# XLSX


def _open_xlsx(fileobj, name):
    """The XLSX table, after checking the ZIP (size, workbook part) and the workbook (one sheet, no merged cells).

    The ZIP is examined before openpyxl opens it: openpyxl would unpack whatever the archive holds.
    """
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
        raise ImportFileError(_damaged_workbook_message(name)) from error
    with archive:
        _check_expansion(archive, name)
        members = set(archive.namelist())
        if _WORKBOOK_MEMBER not in members:
            raise ImportFileError(_not_a_workbook_message(archive, members, name))
        workbook = _load_workbook(fileobj, name)
        try:
            sheet_path = _single_sheet_path(workbook, members, name)
            _check_no_merged_cells(archive, sheet_path, workbook.sheetnames[0], name)
        except BaseException:
            workbook.close()
            raise

    headers = _read_headers(_xlsx_records(workbook, name), name)  # closes the workbook
    return Table(
        format="xlsx",
        headers=headers,
        _read_rows=lambda: _skip_header(_xlsx_records(_load_workbook(fileobj, name), name)),
    )


def _check_expansion(archive, name):
    """Refuse a ZIP that would unpack to far more than a spreadsheet of measures, from its declared sizes alone.

    Declared sizes are enough: Python's zipfile never unpacks a member beyond its declared size (it stops with an
    error), so a lying archive cannot grow past what is checked here.
    """
    limits = xlsx_limits()
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise ImportFileError(
            gettext(
                "The portal will not open %(file)s: once opened, the workbook would take up more than %(limit)s, "
                "far more than a spreadsheet of measures needs. It looks damaged, or it is not a spreadsheet of "
                "measures. Check that you chose the right file; if you did, split the measures into smaller files."
            )
            % {"file": _file_label(name), "limit": filesizeformat(limits.max_uncompressed_bytes)}
        )
    for member in members:
        too_large = member.file_size > limits.ratio_checked_above_bytes
        if too_large and member.file_size > limits.max_compression_ratio * max(member.compress_size, 1):
            raise ImportFileError(
                gettext(
                    "The portal will not open %(file)s: once opened, part of the workbook would grow to %(size)s "
                    "from almost nothing. It looks damaged, or it is not a spreadsheet of measures. Check that you "
                    "chose the right file, save it again from your spreadsheet program, and upload it again."
                )
                % {"file": _file_label(name), "size": filesizeformat(member.file_size)}
            )


def _not_a_workbook_message(archive, members, name):
    """A ZIP without an Excel workbook in it: say what it is when it is another spreadsheet format."""
    if "mimetype" in members and archive.getinfo("mimetype").file_size < 200:
        with contextlib.suppress(zipfile.BadZipFile, OSError, EOFError, ValueError):
            if archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return gettext(
                    "The portal cannot read %(file)s: it is an OpenDocument spreadsheet (.ods). In LibreOffice, "
                    "choose File → Save As and the file type “Excel 2007-365 (.xlsx)”, then upload the new file."
                ) % {"file": _file_label(name)}
    return gettext(
        "The portal cannot read %(file)s: it is a compressed file (such as a ZIP archive or a Word document), not "
        "an Excel workbook. Upload the spreadsheet of measures itself, saved as “Excel Workbook (.xlsx)” or "
        "“CSV UTF-8”."
    ) % {"file": _file_label(name)}


def _load_workbook(fileobj, name):
    """The workbook, read-only (rows are streamed) and with formulas' last computed values rather than formulas."""
    # Imported here: openpyxl takes a noticeable time to import and only XLSX uploads need it.
    from openpyxl import load_workbook

    fileobj.seek(0)
    try:
        return load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:
        # openpyxl reports a damaged part with whatever its XML parser or zipfile raises (KeyError, ParseError,
        # ValueError, BadZipFile…); to the user they all mean the same thing.
        raise ImportFileError(_damaged_workbook_message(name)) from error


def _single_sheet_path(workbook, members, name):
    """The ZIP member of the workbook's only sheet; a workbook with several sheets (hidden or empty ones too) is
    refused rather than one of them picked, since a wrong guess would import the wrong rows or none."""
    names = workbook.sheetnames
    if len(names) > 1:
        shown = ", ".join(f"“{sheet}”" for sheet in names[:_SHEET_NAMES_SHOWN])
        if len(names) > _SHEET_NAMES_SHOWN:
            shown += ", …"
        raise ImportFileError(
            gettext(
                "The workbook has %(count)s sheets (%(sheets)s), but an import reads a single sheet. Keep the "
                "measures in one sheet and delete the other sheets (hidden and empty sheets count too), then upload "
                "the file again."
            )
            % {"count": len(names), "sheets": shown}
        )
    if not workbook.worksheets:
        raise ImportFileError(
            gettext(
                "The workbook has no sheet of cells to read (its only sheet is a chart). Put the measures in an "
                "ordinary sheet, one per row, and upload the file again."
            )
        )
    # openpyxl knows where the sheet is (its relationships say so); a workbook written by another program may put
    # it elsewhere than xl/worksheets/, hence the fallback only when that detail is missing.
    path = getattr(workbook.worksheets[0], "_worksheet_path", None)
    if path in members:
        return path
    candidates = sorted(member for member in members if _WORKSHEET_MEMBER.fullmatch(member))
    return candidates[0] if candidates else None


def _check_no_merged_cells(archive, sheet_path, sheet_name, name):
    """Refuse merged cells, which read-only openpyxl cannot see: a merged range keeps its value in its first cell
    only, so every other row it spans would be read with that cell empty.

    The sheet's XML is scanned for <mergeCell> a chunk at a time (bounded memory, whatever the sheet's size).
    """
    if sheet_path is None:
        return
    try:
        with archive.open(sheet_path) as stream:
            window = b""
            while chunk := stream.read(_CHUNK_BYTES):
                window = window[-_MERGE_TAG_OVERLAP:] + chunk
                match = _MERGE_CELL_TAG.search(window)
                if match:
                    ref = _MERGE_CELL_REF.match(window[match.start() :] + stream.read(1024))
                    raise ImportFileError(_merged_cells_message(sheet_name, ref.group(1).decode() if ref else ""))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, RuntimeError, NotImplementedError) as error:
        # RuntimeError: an encrypted part; NotImplementedError: a compression method zipfile does not know.
        raise ImportFileError(_damaged_workbook_message(name)) from error


def _merged_cells_message(sheet_name, example):
    values = {"sheet": sheet_name, "example": example}
    if example:
        return (
            gettext(
                "The sheet “%(sheet)s” has merged cells (for example %(example)s). An import needs every value in "
                "its own cell: select the whole sheet, unmerge the cells (in Excel: Home → Merge & Center → Unmerge "
                "Cells; in LibreOffice: Format → Merge and Unmerge Cells → Unmerge Cells), fill in each row's "
                "values, and upload the file again."
            )
            % values
        )
    return (
        gettext(
            "The sheet “%(sheet)s” has merged cells. An import needs every value in its own cell: select the whole "
            "sheet, unmerge the cells (in Excel: Home → Merge & Center → Unmerge Cells; in LibreOffice: Format → "
            "Merge and Unmerge Cells → Unmerge Cells), fill in each row's values, and upload the file again."
        )
        % values
    )


def _xlsx_records(workbook, name):
    """Every row of the workbook's only sheet from row 1, as (row number, cells as text); closes the workbook.

    Row numbers are openpyxl's, the ones Excel shows: openpyxl yields an empty row for each row the file leaves
    out, so counting rows from 1 keeps them in step.
    """
    with contextlib.closing(workbook):
        sheet = workbook.worksheets[0]
        # The size a sheet declares is often wrong (some programs always write "A1"), and openpyxl would stop at
        # it and silently drop the rows below: read the rows the sheet really holds instead.
        sheet.reset_dimensions()
        with contextlib.closing(sheet.iter_rows(values_only=True)) as rows:
            line = 0
            while True:
                line += 1
                try:
                    values = next(rows)
                except StopIteration:
                    return
                except Exception as error:
                    # As in _load_workbook: any error from openpyxl's parser means a damaged sheet.
                    raise ImportFileError(
                        gettext(
                            "Line %(line)s of the sheet cannot be read: the workbook is damaged. Open it in Excel "
                            "or LibreOffice, save it again as “Excel Workbook (.xlsx)” and upload the new file."
                        )
                        % {"line": line},
                        line=line,
                    ) from error
                yield line, [_cell_text(value) for value in values]


def _cell_text(value):
    """A cell's value as the text a person would type for it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):  # before int: bool is an int
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))  # a year typed as 2024 is stored as 2024.0
        # 15 significant digits, as Excel shows them: 0.1 + 0.2 reads "0.3", not "0.30000000000000004".
        return format(value, ".15g")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()  # a date cell: Excel stores dates as datetimes at midnight
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


# Both formats


def _read_headers(records, name):
    """The header row's cells, from the first record of `records` (which is then closed).

    The header is line 1, as in a spreadsheet: an empty first row is refused rather than the header looked for
    further down, since every line number reported later would then be off.
    Empty cells at the end of the header are dropped: spreadsheets often carry empty formatted columns.
    """
    with contextlib.closing(records):
        first = next(records, None)
        if first is None:
            raise ImportFileError(_empty_message(name))
        headers = list(first[1])
        if headers:
            headers[0] = headers[0].lstrip("\ufeff").strip()  # a second byte order mark, left by some exports
        if not any(headers):
            # Is the whole file empty, or only its first row? Read on (one row at a time) to tell the user which.
            if any(any(cells) for _line, cells in records):
                raise ImportFileError(
                    gettext(
                        "The first row is empty, but it must hold the column names. Delete the empty rows above the "
                        "column names (or type the names in the first row), then upload the file again."
                    ),
                    line=1,
                )
            raise ImportFileError(_empty_message(name))
    _check_cell_lengths(headers, 1)
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _skip_header(records):
    """`records` without its first record (the header, read by open_table)."""
    with contextlib.closing(records):
        next(records, None)
        yield from records


def _check_cell_lengths(cells, line):
    if any(len(cell) > MAX_CELL_CHARACTERS for cell in cells):
        raise ImportFileError(_cell_too_long_message(line), line=line)


def _chunks(fileobj) -> Iterable[bytes]:
    while chunk := fileobj.read(_CHUNK_BYTES):
        yield chunk


def _read_start(fileobj):
    """The first bytes of the file (up to one chunk), for recognising its format; the file is left at its start."""
    start = b""
    while len(start) < _CHUNK_BYTES and (more := fileobj.read(_CHUNK_BYTES - len(start))):
        start += more
    fileobj.seek(0)
    return start


def _looks_binary(start):
    """Whether the start of a file is not text: a NUL byte, or control characters in numbers (more than 1% and
    more than a few, so that a short CSV with one stray control character in a cell is still read)."""
    if b"\x00" in start:
        return True
    control_characters = len(_BINARY_BYTES.findall(start))
    return control_characters > 16 and control_characters * 100 > len(start)


def _file_label(name):
    """How messages name the file: its name in quotation marks, or "the file" (mid-sentence) without one."""
    return f"“{name}”" if name else gettext("the file")


def _empty_message(name):
    return gettext(
        "There is nothing to import in %(file)s: it is empty. Upload a file whose first row holds the column names "
        "and whose following rows hold the measures, one per row."
    ) % {"file": _file_label(name)}


def _not_a_table_message(name):
    return gettext(
        "The portal cannot read %(file)s: it is neither a CSV file nor an Excel workbook (.xlsx). Open it in your "
        "spreadsheet program, save it as “CSV UTF-8” or “Excel Workbook (.xlsx)”, and upload the new file."
    ) % {"file": _file_label(name)}


def _damaged_workbook_message(name):
    return gettext(
        "The portal cannot open %(file)s: it looks like an Excel workbook, but it is damaged or incomplete (the "
        "upload may have been cut short). Open it in Excel or LibreOffice, save it again as “Excel Workbook "
        "(.xlsx)”, and upload it again."
    ) % {"file": _file_label(name)}


def _cell_too_long_message(line):
    return gettext(
        "Line %(line)s has a cell longer than %(limit)s characters, more than a measure needs. Shorten the text "
        "(or link to a document that holds it). If the line has no such text, check that every quotation mark "
        '(") that opens a cell also closes it: a missing one makes the rest of the file a single cell.'
    ) % {"line": line, "limit": number_format(MAX_CELL_CHARACTERS, force_grouping=True)}


def _too_many_cells_message(line, filled, width):
    from openpyxl.utils import get_column_letter

    return gettext(
        "Line %(line)s has values in %(cells)s columns, but the first row names only %(columns)s columns. Give "
        "every column a name in the first row, or delete the values from column %(column)s onwards on that line."
    ) % {"line": line, "cells": filled, "columns": width, "column": get_column_letter(width + 1)}
