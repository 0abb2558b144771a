"""Rows per second and peak memory of the XLSX download of every published measure, through Django's test client.

The process first downloads an empty result (imports, URL resolution and the database connection are set up once
per server process, not per download), then downloads everything `--repeat` times and prints each run and the
median, with the process's peak resident memory. Then, traced by tracemalloc (slower: its time is not a figure),
the peak of Python's own allocations while one download is built, for everything and for a tenth of it: written
row by row to a temporary file, the workbook should not hold its rows in memory, so the two peaks stay close.

The download is saved to a file as a browser would, and its rows counted from the workbook's About sheet (openpyxl in
read-only mode reads that first sheet only).

DATABASE_URL=postgres://... python -m bench.export_xlsx --repeat 3
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc

#: A filter that keeps about a tenth of the synthetic measures (the demo data spreads them over years).
A_TENTH = "report_year=2020"


def counted_rows(file):
    """The number of rows the About sheet of the workbook in `file` gives (the first sheet: read-only mode reads
    nothing else)."""
    from openpyxl import load_workbook

    book = load_workbook(file, read_only=True)
    try:
        return next(row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0] == "Rows")
    finally:
        book.close()


def download(client, query=""):
    """(rows, bytes, seconds) of one XLSX download of the published measures matching `query`."""
    started = time.perf_counter()
    response = client.get(f"/measures/export.xlsx{'?' + query if query else ''}")
    with tempfile.TemporaryFile() as file:
        size = received(response, file)
        seconds = time.perf_counter() - started
        return counted_rows(file), size, seconds


def received(response, file):
    """Write the response's content to `file` as a client saving it would, and give its size."""
    size = 0
    for chunk in response.streaming_content:
        file.write(chunk)
        size += len(chunk)
    file.seek(0)
    return size


def traced_peak(client, query=""):
    """(rows, peak MB of Python allocations) while one download is built."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    response = client.get(f"/measures/export.xlsx{'?' + query if query else ''}")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with tempfile.TemporaryFile() as file:
        received(response, file)  # sent from its temporary file, after the trace
        return counted_rows(file), peak / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="downloads of everything, after the warm-up")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    download(client, "q=zzzqqqxxx")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor}")
    speeds = []
    for _ in range(args.repeat):
        rows, size, seconds = download(client)
        speeds.append(rows / seconds)
        print(f"rows: {rows:,}; size: {size / 1e6:.1f} MB; time: {seconds:.2f} s; {rows / seconds:,.0f} rows/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"median: {statistics.median(speeds):,.0f} rows/s")
    print(f"peak memory of the process: {peak:.0f} MB (before the first download: {before:.0f} MB)")
    for label, query in (("everything", ""), (f"a tenth ({A_TENTH})", A_TENTH)):
        rows, traced = traced_peak(client, query)
        print(f"peak of Python allocations while building, {label}: {traced:.1f} MB for {rows:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
