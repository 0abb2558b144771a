"""What every download of ours shares: a byte-order mark for CSV, a file name that says what it holds and when, the
first characters that make a spreadsheet run a cell, and the answer to filters that could not be read."""

from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext

#: At the start of a CSV, it tells spreadsheet programs (Excel first) that the file is UTF-8: without it they
#: read "Québec" as "QuÃ©bec". Programs reading CSV as data skip it (Python: the "utf-8-sig" codec).
BYTE_ORDER_MARK = "\ufeff"
#: Filters summarised in a file name up to this length; beyond, the name says only that the list was filtered.
SUMMARY_LENGTH = 60
#: A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def with_byte_order_mark(pieces):
    """The pieces of a streamed CSV, the first one behind the byte-order mark."""
    pieces = iter(pieces)
    yield BYTE_ORDER_MARK + next(pieces, "")
    yield from pieces


def filename(stem, extension, filters=(), today=None):
    """`measures-2026-12-04.csv`, or with the filters in use where they are short: `measures-2026-12-04-goal-1.csv`.

    `filters` are (name, value) pairs; the date is the day of extraction, in the portal's time zone.
    """
    day = (today or timezone.localdate()).isoformat()
    summary = slugify("-".join(f"{name}-{value}" for name, value in filters))
    if len(summary) > SUMMARY_LENGTH:
        summary = "filtered"
    return f"{stem}-{day}{'-' + summary if summary else ''}.{extension}"


def attachment(response, name):
    """Send `response` as a download named `name`."""
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def bad_filters_response(errors):
    """400, in plain text, with each filter that could not be read and why: a download never guesses what was meant."""
    lines = [gettext("These filters could not be read:")]
    for name, messages in errors.items():
        lines.extend(f"{name}: {message}" for message in messages)
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
