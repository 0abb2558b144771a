"""The RUM index on Measure.search_vector, which returns the matches of a search in rank order without reading
their vectors (measures.search, RankedPageQuerySet; docs/operations.md, "Search").

Only where PostgreSQL has the `rum` extension available (Debian: postgresql-15-rum) and the migration may create
it (a superuser, or the extension created beforehand by one): elsewhere nothing is done and search ranks every
match as before. Running the migration again later (migrate `measures` back to the migration before this one,
then forward) adds it once the extension is there.
"""

from django.db import DatabaseError, migrations, transaction

INDEX_NAME = "measure_search_vector_rum"


def create_rum_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
        except DatabaseError:
            return  # not allowed to create it: search works without it
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON measures_measure USING rum (search_vector rum_tsvector_ops)"
        )
    forget_rank_index()


def drop_rum_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
        forget_rank_index()


def forget_rank_index():
    from measures.search import forget_rank_index

    forget_rank_index()


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0016_report_document"),
    ]

    operations = [
        migrations.RunPython(create_rum_index, drop_rum_index, elidable=False),
    ]
