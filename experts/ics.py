"""Meetings as iCalendar (RFC 5545): one all-day event per meeting whose exact days are known."""

import datetime

import icalendar

from core.validators import strip_control_characters

PRODUCT_ID = "-//Convention Monitoring Portal//Meetings//EN"
UID_DOMAIN = "convention-portal"


def meeting_uid(meeting):
    """Stable across exports and edits, so calendar programs update the event instead of adding it again."""
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def text(value):
    """Record text for a TEXT property: icalendar escapes line breaks, commas and semicolons, so a value cannot
    end its line and start a property of its own; control characters, which no calendar expects, are left out."""
    return strip_control_characters(value)


def one_line(value):
    """Text for a property that icalendar writes unescaped (X-WR-CALNAME): line breaks become spaces."""
    return " ".join(text(value).split())


def meeting_event(meeting, url):
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    # Without METHOD, DTSTAMP is when the information was last revised (RFC 5545, 3.8.7.2).
    event.add("dtstamp", meeting.updated_at.astimezone(datetime.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    event.add("dtstart", meeting.start_date)
    # All-day events end on the day after the last day (the end is exclusive).
    event.add("dtend", meeting.end_date + datetime.timedelta(days=1))
    summary = meeting.title
    if meeting.session_label and meeting.session_label not in summary:
        summary = f"{meeting.session_label}: {summary}"
    event.add("summary", text(summary))
    location = ", ".join(part for part in (meeting.venue, meeting.location_display) if part)
    if location:
        event.add("location", text(location))
    if meeting.description:
        event.add("description", text(meeting.description))
    event.add("url", url)
    return event


def calendar_for(meetings, build_url, name):
    """An iCalendar file (bytes) of the meetings with exact dates; `build_url(meeting)` gives each page's address."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(name))
    for meeting in meetings:
        if meeting.has_exact_dates:
            calendar.add_component(meeting_event(meeting, build_url(meeting)))
    return calendar.to_ical()
