"""The world map of the Parties at /map/ and its figures as CSV at /map/data.csv (the logic: measures.world_map)."""

import csv
import io

from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from core import downloads
from measures import world_map
from measures.world_map import DEFAULT_MODE, FILTERED, MODES, ORDERS

#: The CSV's columns, in English whatever the page's language.
CSV_COLUMNS = ("party", "party_iso3", "show", "value", "class", "class_label", "on_map", "url")


def chosen_mode(request):
    """(mode, error): the `show` asked for, or the default and a message when it is not one of MODES."""
    show = request.GET.get("show", "").strip().lower() or DEFAULT_MODE
    if show in MODES:
        return show, ""
    return DEFAULT_MODE, gettext("“%(value)s” is not something the map can show. Choose one of: %(choices)s.") % {
        "value": request.GET.get("show", ""),
        "choices": ", ".join(MODES),
    }


def chosen_order(request):
    """(order, error): `order=name|-name|figure|-figure` for the table, or `name` and a message."""
    order = request.GET.get("order", "").strip() or "name"
    if order.lstrip("-") in ORDERS:
        return order, ""
    return "name", gettext("“%(value)s” is not a way to sort this table; it is sorted by name.") % {"value": order}


def order_columns(order):
    """The table's sortable headers: label, aria-sort and the `order` value their link asks for."""
    columns = {}
    for key in ORDERS:
        if order == key:
            columns[key] = {"aria_sort": "ascending", "next": f"-{key}"}
        elif order == f"-{key}":
            columns[key] = {"aria_sort": "descending", "next": key}
        else:
            columns[key] = {"aria_sort": "", "next": key}
    return columns


class WorldMapView(TemplateView):
    template_name = "measures/world_map.html"

    def get(self, request, *args, **kwargs):
        self.mode, self.mode_error = chosen_mode(request)
        response = super().get(request, *args, **kwargs)
        if self.mode_error:
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        order, order_error = chosen_order(self.request)
        the_map = world_map.build_world_map(self.mode, self.request.GET)
        filter_query = the_map.filterset.query(without=["sort"]) if the_map.filterset is not None else ""
        return super().get_context_data(
            map=the_map,
            rows=world_map.sort_rows(the_map.rows, order),
            columns=order_columns(order),
            messages_shown=[message for message in (self.mode_error, order_error) if message],
            modes=world_map.mode_links(self.request.path, filter_query),
            filter_query=filter_query,
            csv_query=f"?show={self.mode}" + (f"&{filter_query.lstrip('?')}" if filter_query else ""),
            **kwargs,
        )


class WorldMapCsvView(View):
    """The map's figures, one row per Party by name; a `show` or filter that cannot be read is a 400."""

    def get(self, request):
        mode, error = chosen_mode(request)
        if error:
            return HttpResponseBadRequest(error + "\n", content_type="text/plain; charset=utf-8")
        the_map = world_map.build_world_map(mode, request.GET)
        if the_map.errors:
            return downloads.bad_filters_response(the_map.errors)
        lines = csv_lines(the_map, request.build_absolute_uri)
        response = StreamingHttpResponse(downloads.with_byte_order_mark(lines), content_type="text/csv; charset=utf-8")
        filters = list(the_map.filterset.active.items()) if mode == FILTERED else []
        return downloads.attachment(response, downloads.filename(f"map-{mode}", "csv", filters))


def csv_value(row):
    value = row.value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if row.klass.key == world_map.NOT_LISTED or value is None:
        return ""
    return value


def csv_lines(the_map, absolute_url):
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells):
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(CSV_COLUMNS)
    for row in the_map.rows:
        value = row.klass.key if the_map.mode == world_map.REPORTING else csv_value(row)
        yield line(
            [
                row.party.name,
                row.party.iso3,
                the_map.mode,
                value,
                row.klass.key,
                row.klass.label,
                "yes" if row.on_map else "no",
                absolute_url(row.party.get_absolute_url()),
            ]
        )
