"""Server time of a periodic report's page and of its PDF (measures/directory/report_pages.py), through Django's test
client, for a report of a given number of published measures made for the run and rolled back after it.

Prints figures, never pass/fail. All are measured cold: the page cache is emptied before every request, as for the
first visitor after a change (both are page-cached afterwards). The PDF twice: made (its stored document forgotten
before each request, as after a change to the report, when the worker has not made it again yet) and served as
stored (measures/directory/report_documents.py). Each figure is given as elapsed time and as this process's
CPU time (the server's work without the database's), which a machine shared with other work inflates less. Run
against a database holding the reference data:

    DATABASE_URL=postgres://... python -m bench.report_pdf --measures 100
"""

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time

VOCABULARY = (
    "access artist audience book cinema creative cultural culture design digital diversity festival film fund "
    "gender heritage industry law media mobility music network policy programme publishing radio rights support "
    "television theatre training youth"
)
WORDS = VOCABULARY.split()


def paragraphs(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text.capitalize() + "."


def make_report(measure_count, seed=1):
    """A Party of its own with a submitted report in the latest cycle and `measure_count` published measures of it,
    a third reported by civil society, each in one to three areas."""
    from measures.models import (
        AreaOfMonitoring,
        CulturalDomain,
        Measure,
        Organisation,
        Party,
        PeriodicReport,
        ReportingCycle,
    )

    rng = random.Random(seed)
    cycle = ReportingCycle.objects.filter(year__lte=2024).order_by("-year").first()
    party = Party.objects.create(iso3="ZZB", name_en="Benchland", name_fr="Benchlande", name_es="Benchlandia")
    PeriodicReport.objects.create(
        party=party, cycle=cycle, status=PeriodicReport.Status.SUBMITTED, submission_year=2024
    )
    organisation = Organisation.objects.create(name="Bench coalition", slug="bench-coalition", kind="civil_society")
    areas, domains = list(AreaOfMonitoring.objects.all()), list(CulturalDomain.objects.all())
    for number in range(measure_count):
        civil = number % 3 == 0
        measure = Measure.objects.create(
            title=f"Synthetic example: bench measure {number:03d} " + paragraphs(rng, 6),
            party=party,
            report_year=cycle.year,
            reported_by=Measure.ReportedBy.CIVIL_SOCIETY if civil else Measure.ReportedBy.PARTY,
            organisation=organisation if civil else None,
            period_start=cycle.year - 3,
            main_features=paragraphs(rng, rng.randint(80, 220)),
            results=paragraphs(rng, rng.randint(40, 140)),
            financial_resources="1,000,000 USD",
            language=rng.choice(["en", "fr", "es"]),
            status=Measure.Status.PUBLISHED,
            is_synthetic=True,
        )
        measure.areas.set(rng.sample(areas, rng.randint(1, 3)))
        measure.domains.set(rng.sample(domains, rng.randint(1, 2)))
    return party, cycle


def timed(client, url, repeat):
    from django.core.cache import cache

    client.get(url)  # warm-up: connection, templates, fonts
    timings, cpu_timings = [], []
    for _ in range(repeat):
        cache.clear()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu_started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), statistics.median(cpu_timings), response


def made_pdf(client, url, repeat):
    """Median time of the PDF when it must be made: the stored documents forgotten before each request."""
    from django.core.cache import cache

    from measures.models import ReportDocument

    timings, cpu_timings = [], []
    for _ in range(repeat):
        cache.clear()
        ReportDocument.objects.all().delete()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu_started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings), statistics.median(cpu_timings)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=5, help="requests per figure (median), after one warm-up")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-report-pdf-")  # the stored PDFs, not kept
    client = Client()
    with transaction.atomic():
        party, cycle = make_report(args.measures)
        base = f"/parties/{party.slug}/reports/{cycle.year}/"
        page, page_cpu, _ = timed(client, base, args.repeat)
        made, made_cpu = made_pdf(client, f"{base}report.pdf", args.repeat)
        pdf, pdf_cpu, response = timed(client, f"{base}report.pdf", args.repeat)
        from io import BytesIO

        from pypdf import PdfReader

        pages = len(PdfReader(BytesIO(response.content)).pages)
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(
            f"report of {args.measures} published measures ({connection_vendor()}), median of {args.repeat}, cold; "
            f"load average {load}"
        )
        print(f"| page | {page * 1000:.0f} ms (CPU {page_cpu * 1000:.0f} ms) |")
        size = f"{len(response.content) / 1024:.0f} KiB, {pages} pages"
        print(f"| PDF made (after a change to the report) | {made:.2f} s (CPU {made_cpu:.2f} s) | {size} |")
        print(
            f"| PDF served as stored (nothing changed) | {pdf * 1000:.0f} ms (CPU {pdf_cpu * 1000:.0f} ms) | {size} |"
        )
        transaction.set_rollback(True)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def connection_vendor():
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
