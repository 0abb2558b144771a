"""Rows per second and peak memory of the CSV export of every published measure, through Django's test client.

The process first exports an empty result (imports, URL resolution and the database connection are set up once
per server process, not per export), then exports everything `--repeat` times and prints each run and the median.

DATABASE_URL=postgres://... python -m bench.export_csv --repeat 3
"""

import argparse
import os
import resource
import statistics
import sys
import time


def export_all(client):
    """(rows, bytes, seconds) of one export of every published measure."""
    started = time.perf_counter()
    response = client.get("/measures/export.csv")
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\r\n")  # csv ends records with CRLF; texts hold bare LF
        size += len(chunk)
    return rows - 1, size, time.perf_counter() - started  # less the header


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="exports of everything, after the warm-up")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    b"".join(client.get("/measures/export.csv?q=zzzqqqxxx").streaming_content)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor}")
    speeds = []
    for _ in range(args.repeat):
        rows, size, seconds = export_all(client)
        speeds.append(rows / seconds)
        print(f"rows: {rows:,}; size: {size / 1e6:.1f} MB; time: {seconds:.2f} s; {rows / seconds:,.0f} rows/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"median: {statistics.median(speeds):,.0f} rows/s")
    print(f"peak memory of the process: {peak:.0f} MB (before the first export: {before:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
