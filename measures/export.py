"""Measures as CSV: one row per measure, several values joined with "; ", safe to open in a spreadsheet."""

import csv

from django.utils import translation

CHUNK_SIZE = 2000
JOIN = "; "
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as text, with a leading apostrophe where a spreadsheet would otherwise run it as a formula."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def joined(items):
    return JOIN.join(str(item) for item in items)


def yes_no(value):
    return "yes" if value else "no"


# (column header, value for one measure). Headers are stable identifiers, so scripts can rely on them.
COLUMNS = (
    ("title", lambda m: m.title),
    ("party", lambda m: m.party.name),
    ("party_iso3", lambda m: m.party.iso3),
    ("electoral_group", lambda m: m.party.electoral_group),
    ("reported_by", lambda m: m.reported_by),
    ("organisation", lambda m: m.organisation.name if m.organisation_id else ""),
    ("report_year", lambda m: m.report_year),
    ("period_start", lambda m: m.period_start),
    ("period_end", lambda m: m.period_end),
    ("goals", lambda m: joined(goal.number for goal in m.goals.all())),
    ("areas", lambda m: joined(area.name for area in m.areas.all())),
    ("domains", lambda m: joined(domain.name for domain in m.domains.all())),
    ("main_features", lambda m: m.main_features),
    ("results", lambda m: m.results),
    ("financial_resources", lambda m: m.financial_resources),
    ("financial_resources_usd", lambda m: m.financial_resources_usd),
    ("partners", lambda m: joined(partner.name for partner in m.partners.all())),
    ("evaluated", lambda m: m.evaluated),
    ("evaluation_findings", lambda m: m.evaluation_findings),
    ("youth", lambda m: yes_no(m.is_youth)),
    ("preferential_treatment", lambda m: yes_no(m.is_preferential_treatment)),
    ("innovative_practice", lambda m: yes_no(m.is_innovative)),
    ("language", lambda m: m.language),
    ("source_url", lambda m: m.source_url),
    ("published_at", lambda m: m.published_at.isoformat() if m.published_at else ""),
    ("updated_at", lambda m: m.updated_at.isoformat() if m.updated_at else ""),
)


class Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def rows(measures, absolute_url=str):
    """The header, then one list of cells per measure, reading the database in chunks."""
    yield ["id", "url", *(header for header, _value in COLUMNS)]
    measures = measures.select_related("party", "organisation").prefetch_related(
        "goals", "areas", "domains", "partners"
    )
    for measure in measures.iterator(chunk_size=CHUNK_SIZE):
        yield [
            measure.pk,
            neutralise(absolute_url(measure.get_absolute_url())),
            *(neutralise(value(measure)) for _header, value in COLUMNS),
        ]


def csv_lines(measures, absolute_url=str, language=None):
    """CSV lines for a streaming response; names of Parties, areas and domains in `language`."""
    writer = csv.writer(Echo())
    with translation.override(language or translation.get_language()):
        for row in rows(measures, absolute_url):
            yield writer.writerow(row)
