"""Build `measures/data/world-110m.json`, the world map's country shapes, from world-atlas's TopoJSON (run once).

The source is `countries-110m.json` of the npm package world-atlas 2 (Natural Earth's 1:110m Admin 0 countries,
public domain; the package is under the ISC licence). Nothing is fetched here nor at run time:

    cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    .venv/bin/python manage.py build_world_map /tmp/package/countries-110m.json

The TopoJSON arcs are decoded here (delta-encoded, quantised), each country's rings are projected with the Equal
Earth projection (measures.world_map.project) and written as an SVG path in a 1000-unit-wide frame, with one
decimal and relative moves, so the file stays small. Each shape carries its ISO 3166-1 numeric id and the alpha-3
code pycountry gives for it (empty where there is none: Kosovo, Northern Cyprus, Somaliland), and whether it is
too small to be seen or clicked on the map (`small`). Antarctica is left out: it is no State.
"""

import json
from pathlib import Path

import pycountry
from django.core.management.base import BaseCommand, CommandError

from measures.world_map import DATA_PATH, MAP_WIDTH, SMALL_SHAPE_AREA, project

#: Left out of the map: no State (Antarctica).
LEFT_OUT = {"010"}


def decode_arcs(topology):
    """The arcs as lists of (longitude, latitude), undoing the quantisation and the delta encoding."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        points, x, y = [], 0, 0
        for point in arc:
            if transform:
                x, y = x + point[0], y + point[1]
                (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((point[0], point[1]))
        arcs.append(points)
    return arcs


def ring_points(arcs, indexes):
    """A ring's points from its arc indexes (~i: arc i reversed); each arc after the first starts where the last
    ended, so that point is not repeated."""
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def across_antimeridian(points):
    """A ring as one or two copies: world-atlas stitched the rings Natural Earth cut at ±180° (Russia, Fiji), so a
    ring may jump from 179° to -179°. Its longitudes are made continuous (beyond ±180° where it crosses), and a
    ring that goes beyond is drawn again shifted by 360°: the frame clips what falls outside."""
    unwrapped, shift = [], 0
    for index, (longitude, latitude) in enumerate(points):
        if index:
            step = longitude + shift - unwrapped[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        unwrapped.append((longitude + shift, latitude))
    copies = [unwrapped]
    if max(longitude for longitude, _latitude in unwrapped) > 180:
        copies.append([(longitude - 360, latitude) for longitude, latitude in unwrapped])
    if min(longitude for longitude, _latitude in unwrapped) < -180:
        copies.append([(longitude + 360, latitude) for longitude, latitude in unwrapped])
    return copies


def polygons_of(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def path_of(rings):
    """An SVG path from projected rings: M to the first point, then relative moves with one decimal."""
    parts = []
    for ring in rings:
        rounded = [(round(x * 10), round(y * 10)) for x, y in ring]
        kept = [point for index, point in enumerate(rounded) if index == 0 or point != rounded[index - 1]]
        if len(kept) < 3:
            continue
        (x0, y0), moves = kept[0], []
        previous = kept[0]
        for x, y in kept[1:]:
            moves.append(f"{tenths(x - previous[0])} {tenths(y - previous[1])}")
            previous = (x, y)
        parts.append(f"M{tenths(x0)} {tenths(y0)}l" + " ".join(moves) + "z")
    return "".join(parts)


def tenths(value):
    """An integer number of tenths written as briefly as SVG reads it: 12 → "1.2", -5 → "-.5", 30 → "3"."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def alpha3_of(numeric):
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return country.alpha_3 if country else ""


def build(topology):
    arcs = decode_arcs(topology)
    shapes, top, bottom = [], float("inf"), float("-inf")
    projected_shapes = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        numeric = geometry.get("id") or ""
        if numeric in LEFT_OUT:
            continue
        rings = [
            [project(longitude, latitude) for longitude, latitude in copy]
            for polygon in polygons_of(geometry)
            for ring in polygon
            for copy in across_antimeridian(ring_points(arcs, ring))
        ]
        if not rings:
            continue
        ys = [y for ring in rings for _x, y in ring]
        top, bottom = min(top, min(ys)), max(bottom, max(ys))
        projected_shapes.append((numeric, geometry.get("properties", {}).get("name", ""), rings))
    # The frame: the full width of the world, from the northernmost to the southernmost point drawn.
    for numeric, name, rings in projected_shapes:
        rings = [[(x, y - top) for x, y in ring] for ring in rings]
        xs = [x for ring in rings for x, _y in ring]
        ys = [y for ring in rings for _x, y in ring]
        shapes.append(
            {
                "numeric": numeric,
                "iso3": alpha3_of(numeric),
                "name": name,
                "small": (max(xs) - min(xs)) * (max(ys) - min(ys)) < SMALL_SHAPE_AREA,
                "path": path_of(rings),
            }
        )
    shapes.sort(key=lambda shape: (shape["iso3"] or "~", shape["name"]))
    return {
        "source": "world-atlas 2 countries-110m.json (Natural Earth 1:110m Admin 0, public domain)",
        "projection": "Equal Earth",
        "width": MAP_WIDTH,
        "height": round(bottom - top, 1),
        "shapes": shapes,
    }


class Command(BaseCommand):
    help = "Build measures/data/world-110m.json from world-atlas's countries-110m.json (TopoJSON)."

    def add_arguments(self, parser):
        parser.add_argument("topojson", help="Path to world-atlas's countries-110m.json")
        parser.add_argument("--output", default=str(DATA_PATH))

    def handle(self, *args, topojson, output, **options):
        try:
            topology = json.loads(Path(topojson).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {topojson}: {error}") from error
        data = build(topology)
        Path(output).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(data['shapes'])} shapes written to {output} ({Path(output).stat().st_size} bytes)")
