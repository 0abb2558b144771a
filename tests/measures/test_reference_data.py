import csv
import datetime
import io

import pytest
from django.core.management import call_command

from measures.models import (
    AreaOfMonitoring,
    CulturalDomain,
    Goal,
    Measure,
    Organisation,
    OrganisationMembership,
    Party,
    ReportingCycle,
)
from measures.reference_data import PARTIES_CSV

pytestmark = pytest.mark.django_db

MODELS = (Party, Goal, AreaOfMonitoring, CulturalDomain, ReportingCycle, Organisation, OrganisationMembership, Measure)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def csv_rows():
    with PARTIES_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_running_twice_gives_the_same_records(reference_data):
    first = counts()
    first_parties = list(Party.objects.values())
    call_command("load_reference_data", stdout=io.StringIO())
    assert counts() == first
    assert list(Party.objects.values()) == first_parties


def csv_date(text):
    return datetime.date.fromisoformat(text) if text else None


def test_every_csv_row_is_a_party_with_the_csvs_dates(reference_data):
    rows = csv_rows()
    assert Party.objects.count() == len(rows) == 138
    for row in rows:
        party = Party.objects.get(slug=row["iso3"].lower() or "eu")
        assert party.name_en == row["name"]
        # An empty date in the CSV stays empty: nothing is computed from a deposit date that is not documented.
        assert party.deposit_date == csv_date(row["deposit_date"])
        assert party.entry_into_force == csv_date(row["entry_into_force"])
        assert party.instrument == row["instrument"]
        assert party.electoral_group == row["electoral_group"]
        assert party.source_url == row["source"]


def test_parties_have_french_and_spanish_names(reference_data):
    canada = Party.objects.get(iso3="CAN")
    assert (canada.name_fr, canada.name_es) == ("Canada", "Canadá")
    eu = Party.objects.get(slug="eu")
    assert (eu.iso3, eu.kind, eu.name_fr, eu.name_es) == ("", "reio", "Union européenne", "Unión Europea")
    assert not Party.objects.filter(name_fr="").exists()
    assert not Party.objects.filter(name_es="").exists()


def test_gaps_in_the_sources_stay_empty(reference_data):
    # 69 Parties whose source gives the date but not the instrument, and 10 of those whose date is not documented.
    assert Party.objects.filter(instrument="").count() == 79
    assert Party.objects.filter(instrument="", deposit_date__isnull=False).count() == 69
    assert Party.objects.get(iso3="TCD").electoral_group == ""
    # 127 dated Parties; 11 whose membership is documented but not the date of deposit.
    assert Party.objects.filter(deposit_date__isnull=True).count() == 11
    assert Party.objects.filter(deposit_date__isnull=True, entry_into_force__isnull=False).get().iso3 == "UZB"
    india = Party.objects.get(iso3="IND")
    assert (india.deposit_date, india.entry_into_force, india.instrument) == (None, None, "")


def test_monitoring_framework(reference_data):
    assert Goal.objects.count() == 4
    assert AreaOfMonitoring.objects.count() == 11
    assert [area.goal.number for area in AreaOfMonitoring.objects.select_related("goal")] == [
        1,
        1,
        1,
        1,
        2,
        2,
        2,
        3,
        3,
        4,
        4,
    ]
    assert CulturalDomain.objects.filter(slug="music", name_fr="Musique", name_es="Música").exists()


def test_reporting_cycles(reference_data):
    assert dict(ReportingCycle.objects.values_list("year", "deadline")) == {
        2012: None,
        2016: None,
        2020: None,
        2024: datetime.date(2024, 6, 30),
        2027: datetime.date(2027, 6, 30),
    }


def test_cdce_is_member_and_secretariat_of_ifccd_in_one_membership(reference_data):
    cdce = Organisation.objects.get(acronym_en="CDCE")
    link = cdce.memberships.get(organisation__acronym_en="IFCCD")
    assert link.roles == ["member", "secretariat"]
    assert cdce.country.iso3 == "CAN"
    assert cdce.founding_year == 1998


def test_the_cdce_measure_as_the_seed_gives_it(reference_data):
    measure = Measure.objects.published().get()
    assert measure.title.startswith("Provided support to other coalitions for diversity")
    assert (measure.party.iso3, measure.organisation.acronym) == ("CAN", "CDCE")
    assert (measure.period_start, measure.period_end, measure.report_year) == (2016, 2019, 2020)
    assert measure.reported_by == Measure.ReportedBy.CIVIL_SOCIETY
    assert list(measure.areas.values_list("slug", flat=True)) == ["partnering-with-civil-society"]
    assert list(measure.goals.values_list("number", flat=True)) == [1]
    assert "Guanajuato, Mexico, from November 27 to 29, 2019" in measure.main_features
    assert measure.results.endswith("which had been inactive up until that point.")
