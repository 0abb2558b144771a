"""Server time and query count of the portal's list pages, measured through Django's test client.

Prints figures, never pass/fail. Run against a database holding the reference data and synthetic
measures (see README "Performance"):

    DATABASE_URL=postgres://... python -m bench.pages --repeat 30
"""

import argparse
import os
import statistics
import sys
import time

URLS = [
    ("no filter", "/measures/"),
    ("goal + region", "/measures/?goal=1&region=Va"),
    ("q, common word", "/measures/?q=culture"),
    ("q, rare word", "/measures/?q=Guanajuato"),
    ("Party + year range", "/measures/?party=FRA&year_from=2015&year_to=2020"),
    ("deep page", "/measures/?page=500"),
    ("French, goal + region", "/fr/measures/?goal=1&region=Va"),
    ("API list", "/api/v1/measures/"),
    ("statistics", "/stats/"),
    ("Parties", "/parties/"),
    ("reporting status", "/reports/"),
    ("meetings", "/meetings/"),
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per URL (after one warm-up)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    os.environ.setdefault("API_ANON_RATE", "1000000/min")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from measures.models import Measure

    client = Client()
    print(f"database: {connection.vendor}; published measures: {Measure.objects.published().count():,}")
    print(f"{'page':<24} {'median ms':>10} {'p95 ms':>8} {'queries':>8}  status")
    for label, url in URLS:
        client.get(url)  # warm-up: connection, templates, caches
        timings = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
        print(
            f"{label:<24} {statistics.median(timings):>10.1f} {percentile(timings, 0.95):>8.1f} "
            f"{len(queries):>8}  {response.status_code}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
