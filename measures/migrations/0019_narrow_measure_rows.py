"""Measure rows kept narrow on PostgreSQL: their long texts stored apart (TOAST), so that a search reads few pages.

A search for a common word counts its facets from every match (measures.facets.searched_rows): a bitmap of the
matches from the GIN index, then a visit of each matching row's page for its facet columns. With titles, main
features and results inline, a row was about 1.6 kB and 40,000 published measures filled 10,000 pages, nearly all
of them visited for one common word. With `toast_tuple_target` at its minimum, PostgreSQL stores a measure's long
texts out of line (compressed, as the search vector already was) and the rows take a seventh of the pages; pages
that show a measure read its texts as before, at the cost of a lookup each. The title alone stays in the row
(storage MAIN). docs/performance.md, "One word from its title matches, and narrow rows".

Existing rows are stored again once, under the new setting, and the table is then compacted (VACUUM FULL, which
locks it while it runs; docs/operations.md gives the time): rewritten rows would otherwise stay spread over the old
pages. Hence a migration outside a transaction. SQLite has no such setting: nothing is done.
"""

from django.db import migrations

TABLE = "measures_measure"
#: PostgreSQL's smallest accepted value: every row longer than this keeps only short values inline.
NARROW_ROW_BYTES = 128


def narrow_rows(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} SET (toast_tuple_target = {NARROW_ROW_BYTES})")
    # Titles stay in the row: the admin's search and the sort by title read every one of them.
    schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN title SET STORAGE MAIN")
    # An update stores each row again, under the new target.
    schema_editor.execute(f"UPDATE {TABLE} SET main_features = main_features")
    schema_editor.execute(f"VACUUM FULL {TABLE}")
    # A plain VACUUM then marks the pages all-visible again, which index-only scans (counts) rely on.
    schema_editor.execute(f"VACUUM (ANALYZE) {TABLE}")


def default_rows(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")
        schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN title SET STORAGE EXTENDED")


class Migration(migrations.Migration):
    atomic = False  # VACUUM cannot run inside a transaction

    dependencies = [
        ("measures", "0018_published_period_index"),
    ]

    operations = [
        migrations.RunPython(narrow_rows, default_rows, elidable=False),
    ]
