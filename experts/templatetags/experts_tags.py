"""Pieces of the experts app for pages other apps own: the home page, a Party's page, a measure's page."""

from django import template
from django.utils import timezone

from core.translation import localized
from experts.models import Body, Meeting

register = template.Library()

HOME_LIMIT = 3
PARTY_LIMIT = 10


@register.inclusion_tag("experts/tags/home_meetings.html")
def home_meetings(limit=HOME_LIMIT):
    """The next meetings (soonest first) and the latest past ones: two queries."""
    today = timezone.localdate()
    meetings = Meeting.objects.select_related("body", "country")
    return {
        "upcoming": list(meetings.upcoming(today).order_by("span_start", "pk")[:limit]),
        "recent": list(meetings.past(today).order_by("-span_start", "-pk")[:limit]),
    }


@register.inclusion_tag("experts/tags/party_meetings.html")
def party_meetings(party, limit=PARTY_LIMIT):
    """Meetings held in the Party or organised by it, and the bodies with a member from it: two queries."""
    meetings = (
        Meeting.objects.held_in_or_organised_by(party).select_related("body", "country").in_calendar_order()[:limit]
    )
    bodies = Body.objects.filter(memberships__expert__country=party).distinct().order_by(localized("name"))
    return {"party": party, "meetings": list(meetings), "bodies": list(bodies)}


@register.inclusion_tag("experts/tags/measure_outcomes.html")
def measure_outcomes(measure):
    """The recommendations and decisions a measure responds to: one query."""
    outcomes = measure.outcomes.select_related("body", "meeting__body", "part_of").in_date_order()
    return {"measure": measure, "outcomes": list(outcomes)}
