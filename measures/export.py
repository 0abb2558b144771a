"""Measures as CSV: one row per measure, several values joined with "; ", safe to open in a spreadsheet."""

import gc
from contextlib import contextmanager
from operator import call, itemgetter

from django.db import connections, transaction
from django.urls import reverse
from django.utils import translation

from core.downloads import FORMULA_PREFIXES
from measures.columns import EXPORTED
from measures.models import AreaOfMonitoring, CulturalDomain, Goal, Measure, Organisation, Partner, Party

CHUNK_SIZE = 2000
LINES_PER_PIECE = 500
JOIN = "; "


def neutralise(value):
    """The cell as text, with a leading apostrophe where a spreadsheet would otherwise run it as a formula."""
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def yes_no(value):
    return "yes" if value else "no"


HEADER = [column.name for column in EXPORTED]
#: The measure's own fields the rows read, as plain tuples: no model instances, for speed.
MEASURE_FIELDS = tuple(dict.fromkeys(column.read.field for column in EXPORTED))


def quoted(text):
    """`text` as one CSV field, quoted only where needed, exactly as csv.writer's QUOTE_MINIMAL writes it.
    str.replace and `in` run in C over the whole text, where csv.writer steps through it a character at a
    time (docs/performance.md has the export's figures)."""
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


def timestamp(value):
    return value.isoformat() if value else ""


class Blank(dict):
    """Cells by key, empty for a key without one."""

    def __missing__(self, key):
        return ""


class Cells:
    """The converters of one export, by the names the columns' `read.cell` give (measures/columns.py): each
    turns the value of the column's `read.field` into the cell. Every cell that can hold free text goes through
    text_cell(); the names shared by many rows were encoded once, by Names and RelatedValues. Choices
    (reported_by, evaluated, language) are the portal's own identifiers and need no quoting."""

    def __init__(self, related, url_prefix):
        self.code = str
        self.text = text_cell
        self.year = year
        self.flag = yes_no
        self.timestamp = timestamp
        # Every detail address differs only by its id. It needs no quoting: Django accepts only letters,
        # digits, dots, hyphens and a port as the host.
        self.url = (url_prefix.replace("{", "{{").replace("}", "}}") + "{}/").format
        names = related.names
        self.party = names.parties.__getitem__
        self.party_iso3 = names.party_codes.__getitem__
        self.electoral_group = names.electoral_groups.__getitem__
        self.organisation = names.organisations.__getitem__
        self.goals = related.goals.__getitem__
        self.areas = related.areas.__getitem__
        self.domains = related.domains.__getitem__
        self.partners = related.partners.__getitem__

    def converter(self, column):
        """The converter of `column` (measures/columns.py): the one its `read.cell` names."""
        return getattr(self, column.read.cell)

    def row_maker(self):
        """A function from a tuple of MEASURE_FIELDS to the measure's CSV fields, in HEADER's order (headers
        are stable identifiers scripts rely on), each field through its column's converter."""
        converters = [self.converter(column) for column in EXPORTED]
        values_in_column_order = itemgetter(*(MEASURE_FIELDS.index(column.read.field) for column in EXPORTED))

        def row(measure):
            return list(map(call, converters, values_in_column_order(measure)))

        return row


def joined_by_measure(pairs, names=None, order=None, text=text_cell):
    """{measure id: the cell "value; value"} from (measure id, value) pairs, renamed through `names` and
    sorted by `order` (value: sort key) if given, the cell made by `text`. Measures with the same values share
    one cell."""
    values_by_measure = Blank()
    for measure_id, value in pairs:
        values_by_measure.setdefault(measure_id, []).append(value)
    cells = {}
    for measure_id, values in values_by_measure.items():
        key = tuple(values)
        if key not in cells:
            if order is not None:
                values.sort(key=order.__getitem__)
            cells[key] = text(JOIN.join(str(names[value] if names is not None else value) for value in values))
        values_by_measure[measure_id] = cells[key]
    return values_by_measure


class Names:
    """Parties and organisations as the cells they make (the Party as name, ISO code and electoral group),
    and names of areas and domains, in the active language and in their order, read once per export. Names
    become cells through `text`, codes through `code` (the CSV's by default; the XLSX export gives its own)."""

    def __init__(self, text=text_cell, code=cell):
        parties = Party.objects.all()
        self.parties = {party.pk: text(party.name) for party in parties}
        self.party_codes = {party.pk: code(party.iso3) for party in parties}
        self.electoral_groups = {party.pk: code(party.electoral_group) for party in parties}
        # Through the attribute, which gives the active language's name (falling back to English).
        self.organisations = Blank(
            (organisation.pk, text(organisation.name)) for organisation in Organisation.objects.all()
        )
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

    def __init__(self, measures, names, text=text_cell):
        self.names = names
        measures = measures.values("pk")

        def pairs(relation, column):
            return fetch_all(relation.through.objects.filter(measure_id__in=measures).values_list("measure_id", column))

        self.goals = joined_by_measure(pairs(Measure.goals, "goal_id"), names.goals, names.goals, text)
        self.areas = joined_by_measure(pairs(Measure.areas, "areaofmonitoring_id"), names.areas, names.area_order, text)
        self.domains = joined_by_measure(
            pairs(Measure.domains, "culturaldomain_id"), names.domains, names.domain_order, text
        )
        self.partners = joined_by_measure(
            fetch_all(
                Partner.objects.filter(measure_id__in=measures)
                .order_by("measure_id", "position", "pk")
                .values_list("measure_id", "name")
            ),
            text=text,
        )


def fetch_all(pairs):
    """The rows of a values_list() of ids and plain text, straight from the database driver: these columns
    need none of the ORM's conversions, which would otherwise run once per link."""
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


def detail_url_prefix(absolute_url=str):
    """The address of a measure's page without its id: every detail address differs only by its id, so one is
    built and the id varied rather than reversed 50,000 times."""
    return absolute_url(reverse("measures:measure-detail", args=[0]))[: -len("0/")]


def measure_tuples(measures):
    """The MEASURE_FIELDS of each measure as a plain tuple, read from the database in chunks."""
    return measures.values_list(*MEASURE_FIELDS).iterator(chunk_size=CHUNK_SIZE)


def rows(measures, absolute_url=str):
    """The header, then the CSV fields of each measure, the measures read from the database in chunks."""
    yield [quoted(name) for name in HEADER]
    names = Names()
    with collector_paused():
        related = RelatedValues(measures, names)
    row = Cells(related, detail_url_prefix(absolute_url)).row_maker()
    for measure in measure_tuples(measures):
        yield row(measure)


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
