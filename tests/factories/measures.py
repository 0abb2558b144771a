"""Builders for test records of the measures app; each returns a saved object with sensible defaults."""

import itertools

from measures.models import Goal, Measure, Organisation, Party

_counter = itertools.count(1)


def make_party(**fields):
    number = next(_counter)
    defaults = {"name_en": f"Party {number}", "iso3": f"Q{number:02d}"[-3:].upper()}
    defaults.update(fields)
    return Party.objects.create(**defaults)


def make_organisation(**fields):
    number = next(_counter)
    defaults = {"name": f"Organisation {number}", "slug": f"organisation-{number}", "kind": "civil_society"}
    defaults.update(fields)
    return Organisation.objects.create(**defaults)


def make_measure(party=None, **fields):
    defaults = {
        "title": f"Measure {next(_counter)}",
        "party": party or make_party(),
        "reported_by": Measure.ReportedBy.PARTY,
        "language": "en",
    }
    defaults.update(fields)
    return Measure.objects.create(**defaults)


def make_goal(number, **fields):
    return Goal.objects.create(number=number, name_en=fields.pop("name_en", f"Goal {number}"), **fields)
