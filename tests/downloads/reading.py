"""Reading the downloads back as their users would: the CSV with Python's csv module, the XLSX with openpyxl."""

import csv
import io
import re

from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

BYTE_ORDER_MARK = b"\xef\xbb\xbf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def body(response):
    assert response.status_code == 200, response.content if not response.streaming else ""
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response):
    """The CSV's rows, header first; it must start with exactly one byte-order mark."""
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    raw = body(response)
    assert raw.startswith(BYTE_ORDER_MARK)
    assert raw.count(BYTE_ORDER_MARK) == 1
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def workbook(response):
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(body(response)))


def sheet(book):
    """The list's sheet: the second, after About."""
    return book.worksheets[1]


def header(book):
    return [cell.value for cell in sheet(book)[1]]


def data_rows(book):
    """The list's rows under the header, as dicts by header."""
    names = header(book)
    return [dict(zip(names, row, strict=True)) for row in sheet(book).iter_rows(min_row=2, values_only=True)]


#: The About sheet's labels, in English.
ABOUT_LABELS = (
    "What this file holds",
    "Address on the portal",
    "Filters applied",
    "Extracted on",
    "Time zone",
    "Rows",
    "Format for programs",
    "How to read it",
)


def about(book, language="en"):
    """The About sheet as {English label: [values]}, its labels read in `language` (whether or not they are
    translated yet); a label followed by rows without one (the filters) gathers them."""
    with translation.override(language):
        english = {gettext(label): label for label in ABOUT_LABELS}
    found, label = {}, None
    for row in book.worksheets[0].iter_rows(min_row=3, values_only=True):
        first, value = (list(row) + [None, None])[:2]
        if first is not None:
            label = english.get(first, first)
        if label is not None and value is not None:
            found.setdefault(label, []).append(value)
    return found


def file_name(response):
    match = re.fullmatch(r'attachment; filename="([^"]+)"', response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    return match.group(1)


def today():
    return timezone.localdate().isoformat()
