"""Measures as CSV: one row per measure, several values joined with "; ", safe to open in a spreadsheet."""

import csv

from django.urls import reverse
from django.utils import translation

from measures.models import AreaOfMonitoring, CulturalDomain, Measure, Partner

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


# (column header, value for one measure and the related values of its chunk). Headers are stable identifiers,
# so scripts can rely on them.
COLUMNS = (
    ("title", lambda m, r: m.title),
    ("party", lambda m, r: m.party.name),
    ("party_iso3", lambda m, r: m.party.iso3),
    ("electoral_group", lambda m, r: m.party.electoral_group),
    ("reported_by", lambda m, r: m.reported_by),
    ("organisation", lambda m, r: m.organisation.name if m.organisation_id else ""),
    ("report_year", lambda m, r: m.report_year),
    ("period_start", lambda m, r: m.period_start),
    ("period_end", lambda m, r: m.period_end),
    ("goals", lambda m, r: joined(r.goals.get(m.pk, ()))),
    ("areas", lambda m, r: joined(r.areas.get(m.pk, ()))),
    ("domains", lambda m, r: joined(r.domains.get(m.pk, ()))),
    ("main_features", lambda m, r: m.main_features),
    ("results", lambda m, r: m.results),
    ("financial_resources", lambda m, r: m.financial_resources),
    ("financial_resources_usd", lambda m, r: m.financial_resources_usd),
    ("partners", lambda m, r: joined(r.partners.get(m.pk, ()))),
    ("evaluated", lambda m, r: m.evaluated),
    ("evaluation_findings", lambda m, r: m.evaluation_findings),
    ("youth", lambda m, r: yes_no(m.is_youth)),
    ("preferential_treatment", lambda m, r: yes_no(m.is_preferential_treatment)),
    ("innovative_practice", lambda m, r: yes_no(m.is_innovative)),
    ("language", lambda m, r: m.language),
    ("source_url", lambda m, r: m.source_url),
    ("published_at", lambda m, r: m.published_at.isoformat() if m.published_at else ""),
    ("updated_at", lambda m, r: m.updated_at.isoformat() if m.updated_at else ""),
)
HEADER = ["id", "url", *(header for header, _value in COLUMNS)]


def grouped(pairs, names=None):
    """{measure id: [value, ...]} from (measure id, value) pairs, values renamed through `names` if given."""
    values = {}
    for measure_id, value in pairs:
        values.setdefault(measure_id, []).append(names[value] if names is not None else value)
    return values


class Names:
    """Names of areas and domains in the active language, read once per export."""

    def __init__(self):
        self.areas = {area.pk: area.name for area in AreaOfMonitoring.objects.all()}
        self.domains = {domain.pk: domain.name for domain in CulturalDomain.objects.all()}


class RelatedValues:
    """The goals, areas, domains and partners of one chunk of measures: one flat query each, no model
    instances, so a large export stays fast."""

    def __init__(self, measure_ids, names):
        def pairs(relation, value, *order):
            through = relation.through.objects.filter(measure_id__in=measure_ids)
            return through.order_by(*order, "pk").values_list("measure_id", value)

        self.goals = grouped(pairs(Measure.goals, "goal__number", "goal__number"))
        self.areas = grouped(
            pairs(Measure.areas, "areaofmonitoring_id", "areaofmonitoring__position", "areaofmonitoring__name_en"),
            names.areas,
        )
        self.domains = grouped(
            pairs(Measure.domains, "culturaldomain_id", "culturaldomain__position", "culturaldomain__name_en"),
            names.domains,
        )
        self.partners = grouped(
            Partner.objects.filter(measure_id__in=measure_ids)
            .order_by("position", "pk")
            .values_list("measure_id", "name")
        )


class Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def chunks(measures, size):
    chunk = []
    for measure in measures.iterator(chunk_size=size):
        chunk.append(measure)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rows(measures, absolute_url=str):
    """The header, then one list of cells per measure, reading the database in chunks."""
    yield HEADER
    names = Names()
    # Every detail address differs only by its id: build one and vary the id rather than reverse 50,000 times.
    url_prefix = absolute_url(reverse("measures:measure-detail", args=[0]))[: -len("0/")]
    for chunk in chunks(measures.select_related("party", "organisation"), CHUNK_SIZE):
        related = RelatedValues([measure.pk for measure in chunk], names)
        for measure in chunk:
            yield [
                measure.pk,
                neutralise(f"{url_prefix}{measure.pk}/"),
                *(neutralise(value(measure, related)) for _header, value in COLUMNS),
            ]


def csv_lines(measures, absolute_url=str, language=None):
    """CSV lines for a streaming response; names of Parties, areas and domains in `language`."""
    writer = csv.writer(Echo())
    with translation.override(language or translation.get_language()):
        for row in rows(measures, absolute_url):
            yield writer.writerow(row)
