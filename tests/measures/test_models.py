import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.fields import BitSetField
from measures.models import (
    AreaOfMonitoring,
    CulturalDomain,
    Goal,
    Measure,
    Party,
    PeriodicReport,
    ReportingCycle,
    entry_into_force_for,
)
from tests.factories import make_measure, make_organisation, make_party

pytestmark = pytest.mark.django_db


def assert_refused(**create):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_measure(**create)


class TestMeasureConstraints:
    def test_start_after_end_is_refused_by_the_database(self):
        assert_refused(period_start=2020, period_end=2019)

    def test_start_equal_to_end_and_open_end_are_accepted(self):
        assert make_measure(period_start=2020, period_end=2020).pk
        assert make_measure(period_start=2020, period_end=None).is_ongoing

    def test_civil_society_measure_without_organisation_is_refused_by_the_database(self):
        assert_refused(reported_by=Measure.ReportedBy.CIVIL_SOCIETY, organisation=None)

    def test_civil_society_measure_without_organisation_gets_a_clear_message(self):
        measure = Measure(title="T", party=make_party(), reported_by=Measure.ReportedBy.CIVIL_SOCIETY, language="en")
        with pytest.raises(ValidationError) as error:
            measure.full_clean()
        assert error.value.message_dict["organisation"] == [
            "A measure reported by civil society needs its reporting organisation."
        ]

    def test_reversed_period_gets_a_clear_message(self):
        measure = Measure(title="T", party=make_party(), period_start=2021, period_end=2019, language="en")
        with pytest.raises(ValidationError) as error:
            measure.full_clean()
        assert "period_end" in error.value.message_dict

    def test_civil_society_measure_with_organisation_is_accepted(self):
        measure = make_measure(reported_by=Measure.ReportedBy.CIVIL_SOCIETY, organisation=make_organisation())
        assert measure.is_reported_by_civil_society

    def test_unknown_status_is_refused_by_the_database(self):
        assert_refused(status="lost")


class TestPartyConstraints:
    def test_iso3_is_unique(self):
        make_party(iso3="CAN")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_party(iso3="CAN", name_en="Canada again")

    def test_iso3_is_stored_upper_case_with_a_lower_case_url_key(self):
        party = make_party(iso3="fra", name_en="France")
        assert (party.iso3, party.slug, party.get_absolute_url()) == ("FRA", "fra", "/parties/fra/")

    def test_the_european_union_has_no_iso3_and_the_key_eu(self):
        party = make_party(iso3="", name_en="European Union", kind=Party.Kind.REIO)
        assert party.slug == "eu"


class TestEntryIntoForce:
    @pytest.mark.parametrize(
        "deposit, expected",
        [
            (datetime.date(2005, 11, 28), datetime.date(2007, 3, 18)),  # Canada: before the Convention was in force
            (datetime.date(2006, 12, 18), datetime.date(2007, 3, 18)),  # the 30th instrument: exactly the date
            (datetime.date(2006, 12, 19), datetime.date(2007, 3, 19)),  # the day after: three months later
            (datetime.date(2007, 1, 17), datetime.date(2007, 4, 17)),
            (datetime.date(2009, 11, 30), datetime.date(2010, 2, 28)),  # no 30 February: last day of the month
            (datetime.date(2011, 11, 30), datetime.date(2012, 2, 29)),  # leap year
            (datetime.date(2025, 10, 1), datetime.date(2026, 1, 1)),  # across the year (Bahrain)
        ],
    )
    def test_article_29(self, deposit, expected):
        assert entry_into_force_for(deposit) == expected

    def test_computed_on_save_when_the_source_gives_none(self):
        party = make_party(deposit_date=datetime.date(2015, 2, 26))
        assert party.entry_into_force == datetime.date(2015, 5, 26)

    def test_a_date_given_by_the_source_is_kept(self):
        party = make_party(deposit_date=datetime.date(2015, 2, 26), entry_into_force=datetime.date(2015, 6, 1))
        assert party.entry_into_force == datetime.date(2015, 6, 1)

    def test_no_deposit_no_date(self):
        assert make_party().entry_into_force is None


class TestPeriodicReport:
    def test_one_report_per_party_and_cycle(self):
        party, cycle = make_party(), ReportingCycle.objects.create(year=2024)
        PeriodicReport.objects.create(party=party, cycle=cycle)
        with pytest.raises(IntegrityError), transaction.atomic():
            PeriodicReport.objects.create(party=party, cycle=cycle)

    def test_overdue_is_derived_from_deadline_and_status(self):
        cycle = ReportingCycle.objects.create(year=2024, deadline=datetime.date(2024, 6, 30))
        late = PeriodicReport.objects.create(party=make_party(), cycle=cycle, status="draft")
        on_time = PeriodicReport.objects.create(party=make_party(), cycle=cycle, status="submitted")
        after_deadline = datetime.date(2024, 7, 1)
        assert late.is_overdue(today=after_deadline)
        assert not late.is_overdue(today=datetime.date(2024, 6, 30))
        assert not on_time.is_overdue(today=after_deadline)
        assert list(PeriodicReport.objects.overdue(today=after_deadline)) == [late]


class TestPublished:
    def test_published_excludes_every_other_status(self):
        party = make_party()
        for status in Measure.Status.values:
            make_measure(party=party, status=status, title=status)
        assert list(Measure.objects.published().values_list("title", flat=True)) == ["published"]

    def test_publishing_stamps_the_publication_time(self):
        measure = make_measure()
        assert measure.published_at is None
        measure.status = Measure.Status.PUBLISHED
        measure.save()
        assert measure.published_at is not None


class TestGoals:
    @pytest.fixture
    def framework(self):
        goals = {number: Goal.objects.create(number=number, name_en=f"Goal {number}") for number in (1, 2, 3, 4)}
        area = AreaOfMonitoring.objects.create(slug="digital-environment", name_en="Digital", goal=goals[1])
        return goals, area

    def test_goal_numbers_stay_between_1_and_4(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Goal.objects.create(number=5, name_en="Five")

    def test_goals_are_the_areas_goals_plus_those_ticked(self, framework):
        goals, area = framework
        measure = make_measure()
        measure.areas.add(area)
        measure.goals_ticked.add(goals[4])
        assert set(measure.goals.values_list("number", flat=True)) == {1, 4}
        measure.areas.remove(area)
        assert set(measure.goals.values_list("number", flat=True)) == {4}

    def test_moving_an_area_to_another_goal_moves_its_measures(self, framework):
        goals, area = framework
        measure = make_measure()
        measure.areas.add(area)
        area.goal = goals[2]
        area.save()
        assert list(measure.goals.values_list("number", flat=True)) == [2]

    def test_saving_an_area_without_moving_it_leaves_its_measures_alone(self, framework, django_assert_num_queries):
        _goals, area = framework
        make_measure().areas.add(area)
        area = AreaOfMonitoring.objects.get(pk=area.pk)
        area.name_fr = "Numérique"
        with django_assert_num_queries(2):  # the area, and the public change row (the page cache's generation)
            area.save()

    def test_names_follow_the_active_language(self, framework):
        from django.utils import translation

        _, area = framework
        area.name_fr = "Numérique"
        area.save()
        with translation.override("fr"):
            assert area.name == "Numérique"
        with translation.override("es"):
            assert area.name == "Digital"  # no Spanish name: English


class TestStoredClassification:
    """Measure.goal_bits, area_bits and domain_bits follow the links, however they change."""

    @pytest.fixture
    def framework(self):
        goals = {number: Goal.objects.create(number=number, name_en=f"Goal {number}") for number in (1, 2, 3, 4)}
        areas = [
            AreaOfMonitoring.objects.create(slug=f"area-{number}", name_en=f"Area {number}", goal=goals[number])
            for number in (1, 2)
        ]
        domains = [CulturalDomain.objects.create(slug=slug, name_en=slug) for slug in ("music", "design")]
        return goals, areas, domains

    @staticmethod
    def stored(measure):
        measure = Measure.objects.get(pk=measure.pk)
        return (
            BitSetField.numbers(measure.goal_bits),
            sorted(
                AreaOfMonitoring.objects.filter(bit__in=BitSetField.numbers(measure.area_bits)).values_list(
                    "slug", flat=True
                )
            ),
            sorted(
                CulturalDomain.objects.filter(bit__in=BitSetField.numbers(measure.domain_bits)).values_list(
                    "slug", flat=True
                )
            ),
        )

    def test_options_get_the_first_free_bit_and_keep_it(self, framework):
        _goals, areas, domains = framework
        assert [area.bit for area in areas] == [0, 1]
        assert [domain.bit for domain in domains] == [0, 1]
        areas[0].delete()
        third = AreaOfMonitoring.objects.create(slug="area-3", name_en="Area 3", goal=areas[1].goal)
        assert third.bit == 0
        areas[1].name_en = "Renamed"
        areas[1].save()
        assert AreaOfMonitoring.objects.get(pk=areas[1].pk).bit == 1

    def test_no_more_options_than_bits(self, framework):
        goals, _areas, _domains = framework
        for number in range(2, BitSetField.MAX_NUMBER + 1):
            AreaOfMonitoring.objects.create(slug=f"more-{number}", name_en=f"More {number}", goal=goals[1])
        extra = AreaOfMonitoring(slug="one-too-many", name_en="One too many", goal=goals[1])
        with pytest.raises(ValidationError, match="at most 63"):
            extra.full_clean()

    def test_links_added_removed_and_cleared(self, framework):
        goals, areas, domains = framework
        measure = make_measure()
        measure.areas.add(areas[0])
        measure.domains.set(domains)
        measure.goals_ticked.add(goals[4])
        assert self.stored(measure) == ([1, 4], ["area-1"], ["design", "music"])
        measure.areas.add(areas[1])
        measure.domains.remove(domains[0])
        assert self.stored(measure) == ([1, 2, 4], ["area-1", "area-2"], ["design"])
        measure.areas.clear()
        measure.goals_ticked.clear()
        assert self.stored(measure) == ([], [], ["design"])

    def test_moving_an_area_to_another_goal_or_deleting_an_option(self, framework):
        goals, areas, domains = framework
        measure = make_measure()
        measure.areas.set(areas)
        measure.domains.set(domains)
        areas[0].goal = goals[3]
        areas[0].save()
        assert self.stored(measure)[0] == [2, 3]
        areas[1].delete()
        domains[1].delete()
        assert self.stored(measure) == ([3], ["area-1"], ["music"])

    def test_a_save_from_an_instance_read_before_the_links_changed_keeps_them(self, framework):
        _goals, areas, _domains = framework
        measure = make_measure()
        stale = Measure.objects.get(pk=measure.pk)
        measure.areas.add(areas[0])
        stale.title = "Renamed"
        stale.save()
        assert self.stored(measure)[:2] == ([1], ["area-1"])
        assert Measure.objects.get(pk=measure.pk).title == "Renamed"

    def test_the_instance_whose_links_changed_holds_its_new_bits(self, framework):
        _goals, areas, _domains = framework
        measure = make_measure()
        measure.areas.add(areas[1])
        assert (measure.goal_bits, measure.area_bits) == (1 << 2, 1 << areas[1].bit)
