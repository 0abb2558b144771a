"""measures/columns.py: the CSV export, the import, the API and the documentation all follow the one list."""

import csv
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from api.serializers import MeasureSerializer
from imports.columns_doc import markdown_table
from imports.rows import Converters
from measures import columns, export
from measures.resources import IMPORT_COLUMNS, WIDGETS, MeasureExportResource

BASE_DIR = Path(settings.BASE_DIR)
SAMPLE = BASE_DIR / "measures" / "data" / "sample_import.csv"
# Where the table of import columns is documented: docs/ once the README is split up, the README before.
DOCUMENTS = [BASE_DIR / "docs" / "import.md"]

#: The public CSV's headers as published: scripts rely on their names and places, so new columns go after them.
PUBLISHED_HEADER = [
    "id",
    "url",
    "title",
    "party",
    "party_iso3",
    "electoral_group",
    "reported_by",
    "organisation",
    "report_year",
    "period_start",
    "period_end",
    "goals",
    "areas",
    "domains",
    "main_features",
    "results",
    "financial_resources",
    "financial_resources_usd",
    "partners",
    "evaluated",
    "evaluation_findings",
    "youth",
    "preferential_treatment",
    "innovative_practice",
    "language",
    "source_url",
    "published_at",
    "updated_at",
    "is_synthetic",
]


def markdown_tables(text):
    """(heading above the table, rows of cells) for each table of a Markdown text; `\\|` is a bar in a cell."""
    heading, table = "", []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            table.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
            continue
        if table:
            yield heading, table
            table = []
        if line.startswith("#"):
            heading = line.lstrip("#").strip()


def documented_import_columns():
    """The column names, in order, of the first column of the documented table of import columns."""
    for document in DOCUMENTS:
        if not document.exists():
            continue
        for heading, table in markdown_tables(document.read_text(encoding="utf-8")):
            header, _rule, *rows = table
            if "import" in heading.lower() and header[0].lower() == "column":
                return [name for row in rows for name in re.findall(r"`([^`]+)`", row[0])]
    pytest.fail(f"No table of import columns (first header 'column', under a heading on import) in {DOCUMENTS}.")


class TestCsv:
    def test_the_header_is_the_exported_columns_in_order(self):
        assert [column.name for column in columns.EXPORTED] == export.HEADER

    def test_published_headers_keep_their_names_and_places(self):
        assert export.HEADER[: len(PUBLISHED_HEADER)] == PUBLISHED_HEADER

    @pytest.mark.django_db
    def test_the_export_writes_that_header(self, client):
        first = next(iter(client.get("/measures/export.csv").streaming_content)).decode()
        assert first == "\ufeff" + ",".join(column.name for column in columns.EXPORTED) + "\r\n"

    def test_each_cell_is_its_columns_converter_applied_to_its_field(self):
        cells = object.__new__(export.Cells)
        for column in columns.EXPORTED:
            setattr(cells, column.read.cell, lambda value, name=column.read.cell: f"{name}({value})")
        measure = tuple(f"<{field}>" for field in export.MEASURE_FIELDS)
        expected = [f"{column.read.cell}(<{column.read.field}>)" for column in columns.EXPORTED]
        assert cells.row_maker()(measure) == expected


class TestImport:
    def test_the_documented_table_lists_the_imported_columns_in_order(self):
        assert documented_import_columns() == [column.header for column in columns.IMPORTED]

    def test_the_documented_table_is_the_generated_one(self):
        """docs/import.md holds `manage.py import_measures --columns`' output as it is."""
        assert markdown_table() in DOCUMENTS[0].read_text(encoding="utf-8")

    def test_the_resources_read_the_imported_columns_in_order(self):
        headers = [column.header for column in columns.IMPORTED]
        assert headers == IMPORT_COLUMNS
        assert [field.column_name for field in MeasureExportResource().get_export_fields()] == [
            "id",
            *headers,
            "status",
            "published_at",
            "updated_at",
        ]

    def test_the_sample_file_has_the_imported_columns_in_order(self):
        with SAMPLE.open(encoding="utf-8", newline="") as sample:
            assert next(csv.reader(sample)) == IMPORT_COLUMNS

    def test_every_kind_of_cell_is_read_by_the_import_and_rendered_by_the_export(self):
        kinds = {column.write.widget for column in columns.IMPORTED}
        assert kinds <= set(WIDGETS)
        assert all(callable(getattr(Converters, kind, None)) for kind in kinds)


class TestApi:
    def test_the_measure_serializer_follows_the_columns(self):
        assert list(MeasureSerializer().fields) == [column.api for column in columns.IN_API]

    def test_the_api_keeps_its_order(self):
        assert [column.api for column in columns.IN_API][:7] == [
            "id",
            "url",
            "api_url",
            "title",
            "party",
            "organisation",
            "reported_by",
        ]


def test_a_column_placed_after_no_column_is_an_error():
    with pytest.raises(ImproperlyConfigured, match=r"no column \['parti'\]"):
        columns.in_order(columns.COLUMNS[:4], lambda column: "parti" if column.name == "title" else "")
