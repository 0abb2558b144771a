"""The table of import columns, generated from measures/columns.py for docs/import.md and the import page.

`manage.py import_measures --columns` prints it; tests/measures/test_columns.py checks that docs/import.md holds
exactly this table, so the documentation cannot drift from the columns the import reads.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import override

from imports.rows import REQUIRED_COLUMNS
from measures.columns import IMPORTED

CODE = re.compile(r"`([^`]+)`")


def markdown_table():
    """The Markdown table of the import's columns, in English, in the order a file gives them."""
    with override("en"):
        lines = ["| column | content |", "|---|---|"]
        for column in IMPORTED:
            help = str(column.write.help).replace("|", "\\|")
            lines.append(f"| `{column.header}` | {help} |")
    return "\n".join(lines) + "\n"


def help_html(column):
    """A column's help for a page: escaped, with `code` spans as <code>."""
    return mark_safe(CODE.sub(r"<code>\1</code>", escape(str(column.write.help))))  # noqa: S308 - escaped above


def is_required(column):
    return column.header in REQUIRED_COLUMNS
