"""Migration 0019 (narrow measure rows): the storage it sets, and a database that already holds measures going
through it, every row and every search kept, the setting on and off again (docs/operations.md, "Narrow measure
rows")."""

import random

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from measures.filters import MeasureFilter
from measures.models import Measure
from tests.factories import make_measure, make_party

BEFORE = ("measures", "0018_published_period_index")
NARROW = ("measures", "0019_narrow_measure_rows")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def table_settings():
    """(reloptions, the title's storage) of the measures table on PostgreSQL; None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.reloptions, a.attstorage FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
            " WHERE c.relname = 'measures_measure' AND a.attname = 'title'"
        )
        options, storage = cursor.fetchone()
    return options or [], storage


@pytest.mark.django_db(transaction=True)
def test_existing_measures_come_through_the_migration_and_back():
    party = make_party(iso3="ZZN", name_en="Narrowland")
    texts = [("Music festival " * 3, "music " * 300, "results " * 80), ("Film week", "film " * 50, "")]
    made = [
        make_measure(party=party, status=Measure.Status.PUBLISHED, title=title, main_features=main, results=results)
        for title, main, results in texts
    ]
    try:
        migrate(BEFORE)
        if connection.vendor == "postgresql":
            assert table_settings() == ([], "x")
        migrate(NARROW)
        if connection.vendor == "postgresql":
            assert table_settings() == (["toast_tuple_target=128"], "m")
        stored = {m.pk: (m.title, m.main_features, m.results) for m in Measure.objects.filter(party=party)}
        assert stored == {measure.pk: text for measure, text in zip(made, texts, strict=True)}
        found = MeasureFilter({"q": "music", "party": "ZZN"}).qs
        assert [measure.pk for measure in found] == [made[0].pk]
    finally:
        migrate(NARROW)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
@pytest.mark.django_db
def test_measure_rows_keep_their_long_texts_apart():
    """Texts out of the row even where the row would fit a page, so that a search reads few pages
    (docs/performance.md); the title stays in the row, for the admin's search and sorting. Without the migration,
    `results` below would stay inline, uncompressed."""
    rng = random.Random(3)
    main_features = " ".join(f"word{rng.randrange(10_000)}" for _ in range(400))
    results = "music festival " * 40
    party = make_party(iso3="ZZN", name_en="Narrowland")
    measure = make_measure(party=party, status=Measure.Status.PUBLISHED, main_features=main_features, results=results)
    assert table_settings() == (["toast_tuple_target=128"], "m")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(results), octet_length(results) FROM measures_measure WHERE id = %s", [measure.pk]
        )
        stored, length = cursor.fetchone()
    assert stored < length
    measure.refresh_from_db()
    assert (measure.main_features, measure.results) == (main_features, results)
    assert MeasureFilter({"q": "music", "party": "ZZN"}).qs.filter(pk=measure.pk).exists()
