"""The experts app's reference data: real facts from the sources, nothing invented, loaded idempotently."""

import datetime
import io

import pytest
from django.core.management import call_command

from experts.models import Body, Expert, Meeting, MeetingOrganiser, MeetingTopic, Membership, Outcome

pytestmark = pytest.mark.django_db

D = datetime.date
MODELS = (Body, Expert, Membership, Meeting, MeetingOrganiser, MeetingTopic, Outcome, Outcome.follows_up.through)


def snapshot():
    return {model.__name__: sorted(map(repr, model.objects.values())) for model in MODELS}


def test_running_twice_changes_nothing(reference_data):
    before = snapshot()
    call_command("load_reference_data", stdout=io.StringIO())
    assert snapshot() == before


def test_the_three_bodies(reference_data):
    cop, igc, group = (
        Body.objects.get(slug=slug)
        for slug in ("conference-of-parties", "intergovernmental-committee", "group-of-experts-digital-environment")
    )
    assert (cop.kind, cop.session_code) == ("conference_of_parties", "CP")
    assert (igc.kind, igc.session_code, igc.planned_members) == ("intergovernmental_committee", "IGC", 24)
    assert group.name == "Group of Experts on the diversity of cultural expressions in the digital environment"
    assert group.alias_list == ["reflection group"]
    assert group.planned_members == 18
    assert group.kind == "expert_group"
    for theme in (
        "linguistic diversity of cultural content",
        "discoverability of national and local content on platforms",
        "meaningful platform transparency on cultural issues, including artistic freedom",
        "impact of artificial intelligence on the cultural and creative industries",
    ):
        assert theme in group.description


def test_no_person_is_invented(reference_data):
    assert not Expert.objects.exists()
    assert not Membership.objects.exists()


def test_the_quebec_city_meeting_and_its_conference_day(reference_data):
    meeting = Meeting.objects.get(slug="group-of-experts-quebec-city-2024")
    assert (meeting.start_date, meeting.end_date) == (D(2024, 5, 28), D(2024, 5, 30))
    assert (meeting.city, meeting.country.iso3, meeting.body.slug) == (
        "Quebec City",
        "CAN",
        "group-of-experts-digital-environment",
    )
    assert [(link.organisation.slug, link.role) for link in meeting.organisers.all()] == [
        ("government-of-canada", "co_organiser"),
        ("government-of-quebec", "co_organiser"),
    ]
    assert meeting.topics.count() == 4
    day = meeting.children.get()
    assert (
        day.title
        == "Promoting our cultures in the digital age – Conversations among cultural workers from here and abroad"
    )
    assert (day.start_date, day.end_date, day.kind) == (D(2024, 5, 27), D(2024, 5, 27), "conference_day")
    assert [(link.organisation.slug, link.role) for link in day.organisers.all()] == [
        ("cdce", "organiser"),
        ("ifccd", "collaborator"),
        ("canadian-commission-for-unesco", "contributor"),
    ]
    assert "Indigenous cultural segment" in day.organisers.get(organisation__slug="canadian-commission-for-unesco").note
    assert list(day.topics.values_list("title_en", "title_fr", "title_es")) == list(
        meeting.topics.values_list("title_en", "title_fr", "title_es")
    )


def test_the_paris_meeting_keeps_its_unknown_days_empty(reference_data):
    meeting = Meeting.objects.get(slug="group-of-experts-paris-2024")
    assert (meeting.start_date, meeting.end_date, meeting.year, meeting.month) == (None, None, 2024, 11)
    assert (meeting.city, meeting.country.iso3) == ("Paris", "FRA")
    assert meeting.venue == "" and meeting.format == ""


def test_the_sessions(reference_data):
    igc = Meeting.objects.get(slug="18-igc")
    assert (igc.session_label, igc.start_date, igc.end_date) == ("18.IGC", D(2025, 2, 11), D(2025, 2, 14))
    assert igc.city == "" and igc.country is None
    cop = Meeting.objects.get(slug="10-cp")
    assert (cop.session_label, cop.start_date, cop.end_date, cop.city) == (
        "10.CP",
        D(2025, 6, 18),
        D(2025, 6, 20),
        "Paris",
    )


def test_the_report_its_eleven_recommendations_and_the_decision_that_follows_them_up(reference_data):
    report = Outcome.objects.get(slug="group-of-experts-report-2024")
    assert (report.kind, report.year, report.month, report.date) == ("report", 2024, 12, None)
    recommendations = list(report.parts.order_by("number"))
    assert [item.number for item in recommendations] == list(range(1, 12))
    assert recommendations[0].title == "An additional protocol"
    assert all(item.title == "" and item.text == "" for item in recommendations[1:])
    decision = Outcome.objects.get(slug="18-igc-adoption-of-recommendations-2-11")
    assert (decision.kind, decision.meeting.slug, decision.status) == ("decision", "18-igc", "adopted")
    assert sorted(decision.follows_up.values_list("number", flat=True)) == list(range(2, 12))
    assert {item.status for item in recommendations[1:]} == {"adopted"}
    assert recommendations[0].status == "proposed"
    assert not recommendations[0].follow_ups.exists()
    assert decision.text == ""
