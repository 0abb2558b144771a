"""Builders for test records of the experts app; each returns a saved object with sensible defaults."""

import itertools

from experts.models import Body, Expert, Meeting, Membership, Outcome

_counter = itertools.count(1)


def make_body(**fields):
    number = next(_counter)
    defaults = {"kind": Body.Kind.EXPERT_GROUP, "name": f"Body {number}", "slug": f"body-{number}"}
    defaults.update(fields)
    return Body.objects.create(**defaults)


def make_meeting(body=None, **fields):
    """A meeting; give start_date (and end_date) for exact days, or year (and month) when only those are known."""
    number = next(_counter)
    defaults = {
        "body": body or make_body(),
        "title": f"Meeting {number}",
        "slug": f"meeting-{number}",
        "kind": Meeting.Kind.EXPERT_MEETING,
    }
    defaults.update(fields)
    if defaults.get("start_date") and not defaults.get("end_date"):
        defaults["end_date"] = defaults["start_date"]
    return Meeting.objects.create(**defaults)


def make_outcome(body=None, **fields):
    number = next(_counter)
    defaults = {"kind": Outcome.Kind.RECOMMENDATION, "slug": f"outcome-{number}"}
    defaults.update(fields)
    if body is None and "meeting" not in fields:
        body = make_body()
    return Outcome.objects.create(body=body, **defaults)


def make_expert(**fields):
    defaults = {"name": f"Expert {next(_counter)}"}
    defaults.update(fields)
    return Expert.objects.create(**defaults)


def make_membership(body, expert, **fields):
    return Membership.objects.create(body=body, expert=expert, **fields)
