"""Charts drawn on the server as inline SVG (templates/measures/_dir_chart.html), each with its figures in a table:
the statistics page, the Party profiles and their comparison."""

import math

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

CHART_WIDTH = 720

# The SVG elements of each bar, tick and column, written here rather than by a loop of _dir_chart.html: hundreds of
# elements a page, each a dozen lookups for the template engine. Coordinates are written as Python writes numbers
# (never localized: the template's {% localize off %}), the figures as the page's language writes them; each
# element is preceded by the same line break and indentation as the template's.
BAR = (
    '\n      <text x="0" y="{label_y}" class="dir-chart__label">{label}</text>'
    '\n      <rect x="0" y="{y}" width="{width}" height="{height}" class="dir-chart__bar"/>'
    '\n      <text x="{value_x}" y="{value_y}" class="dir-chart__value">{value}</text>\n      '
)
TICK = (
    '\n      <line x1="{left}" x2="{right}" y1="{y}" y2="{y}" class="dir-chart__grid"/>'
    '\n      <text x="{tick_x}" y="{text_y}" text-anchor="end" class="dir-chart__value">{value}</text>\n      '
)
COLUMN = (
    '\n      <rect x="{x}" y="{y}" width="{width}" height="{height}" class="dir-chart__bar"/>\n      {label}\n      '
)
COLUMN_LABEL = '<text x="{label_x}" y="{label_y}" text-anchor="middle" class="dir-chart__label">{label}</text>'


def figure(number):
    """A figure as the page's language writes it (the template's |localize)."""
    return formats.localize(number, use_l10n=True)


def bar_chart(values):
    """Geometry of a horizontal bar chart (label above each bar) for `values`, a list of (label, number)."""
    label_height, bar_height, gap, value_room = 18, 16, 14, 64
    row_height = label_height + bar_height + gap
    largest = max((number for _label, number in values), default=0) or 1
    bars = []
    for index, (label, number) in enumerate(values):
        top = 4 + index * row_height
        width = round(number / largest * (CHART_WIDTH - value_room), 1)
        bars.append(
            {
                "label": Truncator(str(label)).chars(90),
                "label_y": top + 13,
                "y": top + label_height,
                "width": width,
                "height": bar_height,
                "value": number,
                "value_x": width + 6,
                "value_y": top + label_height + 13,
            }
        )
    markup = "".join(
        BAR.format(**{**bar, "label": escape(bar["label"]), "value": escape(figure(bar["value"]))}) for bar in bars
    )
    return {"width": CHART_WIDTH, "height": 4 + len(values) * row_height, "bars": bars, "markup": mark_safe(markup)}


def column_chart(values, max_labels=12):
    """Geometry of a column chart for `values`, a list of (label, number) in order (years)."""
    left, right, top, bottom, height = 48, 8, 16, 28, 260
    plot_width, plot_height = CHART_WIDTH - left - right, height - top - bottom
    largest = max((number for _label, number in values), default=0)
    scale = largest or 1
    slot = plot_width / max(len(values), 1)
    every = max(1, math.ceil(len(values) / max_labels))
    columns = []
    for index, (label, number) in enumerate(values):
        column_height = round(number / scale * plot_height, 1)
        x = left + index * slot
        columns.append(
            {
                "x": round(x + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(top + plot_height - column_height, 1),
                "height": column_height,
                "label": label,
                "value": number,
                "label_x": round(x + slot / 2, 1),
                "show_label": index % every == 0 or index == len(values) - 1,
            }
        )
    ticks = [
        {"value": value, "y": y, "text_y": y + 4}
        for value in sorted({0, math.ceil(largest / 2), largest})
        for y in [round(top + plot_height - value / scale * plot_height, 1)]
    ]
    axis = {"left": left, "tick_x": left - 6, "right": CHART_WIDTH - right, "label_y": height - 8}
    tick_markup = "".join(TICK.format(**{**axis, **tick, "value": escape(figure(tick["value"]))}) for tick in ticks)
    column_markup = "".join(
        COLUMN.format(
            **{
                **column,
                "label": COLUMN_LABEL.format(**{**axis, **column, "label": escape(column["label"])})
                if column["show_label"]
                else "",
            }
        )
        for column in columns
    )
    return {
        "width": CHART_WIDTH,
        "height": height,
        "columns": columns,
        "ticks": ticks,
        "tick_markup": mark_safe(tick_markup),
        "column_markup": mark_safe(column_markup),
        "baseline": top + plot_height,
        **axis,
    }


def chart(
    key,
    title,
    label_header,
    values,
    links,
    kind="bars",
    headers=None,
    extra_cells=None,
    note="",
    note_link=None,
):
    """A chart's geometry and its table: one row per value, the label linking to the matching records.

    `note` says what the chart leaves out; `note_link`, {"text", "url"}, lists those records.
    """
    rows = []
    for index, ((label, number), url) in enumerate(zip(values, links, strict=True)):
        cells = [number, *(extra_cells[index] if extra_cells else [])]
        rows.append({"label": label, "url": url, "cells": cells})
    return {
        "id": f"chart-{key}",
        "title": title,
        "label_header": label_header,
        "kind": kind,
        "svg": bar_chart(values) if kind == "bars" else column_chart(values),
        "headers": headers or [_("Published measures")],
        "rows": rows,
        "note": note,
        "note_link": note_link,
    }
