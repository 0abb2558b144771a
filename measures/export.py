"""Measures as CSV: one row per measure, several values joined with "; ", safe to open in a spreadsheet."""

import csv

from django.urls import reverse
from django.utils import translation

from measures.models import AreaOfMonitoring, CulturalDomain, Measure, Organisation, Partner, Party

CHUNK_SIZE = 2000
LINES_PER_PIECE = 500
JOIN = "; "
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as text, with a leading apostrophe where a spreadsheet would otherwise run it as a formula."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def yes_no(value):
    return "yes" if value else "no"


HEADER = [
    "id",
    "url",
    "title",
    "party",
    "party_iso3",
    "electoral_group",
    "reported_by",
    "organisation",
    "report_year",
    "period_start",
    "period_end",
    "goals",
    "areas",
    "domains",
    "main_features",
    "results",
    "financial_resources",
    "financial_resources_usd",
    "partners",
    "evaluated",
    "evaluation_findings",
    "youth",
    "preferential_treatment",
    "innovative_practice",
    "language",
    "source_url",
    "published_at",
    "updated_at",
]
#: The measure's own columns the rows read, as plain dicts: no model instances, for speed.
MEASURE_FIELDS = (
    "pk",
    "title",
    "party_id",
    "reported_by",
    "organisation_id",
    "report_year",
    "period_start",
    "period_end",
    "main_features",
    "results",
    "financial_resources",
    "financial_resources_usd",
    "evaluated",
    "evaluation_findings",
    "is_youth",
    "is_preferential_treatment",
    "is_innovative",
    "language",
    "source_url",
    "published_at",
    "updated_at",
)


def row(m, related, url_prefix):
    """The cells of one measure, in HEADER's order (headers are stable identifiers scripts rely on).
    Every cell that can hold free text goes through neutralise()."""
    pk = m["pk"]
    party = related.names.parties[m["party_id"]]
    return [
        pk,
        neutralise(f"{url_prefix}{pk}/"),
        neutralise(m["title"]),
        neutralise(party.name),
        party.iso3,
        party.electoral_group,
        m["reported_by"],
        neutralise(related.names.organisations.get(m["organisation_id"], "")),
        m["report_year"],
        m["period_start"],
        m["period_end"],
        related.goals.get(pk, ""),
        neutralise(related.areas.get(pk, "")),
        neutralise(related.domains.get(pk, "")),
        neutralise(m["main_features"]),
        neutralise(m["results"]),
        neutralise(m["financial_resources"]),
        neutralise(m["financial_resources_usd"]),
        neutralise(related.partners.get(pk, "")),
        m["evaluated"],
        neutralise(m["evaluation_findings"]),
        yes_no(m["is_youth"]),
        yes_no(m["is_preferential_treatment"]),
        yes_no(m["is_innovative"]),
        m["language"],
        neutralise(m["source_url"]),
        m["published_at"].isoformat() if m["published_at"] else "",
        m["updated_at"].isoformat() if m["updated_at"] else "",
    ]


def joined_by_measure(pairs, names=None):
    """{measure id: "value; value"} from (measure id, value) pairs in order, renamed through `names` if given."""
    values = {}
    for measure_id, value in pairs:
        values.setdefault(measure_id, []).append(str(names[value] if names is not None else value))
    return {measure_id: JOIN.join(items) for measure_id, items in values.items()}


class Names:
    """Parties, organisation names, and names of areas and domains in the active language, read once per export."""

    def __init__(self):
        self.parties = {party.pk: party for party in Party.objects.all()}
        self.organisations = dict(Organisation.objects.values_list("pk", "name"))
        self.areas = {area.pk: area.name for area in AreaOfMonitoring.objects.all()}
        self.domains = {domain.pk: domain.name for domain in CulturalDomain.objects.all()}


class RelatedValues:
    """The goals, areas, domains and partners of one chunk of measures, already joined: one flat query each,
    no model instances, so a large export stays fast and its memory flat."""

    def __init__(self, measure_ids, names):
        self.names = names

        def pairs(relation, value, *order):
            through = relation.through.objects.filter(measure_id__in=measure_ids)
            return through.order_by("measure_id", *order, "pk").values_list("measure_id", value)

        self.goals = joined_by_measure(pairs(Measure.goals, "goal__number", "goal__number"))
        self.areas = joined_by_measure(
            pairs(Measure.areas, "areaofmonitoring_id", "areaofmonitoring__position", "areaofmonitoring__name_en"),
            names.areas,
        )
        self.domains = joined_by_measure(
            pairs(Measure.domains, "culturaldomain_id", "culturaldomain__position", "culturaldomain__name_en"),
            names.domains,
        )
        self.partners = joined_by_measure(
            Partner.objects.filter(measure_id__in=measure_ids)
            .order_by("measure_id", "position", "pk")
            .values_list("measure_id", "name")
        )


class Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


def chunks(measures, size):
    chunk = []
    for measure in measures.values(*MEASURE_FIELDS).iterator(chunk_size=size):
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
    for chunk in chunks(measures, CHUNK_SIZE):
        related = RelatedValues([measure["pk"] for measure in chunk], names)
        for measure in chunk:
            yield row(measure, related, url_prefix)


def csv_lines(measures, absolute_url=str, language=None):
    """CSV text for a streaming response, a few hundred rows per piece; names of Parties, areas and domains
    in `language`. The header comes alone, before anything is read from the database."""
    writer = csv.writer(Echo())
    with translation.override(language or translation.get_language()):
        lines = []
        for cells in rows(measures, absolute_url):
            lines.append(writer.writerow(cells))
            if len(lines) == LINES_PER_PIECE or cells is HEADER:
                yield "".join(lines)
                lines = []
        if lines:
            yield "".join(lines)
