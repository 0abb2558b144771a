"""Rows per second and peak memory of the CSV export of every published measure.

DATABASE_URL=postgres://... python -m bench.export_csv
"""

import os
import resource
import sys
import time


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    client = Client()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    response = client.get("/measures/export.csv")
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\r\n")  # csv ends records with CRLF; texts hold bare LF
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows -= 1  # header
    print(f"database: {connection.vendor}")
    print(f"rows: {rows:,}; size: {size / 1e6:.1f} MB; time: {seconds:.1f} s; {rows / seconds:,.0f} rows/s")
    print(f"peak memory of the process: {peak:.0f} MB (before the export: {before:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
