"""Lighthouse's four scores (performance, accessibility, best practices, SEO) on the main public pages, in English
and French, as a table page × category.

Prints figures, never pass/fail. The portal is served as in production (gunicorn, debug off, the static files
collected and served by WhiteNoise) on 127.0.0.1, from a SQLite database of its own holding the reference data
and the demo sample of `make run` (var/audit/portal.sqlite3 unless --database names another; made on the first
run, kept for the next). Lighthouse runs with its defaults (a mid-range phone on a slow 4G network, simulated)
in Debian's Chromium, one page at a time so that no run slows another's performance figures:

    LIGHTHOUSE=$(make -s lighthouse) python -m bench.audit      # or `make audit`

Below the table, every audit that keeps a category under 100, with the elements it names.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.load import Gunicorn, get, port_is_free

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LANGUAGE_PREFIXES = {"en": "", "fr": "/fr"}
# Name → English address; "measure" is filled in with a published measure of the reference data.
PAGES = {
    "home": "/",
    "measures": "/measures/",
    "measure": None,
    "parties": "/parties/",
    "party": "/parties/can/",
    "map": "/map/",
    "statistics": "/stats/",
    "reports": "/reports/",
    "meetings": "/meetings/",
    "about": "/about/",
}
DEMO_MEASURES = 2000


def manage(database_url, *arguments):
    subprocess.run(
        [sys.executable, "manage.py", *arguments, "--verbosity", "0"],
        cwd=PROJECT_DIR,
        env={**os.environ, "DATABASE_URL": database_url, "DJANGO_LOG_LEVEL": "WARNING"},
        check=True,
    )


def prepare_database(database_url):
    """The database `make run` makes: migrations, reference data, the demo sample (once)."""
    manage(database_url, "migrate", "--noinput")
    manage(database_url, "load_reference_data")
    manage(database_url, "generate_demo_data", "--measures", str(DEMO_MEASURES), "--seed", "1", "--unless-present")


def reference_measure_path(database_url):
    """A published measure of the reference data (a real one, not the demo sample's)."""
    code = (
        "from measures.models import Measure;"
        "print(Measure.objects.published().filter(is_synthetic=False).order_by('pk').first().get_absolute_url())"
    )
    completed = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=PROJECT_DIR,
        env={**os.environ, "DATABASE_URL": database_url, "DJANGO_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip().splitlines()[-1]


def run_lighthouse(command, url, attempts=2):
    """Lighthouse's report on `url`, or None with the reason on stderr. A run now and then fails to record the
    page's trace (NO_NAVSTART, NO_FCP): the next one, in a fresh Chromium, does not."""
    for attempt in range(1, attempts + 1):
        report, error = lighthouse_once(command, url)
        if report is not None:
            return report
        print(f"Lighthouse on {url}, attempt {attempt}: {error}", file=sys.stderr, flush=True)
    return None


def lighthouse_once(command, url):
    completed = subprocess.run(
        [
            command,
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--quiet",
            "--disable-full-page-screenshot",
            "--chrome-flags=--headless=new --no-sandbox",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if completed.returncode != 0:
        return None, completed.stderr[-3000:]
    report = json.loads(completed.stdout)
    if report.get("runtimeError"):
        return None, report["runtimeError"]
    return report, None


def score(report, category):
    value = report["categories"][category]["score"]
    return None if value is None else round(value * 100)


def failures(report, category):
    """Each audit that costs `category` points, with the elements it names."""
    lines = []
    for reference in report["categories"][category]["auditRefs"]:
        audit = report["audits"][reference["id"]]
        if reference["weight"] == 0 or audit["score"] is None or audit["score"] >= 1:
            continue
        value = f" ({audit['displayValue']})" if audit.get("displayValue") else ""
        lines.append(f"    {audit['id']}: {audit['title']}{value}")
        for item in ((audit.get("details") or {}).get("items") or [])[:5]:
            node = item.get("node") or {}
            detail = node.get("snippet") or item.get("url") or item.get("source") or ""
            if detail:
                lines.append(f"      {str(detail)[:200]}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8102)
    parser.add_argument("--database", type=Path, default=PROJECT_DIR / "var" / "audit" / "portal.sqlite3")
    parser.add_argument("--page", action="append", choices=list(PAGES), help="Only these pages (repeatable).")
    parser.add_argument("--reports", type=Path, help="Also write each Lighthouse report (JSON) in this folder.")
    arguments = parser.parse_args()

    command = os.environ.get("LIGHTHOUSE", "")
    if not command or not os.access(command, os.X_OK):
        raise SystemExit("Set LIGHTHOUSE to the Lighthouse command: LIGHTHOUSE=$(make -s lighthouse)")
    if not port_is_free(arguments.port):
        raise SystemExit(f"127.0.0.1:{arguments.port} is in use; choose another port with --port.")

    arguments.database.parent.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{arguments.database.resolve()}"
    prepare_database(database_url)
    pages = {name: path for name, path in PAGES.items() if not arguments.page or name in arguments.page}
    if "measure" in pages:
        pages["measure"] = reference_measure_path(database_url)
    if arguments.reports:
        arguments.reports.mkdir(parents=True, exist_ok=True)

    os.environ["DATABASE_URL"] = database_url
    rows, problems, benchmarks = [], [], []
    load_before = os.getloadavg()[0]
    with Gunicorn(arguments.port, workers=2) as server:
        base = f"http://127.0.0.1:{server.port}"
        for name, path in pages.items():
            for language, prefix in LANGUAGE_PREFIXES.items():
                address = f"{prefix}{path}"
                status = get(server.port, address)
                if status != 200:
                    rows.append((name, language, address, [f"HTTP {status}"] * len(CATEGORIES)))
                    continue
                report = run_lighthouse(command, base + address)
                if report is None:
                    rows.append((name, language, address, ["failed"] * len(CATEGORIES)))
                    continue
                if arguments.reports:
                    (arguments.reports / f"{name}-{language}.json").write_text(json.dumps(report))
                benchmarks.append(report["environment"]["benchmarkIndex"])
                version = report["lighthouseVersion"]
                scores = [score(report, category) for category in CATEGORIES]
                rows.append((name, language, address, scores))
                print(f"{name} ({language}): {scores}", file=sys.stderr, flush=True)
                for category, value in zip(CATEGORIES, scores, strict=True):
                    if value != 100:
                        problems.append(f"{address} {category} {value}:")
                        problems.extend(failures(report, category))

    # Performance depends on the machine's speed at the time (Lighthouse's CPU benchmark) more than the others.
    if benchmarks:
        print(
            f"Lighthouse {version}, {os.cpu_count()} cores, load average "
            f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after, CPU benchmark index "
            f"{min(benchmarks):.0f}–{max(benchmarks):.0f}\n"
        )
    print("| Page | Language | Address | Performance | Accessibility | Best practices | SEO |")
    print("|---|---|---|---:|---:|---:|---:|")
    for name, language, address, scores in rows:
        print(f"| {name} | {language} | `{address}` | " + " | ".join(str(value) for value in scores) + " |")
    if problems:
        print("\nBelow 100:")
        print("\n".join(problems))


if __name__ == "__main__":
    main()
