"""The experts app's real reference data (governing bodies, expert groups, meetings, outcomes).

Loaded by `manage.py load_reference_data` after the measures app's data (it needs Parties and
organisations). Every record is keyed on its slug and updated in place, so a second run changes nothing.
"""

import datetime
import json
from pathlib import Path

from core.translation import columns_from
from experts.models import Body, Meeting, MeetingOrganiser, MeetingTopic, Outcome
from measures.models import Organisation, Party

REFERENCE_JSON = Path(__file__).resolve().parent / "data" / "reference.json"


def parse_date(value):
    return datetime.date.fromisoformat(value) if value else None


def load():
    """Load everything; return a one-line summary."""
    data = json.loads(REFERENCE_JSON.read_text(encoding="utf-8"))
    bodies = load_bodies(data["bodies"])
    meetings = load_meetings(data["meetings"])
    outcomes = load_outcomes(data["outcomes"])
    return f"{bodies} bodies, {meetings} meetings, {outcomes} outcomes"


def load_bodies(items):
    for item in items:
        Body.objects.update_or_create(
            slug=item["slug"],
            defaults={
                **columns_from(item, "name", "short_name", "aliases", "mandate", "description"),
                "kind": item["kind"],
                "session_code": item["session_code"],
                "planned_members": item["planned_members"],
            },
        )
    for item in items:
        convened_by = Body.objects.get(slug=item["convened_by"]) if item["convened_by"] else None
        Body.objects.filter(slug=item["slug"]).update(convened_by=convened_by)
    return len(items)


def load_meetings(items):
    for item in items:
        meeting = Meeting.objects.filter(slug=item["slug"]).first() or Meeting(slug=item["slug"])
        fields = {
            **columns_from(item, "title", "city", "description"),
            "body": Body.objects.get(slug=item["body"]),
            "kind": item["kind"],
            "session_number": item["session_number"],
            "start_date": parse_date(item["start_date"]),
            "end_date": parse_date(item["end_date"]),
            "year": item["year"],
            "month": item["month"],
            "country": Party.objects.get(slug=item["country"]) if item["country"] else None,
            "parent": Meeting.objects.get(slug=item["parent"]) if item["parent"] else None,
        }
        changed = meeting.pk is None or any(getattr(meeting, name) != value for name, value in fields.items())
        if changed:
            # Saved only when something changed, so that `updated_at` (the calendar files' DTSTAMP) stays put.
            for name, value in fields.items():
                setattr(meeting, name, value)
            meeting.full_clean()
            meeting.save()
        load_organisers(meeting, item["organisers"])
        load_topics(meeting, item["topics"])
    return len(items)


def load_organisers(meeting, items):
    for position, item in enumerate(items, start=1):
        MeetingOrganiser.objects.update_or_create(
            meeting=meeting,
            organisation=Organisation.objects.get(slug=item["organisation"]),
            defaults={**columns_from(item, "note"), "role": item["role"], "position": position},
        )


def load_topics(meeting, titles):
    for position, title in enumerate(titles, start=1):
        MeetingTopic.objects.update_or_create(
            meeting=meeting, position=position, defaults=columns_from({"title": title}, "title")
        )


def load_outcomes(items):
    for item in items:
        Outcome.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "kind": item["kind"],
                "body": Body.objects.get(slug=item["body"]) if item["body"] else None,
                "meeting": Meeting.objects.get(slug=item["meeting"]) if item["meeting"] else None,
                "part_of": Outcome.objects.get(slug=item["part_of"]) if item["part_of"] else None,
                **columns_from(item, "title", "text"),
                "number": item["number"],
                "year": item["year"],
                "month": item["month"],
                "status": item["status"],
            },
        )
    for item in items:
        if item["follows_up"]:
            outcome = Outcome.objects.get(slug=item["slug"])
            outcome.follows_up.add(*Outcome.objects.filter(slug__in=item["follows_up"]))
    return len(items)
