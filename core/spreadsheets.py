"""A public list as a download: CSV for programs, XLSX for people, both from the list's one column list.

Each list (measures, Parties, reporting status, meetings) keeps one list of its columns; each column has a CSV
name (a stable English identifier scripts rely on), an XLSX header (translated) and its value. The CSV writes
codes, ISO dates and `yes`/`no`, UTF-8 behind a byte-order mark (core/downloads.py); the XLSX the labels
people read, in the page's language, with real dates and Yes/No in that language. The measures build their
rows from measures/columns.py with measures/export_xlsx.py; the smaller lists describe their columns with
`Column` below and are served by `ListDownloadView`.

The XLSX workbook (`ListWorkbook`) is written by openpyxl in write-only mode: rows go to a temporary file as
they come, so memory stays flat however many there are, and the finished file is sent from another temporary
file. Its first sheet, "About", says what the file holds, where the list is on the portal (with its filters),
the filters applied in words, when it was extracted, how many rows it has, and that the CSV is the format for
programs; the second holds the list, its header row in bold, frozen and filterable, its columns set to a width.

Text is always written as text: openpyxl would make a formula of a string starting with "=" and an error value
of "#N/A", and Excel runs a cell starting with = + - or @ once someone edits it. Such cells are written as
strings marked like a cell typed with a leading apostrophe (`quotePrefix`), so they show exactly what was
recorded and stay text; the characters XML cannot carry (control characters, which openpyxl refuses with
IllegalCharacterError) are removed.
"""

import csv
import datetime
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.views import View
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils import get_column_letter

from core import downloads
from core.validators import strip_control_characters

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
#: Excel's built-in short date and date-time formats, which it shows in the reader's own regional style.
DATE_FORMAT = BUILTIN_FORMATS[14]
DATETIME_FORMAT = BUILTIN_FORMATS[22]
#: The first characters that make a spreadsheet run a text cell (once edited) or openpyxl write a formula.
GUARDED_STARTS = ("=", "+", "-", "@")
#: Excel's limit on a sheet's name.
SHEET_TITLE_LENGTH = 31
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
#: Points per line of the header row, whose labels wrap within their column.
LINE_HEIGHT = 15
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="FFE8EEF4")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
ABOUT_WRAP = Alignment(wrap_text=True, vertical="top")
#: How wide the About sheet's two columns are, in characters.
ABOUT_WIDTHS = (30, 100)


def clean_text(value):
    """Text a sheet can hold: a plain str without the characters XML cannot carry, or None for nothing."""
    if value is None:
        return None
    text = strip_control_characters(str(value))
    return text or None


def local_datetime(value):
    """A date and time in the portal's time zone without its zone, which Excel cannot store."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def header_lines(header, width):
    """About how many lines a header takes, wrapped in a column `width` characters wide (at most 6)."""
    characters = max(int(width) - 2, 1)
    return min(max(-(-len(str(header)) // characters), 1), 6)


def sheet_title(title):
    """A sheet name Excel accepts: none of []:*?/\\ and at most 31 characters."""
    return str(title).translate(SHEET_TITLE_FORBIDDEN).strip()[:SHEET_TITLE_LENGTH] or "Sheet"


# The columns of a small list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a list's downloads.

    `name` is the CSV header, a stable English identifier; `label` the XLSX header, translated. `value(row)` is
    what the CSV writes (a code, a number, a date, a bool, text); `shown(row)`, where given, what the XLSX shows
    instead (a label for a code). A column with `in_sheet=False` is in the CSV only (a code that the XLSX's
    label column already says for people); `address` marks a path the download makes absolute.
    """

    name: str
    label: Promise | str
    value: object
    shown: object = None
    width: int = 18
    in_sheet: bool = True
    address: bool = False
    #: What the column holds, for docs/downloads.md.
    help: str = ""

    def csv_value(self, row):
        return self.value(row)

    def sheet_value(self, row):
        return (self.shown or self.value)(row)


def attribute(path):
    """The value at `path` ("body.name") of a row, None where a relation on the way is empty."""
    names = path.split(".")

    def read(row):
        for name in names:
            if row is None:
                return None
            row = getattr(row, name)
        return row

    return read


def choice(path, choices):
    """`value` and `shown` for a code of `choices` (TextChoices): the code in the CSV, its label in the XLSX."""
    read = attribute(path)

    def label(row):
        code = read(row)
        if code in (None, ""):
            return None
        try:
            return str(choices(code).label)
        except ValueError:  # a code the choices no longer list: shown as recorded
            return code

    return {"value": read, "shown": label}


# CSV ------------------------------------------------------------------------------------------------------------


class Echo:
    """A file that gives back what is written to it: csv.writer's lines for a streamed response."""

    def write(self, value):
        return value


def csv_cell(value):
    """The CSV's text for a value: ISO dates, yes/no, text neutralised like the measures' CSV
    (a leading apostrophe before what a spreadsheet would run)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    text = str(value)
    return f"'{text}" if isinstance(value, str) and text.startswith(downloads.FORMULA_PREFIXES) else text


def csv_lines(columns, rows, absolute_url=str):
    """The header of `columns`, then one line per row."""
    writer = csv.writer(Echo())
    yield writer.writerow([column.name for column in columns])
    for row in rows:
        yield writer.writerow(
            [
                csv_cell(absolute_url(value) if column.address and value else value)
                for column, value in ((column, column.csv_value(row)) for column in columns)
            ]
        )


def csv_response(columns, rows, name, absolute_url=str):
    """`rows` as a streamed CSV download named `name`, behind the byte-order mark."""
    lines = downloads.with_byte_order_mark(csv_lines(columns, rows, absolute_url))
    return downloads.attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), name)


# XLSX -----------------------------------------------------------------------------------------------------------


@dataclass
class About:
    """What the About sheet says of the list: its `title` ("Measures"), what the file holds, the address of the
    list on the portal and of its CSV (both with the filters), the filters applied as (label, value) pairs, and
    notes on how to read it."""

    title: str
    description: str
    page_url: str
    csv_url: str
    filters: list = field(default_factory=list)
    notes: list = field(default_factory=list)


class ListWorkbook:
    """An XLSX workbook of one list: the About sheet first, then the list under its header row.

    Add rows with `append()` (values made by the cell methods below, or plain numbers), then `response()`.
    Each row is written to a temporary file as it comes (openpyxl's write-only mode)."""

    def __init__(self, about, title, headers, widths):
        self.about = about
        self.workbook = Workbook(write_only=True)
        self.about_sheet = self.workbook.create_sheet(sheet_title(gettext("About")))
        self.sheet = self.workbook.create_sheet(sheet_title(title))
        self.columns = len(headers)
        self.rows = 0
        self.yes, self.no = gettext("Yes"), gettext("No")
        sheet = self.sheet
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        lines = max((header_lines(header, width) for header, width in zip(headers, widths, strict=True)), default=1)
        sheet.row_dimensions[1].height = LINE_HEIGHT * lines
        sheet.freeze_panes = "A2"
        sheet.append([self.header(header) for header in headers])

    # Cells. Every cell made here has a style: openpyxl reuses an unstyled cell passed to append() as its scratch
    # cell for the values after it, which would change its type.

    def header(self, text):
        cell = WriteOnlyCell(self.sheet, capfirst(clean_text(text) or ""))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
        return cell

    def text(self, value):
        """Free text: a str, or a cell marked as text where openpyxl or a spreadsheet would read it otherwise."""
        text = clean_text(value)
        if text is None or not (text.startswith(GUARDED_STARTS) or text in ERROR_CODES):
            return text
        cell = WriteOnlyCell(self.sheet, text)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    def date(self, value):
        if value is None:
            return None
        cell = WriteOnlyCell(self.sheet, value)
        cell.number_format = DATE_FORMAT
        return cell

    def datetime(self, value):
        if value is None:
            return None
        cell = WriteOnlyCell(self.sheet, local_datetime(value))
        cell.number_format = DATETIME_FORMAT
        return cell

    def flag(self, value):
        return None if value is None else self.yes if value else self.no

    def value(self, value):
        """Any value, as its type asks: text, number, date, date and time, Yes/No."""
        if value is None or isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return value
        if isinstance(value, bool):
            return self.flag(value)
        if isinstance(value, datetime.datetime):
            return self.datetime(value)
        if isinstance(value, datetime.date):
            return self.date(value)
        return self.text(value)

    def link(self, url):
        cell = WriteOnlyCell(self.about_sheet, url)
        cell.hyperlink = url
        cell.style = "Hyperlink"
        return cell

    def append(self, row):
        self.sheet.append(row)
        self.rows += 1

    # The About sheet, written once the rows are counted.

    def about_rows(self, extracted_at):
        about = self.about
        bold = Font(bold=True)

        def label(text):
            cell = WriteOnlyCell(self.about_sheet, str(text))
            cell.font, cell.alignment = bold, ABOUT_WRAP
            return cell

        def wrapped(text):
            cell = WriteOnlyCell(self.about_sheet, clean_text(text))
            cell.data_type, cell.alignment = "s", ABOUT_WRAP
            return cell

        heading = WriteOnlyCell(self.about_sheet, f"{about.title} — {gettext('Convention Monitoring Portal')}")
        heading.font = Font(bold=True, size=14)
        yield [heading]
        yield []
        yield [label(gettext("What this file holds")), wrapped(about.description)]
        yield [label(gettext("Address on the portal")), self.link(about.page_url)]
        filters = [
            gettext("%(label)s: %(value)s") % {"label": name, "value": value} if value else str(name)
            for name, value in about.filters
        ]
        for index, text in enumerate(filters or [gettext("None: the whole list")]):
            yield [label(gettext("Filters applied")) if index == 0 else None, wrapped(text)]
        when = WriteOnlyCell(self.about_sheet, extracted_at)
        when.number_format, when.alignment = DATETIME_FORMAT, Alignment(horizontal="left")
        yield [label(gettext("Extracted on")), when]
        yield [label(gettext("Time zone")), wrapped(timezone.get_current_timezone_name())]
        rows = WriteOnlyCell(self.about_sheet, self.rows)
        rows.alignment = Alignment(horizontal="left")
        yield [label(gettext("Rows")), rows]
        yield [
            label(gettext("Format for programs")),
            wrapped(
                gettext(
                    "This file is for reading. For programs and databases, download the same list as CSV: "
                    "stable English column names, codes rather than labels, ISO dates."
                )
            ),
        ]
        yield [None, self.link(about.csv_url)]
        for index, note in enumerate(about.notes):
            yield [label(gettext("How to read it")) if index == 0 else None, wrapped(note)]

    def save(self, file):
        """Finish the list, write the About sheet and the workbook to `file`."""
        if self.rows:
            self.sheet.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{self.rows + 1}"
        about = self.about_sheet
        for index, width in enumerate(ABOUT_WIDTHS, start=1):
            about.column_dimensions[get_column_letter(index)].width = width
        for row in self.about_rows(local_datetime(timezone.now()).replace(microsecond=0)):
            about.append(row)
        self.workbook.save(file)

    def response(self, name):
        """The workbook as a download named `name`, sent from a temporary file."""
        file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
        self.save(file)
        file.seek(0)
        return FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_CONTENT_TYPE)


def xlsx_response(about, title, columns, rows, name, absolute_url=str):
    """`rows` of a small list as an XLSX download named `name`, the columns with `in_sheet` only."""
    columns = [column for column in columns if column.in_sheet]
    book = ListWorkbook(about, title, [column.label for column in columns], [column.width for column in columns])
    for row in rows:
        values = []
        for column in columns:
            value = column.sheet_value(row)
            values.append(book.text(absolute_url(value)) if column.address and value else book.value(value))
        book.append(values)
    return book.response(name)


# The filters in words -------------------------------------------------------------------------------------------


def describe_filters(filterset, labels=None):
    """(label, value) of each valid filter in use, the value as people read it: the label of a choice, the name
    of a record, a search in quotes. `labels` maps a filter's name to a function giving the text of a value,
    for filters whose field has no choices (keys of records)."""
    labels = labels or {}
    described = []
    for active in filterset.active_filters():
        name, value = active.name, active.value
        if name in labels:
            shown = labels[name](value)
        elif name == "q":
            shown = f"“{value}”"
        else:
            shown = str(value)
            for key, choice_label in getattr(filterset.form.fields[name], "choices", None) or ():
                if not isinstance(choice_label, list | tuple) and str(key) == str(value):
                    shown = str(choice_label)
                    break
        described.append((str(active.label), shown))
    return described


# The view -------------------------------------------------------------------------------------------------------


class ListDownloadView(View):
    """A public list as CSV (`format="csv"`) or XLSX (`format="xlsx"`), with the very filters of its page: the
    same FilterSet, so the same filters give the same rows. A filter that does not validate is a 400 with the
    reason, never a guess. Never page-cached: the URL is not wrapped in cache_public_page.

    A list says its `columns`, the file name's `stem`, the URL names of its page and downloads, its sheet's
    `title`, `description` and `notes`, and how to read its FilterSet and rows (get_filterset, get_rows)."""

    format = "csv"
    stem = ""
    columns = ()
    page_url_name = csv_url_name = ""
    title = description = ""
    notes = ()

    def get_filterset(self):
        raise NotImplementedError

    def get_rows(self, filterset):
        return filterset.qs

    def describe_filters(self, filterset):
        return describe_filters(filterset)

    def get_notes(self, filterset):
        return [str(note) for note in self.notes]

    def get(self, request):
        filterset = self.get_filterset()
        if filterset.errors:
            return downloads.bad_filters_response(filterset.errors)
        in_use = [(active.name, active.value) for active in filterset.active_filters()]
        name = downloads.filename(self.stem, self.format, in_use)
        absolute_url = request.build_absolute_uri
        if self.format == "csv":
            return csv_response(self.columns, self.get_rows(filterset), name, absolute_url)
        query = filterset.query()
        with transaction.atomic():
            rows = self.get_rows(filterset)
            about = About(
                title=str(self.title),
                description=str(self.description),
                page_url=absolute_url(reverse(self.page_url_name) + query),
                csv_url=absolute_url(reverse(self.csv_url_name) + query),
                filters=self.describe_filters(filterset),
                notes=self.get_notes(filterset),
            )
            return xlsx_response(about, self.title, self.columns, rows, name, absolute_url)


def markdown_table(columns):
    """The columns of a list for docs/downloads.md: CSV name, XLSX header (in English), what the CSV holds."""
    lines = ["| CSV column | XLSX header (English) | value |", "|---|---|---|"]
    for column in columns:
        header = capfirst(str(column.label)) if column.in_sheet else "(CSV only)"
        lines.append(f"| `{column.name}` | {header} | {column.help} |")
    return "\n".join(lines) + "\n"
