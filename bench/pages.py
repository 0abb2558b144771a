"""Server time and query count of the portal's list pages and of the admin, through Django's test client.

Prints figures, never pass/fail. Each public page is measured twice:

- cold: the cache is emptied before every request, so the page is rendered from the database each time
  (what the first visitor after a change waits for);
- warm: the page cache and facet cache as a visitor finds them once someone has asked for that address.

The API is never page-cached; the admin is measured signed in as a secretariat reviewer. Run against a
database holding the reference data and synthetic measures (see README "Performance"):

    DATABASE_URL=postgres://... python -m bench.pages --repeat 30
"""

import argparse
import os
import statistics
import sys
import time

PAGES = [
    ("no filter", "/measures/"),
    ("goal + region", "/measures/?goal=1&region=Va"),
    ("q, common word", "/measures/?q=culture"),
    ("q=music", "/measures/?q=music"),
    ("q=heritage", "/measures/?q=heritage"),
    ("q, two common words", "/measures/?q=music+festival"),
    ("q=creative economy", "/measures/?q=creative+economy"),
    ("q, word + region", "/measures/?q=music&region=Va"),
    ("q, rare word", "/measures/?q=Guanajuato"),
    ("q=music, by title", "/measures/?q=music&sort=title"),
    ("rare word, newest first", "/measures/?q=Guanajuato&sort=-year"),
    ("q=music, page 30", "/measures/?q=music&page=30"),
    ("Party + year range", "/measures/?party=FRA&year_from=2015&year_to=2020"),
    ("deep page", "/measures/?page=500"),
    ("French, goal + region", "/fr/measures/?goal=1&region=Va"),
    ("API list", "/api/v1/measures/"),
    ("API list, q=music", "/api/v1/measures/?q=music"),
    ("API, q=music by title", "/api/v1/measures/?q=music&sort=title"),
    ("API, deep page", "/api/v1/measures/?page=1000"),
    ("statistics", "/stats/"),
    ("statistics, q=music", "/stats/?q=music"),
    ("map, q=music", "/map/?show=filtered&q=music"),
    ("Parties", "/parties/"),
    ("reporting status", "/reports/"),
    ("meetings", "/meetings/"),
]

ADMIN_PAGES = [
    ("changelist", "measures/measure/"),
    ("changelist, filtered", "measures/measure/?status__exact=submitted&reported_by__exact=civil_society"),
    ("changelist, search", "measures/measure/?q=festival"),
]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(client, url, repeat, before_each=None):
    """(median ms, p95 ms, queries of the last request, status) over `repeat` requests after one warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm-up: connection, templates, and for warm figures the caches
    timings = []
    for _ in range(repeat):
        if before_each:
            before_each()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), percentile(timings, 0.95), len(queries), response.status_code


def reviewer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import REVIEWERS

    user, _created = get_user_model().objects.get_or_create(username="bench-reviewer", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=REVIEWERS))
    return user


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="requests per URL (after one warm-up)")
    parser.add_argument("--only", metavar="TEXT", help="only the public pages whose label or address contains TEXT")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    os.environ.setdefault("API_ANON_RATE", "1000000/min")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from measures.models import Measure

    user = reviewer()  # before measuring: creating it empties the page cache
    client = Client()
    print(f"database: {connection.vendor}; published measures: {Measure.objects.published().count():,}")
    print(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; {args.repeat} requests per figure")
    print()
    print(f"{'page':<24} {'cold median':>11} {'p95':>7} {'queries':>7}   {'warm median':>11} {'p95':>7} {'queries':>7}")
    for label, url in PAGES:
        if args.only and args.only not in label and args.only not in url:
            continue
        cold = measure(client, url, args.repeat, before_each=cache.clear)
        warm = measure(client, url, args.repeat)
        status = "" if cold[3] == warm[3] == 200 else f"  status {cold[3]}/{warm[3]}"
        print(
            f"{label:<24} {cold[0]:>8.1f} ms {cold[1]:>7.1f} {cold[2]:>7}   "
            f"{warm[0]:>8.1f} ms {warm[1]:>7.1f} {warm[2]:>7}{status}"
        )

    if args.only:
        return 0
    admin = Client()
    admin.force_login(user)
    print()
    print("admin, signed in as a secretariat reviewer (never cached)")
    print(f"{'page':<24} {'median':>11} {'p95':>7} {'queries':>7}")
    for label, path in ADMIN_PAGES:
        median, p95, queries, status = measure(admin, f"/{settings.ADMIN_URL}{path}", args.repeat)
        print(f"{label:<24} {median:>8.1f} ms {p95:>7.1f} {queries:>7}{'' if status == 200 else f'  status {status}'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
