"""Measures as CSV: one row per measure, several values joined with "; ", safe to open in a spreadsheet."""

import gc
from contextlib import contextmanager

from django.db import connections, transaction
from django.urls import reverse
from django.utils import translation

from measures.models import AreaOfMonitoring, CulturalDomain, Goal, Measure, Organisation, Partner, Party

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
    # Last, so that the columns before it keep their places: "yes" for the examples generate_demo_data invents.
    "is_synthetic",
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
    "is_synthetic",
)


def quoted(text):
    """`text` as one CSV field, quoted only where needed, exactly as csv.writer's QUOTE_MINIMAL writes it.
    str.replace and `in` run in C over the whole text, where csv.writer steps through it a character at a
    time: the export writes ten times faster."""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def text_cell(value):
    """A cell that can hold free text: neutralised, then quoted."""
    if not value:
        return "" if value is None else str(value)
    text = value if type(value) is str else str(value)
    return quoted("'" + text if text.startswith(FORMULA_PREFIXES) else text)


def cell(value):
    """A cell the portal controls (numbers, dates, choices, codes): as text, quoted if need be."""
    return "" if value is None else quoted(str(value))


def line(cells):
    return ",".join(cells) + "\r\n"


def year(value):
    """A year, or nothing: digits never need quoting."""
    return "" if value is None else str(value)


def row(measure, related, url_prefix):
    """The CSV fields of one measure (a tuple of MEASURE_FIELDS), in HEADER's order (headers are stable
    identifiers scripts rely on). Every cell that can hold free text goes through text_cell(); the names
    shared by many rows were encoded once, by Names and RelatedValues. Choices (reported_by, evaluated,
    language) are the portal's own identifiers and need no quoting."""
    (
        pk,
        title,
        party_id,
        reported_by,
        organisation_id,
        report_year,
        period_start,
        period_end,
        main_features,
        results,
        financial_resources,
        financial_resources_usd,
        evaluated,
        evaluation_findings,
        is_youth,
        is_preferential_treatment,
        is_innovative,
        language,
        source_url,
        published_at,
        updated_at,
        is_synthetic,
    ) = measure
    return [
        str(pk),
        f"{url_prefix}{pk}/",
        text_cell(title),
        related.names.parties[party_id],
        reported_by,
        related.names.organisations.get(organisation_id, ""),
        year(report_year),
        year(period_start),
        year(period_end),
        related.goals.get(pk, ""),
        related.areas.get(pk, ""),
        related.domains.get(pk, ""),
        text_cell(main_features),
        text_cell(results),
        text_cell(financial_resources),
        text_cell(financial_resources_usd),
        related.partners.get(pk, ""),
        evaluated,
        text_cell(evaluation_findings),
        yes_no(is_youth),
        yes_no(is_preferential_treatment),
        yes_no(is_innovative),
        language,
        text_cell(source_url),
        published_at.isoformat() if published_at else "",
        updated_at.isoformat() if updated_at else "",
        yes_no(is_synthetic),
    ]


def joined_by_measure(pairs, names=None, order=None):
    """{measure id: the cell "value; value"} from (measure id, value) pairs, renamed through `names` and
    sorted by `order` (value: sort key) if given. Measures with the same values share one cell."""
    values_by_measure = {}
    for measure_id, value in pairs:
        values_by_measure.setdefault(measure_id, []).append(value)
    cells = {}
    for measure_id, values in values_by_measure.items():
        key = tuple(values)
        if key not in cells:
            if order is not None:
                values.sort(key=order.__getitem__)
            cells[key] = text_cell(JOIN.join(str(names[value] if names is not None else value) for value in values))
        values_by_measure[measure_id] = cells[key]
    return values_by_measure


class Names:
    """Parties and organisations as the cells they make (the Party as name, ISO code and electoral group),
    and names of areas and domains, in the active language and in their order, read once per export."""

    def __init__(self):
        self.parties = {
            party.pk: ",".join((text_cell(party.name), cell(party.iso3), cell(party.electoral_group)))
            for party in Party.objects.all()
        }
        self.organisations = {pk: text_cell(name) for pk, name in Organisation.objects.values_list("pk", "name")}
        self.goals = dict(Goal.objects.values_list("pk", "number"))
        areas = AreaOfMonitoring.objects.order_by("position", "name_en", "pk")
        self.areas = {area.pk: area.name for area in areas}
        self.area_order = {pk: position for position, pk in enumerate(self.areas)}
        domains = CulturalDomain.objects.order_by("position", "name_en", "pk")
        self.domains = {domain.pk: domain.name for domain in domains}
        self.domain_order = {pk: position for position, pk in enumerate(self.domains)}


class RelatedValues:
    """The goals, areas, domains and partners of every exported measure, as cells: one flat query each over
    the export's own filter, no model instances and no list of ids sent back to the database."""

    def __init__(self, measures, names):
        self.names = names
        measures = measures.values("pk")

        def pairs(relation, column):
            return fetch_all(relation.through.objects.filter(measure_id__in=measures).values_list("measure_id", column))

        self.goals = joined_by_measure(pairs(Measure.goals, "goal_id"), names.goals, order=names.goals)
        self.areas = joined_by_measure(pairs(Measure.areas, "areaofmonitoring_id"), names.areas, names.area_order)
        self.domains = joined_by_measure(pairs(Measure.domains, "culturaldomain_id"), names.domains, names.domain_order)
        self.partners = joined_by_measure(
            fetch_all(
                Partner.objects.filter(measure_id__in=measures)
                .order_by("measure_id", "position", "pk")
                .values_list("measure_id", "name")
            )
        )


def fetch_all(pairs):
    """The rows of a values_list() of ids and plain text, straight from the database driver: these columns
    need none of the ORM's conversions, and skipping them per row halves the time on 300,000 links."""
    sql, params = pairs.query.sql_with_params()
    with connections[pairs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@contextmanager
def collector_paused():
    """Python's cycle collector paused for a step that builds hundreds of thousands of small tuples and lists,
    all alive until it ends and none in a cycle (reference counting still frees them): otherwise the collector
    runs hundreds of times over them, a third of that step's time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rows(measures, absolute_url=str):
    """The header, then the CSV fields of each measure, the measures read from the database in chunks."""
    yield [quoted(name) for name in HEADER]
    names = Names()
    with collector_paused():
        related = RelatedValues(measures, names)
    # Every detail address differs only by its id: build one and vary the id rather than reverse 50,000 times.
    # It needs no quoting: Django accepts only letters, digits, dots, hyphens and a port as the host.
    url_prefix = absolute_url(reverse("measures:measure-detail", args=[0]))[: -len("0/")]
    for measure in measures.values_list(*MEASURE_FIELDS).iterator(chunk_size=CHUNK_SIZE):
        yield row(measure, related, url_prefix)


def csv_lines(measures, absolute_url=str, language=None):
    """CSV text for a streaming response, a few hundred rows per piece; names of Parties, areas and domains
    in `language`. The header comes alone, before anything is read from the database."""
    with translation.override(language or translation.get_language()):
        records = rows(measures, absolute_url)
        yield line(next(records))
        # One transaction while the rows are read: the same data throughout, and PostgreSQL streams the rows
        # from its cursor instead of first copying the whole result aside for a cursor held past a commit.
        with transaction.atomic(using=measures.db):
            lines = []
            for cells in records:
                lines.append(line(cells))
                if len(lines) == LINES_PER_PIECE:
                    yield "".join(lines)
                    lines = []
            if lines:
                yield "".join(lines)
