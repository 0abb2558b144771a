"""Server time and query count of the pages that show the Convention at a glance, through Django's test client: the
world map (/map/) in each of its modes and its CSV, the pages with a small map, a Party profile, comparisons of
Parties and a periodic report's page. Prints figures, never pass/fail.

Each address is measured cold (the cache emptied before every request: the page is built from the database each
time). Run against a database holding the reference data and synthetic measures, as `make bench` fills it:

    DATABASE_URL=postgres://... python -m bench.at_a_glance --repeat 10
"""

import argparse
import os
import statistics
import sys
import time

from bench.pages import percentile

PAGES = [
    ("deposit", "/map/?show=deposit"),
    ("measures", "/map/?show=measures"),
    ("filtered: goal + region", "/map/?show=filtered&goal=1&region=Va"),
    ("filtered: q, common word", "/map/?show=filtered&q=culture"),
    ("reporting", "/map/?show=reporting"),
    ("French, measures", "/fr/map/?show=measures&order=-figure"),
    ("CSV, measures", "/map/data.csv?show=measures"),
    ("home (small map)", "/"),
    ("statistics (with map)", "/stats/"),
    ("Party profile", "/parties/can/"),
    ("Party profile, French", "/fr/parties/fra/"),
    ("comparison of 2", "/parties/compare/?party=CAN&party=FRA"),
    ("comparison of 4", "/parties/compare/?party=CAN&party=FRA&party=MEX&party=SEN"),
    ("report page", "/parties/can/reports/2020/"),
]


def measure(client, url, repeat, before_each):
    """(median ms, p95 ms, queries of the last request, status); a streamed download is read to its end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(repeat):
        before_each()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), percentile(timings, 0.95), len(queries), response.status_code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per URL (after one warm-up)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from measures.models import Measure, Party

    client = Client()
    published = Measure.objects.published().count()
    print(f"database: {connection.vendor}; published measures: {published:,}; Parties: {Party.objects.count()}")
    print(f"{args.repeat} requests per figure, cache emptied before each")
    print()
    print(f"{'address':<26} {'cold median':>11} {'p95':>7} {'queries':>7}")
    for label, url in PAGES:
        median, p95, queries, status = measure(client, url, args.repeat, before_each=cache.clear)
        print(f"{label:<26} {median:>8.1f} ms {p95:>7.1f} {queries:>7}{'' if status == 200 else f'  status {status}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
