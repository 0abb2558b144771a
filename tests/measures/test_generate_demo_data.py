"""Synthetic data for load tests: deterministic, marked as such, and removed without touching real records."""

import io

import pytest
from django.core.management import CommandError, call_command

from measures.models import Measure, Organisation
from measures.search import search_measures

pytestmark = pytest.mark.django_db


def generate(**options):
    call_command("generate_demo_data", stdout=io.StringIO(), **options)


def snapshot():
    return list(
        Measure.objects.filter(is_synthetic=True)
        .order_by("pk")
        .values_list("title", "party__iso3", "reported_by", "status", "report_year", "period_start", "period_end")
    )


def test_needs_the_reference_data():
    with pytest.raises(CommandError, match="load_reference_data"):
        generate(measures=10)


def test_same_seed_same_records_and_real_data_untouched(reference_data):
    real = list(Measure.objects.values_list("pk", "title"))
    generate(measures=300, seed=7)
    first = snapshot()
    generate(measures=300, seed=7)
    assert snapshot() == first
    assert len(first) == 300
    generate(measures=300, seed=8)
    assert snapshot() != first
    assert list(Measure.objects.filter(is_synthetic=False).values_list("pk", "title")) == real


def test_spread_over_reporters_statuses_and_classification(reference_data):
    generate(measures=400, seed=1)
    synthetic = Measure.objects.filter(is_synthetic=True)
    assert set(synthetic.values_list("reported_by", flat=True)) == {"party", "civil_society"}
    assert set(synthetic.values_list("status", flat=True)) == set(Measure.Status.values)
    assert not synthetic.filter(reported_by="civil_society", organisation__isnull=True).exists()
    assert not synthetic.filter(areas__isnull=True).exists()
    for measure in synthetic.prefetch_related("areas", "goals")[:50]:
        assert {area.goal_id for area in measure.areas.all()} <= {goal.pk for goal in measure.goals.all()}
    # The classification bits written with each row are those refresh_classification() stores from the links.
    written = {measure.pk: (measure.goal_bits, measure.area_bits, measure.domain_bits) for measure in synthetic}
    assert synthetic.refresh_classification() == written
    assert synthetic.filter(partners__isnull=False).exists()


def test_synthetic_measures_are_searchable(reference_data):
    generate(measures=50, seed=3)
    measure = Measure.objects.filter(is_synthetic=True).first()
    word = measure.title.split()[0]
    assert measure in search_measures(Measure.objects.all(), word)


def test_clear_removes_exactly_the_synthetic_records(reference_data):
    real_organisations = set(Organisation.objects.values_list("pk", flat=True))
    generate(measures=200, seed=1)
    assert Organisation.objects.filter(is_synthetic=True).exists()
    generate(clear=True)
    assert not Measure.objects.filter(is_synthetic=True).exists()
    assert set(Organisation.objects.values_list("pk", flat=True)) == real_organisations
    assert Measure.objects.published().count() == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_new_rows_are_vacuumed_on_postgresql(reference_data):
    from django.db import connection

    generate(measures=20, seed=3)
    assert Measure.objects.filter(is_synthetic=True).count() == 20
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = %s",
            [Measure._meta.db_table],
        )
        assert cursor.fetchone() == (True, True)
