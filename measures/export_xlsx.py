"""Measures as an XLSX workbook for people: the CSV export's columns (measures/columns.py, EXPORTED), read the way
measures/export.py reads them, headed by their labels in the page's language, with labels for codes, dates as
dates and Yes/No in that language; the workbook itself (About sheet, header, widths, freeze) is core/spreadsheets.py.

The measures' own columns are read as plain tuples through one cursor in chunks, the names of Parties,
organisations, areas and domains and the goals, areas, domains and partners of the whole export once each
(export.Names, export.RelatedValues), so the queries do not grow with the rows, and the rows go to a temporary
file as they come, so memory stays flat.
"""

from django.db import transaction
from django.db.models import DecimalField
from django.utils import translation
from django.utils.text import capfirst

from core.spreadsheets import ListWorkbook
from measures import export
from measures.columns import EXPORTED
from measures.models import ElectoralGroup, Measure

#: Column widths, in characters, by the converter a column's `read.cell` names.
WIDTHS = {
    "code": 12,
    "text": 50,
    "year": 10,
    "flag": 12,
    "timestamp": 18,
    "url": 42,
    "party": 28,
    "party_iso3": 10,
    "electoral_group": 34,
    "organisation": 36,
    "goals": 10,
    "areas": 40,
    "domains": 30,
    "partners": 40,
}
#: ...and for a column whose converter gives a label instead of a code.
CHOICE_WIDTH = 22


def same(value):
    return value


def code(value):
    """A code as it is; nothing for an empty one (the EU has no ISO code)."""
    return value or None


class SheetCells(export.Cells):
    """export.Cells' converters, by the same names, giving XLSX values rather than CSV text: numbers as numbers,
    text marked as text where it could be read as a formula, labels for codes, dates in the portal's time zone."""

    def __init__(self, book, related, url_prefix):
        self.code = same
        self.text = book.text
        self.year = same
        self.flag = {True: book.yes, False: book.no}.__getitem__
        self.timestamp = book.datetime
        self.url = (url_prefix.replace("{", "{{").replace("}", "}}") + "{}/").format
        names = related.names
        self.party = names.parties.__getitem__
        self.party_iso3 = names.party_codes.__getitem__
        groups = {value: str(label) for value, label in ElectoralGroup.choices}
        self.electoral_group = lambda party: groups.get(names.electoral_groups[party])
        self.organisation = names.organisations.get
        self.goals = related.goals.get
        self.areas = related.areas.get
        self.domains = related.domains.get
        self.partners = related.partners.get

    def converter(self, column):
        """A code's label where the column has choices, else the converter its `read.cell` names."""
        if column.read.choices is not None:
            labels = {value: str(label) for value, label in column.read.choices.choices}
            return lambda value: labels.get(value, value or None)
        if is_amount(column):
            return same  # a number people can add up
        return super().converter(column)


def is_amount(column):
    """Whether the column is a decimal amount, which the CSV writes as text and the XLSX as a number."""
    return column.read.cell == "text" and isinstance(Measure._meta.get_field(column.read.field), DecimalField)


def headers():
    """The columns' labels in the active language."""
    return [capfirst(str(column.label)) for column in EXPORTED]


def widths():
    return [CHOICE_WIDTH if column.read.choices else WIDTHS.get(column.read.cell, 18) for column in EXPORTED]


def workbook_response(measures, about, name, absolute_url=str, language=None):
    """The measures as an XLSX download named `name`, headers and labels in `language` (the active one)."""
    with translation.override(language or translation.get_language()):
        book = ListWorkbook(about, about.title, headers(), widths())
        names = export.Names(text=book.text, code=code)
        # One transaction while the rows are read: the same data throughout (see export.csv_lines).
        with transaction.atomic(using=measures.db):
            with export.collector_paused():
                related = export.RelatedValues(measures, names, text=book.text)
            row = SheetCells(book, related, export.detail_url_prefix(absolute_url)).row_maker()
            for measure in export.measure_tuples(measures):
                book.append(row(measure))
        return book.response(name)


def markdown_table():
    """The measures' columns for docs/downloads.md: CSV name, XLSX header (in English), what the CSV holds."""
    with translation.override("en"):
        lines = ["| CSV column | XLSX header (English) | CSV value | XLSX value |", "|---|---|---|---|"]
        for column in EXPORTED:
            cell = column.read.cell
            if is_amount(column):
                csv_value, sheet_value = "a plain number, e.g. `125000.00`", "a number"
            elif column.read.choices is not None:
                csv_value = "one of " + ", ".join(f"`{value}`" for value in column.read.choices.values)
                sheet_value = "its label (" + ", ".join(str(label) for label in column.read.choices.labels) + ")"
            else:
                csv_value, sheet_value = CELL_DOCS.get(cell, ("", ""))
            lines.append(f"| `{column.name}` | {capfirst(str(column.label))} | {csv_value} | {sheet_value} |")
    return "\n".join(lines) + "\n"


#: What the CSV and the XLSX hold, by converter, for docs/downloads.md.
CELL_DOCS = {
    "code": ("the measure's number", "the same number"),
    "url": ("the measure's page, absolute", "the same address"),
    "text": ("text as recorded", "the same text"),
    "party": ("the Party's name in the language of the address", "the same"),
    "party_iso3": ("ISO 3166-1 alpha-3 code; empty for the European Union", "the same"),
    "electoral_group": ("UNESCO electoral group code: `I`, `II`, `III`, `IV`, `Va`, `Vb`", "the group's name"),
    "organisation": ("the reporting organisation's name; empty when a Party reported", "the same"),
    "year": ("a year", "a number"),
    "goals": ("goal numbers joined with `; `", "the same"),
    "areas": ("area names in the language of the address, joined with `; `", "the same"),
    "domains": ("domain names in the language of the address, joined with `; `", "the same"),
    "partners": ("partner names joined with `; `", "the same"),
    "flag": ("`yes` or `no`", "Yes or No in the language of the address"),
    "timestamp": ("ISO 8601 date and time with its UTC offset", "a date-time cell, in the portal's time zone"),
}
