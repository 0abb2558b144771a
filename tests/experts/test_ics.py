"""Meetings as iCalendar files, read back with the icalendar package as a calendar program would."""

import datetime

import icalendar
import pytest

from experts.models import Meeting

pytestmark = pytest.mark.django_db

QUEBEC_ICS = "/meetings/group-of-experts-quebec-city-2024.ics"


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    return calendar.walk("VEVENT")


def test_a_meeting_is_one_all_day_event_spanning_its_days(client, reference_data):
    response = client.get(QUEBEC_ICS)
    assert response["Content-Disposition"] == 'attachment; filename="group-of-experts-quebec-city-2024.ics"'
    (event,) = events(response)
    assert event.decoded("DTSTART") == datetime.date(2024, 5, 28)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    # DTEND of an all-day event is exclusive: the day after the last day.
    assert event.decoded("DTEND") == datetime.date(2024, 5, 31)
    assert event["DTEND"].params["VALUE"] == "DATE"
    assert str(event["SUMMARY"]).startswith("First meeting of the Group of Experts")
    assert str(event["LOCATION"]) == "Quebec City, Canada"
    assert str(event["URL"]) == "http://testserver/meetings/group-of-experts-quebec-city-2024/"
    meeting = Meeting.objects.get(slug="group-of-experts-quebec-city-2024")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@convention-portal"
    assert event.decoded("DTSTAMP") == meeting.updated_at.replace(microsecond=0)


def test_uids_stay_the_same_when_a_meeting_changes(client, reference_data):
    (before,) = events(client.get(QUEBEC_ICS))
    meeting = Meeting.objects.get(slug="group-of-experts-quebec-city-2024")
    meeting.venue = "A venue"
    meeting.save()
    (after,) = events(client.get(QUEBEC_ICS))
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["LOCATION"]) == "A venue, Quebec City, Canada"
    assert after.decoded("DTSTAMP") >= before.decoded("DTSTAMP")


def test_a_one_day_event_ends_the_next_day(client, reference_data):
    (event,) = events(client.get("/meetings/conference-day-quebec-city-2024.ics"))
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        datetime.date(2024, 5, 27),
        datetime.date(2024, 5, 28),
    )


def test_a_session_carries_its_label_in_the_summary(client, reference_data):
    (event,) = events(client.get("/meetings/18-igc.ics"))
    assert str(event["SUMMARY"]) == "18.IGC: 18th session of the Intergovernmental Committee"


def test_a_meeting_without_exact_days_has_no_calendar_file(client, reference_data):
    response = client.get("/meetings/group-of-experts-paris-2024.ics")
    assert response.status_code == 404
    assert "exact days of this meeting are not known" in response.text
    assert "November 2024" in response.text


def test_the_calendar_of_all_meetings_leaves_out_those_without_exact_days(client, reference_data):
    found = events(client.get("/meetings/calendar.ics"))
    uids = {str(event["UID"]) for event in found}
    exact = Meeting.objects.with_exact_dates()
    assert uids == {f"meeting-{pk}@convention-portal" for pk in exact.values_list("pk", flat=True)}
    assert len(uids) == 4
    paris = Meeting.objects.get(slug="group-of-experts-paris-2024")
    assert f"meeting-{paris.pk}@convention-portal" not in uids


def test_the_calendar_takes_the_filters_of_the_list(client, reference_data):
    found = events(client.get("/meetings/calendar.ics", {"body": "group-of-experts-digital-environment"}))
    assert sorted(event.decoded("DTSTART") for event in found) == [
        datetime.date(2024, 5, 27),
        datetime.date(2024, 5, 28),
    ]
    found = events(client.get("/meetings/calendar.ics", {"kind": "ordinary_session", "year": 2025}))
    assert sorted(str(event["SUMMARY"]) for event in found) == [
        "10.CP: 10th session of the Conference of Parties",
        "18.IGC: 18th session of the Intergovernmental Committee",
    ]
    assert events(client.get("/meetings/calendar.ics", {"country": "KEN"})) == []


def test_the_calendar_refuses_filters_it_does_not_understand(client, reference_data):
    response = client.get("/meetings/calendar.ics", {"year": "next"})
    assert response.status_code == 400
    assert "Year" in response.text


def test_the_list_links_to_the_calendar_with_its_filters(client, reference_data):
    response = client.get("/meetings/", {"body": "intergovernmental-committee", "page": "1"})
    assert 'href="/meetings/calendar.ics?body=intergovernmental-committee"' in response.text
