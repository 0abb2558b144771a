"""Rows per second and peak memory of the bulk import of measures (imports/engine.py), for files of several sizes.

Prints figures, never pass/fail. For each size it writes a CSV file and the same rows as an XLSX file (in a
temporary directory), then measures, each in a fresh Python process of its own:

- check CSV: `engine.check` over the CSV (the validation pass; saves nothing);
- check XLSX: the same over the XLSX (openpyxl's read-only reader);
- import CSV: `engine.save` over the CSV (the import pass: every row inserted as a draft, in one transaction);

as the first secretariat user, as `manage.py import_measures` chooses it (a superuser `bench-importer` is created
for the run, and removed afterwards, when there is none). Each pass reports its own time (`Outcome.seconds`) and
its process's peak resident memory; a process that sets up Django and the importer but reads no file gives the
baseline, so that peak less baseline is what the rows cost.

The rows are synthetic and say so in their titles ("Benchmark import (synthetic) row 123: ..."): the sample
file's rows (measures/data/sample_import.csv, every column) in turn, with texts of a real measure's length
(main features 270 to 2,200 characters, 1,100 on average; results 120 to 1,400, 600 on average). They are
deleted after each size, so that sizes do not pile up (nor count as repeats of each other) and the database is
left as it was found.

The script runs `migrate` itself, and `load_reference_data` when the database has no Parties yet; give it a
database of its own:

    DATABASE_URL=sqlite:////tmp/bench-import.sqlite3 python -m bench.imports --rows 5000 50000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import python -m bench.imports --rows 5000 50000
"""

import argparse
import contextlib
import csv
import io
import json
import os
import platform
import random
import resource
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SAMPLE_FILE = PROJECT_DIR / "measures" / "data" / "sample_import.csv"
#: The start of every benchmark row's title: it marks the rows as synthetic, and finds them again to delete them.
TITLE_PREFIX = "Benchmark import (synthetic) row "
BENCH_USERNAME = "bench-importer"
#: Columns written as numbers in the XLSX file, as a spreadsheet stores a year typed into a cell.
NUMBER_COLUMNS = ("report_year", "period_start", "period_end")
PASSES = {"check-csv": "check CSV", "check-xlsx": "check XLSX", "save-csv": "import CSV"}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convention_portal.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()


# The machine -----------------------------------------------------------------------------------------------------


def cpu_model():
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def print_machine():
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, {cpu_model()}; load average {load}")


# The files -------------------------------------------------------------------------------------------------------


def sample_rows():
    with SAMPLE_FILE.open(newline="", encoding="utf-8") as sample:
        reader = csv.DictReader(sample)
        return reader.fieldnames, list(reader)


def benchmark_rows(count, seed):
    """(header, rows): `count` rows cycling through the sample's, each with its own title and long texts."""
    from measures.management.commands.generate_demo_data import TextMaker

    header, samples = sample_rows()
    text = TextMaker(random.Random(seed))

    def rows():
        for number in range(1, count + 1):
            row = dict(samples[(number - 1) % len(samples)])
            # The sample's titles read "SAMPLE (not a real measure) – topic": keep the topic, say what the row is.
            topic = row["title"].split(" – ", 1)[-1]
            row["title"] = f"{TITLE_PREFIX}{number}: {topic}"
            # The sample's own sentence first (it says the row is synthetic), then paragraphs of the portal's
            # vocabulary: the search vector and the INSERTs cost what a real measure's texts cost.
            row["main_features"] = f"{row['main_features']}\n\n{text.paragraphs(40, 185)}".strip()
            row["results"] = f"{row['results']}\n\n{text.paragraphs(20, 120)}".strip()
            yield [row[column] for column in header]

    return header, rows()


def write_files(directory, count, seed):
    """Write the same `count` rows as CSV and as XLSX; returns both paths."""
    from openpyxl import Workbook

    header, rows = benchmark_rows(count, seed)
    csv_path = Path(directory) / f"measures-{count}.csv"
    xlsx_path = Path(directory) / f"measures-{count}.xlsx"
    numbers = [header.index(column) for column in NUMBER_COLUMNS]
    # Write-only: the workbook streams to disk rather than holding every row in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("measures")
    sheet.append(header)
    with csv_path.open("w", newline="", encoding="utf-8") as csv_file:
        writer = csv.writer(csv_file)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            cells = list(row)
            for index in numbers:
                if cells[index].isdigit():
                    cells[index] = int(cells[index])
            sheet.append(cells)
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


# The database ----------------------------------------------------------------------------------------------------


def importer_username():
    """The user `manage.py import_measures` would import as, and whether it was made for this run."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    from imports.management.commands.import_measures import Command

    try:
        return Command().user(None).username, False
    except CommandError:
        get_user_model().objects.create_superuser(BENCH_USERNAME, email="", password=None)
        return BENCH_USERNAME, True


def delete_benchmark_rows():
    """Delete every measure this benchmark imported, with its links, partners and history; returns how many.

    Table by table, as `generate_demo_data --clear` does: a queryset's delete() would run the history signals
    once per measure, minutes for 50,000 rows. The rows are drafts, which no public page shows, so the page cache
    has nothing to forget.
    """
    from django.apps import apps
    from django.db import transaction

    from measures.management.commands.generate_demo_data import rows_pointing_at_measures
    from measures.models import Measure, Partner

    measures = Measure.objects.filter(title__startswith=TITLE_PREFIX)
    ids = measures.values("pk")
    history_models = [
        apps.get_model("measures", name)
        for name in ("HistoricalMeasure_areas", "HistoricalMeasure_domains", "HistoricalMeasure_goals_ticked")
    ]
    with transaction.atomic():
        count = measures.count()
        if not count:
            return 0
        # Every table is filtered by the measures' ids, so the measures themselves go last.
        tables = [(model, "measure") for model in history_models]
        tables += [(Partner.history.model, "measure"), (Measure.history.model, "id")]
        tables += list(rows_pointing_at_measures())
        for model, field in tables:
            rows = model.objects.filter(**{f"{field}__in": ids})
            rows._raw_delete(rows.db)
        measures._raw_delete(measures.db)
    return count


# One pass, in a process of its own --------------------------------------------------------------------------------


def run_child(step, username, path=None):
    """Run one pass in a fresh Python process; returns what it printed (a dict).

    A fresh process per pass: its peak memory is that pass's alone, not the largest of the run.
    """
    command = [sys.executable, "-m", "bench.imports", "--child", step, "--user", username]
    if path:
        command += ["--file", str(path)]
    # Debug off, as the task worker runs in production: with it on, Django keeps the SQL of the last 9,000 queries
    # (multi-row INSERTs of long texts), which would count in the memory measured.
    environment = dict(
        os.environ,
        DJANGO_DEBUG="off",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="off",
        DJANGO_LOG_LEVEL="WARNING",
    )
    finished = subprocess.run(command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode:
        sys.stderr.write(finished.stderr)
        raise SystemExit(f"the {step} pass failed (exit status {finished.returncode}); its stderr is above")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def peak_rss_mb():
    """This process's peak resident memory, in MB.

    VmHWM, this process's own high-water mark, rather than ru_maxrss: Linux carries ru_maxrss over a fork and an
    exec, so a child's would never read less than its parent's size when it was started.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux, bytes on macOS


def child(step, username, path):
    """The child's side: set up Django, run one pass (or none, for the baseline), print its figures as JSON."""
    setup_django()
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from imports import engine
    from imports.rows import Importer

    assert not settings.DEBUG, "run_child() turns debug off"
    importer = Importer(get_user_model().objects.get(username=username))
    figures = {}
    if step != "baseline":
        problems = 0

        def count_problem(problem):
            nonlocal problems  # counted, not kept: a list of problems would weigh on the memory measured
            problems += 1

        with open(path, "rb") as fileobj:
            if step.startswith("check"):
                outcome = engine.check(fileobj, str(path), importer, on_problem=count_problem)
            else:
                outcome = engine.save(fileobj, str(path), importer)
        figures = {
            "rows": outcome.rows,
            "rows_with_errors": outcome.rows_with_errors,
            "problems": problems,
            "imported": outcome.imported,
            "seconds": outcome.seconds,
        }
    figures["peak_mb"] = peak_rss_mb()
    print(json.dumps(figures))


# The benchmark ---------------------------------------------------------------------------------------------------


def measure_size(count, directory, username, seed):
    """Write files of `count` rows, then yield the figures of each pass over them; the rows imported are deleted
    afterwards, whatever happens."""
    csv_path, xlsx_path = write_files(directory, count, seed)
    try:
        for step, path in (("check-csv", csv_path), ("check-xlsx", xlsx_path), ("save-csv", csv_path)):
            figures = run_child(step, username, path)
            # Figures of a file that did not import whole would measure something else: say so and stop.
            if figures["rows"] != count or figures["rows_with_errors"] or figures["problems"]:
                raise SystemExit(f"{step}: the generated file did not read cleanly: {figures}")
            if step == "save-csv" and figures["imported"] != count:
                raise SystemExit(f"{step}: {figures['imported']:,} of {count:,} rows imported")
            figures.update(step=step, size_mb=path.stat().st_size / 1e6)
            yield figures
    finally:
        delete_benchmark_rows()
        csv_path.unlink(missing_ok=True)
        xlsx_path.unlink(missing_ok=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5000, 50000], help="file sizes, in rows")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the texts")
    parser.add_argument("--child", choices=["baseline", *PASSES], help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.user, args.file)
        return 0

    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from measures.models import Party

    call_command("migrate", interactive=False, verbosity=0)
    # Only into a database without it: each run of the command records one more history entry for the reference
    # data's sample measure, and the run should leave the database as it found it.
    if not Party.objects.exists():
        call_command("load_reference_data", stdout=io.StringIO())
    username, created = importer_username()
    try:
        if leftovers := delete_benchmark_rows():
            print(f"deleted {leftovers:,} benchmark rows left by an earlier run")
        print_machine()
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}); importing as {username}")
        # The children have the database to themselves while they are timed.
        connection.close()
        baseline = run_child("baseline", username)["peak_mb"]
        print()
        print(
            f"{'database':<10} {'rows':>7} {'file MB':>8} {'pass':<11} {'seconds':>8} {'rows/s':>8} "
            f"{'peak RSS MB':>11} {'baseline RSS MB':>15}"
        )
        with tempfile.TemporaryDirectory(prefix="bench-imports-") as directory:
            for count in args.rows:
                for figures in measure_size(count, directory, username, args.seed):
                    rate = figures["rows"] / figures["seconds"]
                    print(
                        f"{connection.vendor:<10} {count:>7,} {figures['size_mb']:>8.1f} "
                        f"{PASSES[figures['step']]:<11} {figures['seconds']:>8.1f} {rate:>8,.0f} "
                        f"{figures['peak_mb']:>11.0f} {baseline:>15.0f}",
                        flush=True,
                    )
    finally:
        delete_benchmark_rows()
        if created:
            get_user_model().objects.filter(username=BENCH_USERNAME).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
