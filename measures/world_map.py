"""The world map of the Parties (/map/, and smaller on the home and statistics pages): what it colours, in which
class each Party falls, and the shapes to draw, as inline SVG made on the server.

The shapes are Natural Earth's 1:110m countries (public domain), projected once with the Equal Earth projection
by `manage.py build_world_map` into `measures/data/world-110m.json`, read once per process; nothing is fetched at
run time. A Party with no shape at that scale, or one too small to see, is listed under the map with its figure;
the European Union, which has no single shape, too.

What the map shows (`show`): the Parties by period of deposit, their published measures, their measures under the
/measures/ filters (MeasureFilter), their reporting status in the current cycle (ReportStatusFilter, as /reports/
counts it). Every mode runs a fixed number of queries whatever the number of Parties.
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db.models import Count
from django.urls import reverse
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.text import folded
from measures import search
from measures.directory.filters import ReportStatusFilter
from measures.filters import MeasureFilter
from measures.models import Party, ShownReportStatus

DATA_PATH = Path(__file__).resolve().parent / "data" / "world-110m.json"
#: The map's width in SVG units; its height follows from the projection.
MAP_WIDTH = 1000
#: A shape whose bounding box is smaller than this (square SVG units) cannot be seen or clicked: listed as well.
SMALL_SHAPE_AREA = 12

DEPOSIT, MEASURES, FILTERED, REPORTING = "deposit", "measures", "filtered", "reporting"
MODES = {
    DEPOSIT: _("Parties by year of deposit"),
    MEASURES: _("Published measures per Party"),
    FILTERED: _("Measures per Party under the current filters"),
    REPORTING: _("Reporting status in the current cycle"),
}
DEFAULT_MODE = DEPOSIT

# The shapes' SVG elements, written here rather than by a loop of the maps' templates: every country's shape, each a
# dozen lookups for the template engine. Each Party's link ends with the same line break and indentation as the
# template's.
PLAIN_SHAPE = '<path d="{path}" class="map-shape map-nonparty"/>'
PARTY_SHAPE = (
    '<a href="{url}" class="map-link"><title>{title}</title><path d="{path}" class="map-shape {css}"{fill}'
    ' data-party="{slug}" data-class="{key}"/></a>\n    '
)
#: The class of the Parties whose figure is not recorded: hatched rather than coloured (MapClass.hatched).
UNKNOWN_CSS = "map-unknown"
HATCH_FILL = ' fill="url(#world-map-hatch)"'

#: Periods of deposit: (first year or None, last year or None). The Convention entered into force in 2007.
DEPOSIT_PERIODS = ((None, 2007), (2008, 2011), (2012, 2015), (2016, 2019), (2020, None))
#: Classes of a number of measures (0 is a class of its own): (lowest, highest or None).
MEASURE_BINS = ((1, 4), (5, 19), (20, 99), (100, 499), (500, None))
#: The sequential steps of the colour scale, light to dark (viridis-like; CSS classes map-step-1 … map-step-5).
STEPS = 5

NOT_A_PARTY = "not_a_party"
NOT_DOCUMENTED = "not_documented"
NOT_LISTED = "not_listed"
NONE = "none"

#: Table sorts: `order=name`, `order=-figure`…
ORDERS = ("name", "figure")

# Equal Earth (Šavrič, Patterson, Jenny 2018).
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
_X_MAX = 2 * math.sqrt(3) * math.pi / (3 * _A1)  # x at the equator, λ = π


def project(longitude, latitude):
    """(x, y) of a point with the Equal Earth projection, in a frame MAP_WIDTH wide; y grows southwards from the
    equator (the build script moves the origin to the northernmost point)."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(_M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = 2 * math.sqrt(3) * lam * math.cos(theta) / (3 * (9 * _A4 * t6 * t2 + 7 * _A3 * t6 + 3 * _A2 * t2 + _A1))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    scale = MAP_WIDTH / (2 * _X_MAX)
    return (x + _X_MAX) * scale, -y * scale


@cache
def world_shapes():
    """The map data file, read once per process."""
    return json.loads(DATA_PATH.read_text(encoding="utf-8"))


@dataclass
class MapClass:
    key: str
    label: str
    css: str
    count: int = 0

    @property
    def hatched(self):
        return self.css == UNKNOWN_CSS


@dataclass
class PartyFigure:
    """A Party's figure in the mode shown: `figure` as written, `value` to sort by, `klass` its MapClass."""

    party: Party
    figure: str
    value: object
    klass: MapClass
    on_map: bool = False
    small: bool = False

    @property
    def name(self):
        return self.party.name

    @property
    def title(self):
        return gettext("%(party)s: %(figure)s") % {"party": self.party.name, "figure": self.figure}


@dataclass
class WorldMap:
    mode: str
    title: str
    figure_header: str
    classes: list
    rows: list
    #: The shapes of the countries that are not Parties (drawn first, under the others, never focused)...
    non_party_paths: list
    #: ...then each Party's ({path, row, url}), by name: the order of keyboard focus.
    party_shapes: list
    listed: list
    width: int
    height: float
    errors: dict = field(default_factory=dict)
    filterset: object = None
    cycle: object = None
    note: str = ""

    @property
    def non_party_svg(self):
        return plain_shapes_svg(self.non_party_paths)

    @property
    def party_svg(self):
        """Each Party's shape in its class, as an SVG link to its page titled with its figure."""
        elements = []
        for shape in self.party_shapes:
            row = shape["row"]
            elements.append(
                PARTY_SHAPE.format(
                    url=escape(shape["url"]),
                    title=escape(row.title),
                    path=escape(shape["path"]),
                    css=escape(row.klass.css),
                    fill=HATCH_FILL if row.klass.hatched else "",
                    slug=escape(row.party.slug),
                    key=escape(row.klass.key),
                )
            )
        return mark_safe("".join(elements))


def plain_shapes_svg(paths):
    """Shapes drawn plainly, as the countries that are not Parties are (the world map, the locator), as SVG
    elements."""
    return mark_safe("".join(PLAIN_SHAPE.format(path=escape(path)) for path in paths))


def deposit_classes():
    classes = []
    for step, (start, end) in enumerate(DEPOSIT_PERIODS, start=1):
        if start is None:
            label = gettext("Up to %(year)s") % {"year": end}
        elif end is None:
            label = gettext("%(year)s and later") % {"year": start}
        else:
            label = gettext("%(start)s–%(end)s") % {"start": start, "end": end}
        classes.append(MapClass(f"period-{step}", label, f"map-step-{step}"))
    classes.append(MapClass(NOT_DOCUMENTED, gettext("Party, date of deposit not documented"), UNKNOWN_CSS))
    return classes


def deposit_class(classes, year):
    if year is None:
        return classes[-1]
    for klass, (start, end) in zip(classes, DEPOSIT_PERIODS, strict=False):
        if (start is None or year >= start) and (end is None or year <= end):
            return klass
    return classes[-1]  # pragma: no cover - the periods cover every year


def measure_classes():
    classes = [MapClass(NONE, gettext("No measure"), "map-zero")]
    for step, (low, high) in enumerate(MEASURE_BINS, start=1):
        if high is None:
            label = gettext("%(low)s or more") % {"low": formats.localize(low)}
        elif low == high:
            label = formats.localize(low)
        else:
            label = gettext("%(low)s–%(high)s") % {"low": formats.localize(low), "high": formats.localize(high)}
        classes.append(MapClass(f"bin-{step}", label, f"map-step-{step}"))
    return classes


def measure_class(classes, number):
    if not number:
        return classes[0]
    for klass, (low, high) in zip(classes[1:], MEASURE_BINS, strict=True):
        if number >= low and (high is None or number <= high):
            return klass
    return classes[-1]  # pragma: no cover


def reporting_classes():
    steps = {
        ShownReportStatus.EXPECTED: 1,
        ShownReportStatus.DRAFT: 2,
        ShownReportStatus.SUBMITTED: 3,
        ShownReportStatus.TRANSMITTED: 4,
        ShownReportStatus.PUBLISHED: 5,
    }
    classes = [
        MapClass(status.value, str(status.label), f"map-step-{steps[status]}" if status in steps else UNKNOWN_CSS)
        for status in ShownReportStatus
    ]
    classes.append(MapClass(NOT_LISTED, gettext("Party not counted in this cycle"), "map-zero"))
    return classes


def measures_figure(number):
    return ngettext("%(count)s published measure", "%(count)s published measures", number) % {
        "count": formats.localize(number)
    }


def parties():
    """Every Party, by name in the page's language (accents and case ignored): one query."""
    rows = Party.objects.order_by().only("pk", "iso3", "slug", "kind", "name_en", "name_fr", "name_es", "deposit_date")
    return sorted(rows, key=lambda party: (folded(party.name), party.pk))


def measure_counts(measures):
    """{party id: number of `measures`}: one query. Rows are counted (COUNT(*)), not their ids: the party index
    alone then answers for the published measures, where reading each row's id would mean reading the table."""
    measures = measures.order_by()
    with search.matches_from_index(measures):
        return dict(measures.values("party").annotate(number=Count("*")).values_list("party", "number"))


def figures_by_deposit(all_parties):
    classes = deposit_classes()
    rows = []
    for party in all_parties:
        date = party.deposit_date
        if date is None:
            rows.append(PartyFigure(party, gettext("date of deposit not documented"), None, classes[-1]))
        else:
            figure = gettext("deposited %(date)s") % {"date": formats.date_format(date, "DATE_FORMAT")}
            rows.append(PartyFigure(party, figure, date, deposit_class(classes, date.year)))
    return classes, rows


def figures_by_measures(all_parties, counts):
    classes = measure_classes()
    rows = []
    for party in all_parties:
        number = counts.get(party.pk, 0)
        rows.append(PartyFigure(party, measures_figure(number), number, measure_class(classes, number)))
    return classes, rows


def figures_by_reporting(all_parties, today=None):
    """Each Party's status in the current cycle as /reports/ shows it; a Party not counted in the cycle (it became
    a Party after its deadline) is a class of its own. (classes, rows, cycle)."""
    classes = reporting_classes()
    by_key = {klass.key: klass for klass in classes}
    statuses = ReportStatusFilter(data={}, today=today)
    cycle = statuses.selected_cycle
    recorded = {}
    if statuses.status_base is not None:
        recorded = dict(statuses.status_base.order_by().values_list("pk", "report_status"))
    order = {key: index for index, key in enumerate(by_key)}
    rows = []
    for party in all_parties:
        status = recorded.get(party.pk)
        if status is None:
            klass = by_key[NOT_LISTED]
            figure = gettext("not counted in this cycle")
        else:
            klass = by_key.get(status, by_key[ShownReportStatus.NOT_RECORDED])
            figure = klass.label
        rows.append(PartyFigure(party, figure, order[klass.key], klass))
    return classes, rows, cycle


def sort_rows(rows, order):
    """The table's rows in the order asked for (`name`, `figure`, or either with `-`); empty figures last."""
    descending = order.startswith("-")
    key = order.lstrip("-")
    if key != "figure":
        return list(reversed(rows)) if descending else list(rows)
    known = [row for row in rows if row.value is not None]
    unknown = [row for row in rows if row.value is None]
    known.sort(key=lambda row: row.value, reverse=descending)  # stable: by name within a figure
    return known + unknown


def build_world_map(mode, data=None, *, filterset=None, today=None):
    """The map for `mode` (one of MODES); `data` holds the /measures/ filters for the filtered mode (or `filterset`,
    a MeasureFilter the page already has)."""
    all_parties = parties()
    errors, cycle, note = {}, None, ""
    figure_header = gettext("Published measures")
    if mode == DEPOSIT:
        classes, rows = figures_by_deposit(all_parties)
        figure_header = gettext("Date of deposit")
    elif mode == MEASURES:
        from measures.models import Measure

        classes, rows = figures_by_measures(all_parties, measure_counts(Measure.objects.published()))
    elif mode == FILTERED:
        filterset = filterset if filterset is not None else MeasureFilter(data or {})
        errors = filterset.errors
        classes, rows = figures_by_measures(all_parties, measure_counts(filterset.queryset_without()))
        figure_header = gettext("Measures under the filters")
    else:
        classes, rows, cycle = figures_by_reporting(all_parties, today)
        figure_header = gettext("Reporting status")
        note = gettext("“Not recorded” means that the portal holds no information, not that no report was submitted.")
        if cycle is None:
            note = gettext("No reporting cycle is recorded.")

    world = world_shapes()
    shapes_by_iso3 = {shape["iso3"]: shape for shape in world["shapes"] if shape["iso3"]}
    counts = Counter(row.klass.key for row in rows)
    for klass in classes:
        klass.count = counts.get(klass.key, 0)

    party_shapes, drawn = [], set()
    for row in rows:
        shape = shapes_by_iso3.get(row.party.iso3) if row.party.iso3 else None
        if shape is not None:
            row.on_map, row.small = True, shape["small"]
            drawn.add(shape["iso3"])
            party_shapes.append({"path": shape["path"], "row": row, "url": row.party.get_absolute_url()})
    non_party_paths = [shape["path"] for shape in world["shapes"] if shape["iso3"] not in drawn]
    listed = [row for row in rows if not row.on_map or row.small]
    not_a_party = MapClass(NOT_A_PARTY, gettext("Not a Party"), "map-nonparty", len(non_party_paths))
    title = str(MODES[mode])
    if cycle is not None:
        title = gettext("Reporting status, %(year)s cycle") % {"year": cycle.year}
    return WorldMap(
        mode=mode,
        title=title,
        figure_header=figure_header,
        classes=[*classes, not_a_party],
        rows=rows,
        non_party_paths=non_party_paths,
        party_shapes=party_shapes,
        listed=listed,
        width=world["width"],
        height=world["height"],
        errors=errors,
        filterset=filterset if mode == FILTERED else None,
        cycle=cycle,
        note=note,
    )


@dataclass
class Locator:
    """A small map that marks where some Parties are (the profile, the comparison): every shape, theirs marked,
    a ring around those too small to see; `unmapped` are those with no shape at this scale (the EU among them)."""

    width: int
    height: float
    plain_paths: list
    marked: list
    rings: list
    unmapped: list
    marked_parties: list

    @property
    def plain_svg(self):
        return plain_shapes_svg(self.plain_paths)


FIRST_POINT = re.compile(r"M(-?[\d.]+)[ ,](-?[\d.]+)")


def locator(parties_to_mark):
    """The Locator of `parties_to_mark` (no query)."""
    world = world_shapes()
    wanted = {party.iso3: party for party in parties_to_mark if party.iso3}
    plain_paths, marked, rings, drawn = [], [], [], set()
    for shape in world["shapes"]:
        party = wanted.get(shape["iso3"]) if shape["iso3"] else None
        if party is None:
            plain_paths.append(shape["path"])
            continue
        drawn.add(party.pk)
        marked.append({"path": shape["path"], "party": party})
        if shape["small"]:
            x, y = FIRST_POINT.match(shape["path"]).groups()
            rings.append({"x": x, "y": y, "party": party})
    return Locator(
        width=world["width"],
        height=world["height"],
        plain_paths=plain_paths,
        marked=marked,
        rings=rings,
        unmapped=[party for party in parties_to_mark if party.pk not in drawn],
        marked_parties=[party for party in parties_to_mark if party.pk in drawn],
    )


def mode_links(base_url, query=""):
    """[{key, label, url}] for the control that switches what the map shows (plain links)."""
    links = []
    for key, label in MODES.items():
        suffix = f"&{query.lstrip('?')}" if key == FILTERED and query else ""
        links.append({"key": key, "label": label, "url": f"{base_url}?show={key}{suffix}"})
    return links


def map_url(mode=DEFAULT_MODE, query=""):
    return reverse("measures:world-map") + f"?show={mode}" + (f"&{query.lstrip('?')}" if query else "")
