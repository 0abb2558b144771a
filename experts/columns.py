"""The columns of the meetings list's downloads (CSV and XLSX), in one list.

A column's name is its CSV header, a stable English identifier: new columns go at the end. Its label heads the
XLSX column in the page's language (core/spreadsheets.py). Names and titles are read through the records'
attributes, which give the page's language. A meeting's dates are exported exactly as recorded: the year and
month always, the first and last day only where the exact days are known, never a guessed day. docs/downloads.md
shows this list (tests/downloads/test_docs.py checks it).
"""

from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import Column, attribute, choice
from experts.models import MeetingFormat, MeetingKind

#: Several organisers in one cell.
JOIN = "; "


def organisers(meeting):
    """The meeting's organisers' names (Parties and organisations), in their order."""
    return JOIN.join(str(organiser.organiser.name) for organiser in meeting.organisers.all()) or None


def month_name(meeting):
    return str(MONTHS[meeting.month]) if meeting.month else None


def page(meeting):
    return meeting.get_absolute_url()


MEETINGS = (
    Column("title", _("title"), attribute("title"), width=50, help="the meeting's title"),
    Column("session", _("session number"), attribute("session_label"), width=10, help="e.g. `18.IGC`, where numbered"),
    Column("body", _("body"), attribute("body.name"), width=40, help="the body's name"),
    Column("body_key", _("URL key"), attribute("body.slug"), in_sheet=False, help="the body's key (`body` filter)"),
    Column(
        "kind",
        _("Kind of meeting"),
        **choice("kind", MeetingKind),
        width=22,
        help="`ordinary_session`, `extraordinary_session`, `expert_meeting`, `conference_day`, `side_event`",
    ),
    Column("year", _("year"), attribute("year"), width=8, help="the year, always recorded"),
    Column(
        "month",
        _("month"),
        attribute("month"),
        shown=month_name,
        width=12,
        help="1–12 where known (the XLSX: the month's name); empty where only the year is known",
    ),
    Column(
        "start_date",
        _("first day"),
        attribute("start_date"),
        width=14,
        help="ISO date where the exact days are known; empty where only the month or year is",
    ),
    Column("end_date", _("last day"), attribute("end_date"), width=14, help="ISO date, as `start_date`"),
    Column(
        "format",
        _("format"),
        **choice("format", MeetingFormat),
        width=14,
        help="`in_person`, `online`, `hybrid`; empty where not recorded",
    ),
    Column("city", _("city"), attribute("city"), width=20, help="the city"),
    Column("country", _("country"), attribute("country.name"), width=24, help="the country's name"),
    Column(
        "country_iso3",
        _("ISO code"),
        attribute("country.iso3"),
        in_sheet=False,
        help="the country's ISO 3166-1 alpha-3 code (`country` filter)",
    ),
    Column("venue", _("venue"), attribute("venue"), width=30, help="the venue"),
    Column("organisers", _("organisers"), organisers, width=40, help="organisers' names joined with `; `"),
    Column("part_of", _("part of"), attribute("parent.title"), width=40, help="the meeting this event belongs to"),
    Column("url", _("page on the portal"), page, width=42, address=True, help="the meeting's page, absolute"),
)
